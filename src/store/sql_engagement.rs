//! The engagement half of the shared SQL (see `sql.rs` for why it is a macro). It expands in the same
//! module as `impl_store!`, whose helpers (`audit`, `draft_in`, `insert_draft`, `enqueue_job`,
//! `opportunity_rows`) it uses.

macro_rules! impl_engagement {
    ($store:ident, $db:ty, $dialect:ident) => {
        use super::engagement::{
            AddressBlock, Engagement, EngagementSettings, InboundMessage, NewInbound, ReplyTarget, ResponseUpdate, TimelineEvent,
            TrackingEvent, Unanswered,
        };

        #[derive(sqlx::FromRow)]
        struct InboundRow {
            id: i64,
            draft_id: Option<i64>,
            opportunity_id: Option<i64>,
            source: String,
            message_id: Option<String>,
            matched_by: Option<String>,
            from_email: String,
            from_name: Option<String>,
            subject: String,
            reply_text: String,
            label: Option<String>,
            wants_to_optimize: bool,
            phrase: Option<String>,
            ooo_until: Option<String>,
            corrected_label: Option<String>,
            corrected_optimize: Option<bool>,
            received_at: OffsetDateTime,
            suggested_label: Option<String>,
            confidence: Option<f64>,
            language: Option<String>,
            wants_upgrade: bool,
            unsubscribe: bool,
            nothing_left: bool,
            bounce: Option<String>,
        }

        const INBOUND_COLUMNS: &str = "m.id, m.draft_id, d.opportunity_id, m.source, m.message_id, m.matched_by, \
             m.from_email, m.from_name, m.subject, m.reply_text, m.label, m.wants_to_optimize, m.phrase, m.ooo_until, \
             m.corrected_label, m.corrected_optimize, m.received_at, m.suggested_label, m.confidence, m.language, \
             m.wants_upgrade, m.unsubscribe, m.nothing_left, m.bounce";

        impl InboundRow {
            fn into_message(self) -> InboundMessage {
                let classified = self.label.unwrap_or_else(|| "neutral".to_string());
                let corrected = self.corrected_label.is_some();
                let optimize = self.corrected_optimize.unwrap_or(self.wants_to_optimize);
                InboundMessage {
                    id: self.id,
                    draft_id: self.draft_id.map(DraftId),
                    opportunity_id: self.opportunity_id.map(OpportunityId),
                    source: self.source,
                    message_id: self.message_id,
                    matched_by: self.matched_by,
                    from_email: self.from_email,
                    from_name: self.from_name,
                    subject: self.subject,
                    reply_text: self.reply_text,
                    label: self.corrected_label.clone().unwrap_or_else(|| classified.clone()),
                    wants_to_optimize: optimize,
                    wants_upgrade: self.wants_upgrade && !(corrected && self.corrected_optimize == Some(true)),
                    unsubscribe: self.unsubscribe,
                    needs_review: classified == "unclear" && !corrected,
                    suggested_label: self.suggested_label.unwrap_or_else(|| classified.clone()),
                    classified_as: classified,
                    confidence: self.confidence,
                    language: self.language,
                    nothing_left: self.nothing_left,
                    bounce: self.bounce.and_then(|b| serde_json::from_str(&b).ok()),
                    phrase: self.phrase,
                    ooo_until: self.ooo_until.and_then(|d| time::Date::parse(&d, &DATE_FORMAT).ok()),
                    corrected,
                    received_at: self.received_at,
                }
            }
        }

        const DATE_FORMAT: &[time::format_description::FormatItem<'static>] =
            time::macros::format_description!("[year]-[month]-[day]");

        /// A subject without its `Re:`/`Fwd:` prefixes and runs of spaces, lower-cased, for comparison.
        fn bare_subject(subject: &str) -> String {
            let mut s = subject.trim();
            loop {
                let lower = s.to_ascii_lowercase();
                let prefix = ["re:", "aw:", "sv:", "fw:", "fwd:", "wg:", "tr:", "r:", "antw:", "ref:"]
                    .iter()
                    .find(|p| lower.starts_with(*p));
                match prefix {
                    Some(p) => s = s[p.len()..].trim_start(),
                    None => break,
                }
            }
            s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
        }

        /// Events as one JSON array of `[workspace, draft, kind, link, at, user agent, machine]`.
        fn events_json(events: &[TrackingEvent]) -> Result<String> {
            let rfc3339 = &time::format_description::well_known::Rfc3339;
            let rows = events
                .iter()
                .map(|e| {
                    Ok(serde_json::json!([
                        e.workspace_id, e.draft_id.0, e.kind, e.link, e.at.format(rfc3339)?, e.user_agent, e.machine
                    ]))
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(serde_json::Value::Array(rows).to_string())
        }

        /// Sent drafts whose Message-ID is one of `ids`, as (workspace, draft).
        async fn drafts_by_message_id(pool: impl sqlx::Executor<'_, Database = $db>, ids: &[String]) -> Result<Vec<(i64, i64)>> {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let mut qb = QueryBuilder::<$db>::new(
                "SELECT workspace_id, id FROM drafts WHERE status = 'sent' AND message_id IN (",
            );
            let mut list = qb.separated(", ");
            for id in ids.iter().take(MAX_IN_LIST) {
                list.push_bind(id);
            }
            qb.push(") ORDER BY id");
            Ok(qb.build_query_as().fetch_all(pool).await?)
        }

        #[async_trait]
        impl Engagement for $store {
            async fn server_key(&self, name: &str, candidate: &str, now: OffsetDateTime) -> Result<String> {
                sqlx::query(
                    "INSERT INTO server_keys (name, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
                )
                .bind(name)
                .bind(candidate)
                .bind(now)
                .execute(self.writer())
                .await?;
                let (secret,): (String,) = sqlx::query_as("SELECT secret FROM server_keys WHERE name = $1")
                    .bind(name)
                    .fetch_one(self.writer())
                    .await?;
                Ok(secret)
            }

            async fn engagement_settings(&self, ws: &Workspace) -> Result<EngagementSettings> {
                let (tracking_enabled, follow_up_business_days, learning_exploration): (bool, i64, bool) =
                    sqlx::query_as(
                        "SELECT tracking_enabled, follow_up_business_days, learning_exploration FROM workspaces \
                         WHERE id = $1",
                    )
                    .bind(ws.id)
                    .fetch_one(self.reader())
                    .await?;
                Ok(EngagementSettings { tracking_enabled, follow_up_business_days, learning_exploration })
            }

            async fn set_engagement_settings(&self, ws: &Workspace, s: &EngagementSettings) -> Result<()> {
                sqlx::query(
                    "UPDATE workspaces SET tracking_enabled = $1, follow_up_business_days = $2, \
                     learning_exploration = $3 WHERE id = $4",
                )
                .bind(s.tracking_enabled)
                .bind(s.follow_up_business_days)
                .bind(s.learning_exploration)
                .bind(ws.id)
                    .execute(self.writer())
                    .await?;
                Ok(())
            }

            async fn tracking_allowed(&self, workspace_id: i64, draft: &Draft) -> Result<bool> {
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT w.tracking_enabled, (SELECT COUNT(*) FROM contacts c WHERE c.tracking_opt_out \
                     AND c.customer_id = ",
                );
                qb.push_bind(draft.customer_id.0).push(" AND lower(c.email) IN (");
                let mut list = qb.separated(", ");
                list.push_bind(String::new());
                for m in &draft.to {
                    list.push_bind(m.email.to_lowercase());
                }
                qb.push(")) FROM workspaces w WHERE w.id = ").push_bind(workspace_id);
                let (enabled, opted_out): (bool, i64) = qb.build_query_as().fetch_one(self.reader()).await?;
                Ok(enabled && opted_out == 0)
            }

            async fn save_tracked_links(&self, draft: DraftId, links: &[String]) -> Result<()> {
                let mut tx = self.begin_write().await?;
                for (idx, url) in links.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO tracked_links (draft_id, idx, url) VALUES ($1, $2, $3) \
                         ON CONFLICT (draft_id, idx) DO NOTHING",
                    )
                    .bind(draft.0)
                    .bind(idx as i64)
                    .bind(url)
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query("UPDATE drafts SET tracked = TRUE WHERE id = $1").bind(draft.0).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn tracked_link(&self, workspace_id: i64, draft: DraftId, idx: u16) -> Result<Option<String>> {
                Ok(sqlx::query_as::<_, (String,)>(
                    "SELECT l.url FROM tracked_links l JOIN drafts d ON d.id = l.draft_id \
                     WHERE l.draft_id = $1 AND l.idx = $2 AND d.workspace_id = $3",
                )
                .bind(draft.0)
                .bind(i64::from(idx))
                .bind(workspace_id)
                .fetch_optional(self.reader())
                .await?
                .map(|(url,)| url))
            }

            async fn record_events(&self, events: &[TrackingEvent]) -> Result<()> {
                // The whole batch as one JSON parameter of one fixed statement: one round trip, one
                // prepared statement whatever the batch size, and atomic on its own.
                sqlx::query($dialect::INSERT_EVENTS).bind(events_json(events)?).execute(self.writer()).await?;
                Ok(())
            }

            async fn record_events_through(&self, events: &[TrackingEvent], spool: &str, seq: u64) -> Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query($dialect::INSERT_EVENTS).bind(events_json(events)?).execute(&mut *tx).await?;
                sqlx::query(
                    "INSERT INTO mailbox_cursors (source, cursor, updated_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
                )
                .bind(spool)
                .bind(seq.to_string())
                .bind(OffsetDateTime::now_utc())
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn count_events(&self, workspace_id: i64) -> Result<i64> {
                let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM tracking_events WHERE workspace_id = $1")
                    .bind(workspace_id)
                    .fetch_one(self.reader())
                    .await?;
                Ok(n)
            }

            async fn reply_target(
                &self,
                in_reply_to: &[String],
                references: &[String],
                thread_id: Option<&str>,
                from: &str,
                subject: &str,
            ) -> Result<Option<ReplyTarget>> {
                let found = drafts_by_message_id(self.reader(), in_reply_to).await?;
                if let Some((ws, id)) = found.first() {
                    return Ok(Some(ReplyTarget { workspace_id: *ws, draft_id: DraftId(*id), matched_by: "in_reply_to" }));
                }
                // The newest reference we sent: the message the reply is closest to.
                let found = drafts_by_message_id(self.reader(), references).await?;
                if let Some((ws, id)) = found.last() {
                    return Ok(Some(ReplyTarget { workspace_id: *ws, draft_id: DraftId(*id), matched_by: "references" }));
                }
                if let Some(thread) = thread_id.filter(|t| !t.is_empty()) {
                    let found: Option<(i64, i64)> = sqlx::query_as(
                        "SELECT workspace_id, id FROM drafts WHERE thread_id = $1 AND status = 'sent' ORDER BY id LIMIT 1",
                    )
                    .bind(thread)
                    .fetch_optional(self.reader())
                    .await?;
                    if let Some((ws, id)) = found {
                        return Ok(Some(ReplyTarget { workspace_id: ws, draft_id: DraftId(id), matched_by: "thread_id" }));
                    }
                }
                // Last, the sender and subject: only an unambiguous match counts, never a guess.
                let from = from.trim().to_lowercase();
                if from.is_empty() {
                    return Ok(None);
                }
                let escaped = from.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                let pattern = format!("%\"email\":\"{escaped}\"%");
                let candidates: Vec<(i64, i64, Option<i64>, String)> = sqlx::query_as(
                    "SELECT workspace_id, id, opportunity_id, subject FROM drafts \
                     WHERE status = 'sent' AND lower(to_json) LIKE $1 ESCAPE '\\' ORDER BY id",
                )
                .bind(pattern)
                .fetch_all(self.reader())
                .await?;
                let wanted = bare_subject(subject);
                let matching: Vec<&(i64, i64, Option<i64>, String)> =
                    candidates.iter().filter(|c| bare_subject(&c.3) == wanted).collect();
                let threads: HashSet<(i64, Option<i64>)> = matching.iter().map(|c| (c.0, c.2)).collect();
                Ok(match (matching.first(), threads.len()) {
                    (Some((ws, id, _, _)), 1) => {
                        Some(ReplyTarget { workspace_id: *ws, draft_id: DraftId(*id), matched_by: "sender_and_subject" })
                    }
                    _ => None,
                })
            }

            async fn save_inbound(&self, m: &NewInbound) -> Result<Option<i64>> {
                let mut tx = self.begin_write().await?;
                let id: Option<(i64,)> = sqlx::query_as(
                    "INSERT INTO inbound_messages (workspace_id, draft_id, source, dedupe_key, message_id, matched_by, \
                     from_email, from_name, subject, reply_text, label, wants_to_optimize, phrase, ooo_until, raw, \
                     received_at, suggested_label, confidence, language, wants_upgrade, unsubscribe, nothing_left, bounce) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, \
                     $21, $22, $23) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
                )
                .bind(m.target.as_ref().map(|t| t.workspace_id))
                .bind(m.target.as_ref().map(|t| t.draft_id.0))
                .bind(m.source)
                .bind(&m.dedupe_key)
                .bind(&m.message_id)
                .bind(m.target.as_ref().map(|t| t.matched_by))
                .bind(&m.from_email)
                .bind(&m.from_name)
                .bind(&m.subject)
                .bind(&m.reply_text)
                .bind(&m.label)
                .bind(m.wants_to_optimize)
                .bind(&m.phrase)
                .bind(m.ooo_until.and_then(|d| d.format(&DATE_FORMAT).ok()))
                .bind(&m.raw)
                .bind(m.received_at)
                .bind(&m.suggested_label)
                .bind(m.confidence)
                .bind(&m.language)
                .bind(m.wants_upgrade)
                .bind(m.unsubscribe)
                .bind(m.nothing_left)
                .bind(m.bounce.as_ref().map(|b| b.to_string()))
                .fetch_optional(&mut *tx)
                .await?;
                if let (Some((id,)), Some(t)) = (id, &m.target) {
                    let detail = serde_json::json!({
                        "reply_id": id, "from": m.from_email, "label": m.label, "matched_by": t.matched_by,
                        "source": m.source, "confidence": m.confidence,
                    });
                    audit(&mut tx, t.workspace_id, None, AuditAction::ReplyReceived, Some(t.draft_id), &detail, m.received_at)
                        .await?;
                }
                tx.commit().await?;
                Ok(id.map(|(id,)| id))
            }

            async fn inbound_messages(&self, ws: &Workspace, unmatched: bool, limit: i64) -> Result<Vec<InboundMessage>> {
                // Unmatched messages belong to no workspace; only an admin lists them (the caller checks).
                let sql = |filter: &str| {
                    format!(
                        "SELECT {INBOUND_COLUMNS} FROM inbound_messages m LEFT JOIN drafts d ON d.id = m.draft_id \
                         WHERE {filter} ORDER BY m.id DESC LIMIT $1"
                    )
                };
                let rows: Vec<InboundRow> = if unmatched {
                    sqlx::query_as(&sql("m.workspace_id IS NULL")).bind(limit).fetch_all(self.reader()).await?
                } else {
                    sqlx::query_as(&sql("m.workspace_id = $2")).bind(limit).bind(ws.id).fetch_all(self.reader()).await?
                };
                Ok(rows.into_iter().map(InboundRow::into_message).collect())
            }

            async fn inbound_message(&self, ws: &Workspace, id: i64) -> Result<Option<InboundMessage>> {
                let row: Option<InboundRow> = sqlx::query_as(&format!(
                    "SELECT {INBOUND_COLUMNS} FROM inbound_messages m LEFT JOIN drafts d ON d.id = m.draft_id \
                     WHERE m.workspace_id = $1 AND m.id = $2"
                ))
                .bind(ws.id)
                .bind(id)
                .fetch_optional(self.reader())
                .await?;
                Ok(row.map(InboundRow::into_message))
            }

            async fn correct_inbound(
                &self,
                ws: &Workspace,
                id: i64,
                label: &str,
                wants_to_optimize: bool,
                by: i64,
                now: OffsetDateTime,
            ) -> Result<Option<InboundMessage>> {
                let mut tx = self.begin_write().await?;
                let updated: Option<(Option<i64>, Option<String>)> = sqlx::query_as(
                    "UPDATE inbound_messages SET corrected_label = $1, corrected_optimize = $2, corrected_by = $3, \
                     corrected_at = $4 WHERE workspace_id = $5 AND id = $6 RETURNING draft_id, label",
                )
                .bind(label)
                .bind(wants_to_optimize)
                .bind(by)
                .bind(now)
                .bind(ws.id)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((draft, was)) = updated else {
                    return Ok(None);
                };
                let detail = serde_json::json!({"reply_id": id, "from": was, "to": label, "wants_to_optimize": wants_to_optimize});
                audit(&mut tx, ws.id, Some(by), AuditAction::ResponseCorrected, draft.map(DraftId), &detail, now).await?;
                tx.commit().await?;
                self.inbound_message(ws, id).await
            }

            async fn corrections(&self) -> Result<Vec<(String, String, bool)>> {
                Ok(sqlx::query_as(
                    "SELECT raw, corrected_label, COALESCE(corrected_optimize, wants_to_optimize) FROM inbound_messages \
                     WHERE corrected_label IS NOT NULL ORDER BY id",
                )
                .fetch_all(self.reader())
                .await?)
            }

            async fn workspace_corrections(&self, ws: &Workspace) -> Result<Vec<(String, String)>> {
                Ok(sqlx::query_as(
                    "SELECT reply_text, corrected_label FROM inbound_messages \
                     WHERE workspace_id = $1 AND corrected_label IS NOT NULL ORDER BY corrected_at, id",
                )
                .bind(ws.id)
                .fetch_all(self.reader())
                .await?)
            }

            async fn corrections_version(&self, ws: &Workspace) -> Result<String> {
                let (n, last): (i64, Option<String>) = sqlx::query_as(
                    "SELECT COUNT(*), CAST(MAX(corrected_at) AS TEXT) FROM inbound_messages \
                     WHERE workspace_id = $1 AND corrected_label IS NOT NULL",
                )
                .bind(ws.id)
                .fetch_one(self.reader())
                .await?;
                Ok(format!("{n}:{}", last.unwrap_or_default()))
            }

            async fn review_queue(&self, ws: &Workspace, limit: i64) -> Result<(i64, Vec<InboundMessage>)> {
                let waiting = "m.workspace_id = $1 AND m.label = 'unclear' AND m.corrected_label IS NULL";
                let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM inbound_messages m WHERE {waiting}"))
                    .bind(ws.id)
                    .fetch_one(self.reader())
                    .await?;
                let rows: Vec<InboundRow> = sqlx::query_as(&format!(
                    "SELECT {INBOUND_COLUMNS} FROM inbound_messages m LEFT JOIN drafts d ON d.id = m.draft_id \
                     WHERE {waiting} ORDER BY m.id DESC LIMIT $2"
                ))
                .bind(ws.id)
                .bind(limit)
                .fetch_all(self.reader())
                .await?;
                Ok((n, rows.into_iter().map(InboundRow::into_message).collect()))
            }

            async fn thread_drafts(&self, ws: &Workspace, draft: DraftId) -> Result<Vec<DraftId>> {
                let ids: Vec<(i64,)> = sqlx::query_as(
                    "SELECT t.id FROM drafts d JOIN drafts t ON t.workspace_id = d.workspace_id \
                     AND (t.id = d.id OR (d.opportunity_id IS NOT NULL AND t.opportunity_id = d.opportunity_id)) \
                     WHERE d.workspace_id = $1 AND d.id = $2 AND (t.id = d.id OR t.status = 'sent') ORDER BY t.id",
                )
                .bind(ws.id)
                .bind(draft.0)
                .fetch_all(self.reader())
                .await?;
                Ok(ids.into_iter().map(|(id,)| DraftId(id)).collect())
            }

            async fn block_address(
                &self,
                ws: &Workspace,
                email: &str,
                reason: &str,
                detail: &str,
                reply: Option<i64>,
                now: OffsetDateTime,
            ) -> Result<()> {
                let email = email.trim().to_lowercase();
                if email.is_empty() {
                    return Ok(());
                }
                sqlx::query(
                    "INSERT INTO address_blocks (workspace_id, email, reason, detail, reply_id, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (workspace_id, email) DO NOTHING",
                )
                .bind(ws.id)
                .bind(email)
                .bind(reason)
                .bind(detail)
                .bind(reply)
                .bind(now)
                .execute(self.writer())
                .await?;
                Ok(())
            }

            async fn address_block(&self, ws: &Workspace, email: &str) -> Result<Option<AddressBlock>> {
                let row: Option<(String, String, String, Option<i64>, OffsetDateTime)> = sqlx::query_as(
                    "SELECT email, reason, detail, reply_id, created_at FROM address_blocks \
                     WHERE workspace_id = $1 AND email = $2",
                )
                .bind(ws.id)
                .bind(email.trim().to_lowercase())
                .fetch_optional(self.reader())
                .await?;
                Ok(row.map(|(email, reason, detail, reply_id, created_at)| AddressBlock {
                    email,
                    reason,
                    detail,
                    reply_id,
                    created_at,
                }))
            }

            async fn note_bounce(
                &self,
                ws: &Workspace,
                draft: DraftId,
                hard: bool,
                detail: &serde_json::Value,
                jobs: &[super::NewJob],
                now: OffsetDateTime,
            ) -> Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "UPDATE drafts SET bounced_at = CASE WHEN $5 THEN COALESCE(bounced_at, $1) ELSE bounced_at END, \
                     bounce = $2 WHERE workspace_id = $3 AND id = $4",
                )
                .bind(now)
                .bind(detail.to_string())
                .bind(ws.id)
                .bind(draft.0)
                .bind(hard)
                .execute(&mut *tx)
                .await?;
                for job in jobs {
                    enqueue_job(&mut tx, ws.id, job, OffsetDateTime::now_utc()).await?;
                }
                audit(&mut tx, ws.id, None, AuditAction::DraftBounced, Some(draft), detail, now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn opportunity(&self, ws: &Workspace, id: OpportunityId) -> Result<Option<OpportunityRow>> {
                Ok(opportunity_rows(self.reader(), ws.id, None, Some(id)).await?.into_iter().next())
            }

            async fn record_response(
                &self,
                ws: &Workspace,
                u: &ResponseUpdate,
                now: OffsetDateTime,
            ) -> Result<Option<OpportunityRow>> {
                let mut tx = self.begin_write().await?;
                let first_only = if u.first_only { " AND intro_response IS NULL" } else { "" };
                let handoff = !u.jobs.is_empty();
                let updated: Option<(i64, Option<i64>)> = sqlx::query_as(&format!(
                    "UPDATE opportunities SET intro_response = $1, intro_responded_at = $2, \
                     response_note = COALESCE($3, response_note), \
                     status = CASE WHEN status IN ('identified', 'intro_sent', 'conversation') THEN COALESCE($4, status) \
                     ELSE status END, \
                     handed_off_at = CASE WHEN $5 THEN COALESCE(handed_off_at, $2) ELSE handed_off_at END, updated_at = $2 \
                     WHERE workspace_id = $6 AND id = $7{first_only} RETURNING customer_id, draft_id"
                ))
                .bind(&u.response)
                .bind(now)
                .bind(&u.note)
                .bind(u.status)
                .bind(handoff)
                .bind(ws.id)
                .bind(u.opportunity.0)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((customer, intro)) = updated else {
                    return Ok(None);
                };
                if let Some(until) = u.suppress_until {
                    sqlx::query("UPDATE customers SET suppressed_until = $1 WHERE id = $2 AND workspace_id = $3")
                        .bind(until)
                        .bind(customer)
                        .bind(ws.id)
                        .execute(&mut *tx)
                        .await?;
                }
                for job in &u.jobs {
                    enqueue_job(&mut tx, ws.id, job, u.run_at).await?;
                }
                let detail = serde_json::json!({
                    "opportunity_id": u.opportunity.to_string(), "response": u.response, "note": u.note,
                    "reply_id": u.reply, "status": u.status,
                    "suppressed_until": u.suppress_until.and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok()),
                });
                audit(&mut tx, ws.id, u.by, AuditAction::ResponseRecorded, intro.map(DraftId), &detail, now).await?;
                let row = opportunity_rows(&mut *tx, ws.id, None, Some(u.opportunity)).await?.into_iter().next();
                tx.commit().await?;
                Ok(row)
            }

            async fn unanswered(&self, sent_before: OffsetDateTime) -> Result<Vec<Unanswered>> {
                let rows: Vec<(i64, i64, i64, OffsetDateTime, i64, Option<String>)> = sqlx::query_as(
                    "SELECT o.workspace_id, o.id, o.draft_id, o.intro_sent_at, w.follow_up_business_days, \
                     (SELECT MAX(m.ooo_until) FROM inbound_messages m WHERE m.draft_id = o.draft_id) \
                     FROM opportunities o JOIN workspaces w ON w.id = o.workspace_id \
                     WHERE o.status = 'intro_sent' AND o.intro_response IS NULL AND o.follow_up_draft_id IS NULL \
                     AND o.draft_id IS NOT NULL AND o.intro_sent_at < $1 ORDER BY o.id",
                )
                .bind(sent_before)
                .fetch_all(self.reader())
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(ws, id, intro, sent_at, days, ooo)| Unanswered {
                        workspace_id: ws,
                        opportunity: OpportunityId(id),
                        intro: DraftId(intro),
                        sent_at,
                        business_days: days,
                        ooo_until: ooo.and_then(|d| time::Date::parse(&d, &DATE_FORMAT).ok()),
                    })
                    .collect())
            }

            async fn create_follow_up(
                &self,
                ws: &Workspace,
                opportunity: OpportunityId,
                d: &NewDraft,
                now: OffsetDateTime,
            ) -> Result<Option<Draft>> {
                let mut tx = self.begin_write().await?;
                let claimed = sqlx::query(
                    "UPDATE opportunities SET updated_at = $1 WHERE workspace_id = $2 AND id = $3 \
                     AND follow_up_draft_id IS NULL AND intro_response IS NULL AND status = 'intro_sent'",
                )
                .bind(now)
                .bind(ws.id)
                .bind(opportunity.0)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if claimed != 1 {
                    return Ok(None);
                }
                let id = insert_draft(&mut tx, ws, d, now).await?;
                sqlx::query("UPDATE opportunities SET follow_up_draft_id = $1 WHERE id = $2")
                    .bind(id.0)
                    .bind(opportunity.0)
                    .execute(&mut *tx)
                    .await?;
                let detail = serde_json::json!({"opportunity_id": opportunity.to_string(), "in_reply_to": d.in_reply_to});
                audit(&mut tx, ws.id, None, AuditAction::FollowUpDrafted, Some(id), &detail, now).await?;
                let draft = draft_in(&mut *tx, ws.id, id).await?;
                tx.commit().await?;
                Ok(draft)
            }

            async fn timeline(&self, ws: &Workspace, opportunity: OpportunityId) -> Result<Vec<TimelineEvent>> {
                let drafts = "(SELECT id FROM drafts WHERE workspace_id = $1 AND opportunity_id = $2)";
                let audit_rows: Vec<(i64, OffsetDateTime, String, Option<i64>, String, Option<String>)> =
                    sqlx::query_as(&format!(
                        "SELECT a.id, a.at, a.action, a.draft_id, a.detail, m.email FROM audit_log a \
                         LEFT JOIN team_members m ON m.id = a.actor_id \
                         WHERE a.workspace_id = $1 AND a.draft_id IN {drafts} ORDER BY a.id"
                    ))
                    .bind(ws.id)
                    .bind(opportunity.0)
                    .fetch_all(self.reader())
                    .await?;
                let events: Vec<(OffsetDateTime, String, i64, Option<i64>, Option<String>, Option<String>)> =
                    sqlx::query_as(&format!(
                        "SELECT e.at, e.kind, e.draft_id, e.link_idx, e.user_agent, e.machine FROM tracking_events e \
                         WHERE e.workspace_id = $1 AND e.draft_id IN {drafts} ORDER BY e.id"
                    ))
                    .bind(ws.id)
                    .bind(opportunity.0)
                    .fetch_all(self.reader())
                    .await?;
                let replies: Vec<InboundRow> = sqlx::query_as(&format!(
                    "SELECT {INBOUND_COLUMNS} FROM inbound_messages m LEFT JOIN drafts d ON d.id = m.draft_id \
                     WHERE m.workspace_id = $1 AND m.draft_id IN {drafts} ORDER BY m.id"
                ))
                .bind(ws.id)
                .bind(opportunity.0)
                .fetch_all(self.reader())
                .await?;
                let mut out: Vec<(OffsetDateTime, u8, i64, TimelineEvent)> = Vec::new();
                for (id, at, action, draft, detail, actor) in audit_rows {
                    let event = match action.as_str() {
                        "draft.created" => "drafted",
                        "draft.edited" => "edited",
                        "draft.approved" => "approved",
                        "draft.sent" => "sent",
                        "draft.failed" => "failed",
                        "draft.discarded" => "discarded",
                        "ae.notified" => "ae_notified",
                        "ae.handoff" => "handed_off",
                        "webhook.delivered" => "webhook_delivered",
                        "follow_up.drafted" => "follow_up_drafted",
                        "draft.bounced" => "bounced",
                        "csm.notified" => "csm_notified",
                        "response.recorded" => "response_recorded",
                        "response.corrected" => "response_corrected",
                        // Replies come from the replies themselves, with their classification.
                        _ => continue,
                    };
                    let mut detail: serde_json::Value = serde_json::from_str(&detail).unwrap_or_default();
                    if let (Some(actor), Some(obj)) = (actor, detail.as_object_mut()) {
                        obj.insert("actor".into(), actor.into());
                    }
                    let e = TimelineEvent { at, event: event.into(), draft_id: draft.map(DraftId), human: None, detail };
                    out.push((at, 0, id, e));
                }
                for (i, (at, kind, draft, link, user_agent, machine)) in events.into_iter().enumerate() {
                    let event = if kind == "open" { "opened" } else { "clicked" };
                    let detail = serde_json::json!({"link": link, "user_agent": user_agent, "machine": machine});
                    let human = Some(machine.is_none());
                    let e = TimelineEvent { at, event: event.into(), draft_id: Some(DraftId(draft)), human, detail };
                    out.push((at, 1, i as i64, e));
                }
                for r in replies {
                    let m = r.into_message();
                    let replied = serde_json::json!({
                        "reply_id": m.id, "from": m.from_email, "subject": m.subject, "source": m.source,
                        "matched_by": m.matched_by, "text": m.reply_text,
                    });
                    let classified = serde_json::json!({
                        "reply_id": m.id, "label": m.label, "wants_to_optimize": m.wants_to_optimize,
                        "phrase": m.phrase, "ooo_until": m.ooo_until.and_then(|d| d.format(&DATE_FORMAT).ok()),
                        "corrected": m.corrected, "classified_as": m.classified_as,
                    });
                    let at = m.received_at;
                    let draft = m.draft_id;
                    out.push((at, 2, m.id * 2, TimelineEvent { at, event: "replied".into(), draft_id: draft, human: None, detail: replied }));
                    out.push((at, 2, m.id * 2 + 1, TimelineEvent { at, event: "classified".into(), draft_id: draft, human: None, detail: classified }));
                }
                // Time first; events of the same instant (a fixed OVERTURE_NOW, a coarse clock) in the
                // order the lifecycle makes them happen.
                out.sort_by(|a, b| (a.0, a.3.stage(), a.1, a.2).cmp(&(b.0, b.3.stage(), b.1, b.2)));
                Ok(out.into_iter().map(|(_, _, _, e)| e).collect())
            }

            async fn sent_threads(&self, workspace_id: i64, email: &str) -> Result<Vec<String>> {
                let rows: Vec<(String,)> = sqlx::query_as(
                    "SELECT DISTINCT thread_id FROM drafts WHERE workspace_id = $1 AND lower(from_email) = lower($2) \
                     AND thread_id IS NOT NULL AND status = 'sent'",
                )
                .bind(workspace_id)
                .bind(email)
                .fetch_all(self.reader())
                .await?;
                Ok(rows.into_iter().map(|(t,)| t).collect())
            }

            async fn gmail_mailboxes(&self) -> Result<Vec<(i64, super::GmailConnection)>> {
                let rows: Vec<(i64, i64, String, String, String)> = sqlx::query_as(
                    "SELECT workspace_id, member_id, email, refresh_token, status FROM gmail_connections \
                     WHERE status = 'connected' ORDER BY member_id",
                )
                .fetch_all(self.reader())
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(ws, member_id, email, refresh_token, status)| {
                        (ws, super::GmailConnection { member_id, email, refresh_token, status })
                    })
                    .collect())
            }

            async fn cursor(&self, source: &str) -> Result<Option<String>> {
                Ok(sqlx::query_as::<_, (String,)>("SELECT cursor FROM mailbox_cursors WHERE source = $1")
                    .bind(source)
                    .fetch_optional(self.reader())
                    .await?
                    .map(|(c,)| c))
            }

            async fn set_cursor(&self, source: &str, cursor: &str, now: OffsetDateTime) -> Result<()> {
                sqlx::query(
                    "INSERT INTO mailbox_cursors (source, cursor, updated_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
                )
                .bind(source)
                .bind(cursor)
                .bind(now)
                .execute(self.writer())
                .await?;
                Ok(())
            }
        }
    };
}

pub(super) use impl_engagement;
