//! The web half of the shared SQL (see `sql.rs` for why it is a macro). It expands in the same module as
//! `impl_store!`.

macro_rules! impl_web {
    ($store:ident, $db:ty) => {
        use super::web::{ChatMessage, ChatState, NewChatMessage, Session, Web};

        #[derive(sqlx::FromRow)]
        struct SessionRow {
            csrf_token: String,
            expires_at: OffsetDateTime,
            #[sqlx(flatten)]
            principal: PrincipalRow,
        }

        impl SessionRow {
            fn into_session(self) -> Result<Session> {
                Ok(Session {
                    principal: self.principal.into_principal()?,
                    csrf_token: self.csrf_token,
                    expires_at: self.expires_at,
                })
            }
        }

        const SESSION_SQL: &str = "SELECT s.csrf_token, s.expires_at, w.id AS workspace_id, \
             w.name AS workspace_name, w.ae_value_threshold, w.catalog_version, \
             m.id, m.email, m.name, m.role, m.title, m.calendar_url \
             FROM web_sessions s JOIN api_tokens t ON t.id = s.token_id \
             JOIN team_members m ON m.id = t.member_id JOIN workspaces w ON w.id = m.workspace_id \
             WHERE s.session_hash = $1 AND s.expires_at > $2 AND t.revoked_at IS NULL";

        #[derive(sqlx::FromRow)]
        struct ChatRow {
            id: i64,
            role: String,
            text: String,
            cards: String,
            created_at: OffsetDateTime,
        }

        impl ChatRow {
            fn into_message(self) -> ChatMessage {
                // Cards are written by us; a line whose cards cannot be read still shows its text.
                let cards = serde_json::from_str(&self.cards).unwrap_or_else(|_| serde_json::json!([]));
                ChatMessage { id: self.id, role: self.role, text: self.text, cards, created_at: self.created_at }
            }
        }

        #[async_trait]
        impl Web for $store {
            async fn create_session(
                &self,
                token_hash: &str,
                session_hash: &str,
                csrf_token: &str,
                now: OffsetDateTime,
                expires_at: OffsetDateTime,
            ) -> Result<Option<Session>> {
                let inserted = sqlx::query(
                    "INSERT INTO web_sessions (session_hash, token_id, csrf_token, created_at, expires_at) \
                     SELECT $1, id, $2, $3, $4 FROM api_tokens WHERE token_hash = $5 AND revoked_at IS NULL",
                )
                .bind(session_hash)
                .bind(csrf_token)
                .bind(now)
                .bind(expires_at)
                .bind(token_hash)
                .execute(self.writer())
                .await?;
                if inserted.rows_affected() == 0 {
                    return Ok(None);
                }
                let row: Option<SessionRow> =
                    sqlx::query_as(SESSION_SQL).bind(session_hash).bind(now).fetch_optional(self.writer()).await?;
                row.map(SessionRow::into_session).transpose()
            }

            async fn session(&self, session_hash: &str, now: OffsetDateTime) -> Result<Option<Session>> {
                let row: Option<SessionRow> =
                    sqlx::query_as(SESSION_SQL).bind(session_hash).bind(now).fetch_optional(self.reader()).await?;
                row.map(SessionRow::into_session).transpose()
            }

            async fn delete_session(&self, session_hash: &str) -> Result<()> {
                sqlx::query("DELETE FROM web_sessions WHERE session_hash = $1")
                    .bind(session_hash)
                    .execute(self.writer())
                    .await?;
                Ok(())
            }

            async fn purge_sessions(&self, now: OffsetDateTime) -> Result<u64> {
                let done = sqlx::query("DELETE FROM web_sessions WHERE expires_at <= $1")
                    .bind(now)
                    .execute(self.writer())
                    .await?;
                Ok(done.rows_affected())
            }

            async fn chat_history(&self, ws: &Workspace, member: i64, limit: i64) -> Result<Vec<ChatMessage>> {
                let mut rows: Vec<ChatRow> = sqlx::query_as(
                    "SELECT id, role, text, cards, created_at FROM chat_messages \
                     WHERE workspace_id = $1 AND member_id = $2 ORDER BY id DESC LIMIT $3",
                )
                .bind(ws.id)
                .bind(member)
                .bind(limit)
                .fetch_all(self.reader())
                .await?;
                rows.reverse();
                Ok(rows.into_iter().map(ChatRow::into_message).collect())
            }

            async fn chat_state(&self, ws: &Workspace, member: i64) -> Result<ChatState> {
                let row: Option<(Option<i64>, Option<i64>)> = sqlx::query_as(
                    "SELECT customer_id, draft_id FROM chat_state WHERE workspace_id = $1 AND member_id = $2",
                )
                .bind(ws.id)
                .bind(member)
                .fetch_optional(self.reader())
                .await?;
                Ok(row.map_or_else(ChatState::default, |(customer, draft)| ChatState {
                    customer_id: customer.map(CustomerId),
                    draft_id: draft.map(DraftId),
                }))
            }

            async fn append_chat(
                &self,
                ws: &Workspace,
                member: i64,
                lines: &[NewChatMessage],
                state: ChatState,
                now: OffsetDateTime,
            ) -> Result<Vec<ChatMessage>> {
                let mut tx = self.begin_write().await?;
                let mut stored = Vec::with_capacity(lines.len());
                for line in lines {
                    let cards = line.cards.to_string();
                    let row: ChatRow = sqlx::query_as(
                        "INSERT INTO chat_messages (workspace_id, member_id, role, text, cards, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, role, text, cards, created_at",
                    )
                    .bind(ws.id)
                    .bind(member)
                    .bind(line.role)
                    .bind(&line.text)
                    .bind(&cards)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                    stored.push(row.into_message());
                }
                sqlx::query(
                    "INSERT INTO chat_state (member_id, workspace_id, customer_id, draft_id, updated_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (member_id) DO UPDATE SET \
                     customer_id = excluded.customer_id, draft_id = excluded.draft_id, updated_at = excluded.updated_at",
                )
                .bind(member)
                .bind(ws.id)
                .bind(state.customer_id.map(|c| c.0))
                .bind(state.draft_id.map(|d| d.0))
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(stored)
            }

            async fn clear_chat(&self, ws: &Workspace, member: i64) -> Result<()> {
                let mut tx = self.begin_write().await?;
                for table in ["chat_messages", "chat_state"] {
                    sqlx::query(&format!("DELETE FROM {table} WHERE workspace_id = $1 AND member_id = $2"))
                        .bind(ws.id)
                        .bind(member)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

pub(super) use impl_web;
