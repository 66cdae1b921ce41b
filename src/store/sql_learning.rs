//! The learning half of the shared SQL (see `sql.rs` for why it is a macro). It expands in the same
//! module as `impl_store!`, whose `opportunity_rows` it uses.

macro_rules! impl_learning {
    ($store:ident, $db:ty) => {
        use super::learning::{Learning, Outcome};
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

        #[derive(sqlx::FromRow)]
        struct OutcomeCountRow {
            approach: String,
            plan: String,
            size: String,
            industry: String,
            signal: String,
            sent: i64,
            replied: i64,
            positive: i64,
            meetings: i64,
            won: i64,
            decided: i64,
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
                let positive = "(o.intro_response = 'positive' OR o.meeting_booked_at IS NOT NULL OR o.status = 'won')";
                // Everything read is in the covering index `opportunities_outcomes`.
                let sql = format!(
                    "SELECT o.approach, COALESCE(o.segment_plan, '') AS plan, COALESCE(o.segment_size, '') AS size, \
                     COALESCE(o.segment_industry, '') AS industry, COALESCE(o.main_signal, '') AS signal, \
                     COUNT(*) AS sent, COUNT(o.intro_response) AS replied, \
                     CAST(SUM(CASE WHEN {positive} THEN 1 ELSE 0 END) AS BIGINT) AS positive, \
                     COUNT(o.meeting_booked_at) AS meetings, \
                     CAST(SUM(CASE WHEN o.status = 'won' THEN 1 ELSE 0 END) AS BIGINT) AS won, \
                     CAST(SUM(CASE WHEN o.status IN ('won', 'lost') AND o.outcome_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) \
                     AS decided \
                     FROM opportunities o \
                     WHERE o.workspace_id = $1 AND o.intro_sent_at IS NOT NULL AND o.approach IS NOT NULL \
                     AND (o.intro_response IS NOT NULL OR {positive} OR o.outcome_at IS NOT NULL OR o.intro_sent_at <= $2) \
                     GROUP BY o.approach, o.segment_plan, o.segment_size, o.segment_industry, o.main_signal",
                );
                let rows: Vec<OutcomeCountRow> =
                    sqlx::query_as(&sql).bind(ws.id).bind(matured_before).fetch_all(self.reader()).await?;
                let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
                Ok(rows
                    .into_iter()
                    .filter_map(|r| {
                        let approach = r.approach.parse::<Approach>().ok()?;
                        let segment = Segment { plan: r.plan, size: r.size, industry: r.industry, signal: r.signal };
                        let counts = Counts {
                            sent: n(r.sent),
                            replied: n(r.replied),
                            positive: n(r.positive),
                            meetings: n(r.meetings),
                            won: n(r.won),
                            decided: n(r.decided),
                        };
                        Some((segment, approach, counts))
                    })
                    .collect())
            }
        }
    };
}

pub(super) use impl_learning;
