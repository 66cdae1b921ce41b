//! Opportunities found by detection, with what happened to their introduction.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::Auth;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::AppState;
use crate::store::OpportunityRow;

const STATUSES: [&str; 7] = ["identified", "intro_sent", "conversation", "won", "lost", "expired", "dismissed"];

#[derive(Deserialize, IntoParams)]
pub struct ListParams {
    /// Only opportunities in this status (identified, intro_sent, conversation, won, lost, expired, dismissed).
    status: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OpportunityList {
    pub opportunities: Vec<OpportunityRow>,
}

#[utoipa::path(get, path = "/api/opportunities", tag = "opportunities", params(ListParams),
    security(("bearer" = [])),
    responses((status = 200, body = OpportunityList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<ListParams>,
) -> ApiResult<Json<OpportunityList>> {
    let status = params.status.as_deref().filter(|s| !s.is_empty());
    if let Some(s) = status.filter(|s| !STATUSES.contains(s)) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            format!("unknown status `{s}`: use one of {}", STATUSES.join(", ")),
        ));
    }
    let opportunities = state.store.opportunities(&auth.0.workspace, status).await?;
    Ok(Json(OpportunityList { opportunities }))
}
