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
            day_number, Approval, Approved, CustomerRecord, CustomerSummary, Delivery, DetectionCounts, DetectionInput,
            GmailConnection, ImportTx, Job, OAuthState, NewCustomer, NewMember, OpportunityRow, Principal, Result, Store,
            Workspace, SEND_DRAFT,
        };
        use crate::domain::{
            Approach, AuditAction, AuditEntry, Contact, Customer, CustomerId, Detection, Draft, DraftContent, DraftId,
            DraftRevision, DraftStatus, Feature, FeatureRequest, Milestone, NewDraft, OpportunityId, Plan,
            TeamMember, TemplateOverride, UsageDay,
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

        /// The draft `id` of workspace `ws`, from a pool or inside a transaction.
        async fn draft_in<'e>(
            exec: impl sqlx::Executor<'e, Database = $db>,
            ws: i64,
            id: DraftId,
        ) -> Result<Option<Draft>> {
            let row: Option<DraftRow> =
                sqlx::query_as(&format!("SELECT {DRAFT_COLUMNS} FROM drafts WHERE workspace_id = $1 AND id = $2"))
                    .bind(ws)
                    .bind(id.0)
                    .fetch_optional(exec)
                    .await?;
            row.map(DraftRow::into_draft).transpose()
        }

        /// Stores `c` as revision `revision` of draft `id`.
        async fn insert_revision(
            tx: &mut Transaction<'static, $db>,
            id: DraftId,
            revision: i64,
            c: &DraftContent,
            by: Option<i64>,
            now: OffsetDateTime,
        ) -> Result<()> {
            sqlx::query(
                "INSERT INTO draft_revisions (draft_id, revision, approach, tone, cc_json, subject, body_text, \
                 checks_json, edited_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(id.0)
            .bind(revision)
            .bind(c.approach.as_str())
            .bind(c.tone.as_str())
            .bind(serde_json::to_string(&c.cc)?)
            .bind(&c.subject)
            .bind(&c.text)
            .bind(serde_json::to_string(&c.checks)?)
            .bind(by)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }

        async fn audit(
            tx: &mut Transaction<'static, $db>,
            ws: i64,
            actor: Option<i64>,
            action: AuditAction,
            draft: Option<DraftId>,
            detail: &serde_json::Value,
            now: OffsetDateTime,
        ) -> Result<()> {
            sqlx::query(
                "INSERT INTO audit_log (workspace_id, at, actor_id, action, draft_id, detail) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(ws)
            .bind(now)
            .bind(actor)
            .bind(action.as_str())
            .bind(draft.map(|d| d.0))
            .bind(detail.to_string())
            .execute(&mut **tx)
            .await?;
            Ok(())
        }

        /// The opportunities of workspace `ws`, in one status or with one id when given, by value.
        async fn opportunity_rows<'e>(
            exec: impl sqlx::Executor<'e, Database = $db>,
            ws: i64,
            status: Option<&str>,
            id: Option<OpportunityId>,
        ) -> Result<Vec<OpportunityRow>> {
            let mut qb = QueryBuilder::<$db>::new(
                "SELECT o.id, o.customer_id, c.name AS customer_name, o.kind, o.target_plan_key, o.seats, \
                 o.annual_value, o.status, o.main_signal, o.ae_recommended, o.approach, o.draft_id, o.intro_sent_at, \
                 o.intro_response, o.intro_responded_at, o.response_note, o.follow_up_draft_id, o.handed_off_at, \
                 o.meeting_booked_at, o.outcome_at, o.outcome_note, o.created_at, o.updated_at \
                 FROM opportunities o JOIN customers c ON c.id = o.customer_id WHERE o.workspace_id = ",
            );
            qb.push_bind(ws);
            if let Some(status) = status {
                qb.push(" AND o.status = ").push_bind(status);
            }
            if let Some(id) = id {
                qb.push(" AND o.id = ").push_bind(id.0);
            }
            qb.push(" ORDER BY o.annual_value DESC, o.id");
            let rows: Vec<OpportunityListRow> = qb.build_query_as().fetch_all(exec).await?;
            Ok(rows.into_iter().map(OpportunityListRow::into_row).collect())
        }

        /// Queues `job` in the caller's transaction; a job with the same dedupe key is re-armed instead.
        async fn enqueue_job(
            tx: &mut Transaction<'static, $db>,
            ws: i64,
            job: &super::NewJob,
            run_at: OffsetDateTime,
        ) -> Result<()> {
            sqlx::query(
                "INSERT INTO jobs (workspace_id, kind, payload, state, run_at, attempts, dedupe_key, created_at) \
                 VALUES ($1, $2, $3, 'queued', $4, 0, $5, $4) ON CONFLICT (dedupe_key) DO UPDATE SET \
                 payload = excluded.payload, state = 'queued', run_at = excluded.run_at, attempts = 0, \
                 locked_until = NULL, last_error = NULL",
            )
            .bind(ws)
            .bind(&job.kind)
            .bind(job.payload.to_string())
            .bind(run_at)
            .bind(&job.dedupe_key)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }

/// Stores a new draft as revision 1 and logs its creation, in the caller's transaction.
async fn insert_draft(
    tx: &mut Transaction<'static, $db>,
    ws: &Workspace,
    d: &NewDraft,
    now: OffsetDateTime,
) -> Result<DraftId> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO drafts (workspace_id, customer_id, opportunity_id, approach, tone, from_name, \
             from_email, to_json, cc_json, cc_ae, subject, body_text, body_html, checks_json, facts_json, \
             created_by, created_at, updated_at, kind, in_reply_to) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18, $19) \
             RETURNING id",
        )
        .bind(ws.id)
        .bind(d.customer_id.0)
        .bind(d.opportunity_id.map(|o| o.0))
        .bind(d.content.approach.as_str())
        .bind(d.content.tone.as_str())
        .bind(&d.from.name)
        .bind(&d.from.email)
        .bind(serde_json::to_string(&d.to)?)
        .bind(serde_json::to_string(&d.content.cc)?)
        .bind(d.content.cc_ae)
        .bind(&d.content.subject)
        .bind(&d.content.text)
        .bind(&d.content.html)
        .bind(serde_json::to_string(&d.content.checks)?)
        .bind(serde_json::to_string(&d.content.facts)?)
        .bind(d.created_by)
        .bind(now)
        .bind(d.kind.as_str())
        .bind(&d.in_reply_to)
        .fetch_one(&mut **tx)
        .await?;
        let id = DraftId(id);
        insert_revision(tx, id, 1, &d.content, d.created_by, now).await?;
        let detail = serde_json::json!({"customer_id": d.customer_id.to_string(), "approach": d.content.approach.as_str()});
        audit(tx, ws.id, d.created_by, AuditAction::DraftCreated, Some(id), &detail, now).await?;
        Ok(id)
    }

        /// Ends a leased job if this worker still holds the lease (`attempts` is the fencing token).
        async fn settle_job(
            tx: &mut Transaction<'static, $db>,
            job: &Job,
            state: &str,
            error: Option<&str>,
        ) -> Result<bool> {
            let updated = sqlx::query(
                "UPDATE jobs SET state = $1, locked_until = NULL, last_error = COALESCE($2, last_error) \
                 WHERE id = $3 AND state = 'running' AND attempts = $4",
            )
            .bind(state)
            .bind(error)
            .bind(job.id)
            .bind(job.attempts)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            Ok(updated == 1)
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
                // The chat's index of customer names is cached under the catalog version too.
                self.bump_catalog(customers.is_empty()).await?;
                let mut ids = HashMap::with_capacity(customers.len());
                for chunk in customers.chunks(BATCH) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO customers (workspace_id, external_id, name, plan_key, seats_purchased, arr, \
                         renewal_date, health_score, industry, csm_email, ae_email, time_zone, created_at, updated_at) ",
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
                            .push_bind(&c.time_zone)
                            .push_bind(self.now)
                            .push_bind(self.now);
                    });
                    qb.push(
                        " ON CONFLICT (workspace_id, external_id) DO UPDATE SET name = excluded.name, \
                         plan_key = excluded.plan_key, seats_purchased = excluded.seats_purchased, \
                         arr = excluded.arr, renewal_date = excluded.renewal_date, \
                         health_score = excluded.health_score, industry = excluded.industry, \
                         csm_email = excluded.csm_email, ae_email = excluded.ae_email, \
                         time_zone = excluded.time_zone, updated_at = excluded.updated_at RETURNING id, external_id",
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
                        "INSERT INTO contacts (customer_id, position, name, email, title, role, is_primary, tracking_opt_out, \
                         time_zone) ",
                    );
                    qb.push_values(chunk, |mut b, (id, i, c)| {
                        b.push_bind(id.0)
                            .push_bind(*i as i64)
                            .push_bind(&c.name)
                            .push_bind(&c.email)
                            .push_bind(&c.title)
                            .push_bind(&c.role)
                            .push_bind(c.primary)
                            .push_bind(c.tracking_opt_out)
                            .push_bind(&c.time_zone);
                    });
                    qb.build().execute(&mut *self.tx).await?;
                }
                // An imported buying style is stored by address, so that it outlives the contact rows; a
                // contact imported without one keeps what the CSM set or the replies taught.
                let mut styled: Vec<(String, Option<&'static str>)> = flat
                    .iter()
                    .filter(|(_, _, c)| c.buying_style_source.as_deref() == Some("import"))
                    .filter_map(|(_, _, c)| {
                        let style = Some(c.buying_style.as_str()).filter(|s| *s != "unknown");
                        c.email.as_ref().map(|e| (e.to_lowercase(), style))
                    })
                    .collect();
                styled.sort();
                styled.dedup_by(|a, b| a.0 == b.0);
                for chunk in styled.chunks(BATCH) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO contact_styles (workspace_id, email, style, source, set_by, set_at) ",
                    );
                    qb.push_values(chunk, |mut b, (email, style)| {
                        b.push_bind(self.ws)
                            .push_bind(email)
                            .push_bind(*style)
                            .push_bind(style.map(|_| "import"))
                            .push_bind(None::<String>)
                            .push_bind(self.now);
                    });
                    qb.push(
                        " ON CONFLICT (workspace_id, email) DO UPDATE SET style = excluded.style, \
                         source = excluded.source, set_by = NULL, set_at = excluded.set_at",
                    );
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

            async fn record_outcomes(
                &mut self,
                rows: &[(CustomerId, super::Outcome, OffsetDateTime, Option<String>)],
            ) -> Result<(usize, usize)> {
                // The customer's latest introduced opportunity, else its latest opportunity.
                let target = "id = (SELECT o.id FROM opportunities o WHERE o.workspace_id = $3 AND o.customer_id = $4 \
                              ORDER BY CASE WHEN o.intro_sent_at IS NULL THEN 1 ELSE 0 END, o.id DESC LIMIT 1)";
                let (mut recorded, mut missing) = (0, 0);
                for (customer, outcome, at, note) in rows {
                    let done = sqlx::query(&outcome_sql(*outcome, target))
                        .bind(*at)
                        .bind(note.as_deref())
                        .bind(self.ws)
                        .bind(customer.0)
                        .execute(&mut *self.tx)
                        .await?;
                    if done.rows_affected() == 0 {
                        missing += 1;
                    } else {
                        recorded += 1;
                    }
                }
                Ok((recorded, missing))
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

            async fn revoke_tokens(&self, member: &TeamMember, now: OffsetDateTime) -> Result<u64> {
                let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE member_id = $2 AND revoked_at IS NULL")
                    .bind(now)
                    .bind(member.id)
                    .execute(self.writer())
                    .await?;
                Ok(done.rows_affected())
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
                row.map(PrincipalRow::into_principal).transpose()
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

            async fn customer(&self, ws: &Workspace, id: CustomerId) -> Result<Option<Customer>> {
                let row: Option<CustomerRow> = sqlx::query_as(&format!(
                    "SELECT {CUSTOMER_COLUMNS} FROM customers WHERE workspace_id = $1 AND id = $2"
                ))
                .bind(ws.id)
                .bind(id.0)
                .fetch_optional(self.reader())
                .await?;
                Ok(row.map(Into::into))
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

                    // A customer who said no is not suggested again until the suppression ends.
                    let mut qb = QueryBuilder::<$db>::new("SELECT id FROM customers WHERE suppressed_until > ");
                    qb.push_bind(now).push(" AND id IN (");
                    let mut list = qb.separated(", ");
                    for id in &ids {
                        list.push_bind(id.0);
                    }
                    qb.push(")");
                    let suppressed: HashSet<i64> =
                        qb.build_query_as::<(i64,)>().fetch_all(&mut *tx).await?.into_iter().map(|(id,)| id).collect();

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
                            (None, Some(_)) if suppressed.contains(&id.0) => counts.opportunities_suppressed += 1,
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
                let mut tx = self.begin_write().await?;
                let id = insert_draft(&mut tx, ws, d, now).await?;
                let draft = draft_in(&mut *tx, ws.id, id).await?.context("the new draft vanished")?;
                tx.commit().await?;
                Ok(draft)
            }

            async fn draft(&self, ws: &Workspace, id: DraftId) -> Result<Option<Draft>> {
                draft_in(self.reader(), ws.id, id).await
            }

            async fn update_draft(
                &self,
                ws: &Workspace,
                id: DraftId,
                revision: i64,
                e: &DraftContent,
                by: Option<i64>,
                now: OffsetDateTime,
            ) -> Result<Option<Draft>> {
                let mut tx = self.begin_write().await?;
                let updated = sqlx::query(
                    "UPDATE drafts SET approach = $1, tone = $2, cc_json = $3, cc_ae = $4, subject = $5, \
                     body_text = $6, body_html = $7, checks_json = $8, facts_json = $9, revision = revision + 1, \
                     status = 'draft', error = NULL, updated_at = $10 \
                     WHERE workspace_id = $11 AND id = $12 AND revision = $13 AND status IN ('draft', 'failed')",
                )
                .bind(e.approach.as_str())
                .bind(e.tone.as_str())
                .bind(serde_json::to_string(&e.cc)?)
                .bind(e.cc_ae)
                .bind(&e.subject)
                .bind(&e.text)
                .bind(&e.html)
                .bind(serde_json::to_string(&e.checks)?)
                .bind(serde_json::to_string(&e.facts)?)
                .bind(now)
                .bind(ws.id)
                .bind(id.0)
                .bind(revision)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if updated == 0 {
                    return Ok(None);
                }
                let next = revision + 1;
                insert_revision(&mut tx, id, next, e, by, now).await?;
                audit(&mut tx, ws.id, by, AuditAction::DraftEdited, Some(id), &serde_json::json!({"revision": next}), now).await?;
                let draft = draft_in(&mut *tx, ws.id, id).await?;
                tx.commit().await?;
                Ok(draft)
            }

            async fn draft_revisions(&self, ws: &Workspace, id: DraftId) -> Result<Vec<DraftRevision>> {
                let rows: Vec<RevisionRow> = sqlx::query_as(
                    "SELECT r.revision, r.approach, r.tone, r.cc_json, r.subject, r.body_text, r.checks_json, \
                     m.email AS edited_by, r.created_at \
                     FROM draft_revisions r JOIN drafts d ON d.id = r.draft_id \
                     LEFT JOIN team_members m ON m.id = r.edited_by \
                     WHERE d.workspace_id = $1 AND d.id = $2 ORDER BY r.revision",
                )
                .bind(ws.id)
                .bind(id.0)
                .fetch_all(self.reader())
                .await?;
                rows.into_iter().map(RevisionRow::into_revision).collect()
            }

            async fn approve_draft(&self, ws: &Workspace, a: &Approval, now: OffsetDateTime) -> Result<Approved> {
                let mut tx = self.begin_write().await?;
                if let Some(key) = &a.idempotency_key {
                    let used: Option<(i64,)> =
                        sqlx::query_as("SELECT draft_id FROM idempotency_keys WHERE workspace_id = $1 AND key = $2")
                            .bind(ws.id)
                            .bind(key)
                            .fetch_optional(&mut *tx)
                            .await?;
                    if let Some((other,)) = used.filter(|(d,)| *d != a.draft_id.0) {
                        return Ok(Approved::KeyUsedFor(DraftId(other)));
                    }
                }
                // Conditional: only an editable draft at the approved revision is approved, and of concurrent
                // approvals (PostgreSQL runs them side by side) exactly one wins.
                let won = sqlx::query(
                    "UPDATE drafts SET status = 'queued', approved_by = $1, approved_at = $2, approved_revision = $3, \
                     message_id = $4, error = NULL, updated_at = $2, send_at = $7 \
                     WHERE workspace_id = $5 AND id = $6 AND revision = $3 AND status IN ('draft', 'failed')",
                )
                .bind(a.approver)
                .bind(now)
                .bind(a.revision)
                .bind(&a.message_id)
                .bind(ws.id)
                .bind(a.draft_id.0)
                .bind(a.send_at)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    == 1;
                if !won {
                    return Ok(match draft_in(&mut *tx, ws.id, a.draft_id).await? {
                        None => Approved::NotFound,
                        Some(d) if matches!(d.status, DraftStatus::Queued | DraftStatus::Sending | DraftStatus::Sent) => {
                            Approved::Already(d)
                        }
                        Some(d) => Approved::Changed(d),
                    });
                }
                for job in &a.jobs {
                    // A draft whose delivery failed re-arms its one send job: the dedupe key stays unique.
                    let run_at = if job.kind == SEND_DRAFT { a.send_at.unwrap_or(a.run_at) } else { a.run_at };
                    enqueue_job(&mut tx, ws.id, job, run_at).await?;
                }
                if let Some(key) = &a.idempotency_key {
                    let (owner,): (i64,) = sqlx::query_as(
                        "INSERT INTO idempotency_keys (workspace_id, key, draft_id, created_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (workspace_id, key) DO UPDATE SET key = excluded.key RETURNING draft_id",
                    )
                    .bind(ws.id)
                    .bind(key)
                    .bind(a.draft_id.0)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                    if owner != a.draft_id.0 {
                        // A concurrent approval took the key for another draft: this one is rolled back.
                        return Ok(Approved::KeyUsedFor(DraftId(owner)));
                    }
                }
                let detail = serde_json::json!({"revision": a.revision, "message_id": a.message_id});
                audit(&mut tx, ws.id, Some(a.approver), AuditAction::DraftApproved, Some(a.draft_id), &detail, now).await?;
                let draft = draft_in(&mut *tx, ws.id, a.draft_id).await?.context("the approved draft vanished")?;
                tx.commit().await?;
                Ok(Approved::Queued(draft))
            }

            async fn discard_draft(&self, ws: &Workspace, id: DraftId, by: i64, now: OffsetDateTime) -> Result<Option<Draft>> {
                let mut tx = self.begin_write().await?;
                let updated = sqlx::query(
                    "UPDATE drafts SET status = 'discarded', updated_at = $1 \
                     WHERE workspace_id = $2 AND id = $3 AND status IN ('draft', 'failed')",
                )
                .bind(now)
                .bind(ws.id)
                .bind(id.0)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if updated == 0 {
                    return Ok(None);
                }
                audit(&mut tx, ws.id, Some(by), AuditAction::DraftDiscarded, Some(id), &serde_json::json!({}), now).await?;
                let draft = draft_in(&mut *tx, ws.id, id).await?;
                tx.commit().await?;
                Ok(draft)
            }

            async fn audit_log(&self, ws: &Workspace, limit: i64, before: Option<i64>) -> Result<Vec<AuditEntry>> {
                let rows: Vec<AuditRow> = sqlx::query_as(
                    "SELECT a.id, a.at, m.email AS actor, a.action, a.draft_id, a.detail FROM audit_log a \
                     LEFT JOIN team_members m ON m.id = a.actor_id \
                     WHERE a.workspace_id = $1 AND a.id < $2 ORDER BY a.id DESC LIMIT $3",
                )
                .bind(ws.id)
                .bind(before.unwrap_or(i64::MAX))
                .bind(limit)
                .fetch_all(self.reader())
                .await?;
                rows.into_iter().map(AuditRow::into_entry).collect()
            }

            async fn workspace_by_id(&self, id: i64) -> Result<Option<Workspace>> {
                let row: Option<WorkspaceRow> = sqlx::query_as(
                    "SELECT id, name, ae_value_threshold, catalog_version FROM workspaces WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(self.reader())
                .await?;
                Ok(row.map(Into::into))
            }

            async fn claim_jobs(&self, limit: i64, now: OffsetDateTime, lease_until: OffsetDateTime) -> Result<Vec<Job>> {
                let mut tx = self.begin_write().await?;
                let ids: Vec<(i64,)> = sqlx::query_as(&format!(
                    "SELECT id FROM jobs WHERE (state = 'queued' AND run_at <= $1) \
                     OR (state = 'running' AND locked_until <= $1) ORDER BY run_at, id LIMIT $2 {}",
                    $dialect::SKIP_LOCKED
                ))
                .bind(now)
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?;
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut qb = QueryBuilder::<$db>::new("UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = ");
                qb.push_bind(lease_until).push(" WHERE id IN (");
                let mut list = qb.separated(", ");
                for (id,) in &ids {
                    list.push_bind(*id);
                }
                qb.push(") RETURNING id, workspace_id, kind, payload, attempts");
                let jobs: Vec<Job> = qb
                    .build_query_as::<JobRow>()
                    .fetch_all(&mut *tx)
                    .await?
                    .into_iter()
                    .map(JobRow::into_job)
                    .collect::<Result<_>>()?;
                let drafts: Vec<i64> =
                    jobs.iter().filter(|j| j.kind == SEND_DRAFT).filter_map(|j| j.payload["draft_id"].as_i64()).collect();
                if !drafts.is_empty() {
                    let mut qb = QueryBuilder::<$db>::new(
                        "UPDATE drafts SET status = 'sending' WHERE status IN ('queued', 'sending') AND id IN (",
                    );
                    let mut list = qb.separated(", ");
                    for id in &drafts {
                        list.push_bind(*id);
                    }
                    qb.push(")");
                    qb.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(jobs)
            }

            async fn finish_send(
                &self,
                job: &Job,
                id: DraftId,
                delivery: &Delivery,
                moment: &crate::learning::timing::SendMoment,
                now: OffsetDateTime,
            ) -> Result<bool> {
                let mut tx = self.begin_write().await?;
                if !settle_job(&mut tx, job, "done", None).await? {
                    return Ok(false);
                }
                let ws = job.workspace_id.context("a send job without a workspace")?;
                sqlx::query(
                    "UPDATE drafts SET status = 'sent', sent_at = $1, thread_id = $2, error = NULL, updated_at = $1 \
                     WHERE workspace_id = $3 AND id = $4",
                )
                .bind(now)
                .bind(&delivery.thread_id)
                .bind(ws)
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
                // The first introduction of an opportunity is the one tracked; a later one does not reset it.
                // The segment is the customer's as the introduction goes out, for learning.
                sqlx::query(&format!(
                    "UPDATE opportunities SET intro_sent_at = $1, approach = d.approach, draft_id = d.id, \
                     status = CASE WHEN opportunities.status = 'identified' THEN 'intro_sent' ELSE opportunities.status END, \
                     segment_plan = c.plan_key, segment_size = {band}, segment_industry = COALESCE(c.industry, ''), \
                     sent_weekday = $3, sent_hour = $4, sent_days_to_renewal = $5, sent_style = $6, \
                     updated_at = $1 FROM drafts d, customers c \
                     WHERE d.id = $2 AND opportunities.id = d.opportunity_id AND c.id = opportunities.customer_id \
                     AND opportunities.intro_sent_at IS NULL",
                    band = size_band_sql(),
                ))
                .bind(now)
                .bind(id.0)
                .bind(moment.weekday.map(i64::from))
                .bind(moment.hour.map(i64::from))
                .bind(moment.days_to_renewal)
                .bind(moment.style.as_str())
                .execute(&mut *tx)
                .await?;
                let detail = serde_json::json!({"attempts": job.attempts, "thread_id": delivery.thread_id});
                audit(&mut tx, ws, None, AuditAction::DraftSent, Some(id), &detail, now).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn finish_job(
                &self,
                job: &Job,
                entry: Option<(AuditAction, Option<DraftId>, serde_json::Value)>,
                now: OffsetDateTime,
            ) -> Result<bool> {
                let mut tx = self.begin_write().await?;
                if !settle_job(&mut tx, job, "done", None).await? {
                    return Ok(false);
                }
                if let (Some((action, draft, detail)), Some(ws)) = (entry, job.workspace_id) {
                    audit(&mut tx, ws, None, action, draft, &detail, now).await?;
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn retry_job(&self, job: &Job, draft: Option<DraftId>, error: &str, run_at: OffsetDateTime) -> Result<()> {
                let mut tx = self.begin_write().await?;
                let updated = sqlx::query(
                    "UPDATE jobs SET state = 'queued', run_at = $1, locked_until = NULL, last_error = $2 \
                     WHERE id = $3 AND state = 'running' AND attempts = $4",
                )
                .bind(run_at)
                .bind(error)
                .bind(job.id)
                .bind(job.attempts)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if let (1, Some(id)) = (updated, draft) {
                    sqlx::query("UPDATE drafts SET status = 'queued', error = $1 WHERE id = $2 AND status = 'sending'")
                        .bind(format!("retrying after a temporary failure: {error}"))
                        .bind(id.0)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn fail_job(&self, job: &Job, draft: Option<DraftId>, error: &str, now: OffsetDateTime) -> Result<()> {
                let mut tx = self.begin_write().await?;
                if !settle_job(&mut tx, job, "failed", Some(error)).await? {
                    return Ok(());
                }
                if let (Some(id), Some(ws)) = (draft, job.workspace_id) {
                    sqlx::query("UPDATE drafts SET status = 'failed', error = $1, updated_at = $2 WHERE id = $3")
                        .bind(error)
                        .bind(now)
                        .bind(id.0)
                        .execute(&mut *tx)
                        .await?;
                    let detail = serde_json::json!({"error": error, "attempts": job.attempts});
                    audit(&mut tx, ws, None, AuditAction::DraftFailed, Some(id), &detail, now).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn release_jobs(&self, jobs: &[Job]) -> Result<()> {
                let mut tx = self.begin_write().await?;
                for job in jobs {
                    sqlx::query(
                        "UPDATE jobs SET state = 'queued', attempts = attempts - 1, locked_until = NULL \
                         WHERE id = $1 AND state = 'running' AND attempts = $2",
                    )
                    .bind(job.id)
                    .bind(job.attempts)
                    .execute(&mut *tx)
                    .await?;
                    if let Some(id) = job.payload["draft_id"].as_i64().filter(|_| job.kind == SEND_DRAFT) {
                        sqlx::query("UPDATE drafts SET status = 'queued' WHERE id = $1 AND status = 'sending'")
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                tx.commit().await?;
                Ok(())
            }

            async fn job_counts(&self) -> Result<HashMap<String, i64>> {
                let rows: Vec<(String, i64)> =
                    sqlx::query_as("SELECT state, CAST(COUNT(*) AS BIGINT) FROM jobs GROUP BY state")
                        .fetch_all(self.reader())
                        .await?;
                Ok(rows.into_iter().collect())
            }

            async fn create_oauth_state(&self, member: i64, state: &str, verifier: &str, now: OffsetDateTime) -> Result<()> {
                sqlx::query("INSERT INTO oauth_states (state, member_id, verifier, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(state)
                    .bind(member)
                    .bind(verifier)
                    .bind(now)
                    .execute(self.writer())
                    .await?;
                Ok(())
            }

            async fn take_oauth_state(&self, state: &str, not_before: OffsetDateTime) -> Result<Option<OAuthState>> {
                let mut tx = self.begin_write().await?;
                let row: Option<(i64, String, OffsetDateTime)> = sqlx::query_as(
                    "DELETE FROM oauth_states WHERE state = $1 RETURNING member_id, verifier, created_at",
                )
                .bind(state)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((member_id, verifier, _)) = row.filter(|(_, _, at)| *at >= not_before) else {
                    tx.commit().await?;
                    return Ok(None);
                };
                let (workspace_id, email): (i64, String) =
                    sqlx::query_as("SELECT workspace_id, email FROM team_members WHERE id = $1")
                        .bind(member_id)
                        .fetch_one(&mut *tx)
                        .await?;
                tx.commit().await?;
                Ok(Some(OAuthState { member_id, workspace_id, email, verifier }))
            }

            async fn save_gmail_connection(
                &self,
                ws: &Workspace,
                member: i64,
                email: &str,
                refresh_token: &str,
                now: OffsetDateTime,
            ) -> Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO gmail_connections (member_id, workspace_id, email, refresh_token, status, updated_at) \
                     VALUES ($1, $2, $3, $4, 'connected', $5) ON CONFLICT (member_id) DO UPDATE SET \
                     email = excluded.email, refresh_token = excluded.refresh_token, status = 'connected', \
                     updated_at = excluded.updated_at",
                )
                .bind(member)
                .bind(ws.id)
                .bind(email)
                .bind(refresh_token)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                let detail = serde_json::json!({"email": email});
                audit(&mut tx, ws.id, Some(member), AuditAction::GmailConnected, None, &detail, now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn gmail_connection(&self, ws: &Workspace, email: &str) -> Result<Option<GmailConnection>> {
                let row: Option<(i64, String, String, String)> = sqlx::query_as(
                    "SELECT member_id, email, refresh_token, status FROM gmail_connections \
                     WHERE workspace_id = $1 AND lower(email) = lower($2)",
                )
                .bind(ws.id)
                .bind(email)
                .fetch_optional(self.reader())
                .await?;
                Ok(row.map(|(member_id, email, refresh_token, status)| GmailConnection {
                    member_id,
                    email,
                    refresh_token,
                    status,
                }))
            }

            async fn set_gmail_status(&self, ws: &Workspace, member: i64, status: &str, now: OffsetDateTime) -> Result<()> {
                sqlx::query(
                    "UPDATE gmail_connections SET status = $1, updated_at = $2 WHERE workspace_id = $3 AND member_id = $4",
                )
                .bind(status)
                .bind(now)
                .bind(ws.id)
                .bind(member)
                .execute(self.writer())
                .await?;
                Ok(())
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
                opportunity_rows(self.reader(), ws.id, status, None).await
            }
        }
    };
}

pub(super) use impl_store;
