//! What the store keeps for the web app: browser sessions and each member's chat conversation. A trait
//! of its own, like [`Engagement`](super::Engagement); every `Store` is one.

use async_trait::async_trait;
use serde::Serialize;
use time::OffsetDateTime;

use super::{Principal, Result, Workspace};
use crate::domain::{CustomerId, DraftId};

/// A signed-in browser: who it is, and the token its writes must carry.
#[derive(Debug, Clone)]
pub struct Session {
    pub principal: Principal,
    pub csrf_token: String,
    pub expires_at: OffsetDateTime,
}

/// One line of a conversation, with its cards (JSON, shaped by `chat`).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ChatMessage {
    pub id: i64,
    /// `user` or `assistant`.
    pub role: String,
    pub text: String,
    #[schema(value_type = Vec<Object>)]
    pub cards: serde_json::Value,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A line to append.
#[derive(Debug, Clone, PartialEq)]
pub struct NewChatMessage {
    pub role: &'static str,
    pub text: String,
    pub cards: serde_json::Value,
}

/// What the conversation is about: the customer and the draft that "Send" or "Make it softer" act on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChatState {
    pub customer_id: Option<CustomerId>,
    pub draft_id: Option<DraftId>,
}

#[async_trait]
pub trait Web: Send + Sync {
    /// Opens a session for the holder of a valid API token; `None` if the token is unknown or revoked.
    async fn create_session(
        &self,
        token_hash: &str,
        session_hash: &str,
        csrf_token: &str,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<Option<Session>>;
    /// The live session with this hash (not expired, its token not revoked).
    async fn session(&self, session_hash: &str, now: OffsetDateTime) -> Result<Option<Session>>;
    async fn delete_session(&self, session_hash: &str) -> Result<()>;
    /// Removes expired sessions; returns how many.
    async fn purge_sessions(&self, now: OffsetDateTime) -> Result<u64>;

    /// The member's last `limit` chat lines, oldest first.
    async fn chat_history(&self, ws: &Workspace, member: i64, limit: i64) -> Result<Vec<ChatMessage>>;
    async fn chat_state(&self, ws: &Workspace, member: i64) -> Result<ChatState>;
    /// Appends lines and sets the conversation's state, in one transaction; returns the stored lines.
    async fn append_chat(
        &self,
        ws: &Workspace,
        member: i64,
        lines: &[NewChatMessage],
        state: ChatState,
        now: OffsetDateTime,
    ) -> Result<Vec<ChatMessage>>;
    /// Forgets the member's conversation.
    async fn clear_chat(&self, ws: &Workspace, member: i64) -> Result<()>;
}
