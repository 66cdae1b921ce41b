//! Learning: recording how far an introduction got (a meeting, a win, a loss) and what the outcomes say
//! about the approaches.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::auth::Auth;
use super::drafts::parse_json;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::opportunities::{note, opportunity_for};
use super::AppState;
use crate::learning::insights::{self, ApproachInsights};
use crate::services::{load_evidence, MATURITY_DAYS};
use crate::store::{OpportunityRow, Outcome};

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeBody {
    /// meeting_booked, won or lost.
    outcome: String,
    note: Option<String>,
    /// When it happened (RFC 3339); default now.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>)]
    at: Option<OffsetDateTime>,
}

/// Records a rung of the outcome ladder: a meeting booked (the opportunity moves to `conversation`), or
/// the opportunity won or lost. Learning counts a meeting or a win as a positive outcome of the
/// introduction's approach; opens never count.
#[utoipa::path(post, path = "/api/opportunities/{id}/outcome", tag = "learning",
    params(("id" = String, Path, description = "Opportunity id (opp_1)")),
    request_body(content = OutcomeBody, content_type = "application/json"), security(("bearer" = [])),
    responses((status = 200, body = OpportunityRow), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "invalid_outcome, invalid_body", body = ErrorBody)))]
pub async fn record_outcome(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<OpportunityRow>> {
    let body: OutcomeBody = parse_json(&body)?;
    let outcome: Outcome = body.outcome.parse().map_err(|m| ApiError::unprocessable("invalid_outcome", m))?;
    let note = note(body.note)?;
    let (opp, may_act) = opportunity_for(&state, &auth, &id).await?;
    let ws = &auth.0.workspace;
    let is_ae = state
        .store
        .customer(ws, opp.customer_id)
        .await?
        .is_some_and(|c| c.ae_email.as_deref() == Some(auth.0.member.email.as_str()));
    if !may_act && !is_ae {
        return Err(ApiError::forbidden("Only an admin, the customer's CSM or its AE may record an outcome"));
    }
    let at = body.at.unwrap_or_else(|| state.clock.now());
    let row = state.store.record_outcome(ws, opp.id, outcome, note.as_deref(), at).await?;
    state.catalogs.refresh_learning(ws);
    row.map(Json).ok_or_else(|| ApiError::not_found(&format!("Opportunity `{id}`")))
}

/// Which approaches convert, overall, by main signal and by segment, with 90% credible intervals and a
/// plain-language summary.
#[utoipa::path(get, path = "/api/insights/approaches", tag = "learning", operation_id = "approach_insights", security(("bearer" = [])),
    responses((status = 200, body = ApproachInsights), (status = 401, body = ErrorBody)))]
pub async fn approaches(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<ApproachInsights>> {
    let evidence = load_evidence(&state.store, &auth.0.workspace, state.clock.now()).await?;
    Ok(Json(insights::approaches(&evidence, MATURITY_DAYS)))
}
