//! Opportunities found by detection, with what happened to their introduction: the list, one, the
//! response recorded by hand, and the timeline.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::Auth;
use super::drafts::parse_json;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::AppState;
use crate::domain::OpportunityId;
use crate::engagement::classify::Label;
use crate::lifecycle::may_act_for;
use crate::store::{OpportunityRow, TimelineEvent};

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

/// A CSM's note on an opportunity: trimmed, empty as none, at most 2,000 characters (422 `invalid_body`).
pub(super) fn note(note: Option<String>) -> ApiResult<Option<String>> {
    let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        return Err(ApiError::unprocessable("invalid_body", "A note is at most 2,000 characters"));
    }
    Ok(note)
}

fn opportunity_id(id: &str) -> ApiResult<OpportunityId> {
    id.parse().map_err(|_| ApiError::not_found(&format!("Opportunity `{id}`")))
}

/// The opportunity, if the caller's workspace has it, and whether the caller may act for its customer.
pub(super) async fn opportunity_for(state: &AppState, auth: &Auth, id: &str) -> ApiResult<(OpportunityRow, bool)> {
    let ws = &auth.0.workspace;
    let id = opportunity_id(id)?;
    let opp =
        state.store.opportunity(ws, id).await?.ok_or_else(|| ApiError::not_found(&format!("Opportunity `{id}`")))?;
    let customer = state.store.customer(ws, opp.customer_id).await?;
    let may_act = customer.is_some_and(|c| may_act_for(&auth.0.member, &c));
    Ok((opp, may_act))
}

#[utoipa::path(get, path = "/api/opportunities/{id}", tag = "opportunities",
    params(("id" = String, Path, description = "Opportunity id (opp_1)")), security(("bearer" = [])),
    responses((status = 200, body = OpportunityRow), (status = 404, body = ErrorBody)))]
pub async fn get_opportunity(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<OpportunityRow>> {
    Ok(Json(opportunity_for(&state, &auth, &id).await?.0))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseBody {
    /// positive, neutral or negative.
    response: String,
    note: Option<String>,
}

/// Records the customer's response by hand (a call, a hallway chat). It replaces an earlier response
/// and has the same effects as a classified reply: positive hands the conversation to the AE and
/// calls the CRM webhook; negative closes the opportunity and keeps the customer from being suggested
/// again for 90 days.
#[utoipa::path(post, path = "/api/opportunities/{id}/response", tag = "opportunities",
    params(("id" = String, Path, description = "Opportunity id (opp_1)")),
    request_body(content = ResponseBody, content_type = "application/json"), security(("bearer" = [])),
    responses((status = 200, body = OpportunityRow), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "invalid_response, invalid_body", body = ErrorBody)))]
pub async fn record_response(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<OpportunityRow>> {
    let body: ResponseBody = parse_json(&body)?;
    let label = body.response.parse::<Label>().ok().filter(|l| l.is_human()).ok_or_else(|| {
        ApiError::unprocessable(
            "invalid_response",
            format!("`{}` is not a response: use positive, neutral or negative", body.response),
        )
    })?;
    let note = note(body.note)?;
    let (opp, may_act) = opportunity_for(&state, &auth, &id).await?;
    if !may_act {
        return Err(ApiError::forbidden("Only an admin or the customer's CSM may record its response"));
    }
    let ws = &auth.0.workspace;
    let row = state.responses.record(ws, opp.id, label, note, Some(auth.0.member.id), None, false).await?;
    state.catalogs.refresh_learning(ws);
    row.map(Json).ok_or_else(|| ApiError::not_found(&format!("Opportunity `{id}`")))
}

#[derive(Serialize, ToSchema)]
pub struct Timeline {
    pub opportunity: OpportunityRow,
    /// Oldest first: drafted, edited, approved, sent, opened, clicked, replied, classified,
    /// response_recorded, handed_off, webhook_delivered, follow_up_drafted, …
    pub events: Vec<TimelineEvent>,
}

#[utoipa::path(get, path = "/api/opportunities/{id}/timeline", tag = "opportunities",
    params(("id" = String, Path, description = "Opportunity id (opp_1)")), security(("bearer" = [])),
    responses((status = 200, body = Timeline), (status = 404, body = ErrorBody)))]
pub async fn timeline(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Timeline>> {
    let (opportunity, _) = opportunity_for(&state, &auth, &id).await?;
    let events = state.store.timeline(&auth.0.workspace, opportunity.id).await?;
    Ok(Json(Timeline { opportunity, events }))
}
