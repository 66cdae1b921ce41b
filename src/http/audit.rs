//! The audit log: drafts created, edited, approved, sent, failed and discarded, with actor and time.

use axum::extract::{Query, State};
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::Auth;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::AppState;
use crate::domain::{AuditEntry, Role};

#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditQuery {
    /// At most this many entries (default 100, at most 1000).
    limit: Option<i64>,
    /// Entries older than this id (the last id of the previous page).
    before: Option<i64>,
}

#[utoipa::path(get, path = "/api/audit", tag = "audit", params(AuditQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "Newest first", body = Vec<AuditEntry>), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    auth.require(&[Role::Admin, Role::Csm, Role::Ae, Role::Viewer], "read the audit log")?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::unprocessable("invalid_limit", "limit must be between 1 and 1000"));
    }
    Ok(Json(state.store.audit_log(&auth.0.workspace, limit, q.before).await?))
}
