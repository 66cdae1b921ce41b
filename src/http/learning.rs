//! Learning: recording how far an introduction got (a meeting, a win, a loss) and what the outcomes say
//! about the approaches.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::auth::Auth;
use super::customers::resolve_record;
use super::drafts::{draft_id, parse_json};
use super::error::{ApiError, ApiResult, ErrorBody};
use super::opportunities::{note, opportunity_for};
use super::AppState;
use crate::domain::{BuyingStyle, Contact};
use crate::learning::insights::ApproachInsights;
use crate::learning::styles::StyleInsights;
use crate::learning::timing::{SendTime, TimingInsights};
use crate::lifecycle::may_record_for;
use crate::services;
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
    let (opp, _) = opportunity_for(&state, &auth, &id).await?;
    let ws = &auth.0.workspace;
    let customer = state.store.customer(ws, opp.customer_id).await?;
    if !customer.is_some_and(|c| may_record_for(&auth.0.member, &c)) {
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
    Ok(Json(services::approach_insights(&state.store, &auth.0.workspace, state.clock.now()).await?))
}

/// When introductions get replies: by the recipient's weekday and hour (their time zone: the contact's,
/// else the customer's) and by days before renewal, with 90% credible intervals, a suggested send time
/// once there is enough data, and a plain-language summary.
#[utoipa::path(get, path = "/api/insights/timing", tag = "learning", operation_id = "timing_insights", security(("bearer" = [])),
    responses((status = 200, body = TimingInsights), (status = 401, body = ErrorBody)))]
pub async fn timing(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<TimingInsights>> {
    Ok(Json(services::timing_insights(&state.store, &auth.0.workspace, state.clock.now()).await?))
}

/// Which approaches convert with each buying style, with 90% credible intervals and a summary.
#[utoipa::path(get, path = "/api/insights/styles", tag = "learning", operation_id = "style_insights", security(("bearer" = [])),
    responses((status = 200, body = StyleInsights), (status = 401, body = ErrorBody)))]
pub async fn styles(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<StyleInsights>> {
    Ok(Json(services::style_insights(&state.store, &auth.0.workspace, state.clock.now()).await?))
}

/// The suggested send time for a draft: the next instant, at least an hour from now, in the weekday and
/// hours that get the most positive replies, on the recipient's clock.
#[utoipa::path(get, path = "/api/drafts/{id}/send-time", tag = "learning", operation_id = "draft_send_time",
    params(("id" = String, Path, description = "Draft id (drf_1)")), security(("bearer" = [])),
    responses((status = 200, body = SendTime), (status = 404, body = ErrorBody)))]
pub async fn send_time(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<SendTime>> {
    let ws = &auth.0.workspace;
    let draft =
        state.store.draft(ws, draft_id(&id)?).await?.ok_or_else(|| ApiError::not_found(&format!("Draft `{id}`")))?;
    Ok(Json(services::send_time(&state.store, ws, &draft, state.clock.now()).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactPatch {
    /// analytical, driver, amiable, expressive, or unknown to clear it (replies may then infer one).
    buying_style: Option<String>,
}

/// Sets a contact's buying style. It is kept by email address, so it outlives re-imports of the contacts;
/// a later import with a style, or another call, replaces it. Admins, the customer's CSM and its AE may
/// set it.
#[utoipa::path(patch, path = "/api/customers/{id}/contacts/{email}", tag = "customers", operation_id = "patch_contact",
    params(("id" = String, Path, description = "Internal id (cus_1), external id, or unambiguous name"),
           ("email" = String, Path, description = "The contact's email address")),
    request_body(content = ContactPatch, content_type = "application/json"), security(("bearer" = [])),
    responses((status = 200, description = "The contact as it is now", body = Object), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, description = "invalid_buying_style, invalid_body", body = ErrorBody)))]
pub async fn patch_contact(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, email)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<Contact>> {
    let body: ContactPatch = parse_json(&body)?;
    let style = match body.buying_style.as_deref() {
        Some(s) => Some(s.parse::<BuyingStyle>().map_err(|m| ApiError::unprocessable("invalid_buying_style", m))?),
        None => None,
    };
    let ws = &auth.0.workspace;
    let record = resolve_record(&state, ws, &id).await?;
    let wanted = email.trim().to_lowercase();
    if record.contact(&wanted).is_none() {
        return Err(ApiError::not_found(&format!("Contact `{email}` of {}", record.customer.name)));
    }
    let member = &auth.0.member;
    if !may_record_for(member, &record.customer) {
        return Err(ApiError::forbidden("Only an admin, the customer's CSM or its AE may change a contact"));
    }
    if let Some(style) = style {
        state.store.set_buying_style(ws, &wanted, style, &member.email, state.clock.now()).await?;
    }
    let record = resolve_record(&state, ws, &record.customer.id.to_string()).await?;
    record.contact(&wanted).cloned().map(Json).ok_or_else(|| ApiError::not_found(&format!("Contact `{email}`")))
}
