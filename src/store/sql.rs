//! The SQL both backends share. SQLite accepts PostgreSQL's `$N` placeholders and both speak
//! `ON CONFLICT … DO UPDATE`, `RETURNING` and `CAST(… AS BIGINT)`, so one text serves both; this macro
//! stamps out the implementation for each concrete backend (sqlx's generic bounds would bury the queries).
//! What differs (connections, migrations, locking) lives in `sqlite.rs` and `postgres.rs`.

/// Rows per multi-row statement: under both backends' bind-parameter limits for our widest table.
pub(super) const BATCH: usize = 500;
/// Usage rows are narrow, so they go in larger batches.
pub(super) const USAGE_BATCH: usize = 1000;
/// Customers per `IN (…)` list: callers with more (detection, summary refreshes) work in chunks of this.
pub const MAX_IN_LIST: usize = 500;

macro_rules! impl_store {
    ($store:ident, $db:ty, $import:ident, $dialect:ident) => {
        use std::collections::{HashMap, HashSet};

        use async_trait::async_trait;
        use sqlx::{QueryBuilder, Transaction};
        use time::OffsetDateTime;

        use super::rows::*;
        use super::sql::{BATCH, MAX_IN_LIST, USAGE_BATCH};
        use super::{
            day_number, CustomerRecord, CustomerSummary, DetectionCounts, DetectionInput, ImportTx, NewCustomer,
            NewMember, OpportunityRow, Principal, Result, Store, Workspace,
        };
        use crate::domain::{
            Approach, Contact, CustomerId, Detection, Draft, DraftId, NewDraft, TemplateOverride, Feature, FeatureRequest, Milestone, OpportunityId, Plan,
            TeamMember, UsageDay,
        };

        /// Everything `customer_record` reads, for the customers `c` that `filter` selects ($1 is the workspace).
        fn record_sql(filter: &str) -> String {
            format!(
                "SELECT {QUALIFIED_CUSTOMER_COLUMNS}, {RECORD_SUMMARY_COLUMNS}, {contacts} AS contacts_json, \
                 {requests} AS requests_json, {milestones} AS milestones_json \
                 FROM customers c LEFT JOIN usage_summaries s ON s.customer_id = c.id \
                 LEFT JOIN opportunities o ON o.customer_id = c.id AND o.status IN {OPEN_STATUSES} \
                 WHERE c.workspace_id = $1 AND {filter} ORDER BY c.name, c.id",
                contacts = $dialect::CONTACTS_JSON,
                requests = $dialect::REQUESTS_JSON,
                milestones = $dialect::MILESTONES_JSON,
            )
        }

        /// Adds `AND c.id IN (…)` for a list (callers keep lists to `MAX_IN_LIST`).
        fn push_customer_filter(qb: &mut QueryBuilder<'_, $db>, ws: i64, only: Option<&[CustomerId]>) {
            qb.push("c.workspace_id = ").push_bind(ws);
            if let Some(ids) = only {
                qb.push(" AND c.id IN (");
                let mut list = qb.separated(", ");
                for id in ids {
                    list.push_bind(id.0);
                }
                if ids.is_empty() {
                    list.push("NULL");
                }
                qb.push(")");
            }
        }

        async fn usage_summaries(
            conn: &mut <$db as sqlx::Database>::Connection,
            ws: i64,
            only: Option<&[CustomerId]>,
        ) -> Result<Vec<UsageRow>> {
            let mut qb = QueryBuilder::<$db>::new(format!(
                "SELECT {SUMMARY_COLUMNS} FROM usage_summaries s JOIN customers c ON c.id = s.customer_id WHERE "
            ));
            push_customer_filter(&mut qb, ws, only);
            Ok(qb.build_query_as::<UsageRow>().fetch_all(&mut *conn).await?)
        }

        async fn delete_for_customers(
            tx: &mut Transaction<'static, $db>,
            table: &str,
            ids: &[CustomerId],
        ) -> Result<()> {
            for chunk in ids.chunks(BATCH) {
                let mut qb = QueryBuilder::<$db>::new(format!("DELETE FROM {table} WHERE customer_id IN ("));
                let mut list = qb.separated(", ");
                for id in chunk {
                    list.push_bind(id.0);
                }
                qb.push(")");
                qb.build().execute(&mut **tx).await?;
            }
            Ok(())
        }

        pub struct $import {
            tx: Transaction<'static, $db>,
            ws: i64,
            now: OffsetDateTime,
            store: $store,
        }

        impl $import {
            /// Marks the workspace's catalog as changed, so that cached copies are reloaded.
            async fn bump_catalog(&mut self, nothing_changes: bool) -> Result<()> {
                if !nothing_changes {
                    sqlx::query("UPDATE workspaces SET catalog_version = catalog_version + 1 WHERE id = $1")
                        .bind(self.ws)
                        .execute(&mut *self.tx)
                        .await?;
                }
                Ok(())
            }
        }

        #[async_trait]
        impl ImportTx for $import {
            async fn upsert_features(&mut self, features: &[Feature]) -> Result<()> {
                self.bump_catalog(features.is_empty()).await?;
                for chunk in features.chunks(BATCH) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO features (workspace_id, key, name, description, resource_url) ",
                    );
                    qb.push_values(chunk, |mut b, f| {
                        b.push_bind(self.ws)
                            .push_bind(&f.key)
                            .push_bind(&f.name)
                            .push_bind(&f.description)
                            .push_bind(&f.resource_url);
                    });
                    qb.push(
                        " ON CONFLICT (workspace_id, key) DO UPDATE SET name = excluded.name, \
                         description = excluded.description, resource_url = excluded.resource_url",
                    );
                    qb.build().execute(&mut *self.tx).await?;
                }
                Ok(())
            }

            async fn upsert_plans(&mut self, plans: &[Plan]) -> Result<()> {
                self.bump_catalog(plans.is_empty()).await?;
                for chunk in plans.chunks(BATCH) {
                    let features: Vec<String> =
                        chunk.iter().map(|p| serde_json::to_string(&p.features)).collect::<Result<_, _>>()?;
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO plans (workspace_id, key, name, rank, annual_price_per_seat, \
                         annual_base_price, seat_limit, api_calls_per_month, features) ",
                    );
                    qb.push_values(chunk.iter().zip(&features), |mut b, (p, f)| {
                        b.push_bind(self.ws)
                            .push_bind(&p.key)
                            .push_bind(&p.name)
                            .push_bind(p.rank)
                            .push_bind(p.annual_price_per_seat)
                            .push_bind(p.annual_base_price)
                            .push_bind(p.seat_limit)
                            .push_bind(p.api_calls_per_month)
                            .push_bind(f);
                    });
                    qb.push(
                        " ON CONFLICT (workspace_id, key) DO UPDATE SET name = excluded.name, \
                         rank = excluded.rank, annual_price_per_seat = excluded.annual_price_per_seat, \
                         annual_base_price = excluded.annual_base_price, seat_limit = excluded.seat_limit, \
                         api_calls_per_month = excluded.api_calls_per_month, features = excluded.features",
                    );
                    qb.build().execute(&mut *self.tx).await?;
                }
                Ok(())
            }

            async fn upsert_team(&mut self, members: &[NewMember]) -> Result<()> {
                self.bump_catalog(members.is_empty()).await?;
                for chunk in members.chunks(BATCH) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO team_members (workspace_id, email, name, role, title, calendar_url) ",
                    );
                    qb.push_values(chunk, |mut b, m| {
                        b.push_bind(self.ws)
                            .push_bind(&m.email)
                            .push_bind(&m.name)
                            .push_bind(m.role.as_str())
                            .push_bind(&m.title)
                            .push_bind(&m.calendar_url);
                    });
                    qb.push(
                        " ON CONFLICT (workspace_id, email) DO UPDATE SET name = excluded.name, \
                         role = excluded.role, title = excluded.title, calendar_url = excluded.calendar_url",
                    );
                    qb.build().execute(&mut *self.tx).await?;
                }
                Ok(())
            }

            async fn upsert_customers(&mut self, customers: &[NewCustomer]) -> Result<HashMap<String, CustomerId>> {
                let mut ids = HashMap::with_capacity(customers.len());
                for chunk in customers.chunks(BATCH) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO customers (workspace_id, external_id, name, plan_key, seats_purchased, arr, \
                         renewal_date, health_score, industry, csm_email, ae_email, created_at, updated_at) ",
                    );
                    qb.push_values(chunk, |mut b, c| {
                        b.push_bind(self.ws)
                            .push_bind(&c.external_id)
                            .push_bind(&c.name)
                            .push_bind(&c.plan_key)
                            .push_bind(c.seats_purchased)
                            .push_bind(c.arr)
                            .push_bind(c.renewal_date)
                            .push_bind(c.health_score)
                            .push_bind(&c.industry)
                            .push_bind(&c.csm_email)
                            .push_bind(&c.ae_email)
                            .push_bind(self.now)
                            .push_bind(self.now);
                    });
                    qb.push(
                        " ON CONFLICT (workspace_id, external_id) DO UPDATE SET name = excluded.name, \
                         plan_key = excluded.plan_key, seats_purchased = excluded.seats_purchased, \
                         arr = excluded.arr, renewal_date = excluded.renewal_date, \
                         health_score = excluded.health_score, industry = excluded.industry, \
                         csm_email = excluded.csm_email, ae_email = excluded.ae_email, \
                         updated_at = excluded.updated_at RETURNING id, external_id",
                    );
                    let rows: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut *self.tx).await?;
                    ids.extend(rows.into_iter().map(|(id, ext)| (ext, CustomerId(id))));
                }
                Ok(ids)
            }

            async fn replace_contacts(&mut self, rows: &[(CustomerId, Vec<Contact>)]) -> Result<()> {
                let ids: Vec<CustomerId> = rows.iter().map(|(id, _)| *id).collect();
                delete_for_customers(&mut self.tx, "contacts", &ids).await?;
                let flat: Vec<(CustomerId, usize, &Contact)> = rows
                    .iter()
                    .flat_map(|(id, cs)| cs.iter().enumerate().map(move |(i, c)| (*id, i, c)))
                    .collect();
                for chunk in flat.chunks(BATCH) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO contacts (customer_id, position, name, email, title, role, is_primary) ",
                    );
                    qb.push_values(chunk, |mut b, (id, i, c)| {
                        b.push_bind(id.0)
                            .push_bind(*i as i64)
                            .push_bind(&c.name)
                            .push_bind(&c.email)
                            .push_bind(&c.title)
                            .push_bind(&c.role)
                            .push_bind(c.primary);
                    });
                    qb.build().execute(&mut *self.tx).await?;
                }
                Ok(())
            }

            async fn replace_feature_requests(&mut self, rows: &[(CustomerId, Vec<FeatureRequest>)]) -> Result<()> {
                let ids: Vec<CustomerId> = rows.iter().map(|(id, _)| *id).collect();
                delete_for_customers(&mut self.tx, "feature_requests", &ids).await?;
                let flat: Vec<(CustomerId, &FeatureRequest)> =
                    rows.iter().flat_map(|(id, rs)| rs.iter().map(move |r| (*id, r))).collect();
                for chunk in flat.chunks(BATCH) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO feature_requests (customer_id, feature_key, requested_at, note) ",
                    );
                    qb.push_values(chunk, |mut b, (id, r)| {
                        b.push_bind(id.0).push_bind(&r.feature).push_bind(r.requested_at).push_bind(&r.note);
                    });
                    qb.build().execute(&mut *self.tx).await?;
                }
                Ok(())
            }

            async fn replace_milestones(&mut self, rows: &[(CustomerId, Vec<Milestone>)]) -> Result<()> {
                let ids: Vec<CustomerId> = rows.iter().map(|(id, _)| *id).collect();
                delete_for_customers(&mut self.tx, "milestones", &ids).await?;
                let flat: Vec<(CustomerId, &Milestone)> =
                    rows.iter().flat_map(|(id, ms)| ms.iter().map(move |m| (*id, m))).collect();
                for chunk in flat.chunks(BATCH) {
                    let mut qb =
                        QueryBuilder::<$db>::new("INSERT INTO milestones (customer_id, title, achieved_at) ");
                    qb.push_values(chunk, |mut b, (id, m)| {
                        b.push_bind(id.0).push_bind(&m.title).push_bind(m.achieved_at);
                    });
                    qb.build().execute(&mut *self.tx).await?;
                }
                Ok(())
            }

            async fn upsert_usage(&mut self, rows: &[(CustomerId, UsageDay)]) -> Result<()> {
                for chunk in rows.chunks(USAGE_BATCH) {
                    // One statement may not touch a row twice (PostgreSQL refuses): the later row wins.
                    let mut seen = HashSet::with_capacity(chunk.len());
                    let unique: Vec<&(CustomerId, UsageDay)> =
                        chunk.iter().rev().filter(|(id, u)| seen.insert((id.0, u.date))).collect();
                    let chunk = unique;
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO usage_daily (customer_id, day, seats_used, monthly_active_users, api_calls) ",
                    );
                    qb.push_values(chunk, |mut b, (id, u)| {
                        b.push_bind(id.0)
                            .push_bind(day_number(u.date))
                            .push_bind(u.seats_used)
                            .push_bind(u.monthly_active_users)
                            .push_bind(u.api_calls);
                    });
                    qb.push(
                        " ON CONFLICT (customer_id, day) DO UPDATE SET seats_used = excluded.seats_used, \
                         monthly_active_users = excluded.monthly_active_users, api_calls = excluded.api_calls",
                    );
                    qb.build().execute(&mut *self.tx).await?;
                }
                Ok(())
            }

            async fn refresh_usage_summaries(&mut self, ids: &[CustomerId]) -> Result<()> {
                delete_for_customers(&mut self.tx, "usage_summaries", ids).await?;
                for chunk in ids.chunks(MAX_IN_LIST) {
                    let mut qb = QueryBuilder::<$db>::new(REFRESH_SUMMARIES_SQL.0);
                    push_customer_filter(&mut qb, self.ws, Some(chunk));
                    qb.push(REFRESH_SUMMARIES_SQL.1);
                    qb.build().execute(&mut *self.tx).await?;
                }
                Ok(())
            }

            async fn external_ids(&mut self) -> Result<HashMap<String, CustomerId>> {
                let rows: Vec<(i64, String)> =
                    sqlx::query_as("SELECT id, external_id FROM customers WHERE workspace_id = $1")
                        .bind(self.ws)
                        .fetch_all(&mut *self.tx)
                        .await?;
                Ok(rows.into_iter().map(|(id, ext)| (ext, CustomerId(id))).collect())
            }

            async fn commit(self: Box<Self>) -> Result<()> {
                let $import { tx, store, .. } = *self;
                tx.commit().await?;
                store.after_import().await
            }
        }

        /// What changes in an open opportunity when detection runs again.
        fn opportunity_changed(old: &OpportunityStateRow, d: &Detection) -> bool {
            let Some(o) = &d.opportunity else { return true };
            old.kind != o.kind.as_str()
                || old.target_plan_key != o.target_plan
                || old.seats != o.seats
                || old.annual_value != o.annual_value
                || old.rationale != o.rationale
                || old.main_signal.as_deref() != d.main_signal().map(|s| s.kind.as_str())
                || old.ae_recommended != d.ae_involvement.recommended
                || old.ae_reason != d.ae_involvement.reason
        }

        #[async_trait]
        impl Store for $store {
            fn backend(&self) -> &'static str {
                Self::BACKEND
            }

            async fn migrate(&self) -> Result<()> {
                self.run_migrations().await
            }

            async fn workspace(&self, name: &str) -> Result<Option<Workspace>> {
                let row: Option<WorkspaceRow> =
                    sqlx::query_as("SELECT id, name, ae_value_threshold, catalog_version FROM workspaces WHERE name = $1")
                        .bind(name)
                        .fetch_optional(self.reader())
                        .await?;
                Ok(row.map(Into::into))
            }

            async fn ensure_workspace(&self, name: &str, now: OffsetDateTime) -> Result<Workspace> {
                let row: WorkspaceRow = sqlx::query_as(
                    "INSERT INTO workspaces (name, created_at) VALUES ($1, $2) \
                     ON CONFLICT (name) DO UPDATE SET name = excluded.name \
                     RETURNING id, name, ae_value_threshold, catalog_version",
                )
                .bind(name)
                .bind(now)
                .fetch_one(self.writer())
                .await?;
                Ok(row.into())
            }

            async fn set_ae_value_threshold(&self, ws: &Workspace, value: i64) -> Result<()> {
                sqlx::query("UPDATE workspaces SET ae_value_threshold = $1 WHERE id = $2")
                    .bind(value)
                    .bind(ws.id)
                    .execute(self.writer())
                    .await?;
                Ok(())
            }

            async fn team(&self, ws: &Workspace) -> Result<Vec<TeamMember>> {
                let rows: Vec<MemberRow> = sqlx::query_as(
                    "SELECT id, email, name, role, title, calendar_url FROM team_members \
                     WHERE workspace_id = $1 ORDER BY name",
                )
                .bind(ws.id)
                .fetch_all(self.reader())
                .await?;
                rows.into_iter().map(MemberRow::into_member).collect()
            }

            async fn member_by_email(&self, ws: &Workspace, email: &str) -> Result<Option<TeamMember>> {
                let row: Option<MemberRow> = sqlx::query_as(
                    "SELECT id, email, name, role, title, calendar_url FROM team_members \
                     WHERE workspace_id = $1 AND email = $2",
                )
                .bind(ws.id)
                .bind(email.trim().to_lowercase())
                .fetch_optional(self.reader())
                .await?;
                row.map(MemberRow::into_member).transpose()
            }

            async fn create_token(&self, member: &TeamMember, token_hash: &str, now: OffsetDateTime) -> Result<()> {
                sqlx::query("INSERT INTO api_tokens (member_id, token_hash, created_at) VALUES ($1, $2, $3)")
                    .bind(member.id)
                    .bind(token_hash)
                    .bind(now)
                    .execute(self.writer())
                    .await?;
                Ok(())
            }

            async fn authenticate(&self, token_hash: &str) -> Result<Option<Principal>> {
                let row: Option<PrincipalRow> = sqlx::query_as(
                    "SELECT w.id AS workspace_id, w.name AS workspace_name, w.ae_value_threshold, w.catalog_version, \
                     m.id, m.email, m.name, m.role, m.title, m.calendar_url \
                     FROM api_tokens t JOIN team_members m ON m.id = t.member_id \
                     JOIN workspaces w ON w.id = m.workspace_id \
                     WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
                )
                .bind(token_hash)
                .fetch_optional(self.reader())
                .await?;
                let Some(row) = row else { return Ok(None) };
                Ok(Some(Principal {
                    workspace: Workspace {
                        id: row.workspace_id,
                        name: row.workspace_name,
                        ae_value_threshold: row.ae_value_threshold,
                        catalog_version: row.catalog_version,
                    },
                    member: row.member.into_member()?,
                }))
            }

            async fn plans(&self, ws: &Workspace) -> Result<Vec<Plan>> {
                let rows: Vec<PlanRow> = sqlx::query_as(
                    "SELECT key, name, rank, annual_price_per_seat, annual_base_price, seat_limit, \
                     api_calls_per_month, features FROM plans WHERE workspace_id = $1 ORDER BY rank, key",
                )
                .bind(ws.id)
                .fetch_all(self.reader())
                .await?;
                rows.into_iter().map(PlanRow::into_plan).collect()
            }

            async fn features(&self, ws: &Workspace) -> Result<Vec<Feature>> {
                let rows: Vec<FeatureRow> = sqlx::query_as(
                    "SELECT key, name, description, resource_url FROM features WHERE workspace_id = $1 ORDER BY key",
                )
                .bind(ws.id)
                .fetch_all(self.reader())
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn customer_ids(&self, ws: &Workspace) -> Result<Vec<CustomerId>> {
                let rows: Vec<(i64,)> =
                    sqlx::query_as("SELECT id FROM customers WHERE workspace_id = $1 ORDER BY id")
                        .bind(ws.id)
                        .fetch_all(self.reader())
                        .await?;
                Ok(rows.into_iter().map(|(id,)| CustomerId(id)).collect())
            }

            async fn count_customers(&self, ws: &Workspace) -> Result<i64> {
                let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM customers WHERE workspace_id = $1")
                    .bind(ws.id)
                    .fetch_one(self.reader())
                    .await?;
                Ok(n)
            }

            async fn search_customers(&self, ws: &Workspace, query: &str, limit: i64) -> Result<Vec<CustomerSummary>> {
                let escaped = query.trim().to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                let pattern = format!("%{escaped}%");
                let rows: Vec<CustomerRow> = sqlx::query_as(&format!(
                    "SELECT {CUSTOMER_COLUMNS} FROM customers WHERE workspace_id = $1 \
                     AND (LOWER(name) LIKE $2 ESCAPE '\\' OR LOWER(external_id) LIKE $2 ESCAPE '\\') \
                     ORDER BY name, id LIMIT $3"
                ))
                .bind(ws.id)
                .bind(pattern)
                .bind(limit)
                .fetch_all(self.reader())
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| CustomerSummary {
                        id: CustomerId(r.id),
                        external_id: r.external_id,
                        name: r.name,
                        plan: r.plan_key,
                        seats_purchased: r.seats_purchased,
                        health_score: r.health_score,
                        renewal_date: r.renewal_date,
                    })
                    .collect())
            }

            async fn customer_record(&self, ws: &Workspace, id: CustomerId) -> Result<Option<CustomerRecord>> {
                let rows: Vec<RecordRow> = sqlx::query_as(&record_sql("c.id = $2"))
                    .bind(ws.id)
                    .bind(id.0)
                    .fetch_all(self.reader())
                    .await?;
                rows.into_iter().next().map(RecordRow::into_record).transpose()
            }

            async fn customer_records_matching(&self, ws: &Workspace, key: &str) -> Result<Vec<CustomerRecord>> {
                let id = key.parse::<CustomerId>().map_or(-1, |id| id.0);
                let rows: Vec<RecordRow> = sqlx::query_as(&record_sql(MATCHING_IDS))
                    .bind(ws.id)
                    .bind(id)
                    .bind(key.trim())
                    .fetch_all(self.reader())
                    .await?;
                rows.into_iter().map(RecordRow::into_record).collect()
            }

            async fn begin_import(&self, ws: &Workspace, now: OffsetDateTime) -> Result<Box<dyn ImportTx>> {
                let tx = self.begin_write().await?;
                Ok(Box::new($import { tx, ws: ws.id, now, store: self.clone() }))
            }

            async fn detection_inputs(&self, ws: &Workspace, ids: &[CustomerId]) -> Result<Vec<DetectionInput>> {
                let only = Some(ids);
                let mut conn = self.reader().acquire().await?;

                let mut qb = QueryBuilder::<$db>::new(format!("SELECT {CUSTOMER_COLUMNS} FROM customers c WHERE "));
                push_customer_filter(&mut qb, ws.id, only);
                qb.push(" ORDER BY c.id");
                let customers: Vec<CustomerRow> = qb.build_query_as().fetch_all(&mut *conn).await?;

                let mut usage: HashMap<i64, UsageRow> = HashMap::with_capacity(customers.len());
                for row in usage_summaries(&mut conn, ws.id, only).await? {
                    usage.insert(row.customer_id, row);
                }
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT f.customer_id, f.feature_key, f.requested_at, f.note FROM feature_requests f \
                     JOIN customers c ON c.id = f.customer_id WHERE ",
                );
                push_customer_filter(&mut qb, ws.id, only);
                qb.push(" ORDER BY f.requested_at, f.id");
                let mut requests: HashMap<i64, Vec<FeatureRequest>> = HashMap::new();
                for r in qb.build_query_as::<RequestRow>().fetch_all(&mut *conn).await? {
                    requests.entry(r.customer_id).or_default().push(r.into());
                }
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT m.customer_id, m.title, m.achieved_at FROM milestones m \
                     JOIN customers c ON c.id = m.customer_id WHERE ",
                );
                push_customer_filter(&mut qb, ws.id, only);
                qb.push(" ORDER BY m.achieved_at, m.id");
                let mut milestones: HashMap<i64, Vec<Milestone>> = HashMap::new();
                for m in qb.build_query_as::<MilestoneRow>().fetch_all(&mut *conn).await? {
                    milestones.entry(m.customer_id).or_default().push(m.into());
                }

                customers
                    .into_iter()
                    .map(|c| {
                        let id = c.id;
                        Ok(DetectionInput {
                            customer: c.into(),
                            usage: usage.remove(&id).map(UsageRow::into_summary).transpose()?,
                            feature_requests: requests.remove(&id).unwrap_or_default(),
                            milestones: milestones.remove(&id).unwrap_or_default(),
                        })
                    })
                    .collect()
            }

            async fn save_detections(
                &self,
                ws: &Workspace,
                results: &[(CustomerId, Detection)],
                now: OffsetDateTime,
            ) -> Result<DetectionCounts> {
                let mut counts = DetectionCounts { customers: results.len(), ..Default::default() };
                let mut tx = self.begin_write().await?;
                for chunk in results.chunks(BATCH) {
                    let ids: Vec<CustomerId> = chunk.iter().map(|(id, _)| *id).collect();
                    // Signals are rewritten only for customers whose signals changed: a daily re-run
                    // over a quiet workspace then reads much and writes little.
                    let mut qb = QueryBuilder::<$db>::new(
                        "SELECT customer_id, kind, strength, summary, evidence FROM signals WHERE customer_id IN (",
                    );
                    let mut list = qb.separated(", ");
                    for id in &ids {
                        list.push_bind(id.0);
                    }
                    qb.push(") ORDER BY customer_id, id");
                    let mut stored: HashMap<i64, Vec<(String, f64, String, String)>> = HashMap::new();
                    for (customer, kind, strength, summary, evidence) in
                        qb.build_query_as::<(i64, String, f64, String, String)>().fetch_all(&mut *tx).await?
                    {
                        stored.entry(customer).or_default().push((kind, strength, summary, evidence));
                    }
                    let changed: Vec<&(CustomerId, Detection)> = chunk
                        .iter()
                        .filter(|(id, d)| {
                            let fresh = d.signals.iter().map(|s| (s.kind.as_str(), s.strength, s.summary.as_str(), s.evidence.to_string()));
                            let old = stored.get(&id.0).map(Vec::as_slice).unwrap_or_default();
                            !fresh.eq(old.iter().map(|(k, st, su, ev)| (k.as_str(), *st, su.as_str(), ev.clone())))
                        })
                        .collect();
                    let changed_ids: Vec<CustomerId> = changed.iter().map(|(id, _)| *id).collect();
                    delete_for_customers(&mut tx, "signals", &changed_ids).await?;
                    let signals: Vec<_> =
                        changed.iter().flat_map(|(id, d)| d.signals.iter().map(move |s| (*id, s))).collect();
                    counts.signals += chunk.iter().map(|(_, d)| d.signals.len()).sum::<usize>();
                    counts.signals_changed += changed.len();
                    for batch in signals.chunks(BATCH) {
                        let mut qb = QueryBuilder::<$db>::new(
                            "INSERT INTO signals (customer_id, kind, strength, summary, evidence, detected_at) ",
                        );
                        qb.push_values(batch, |mut b, (id, s)| {
                            b.push_bind(id.0)
                                .push_bind(s.kind.as_str())
                                .push_bind(s.strength)
                                .push_bind(&s.summary)
                                .push_bind(s.evidence.to_string())
                                .push_bind(now);
                        });
                        qb.build().execute(&mut *tx).await?;
                    }

                    let mut qb = QueryBuilder::<$db>::new(format!(
                        "SELECT id, customer_id, kind, target_plan_key, seats, annual_value, rationale, main_signal, \
                         ae_recommended, ae_reason, status \
                         FROM opportunities WHERE status IN {OPEN_STATUSES} AND +workspace_id = "
                    ));
                    // `+` keeps planners on the per-customer index: without statistics SQLite would
                    // otherwise walk every open opportunity of the workspace for each chunk.
                    qb.push_bind(ws.id).push(" AND customer_id IN (");
                    let mut list = qb.separated(", ");
                    for id in &ids {
                        list.push_bind(id.0);
                    }
                    qb.push(")");
                    let open: HashMap<i64, OpportunityStateRow> = qb
                        .build_query_as::<OpportunityStateRow>()
                        .fetch_all(&mut *tx)
                        .await?
                        .into_iter()
                        .map(|o| (o.customer_id, o))
                        .collect();

                    let mut inserts = Vec::new();
                    for (id, d) in chunk {
                        match (open.get(&id.0), &d.opportunity) {
                            // A conversation in flight is the CSM's; detection does not rewrite it.
                            (Some(old), _) if old.status != "identified" => {}
                            (Some(old), _) if !opportunity_changed(old, d) => {}
                            (Some(old), Some(o)) => {
                                sqlx::query(
                                    "UPDATE opportunities SET kind = $1, target_plan_key = $2, seats = $3, \
                                     annual_value = $4, rationale = $5, main_signal = $6, ae_recommended = $7, \
                                     ae_reason = $8, updated_at = $9 WHERE id = $10",
                                )
                                .bind(o.kind.as_str())
                                .bind(&o.target_plan)
                                .bind(o.seats)
                                .bind(o.annual_value)
                                .bind(&o.rationale)
                                .bind(d.main_signal().map(|s| s.kind.as_str()))
                                .bind(d.ae_involvement.recommended)
                                .bind(&d.ae_involvement.reason)
                                .bind(now)
                                .bind(old.id)
                                .execute(&mut *tx)
                                .await?;
                                counts.opportunities_updated += 1;
                            }
                            (Some(old), None) => {
                                sqlx::query("UPDATE opportunities SET status = 'expired', updated_at = $1 WHERE id = $2")
                                    .bind(now)
                                    .bind(old.id)
                                    .execute(&mut *tx)
                                    .await?;
                                counts.opportunities_expired += 1;
                            }
                            (None, Some(o)) => inserts.push((id, d, o)),
                            (None, None) => {}
                        }
                    }
                    counts.opportunities_created += inserts.len();
                    for batch in inserts.chunks(BATCH) {
                        let mut qb = QueryBuilder::<$db>::new(
                            "INSERT INTO opportunities (workspace_id, customer_id, kind, target_plan_key, seats, \
                             annual_value, rationale, main_signal, ae_recommended, ae_reason, status, created_at, \
                             updated_at) ",
                        );
                        qb.push_values(batch, |mut b, (id, d, o)| {
                            b.push_bind(ws.id)
                                .push_bind(id.0)
                                .push_bind(o.kind.as_str())
                                .push_bind(&o.target_plan)
                                .push_bind(o.seats)
                                .push_bind(o.annual_value)
                                .push_bind(&o.rationale)
                                .push_bind(d.main_signal().map(|s| s.kind.as_str()))
                                .push_bind(d.ae_involvement.recommended)
                                .push_bind(&d.ae_involvement.reason)
                                .push_bind("identified")
                                .push_bind(now)
                                .push_bind(now);
                        });
                        qb.build().execute(&mut *tx).await?;
                    }
                }
                tx.commit().await?;
                Ok(counts)
            }

            async fn create_draft(&self, ws: &Workspace, d: &NewDraft, now: OffsetDateTime) -> Result<Draft> {
                let row: DraftRow = sqlx::query_as(&format!(
                    "INSERT INTO drafts (workspace_id, customer_id, opportunity_id, approach, tone, from_name, \
                     from_email, to_json, cc_json, cc_ae, subject, body_text, body_html, checks_json, facts_json, \
                     created_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) \
                     RETURNING {DRAFT_COLUMNS}"
                ))
                .bind(ws.id)
                .bind(d.customer_id.0)
                .bind(d.opportunity_id.map(|o| o.0))
                .bind(d.approach.as_str())
                .bind(d.tone.as_str())
                .bind(&d.from.name)
                .bind(&d.from.email)
                .bind(serde_json::to_string(&d.to)?)
                .bind(serde_json::to_string(&d.cc)?)
                .bind(d.cc_ae)
                .bind(&d.subject)
                .bind(&d.text)
                .bind(&d.html)
                .bind(serde_json::to_string(&d.checks)?)
                .bind(serde_json::to_string(&d.facts)?)
                .bind(d.created_by)
                .bind(now)
                .fetch_one(self.writer())
                .await?;
                row.into_draft()
            }

            async fn draft(&self, ws: &Workspace, id: DraftId) -> Result<Option<Draft>> {
                let row: Option<DraftRow> = sqlx::query_as(&format!(
                    "SELECT {DRAFT_COLUMNS} FROM drafts WHERE workspace_id = $1 AND id = $2"
                ))
                .bind(ws.id)
                .bind(id.0)
                .fetch_optional(self.reader())
                .await?;
                row.map(DraftRow::into_draft).transpose()
            }

            async fn templates(&self, ws: &Workspace) -> Result<Vec<TemplateOverride>> {
                let rows: Vec<(String, String, String, OffsetDateTime)> = sqlx::query_as(
                    "SELECT approach, subject, body, updated_at FROM email_templates WHERE workspace_id = $1 ORDER BY approach",
                )
                .bind(ws.id)
                .fetch_all(self.reader())
                .await?;
                rows.into_iter()
                    .map(|(approach, subject, body, updated_at)| {
                        Ok(TemplateOverride { approach: approach.parse().map_err(anyhow::Error::msg)?, subject, body, updated_at })
                    })
                    .collect()
            }

            async fn set_template(
                &self,
                ws: &Workspace,
                approach: Approach,
                template: Option<(&str, &str)>,
                by: Option<i64>,
                now: OffsetDateTime,
            ) -> Result<()> {
                let mut tx = self.begin_write().await?;
                match template {
                    Some((subject, body)) => {
                        sqlx::query(
                            "INSERT INTO email_templates (workspace_id, approach, subject, body, updated_by, updated_at) \
                             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (workspace_id, approach) DO UPDATE SET \
                             subject = excluded.subject, body = excluded.body, updated_by = excluded.updated_by, \
                             updated_at = excluded.updated_at",
                        )
                        .bind(ws.id)
                        .bind(approach.as_str())
                        .bind(subject)
                        .bind(body)
                        .bind(by)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    }
                    None => {
                        sqlx::query("DELETE FROM email_templates WHERE workspace_id = $1 AND approach = $2")
                            .bind(ws.id)
                            .bind(approach.as_str())
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                sqlx::query("UPDATE workspaces SET catalog_version = catalog_version + 1 WHERE id = $1")
                    .bind(ws.id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn opportunities(&self, ws: &Workspace, status: Option<&str>) -> Result<Vec<OpportunityRow>> {
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT o.id, o.customer_id, c.name AS customer_name, o.kind, o.target_plan_key, o.seats, \
                     o.annual_value, o.status, o.main_signal, o.ae_recommended, o.approach, o.intro_sent_at, \
                     o.intro_response, o.created_at, o.updated_at \
                     FROM opportunities o JOIN customers c ON c.id = o.customer_id WHERE o.workspace_id = ",
                );
                qb.push_bind(ws.id);
                if let Some(status) = status {
                    qb.push(" AND o.status = ").push_bind(status);
                }
                qb.push(" ORDER BY o.annual_value DESC, o.id");
                let rows: Vec<OpportunityListRow> = qb.build_query_as().fetch_all(self.reader()).await?;
                Ok(rows
                    .into_iter()
                    .map(|r| OpportunityRow {
                        id: OpportunityId(r.id),
                        customer_id: CustomerId(r.customer_id),
                        customer_name: r.customer_name,
                        kind: r.kind,
                        target_plan: r.target_plan_key,
                        seats: r.seats,
                        annual_value: r.annual_value,
                        status: r.status,
                        main_signal: r.main_signal,
                        ae_recommended: r.ae_recommended,
                        approach: r.approach,
                        intro_sent_at: r.intro_sent_at,
                        intro_response: r.intro_response,
                        created_at: r.created_at,
                        updated_at: r.updated_at,
                    })
                    .collect())
            }
        }
    };
}

pub(super) use impl_store;
