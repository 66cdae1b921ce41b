//! The learning half of the shared SQL (see `sql.rs` for why it is a macro). It expands in the same
//! module as `impl_store!`, whose `opportunity_rows` it uses.

macro_rules! impl_learning {
    ($store:ident, $db:ty) => {
        use super::learning::{Learning, Outcome};
        use crate::domain::BuyingStyle;
        use crate::learning::styles::StyleCounts;
        use crate::learning::timing::{ClockCounts, RenewalCounts};
        use crate::learning::{Counts, Segment};

        /// The size band of `c.seats_purchased`, as `learning::size_band` names it.
        fn size_band_sql() -> String {
            let mut sql = String::from("CASE");
            for (max, name) in crate::learning::estimate::SIZE_BANDS {
                sql.push_str(&format!(" WHEN c.seats_purchased <= {max} THEN '{name}'"));
            }
            sql.push_str(&format!(" ELSE '{}' END", crate::learning::estimate::LARGEST_BAND));
            sql
        }

        /// The UPDATE that records `outcome` ($1: when, $2: the note, $3: the workspace) on the opportunity
        /// `target` selects (with $4). A meeting moves an open opportunity into conversation; the first
        /// meeting counts.
        fn outcome_sql(outcome: Outcome, target: &str) -> String {
            let set = match outcome {
                Outcome::MeetingBooked => {
                    "meeting_booked_at = COALESCE(meeting_booked_at, $1), status = CASE WHEN status IN \
                     ('identified', 'intro_sent') THEN 'conversation' ELSE status END"
                }
                Outcome::Won => "status = 'won', outcome_at = $1",
                Outcome::Lost => "status = 'lost', outcome_at = $1",
            };
            format!(
                "UPDATE opportunities SET {set}, outcome_note = COALESCE($2, outcome_note), updated_at = $1 \
                 WHERE workspace_id = $3 AND {target}"
            )
        }

        /// A positive outcome: a positive reply, a meeting or a win.
        const POSITIVE: &str = "(o.intro_response = 'positive' OR o.meeting_booked_at IS NOT NULL OR o.status = 'won')";

        /// The counts every grouping reads (see `learning::Counts`).
        fn counted_columns() -> String {
            format!(
                "COUNT(*) AS sent, COUNT(o.intro_response) AS replied, \
                 CAST(SUM(CASE WHEN {POSITIVE} THEN 1 ELSE 0 END) AS BIGINT) AS positive, \
                 COUNT(o.meeting_booked_at) AS meetings, \
                 CAST(SUM(CASE WHEN o.status = 'won' THEN 1 ELSE 0 END) AS BIGINT) AS won, \
                 CAST(SUM(CASE WHEN o.status IN ('won', 'lost') AND o.outcome_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) \
                 AS decided"
            )
        }

        /// The introductions that have an outcome ($1: the workspace, $2: sent before this, silence counts).
        fn matured_filter() -> String {
            format!(
                "o.workspace_id = $1 AND o.intro_sent_at IS NOT NULL AND o.approach IS NOT NULL \
                 AND (o.intro_response IS NOT NULL OR {POSITIVE} OR o.outcome_at IS NOT NULL OR o.intro_sent_at <= $2)"
            )
        }

        /// The columns of `counted_columns`.
        #[derive(sqlx::FromRow)]
        struct CountedRow {
            sent: i64,
            replied: i64,
            positive: i64,
            meetings: i64,
            won: i64,
            decided: i64,
        }

        impl CountedRow {
            fn counts(&self) -> Counts {
                let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
                Counts {
                    sent: n(self.sent),
                    replied: n(self.replied),
                    positive: n(self.positive),
                    meetings: n(self.meetings),
                    won: n(self.won),
                    decided: n(self.decided),
                }
            }
        }

        #[derive(sqlx::FromRow)]
        struct StyleRow {
            style: String,
            approach: String,
            #[sqlx(flatten)]
            counted: CountedRow,
        }

        #[derive(sqlx::FromRow)]
        struct ClockRow {
            weekday: Option<i64>,
            hour: Option<i64>,
            #[sqlx(flatten)]
            counted: CountedRow,
        }

        #[derive(sqlx::FromRow)]
        struct RenewalRow {
            days: Option<i64>,
            #[sqlx(flatten)]
            counted: CountedRow,
        }

        /// The counts of the matured introductions of a workspace with the `select`ed keys, grouped by
        /// `group` (columns that lead the covering index the query streams over).
        fn grouped_sql(select: &str, group: &str) -> String {
            format!(
                "SELECT {select}, {counted} FROM opportunities o WHERE {filter} GROUP BY {group}",
                counted = counted_columns(),
                filter = matured_filter(),
            )
        }

        #[derive(sqlx::FromRow)]
        struct StyleVotesRow {
            analytical: i64,
            driver: i64,
            amiable: i64,
            expressive: i64,
        }

        #[derive(sqlx::FromRow)]
        struct OutcomeCountRow {
            approach: String,
            plan: String,
            size: String,
            industry: String,
            signal: String,
            #[sqlx(flatten)]
            counted: CountedRow,
        }

        #[async_trait]
        impl Learning for $store {
            async fn record_outcome(
                &self,
                ws: &Workspace,
                id: OpportunityId,
                outcome: Outcome,
                note: Option<&str>,
                at: OffsetDateTime,
            ) -> Result<Option<OpportunityRow>> {
                let sql = outcome_sql(outcome, "id = $4");
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(&sql).bind(at).bind(note).bind(ws.id).bind(id.0).execute(&mut *tx).await?;
                if done.rows_affected() == 0 {
                    tx.commit().await?;
                    return Ok(None);
                }
                let row = opportunity_rows(&mut *tx, ws.id, None, Some(id)).await?.pop();
                tx.commit().await?;
                Ok(row)
            }

            async fn outcome_counts(
                &self,
                ws: &Workspace,
                matured_before: OffsetDateTime,
            ) -> Result<Vec<(Segment, Approach, Counts)>> {
                // Everything read is in the covering index `opportunities_outcomes`.
                let sql = grouped_sql(
                    "o.approach, COALESCE(o.segment_plan, '') AS plan, COALESCE(o.segment_size, '') AS size, \
                     COALESCE(o.segment_industry, '') AS industry, COALESCE(o.main_signal, '') AS signal",
                    "o.approach, o.segment_plan, o.segment_size, o.segment_industry, o.main_signal",
                );
                let rows: Vec<OutcomeCountRow> =
                    sqlx::query_as(&sql).bind(ws.id).bind(matured_before).fetch_all(self.reader()).await?;
                Ok(rows
                    .into_iter()
                    .filter_map(|r| {
                        let approach = r.approach.parse::<Approach>().ok()?;
                        let segment = Segment { plan: r.plan, size: r.size, industry: r.industry, signal: r.signal };
                        Some((segment, approach, r.counted.counts()))
                    })
                    .collect())
            }

            async fn style_counts(&self, ws: &Workspace, matured_before: OffsetDateTime) -> Result<Vec<StyleCounts>> {
                // Streams over the covering index `opportunities_styles`.
                let sql = grouped_sql("COALESCE(o.sent_style, 'unknown') AS style, o.approach", "o.sent_style, o.approach");
                let rows: Vec<StyleRow> =
                    sqlx::query_as(&sql).bind(ws.id).bind(matured_before).fetch_all(self.reader()).await?;
                Ok(rows
                    .into_iter()
                    .filter_map(|r| {
                        Some(StyleCounts {
                            style: r.style.parse().unwrap_or_default(),
                            approach: r.approach.parse::<Approach>().ok()?,
                            counts: r.counted.counts(),
                        })
                    })
                    .collect())
            }

            async fn clock_counts(&self, ws: &Workspace, matured_before: OffsetDateTime) -> Result<Vec<ClockCounts>> {
                // Streams over the covering index `opportunities_clock`.
                let sql = grouped_sql("o.sent_weekday AS weekday, o.sent_hour AS hour", "o.sent_weekday, o.sent_hour");
                let rows: Vec<ClockRow> =
                    sqlx::query_as(&sql).bind(ws.id).bind(matured_before).fetch_all(self.reader()).await?;
                let small = |v: Option<i64>| v.and_then(|v| u8::try_from(v).ok());
                Ok(rows
                    .into_iter()
                    .map(|r| ClockCounts { weekday: small(r.weekday), hour: small(r.hour), counts: r.counted.counts() })
                    .collect())
            }

            async fn renewal_counts(&self, ws: &Workspace, matured_before: OffsetDateTime) -> Result<Vec<RenewalCounts>> {
                // Streams over the covering index `opportunities_renewal`: a row per distinct distance.
                let sql = grouped_sql("o.sent_days_to_renewal AS days", "o.sent_days_to_renewal");
                let rows: Vec<RenewalRow> =
                    sqlx::query_as(&sql).bind(ws.id).bind(matured_before).fetch_all(self.reader()).await?;
                Ok(rows.into_iter().map(|r| RenewalCounts { days: r.days, counts: r.counted.counts() }).collect())
            }

            async fn note_reply_style(
                &self,
                ws: &Workspace,
                email: &str,
                cue: Option<BuyingStyle>,
                now: OffsetDateTime,
            ) -> Result<()> {
                let email = email.trim().to_lowercase();
                let vote = |s: BuyingStyle| i64::from(cue == Some(s));
                let mut tx = self.begin_write().await?;
                let v: StyleVotesRow = sqlx::query_as(
                    "INSERT INTO contact_styles (workspace_id, email, set_at, replies, analytical, driver, amiable, expressive) \
                     VALUES ($1, $2, $3, 1, $4, $5, $6, $7) ON CONFLICT (workspace_id, email) DO UPDATE SET \
                     replies = contact_styles.replies + 1, analytical = contact_styles.analytical + excluded.analytical, \
                     driver = contact_styles.driver + excluded.driver, amiable = contact_styles.amiable + excluded.amiable, \
                     expressive = contact_styles.expressive + excluded.expressive \
                     RETURNING analytical, driver, amiable, expressive",
                )
                .bind(ws.id)
                .bind(&email)
                .bind(now)
                .bind(vote(BuyingStyle::Analytical))
                .bind(vote(BuyingStyle::Driver))
                .bind(vote(BuyingStyle::Amiable))
                .bind(vote(BuyingStyle::Expressive))
                .fetch_one(&mut *tx)
                .await?;
                let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
                let inferred = crate::learning::styles::infer([n(v.analytical), n(v.driver), n(v.amiable), n(v.expressive)]);
                sqlx::query("UPDATE contact_styles SET inferred = $1 WHERE workspace_id = $2 AND email = $3")
                    .bind(inferred.map(BuyingStyle::as_str))
                    .bind(ws.id)
                    .bind(&email)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn set_buying_style(
                &self,
                ws: &Workspace,
                email: &str,
                style: BuyingStyle,
                by: &str,
                now: OffsetDateTime,
            ) -> Result<()> {
                let style = Some(style).filter(|s| *s != BuyingStyle::Unknown).map(BuyingStyle::as_str);
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO contact_styles (workspace_id, email, style, source, set_by, set_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (workspace_id, email) DO UPDATE SET \
                     style = excluded.style, source = excluded.source, set_by = excluded.set_by, set_at = excluded.set_at",
                )
                .bind(ws.id)
                .bind(email.trim().to_lowercase())
                .bind(style)
                .bind(style.map(|_| "csm"))
                .bind(style.map(|_| by))
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

pub(super) use impl_learning;
