//! The chat (the web app's conversation, usable by any client): one message in, the stored lines out.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::Auth;
use super::drafts::parse_json;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::AppState;
use crate::chat::conversation::{HISTORY, MAX_MESSAGE_CHARS};
use crate::chat::{self, Deps, Turn};
use crate::domain::DraftId;
use crate::store::ChatMessage;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatBody {
    /// What the CSM typed: "Introduce upsell to Acme Corp", "CC the AE", "Send", "help", …
    message: String,
    /// The draft a button acts on (default: the conversation's current draft).
    draft_id: Option<String>,
    /// The revision shown when Send was pressed: a draft changed since is not sent.
    revision: Option<i64>,
    /// Send even though the checks found something (the CSM has read them).
    #[serde(default)]
    acknowledge_warnings: bool,
    /// With "Send": approve now, deliver at this instant (RFC 3339, within 90 days).
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>)]
    send_at: Option<time::OffsetDateTime>,
}

/// Lines of the conversation, oldest first. Cards: `context`, `recommendation`, `draft`, `sending`,
/// `choices`, `opportunities`, `timeline`, `help`; a card with a `draft_id` carries the draft as it is now.
#[derive(Serialize, ToSchema)]
pub struct ChatReply {
    pub messages: Vec<ChatMessage>,
    /// The conversation's customer and draft after this turn.
    pub customer_id: Option<String>,
    pub draft_id: Option<String>,
}

fn deps(state: &AppState) -> Deps<'_> {
    Deps {
        store: &state.store,
        composer: &state.composer,
        catalogs: &state.catalogs,
        names: &state.names,
        now: state.clock.now(),
    }
}

#[utoipa::path(post, path = "/api/chat", tag = "chat", operation_id = "chat_message",
    request_body(content = ChatBody, content_type = "application/json"), security(("bearer" = [])),
    responses((status = 200, description = "The CSM's line and the answer", body = ChatReply),
              (status = 401, body = ErrorBody), (status = 403, description = "csrf_token_missing, csrf_token_invalid", body = ErrorBody),
              (status = 422, description = "invalid_message, invalid_body", body = ErrorBody)))]
pub async fn post(State(state): State<AppState>, auth: Auth, body: Bytes) -> ApiResult<Json<ChatReply>> {
    let body: ChatBody = parse_json(&body)?;
    let length = body.message.trim().chars().count();
    if length == 0 || length > MAX_MESSAGE_CHARS {
        return Err(ApiError::unprocessable(
            "invalid_message",
            format!("A message is 1 to {MAX_MESSAGE_CHARS} characters; type “help” to see what I can do"),
        ));
    }
    let draft = body
        .draft_id
        .as_deref()
        .map(|id| id.parse::<DraftId>().map_err(|_| ApiError::not_found(&format!("Draft `{id}`"))))
        .transpose()?;
    let turn = Turn {
        message: body.message,
        draft,
        revision: body.revision,
        acknowledge_warnings: body.acknowledge_warnings,
        send_at: body.send_at,
    };
    let outcome = chat::converse(&deps(&state), &auth.0, turn).await?;
    if outcome.queued {
        state.outbox.notify_one();
    }
    Ok(Json(ChatReply {
        messages: outcome.lines,
        customer_id: outcome.state.customer_id.map(|c| c.to_string()),
        draft_id: outcome.state.draft_id.map(|d| d.to_string()),
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct HistoryParams {
    /// The last this many lines (1–100, default 100).
    limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/chat", tag = "chat", operation_id = "chat_history", params(HistoryParams), security(("bearer" = [])),
    responses((status = 200, body = ChatReply), (status = 401, body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<HistoryParams>,
) -> ApiResult<Json<ChatReply>> {
    let limit = params.limit.unwrap_or(HISTORY).clamp(1, HISTORY);
    let messages = chat::history(&state.store, &auth.0, limit).await?;
    let current = state.store.chat_state(&auth.0.workspace, auth.0.member.id).await?;
    Ok(Json(ChatReply {
        messages,
        customer_id: current.customer_id.map(|c| c.to_string()),
        draft_id: current.draft_id.map(|d| d.to_string()),
    }))
}

/// Starts a new conversation (drafts stay as they are).
#[utoipa::path(delete, path = "/api/chat", tag = "chat", operation_id = "chat_clear", security(("bearer" = [])),
    responses((status = 204, description = "The conversation is cleared"), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn clear(State(state): State<AppState>, auth: Auth) -> ApiResult<StatusCode> {
    state.store.clear_chat(&auth.0.workspace, auth.0.member.id).await?;
    Ok(StatusCode::NO_CONTENT)
}
