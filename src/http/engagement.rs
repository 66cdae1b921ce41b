//! Engagement: the inbound reply webhook, replies and their corrections, and the workspace's
//! engagement settings. (Responses recorded by hand and the timeline are in `opportunities`.)

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::Auth;
use super::drafts::parse_json;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::opportunities::opportunity_for;
use super::AppState;
use crate::domain::Role;
use crate::engagement::classify::Label;
use crate::engagement::responses::MAX_RAW_BYTES;
use crate::engagement::{signature, InboundError, Ingested};
use crate::store::{EngagementSettings, InboundMessage, OpportunityRow, Workspace};

#[derive(Serialize, ToSchema)]
pub struct InboundResult {
    /// stored, duplicate (seen before: nothing changed) or ignored (one of our own messages).
    pub status: &'static str,
    pub reply_id: Option<i64>,
    /// Whether it was matched to a sent introduction; an unmatched message is kept, never guessed.
    pub matched: bool,
    /// positive, neutral, negative, out_of_office, auto_reply, bounce, or unclear (below the confidence
    /// threshold: it waits for a person's label and changes nothing meanwhile).
    pub label: Option<&'static str>,
    /// The classifier's best guess, also for an unclear reply.
    pub suggested_label: Option<&'static str>,
    /// How sure the reading is, 0 to 1.
    pub confidence: Option<f64>,
    /// The language of the reply's own words (ISO 639-1).
    pub language: Option<&'static str>,
    /// Chose option 1: get more from what they have.
    pub wants_to_optimize: Option<bool>,
    /// Chose option 2: grow.
    pub wants_upgrade: Option<bool>,
    /// Asked not to be written to again: no further introduction goes to the address.
    pub unsubscribe: Option<bool>,
    pub phrase: Option<String>,
    /// Set when this reply recorded the opportunity's response.
    pub opportunity: Option<OpportunityRow>,
}

/// A reply from a mail provider's inbound webhook: the raw RFC 5322 message as the body, signed with
/// `X-Overture-Signature: sha256=<hex HMAC-SHA256 of the body>` under `OVERTURE_INBOUND_SECRET`.
#[utoipa::path(post, path = "/api/inbound/email", tag = "engagement",
    request_body(content = String, content_type = "message/rfc822", description = "The raw message"),
    params(("X-Overture-Signature" = String, Header, description = "sha256=<hex HMAC-SHA256 of the body>")),
    responses((status = 202, body = InboundResult),
              (status = 400, description = "unparsable_message, no_sender", body = ErrorBody),
              (status = 401, description = "bad_signature", body = ErrorBody),
              (status = 413, description = "message_too_large", body = ErrorBody),
              (status = 503, description = "inbound_disabled: OVERTURE_INBOUND_SECRET is not set", body = ErrorBody)))]
pub async fn inbound_email(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<InboundResult>)> {
    let Some(secret) = state.inbound_secret.as_deref() else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "inbound_disabled",
            "The inbound webhook is off: set OVERTURE_INBOUND_SECRET to turn it on",
        ));
    };
    let signed = headers
        .get(signature::HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|sig| signature::verify(secret, &body, sig));
    if !signed {
        metrics::counter!("overture_inbound_refused_total").increment(1);
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_signature",
            "X-Overture-Signature is missing or is not sha256=<hex HMAC-SHA256 of the body> under the inbound secret",
        ));
    }
    let outcome = state.responses.ingest(&body, "webhook", None).await?;
    let result = match outcome {
        Err(InboundError::TooLarge) => {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "message_too_large",
                format!("Messages over {MAX_RAW_BYTES} bytes are not read"),
            ))
        }
        Err(e @ InboundError::NoSender) => {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "no_sender", e.to_string()))
        }
        Err(e) => return Err(ApiError::new(StatusCode::BAD_REQUEST, "unparsable_message", e.to_string())),
        Ok(Ingested::Duplicate) => InboundResult::empty("duplicate"),
        Ok(Ingested::Ours) => InboundResult::empty("ignored"),
        Ok(Ingested::Stored { id, draft, classification, response }) => InboundResult {
            status: "stored",
            reply_id: Some(id),
            matched: draft.is_some(),
            label: Some(classification.label.as_str()),
            suggested_label: Some(classification.suggested.as_str()),
            confidence: Some(classification.confidence),
            language: classification.language,
            wants_to_optimize: Some(classification.wants_to_optimize),
            wants_upgrade: Some(classification.wants_upgrade),
            unsubscribe: Some(classification.unsubscribe),
            phrase: classification.phrase,
            opportunity: response.map(|r| *r),
        },
    };
    Ok((StatusCode::ACCEPTED, Json(result)))
}

impl InboundResult {
    fn empty(status: &'static str) -> InboundResult {
        InboundResult {
            status,
            reply_id: None,
            matched: false,
            label: None,
            suggested_label: None,
            confidence: None,
            language: None,
            wants_to_optimize: None,
            wants_upgrade: None,
            unsubscribe: None,
            phrase: None,
            opportunity: None,
        }
    }
}

#[derive(Deserialize, IntoParams)]
pub struct RepliesParams {
    /// Messages matched to no introduction (admins only).
    #[serde(default)]
    unmatched: bool,
    /// At most this many, newest first (default 100, at most 500).
    limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ReplyList {
    pub replies: Vec<InboundMessage>,
}

#[utoipa::path(get, path = "/api/replies", tag = "engagement", params(RepliesParams), security(("bearer" = [])),
    responses((status = 200, body = ReplyList), (status = 403, body = ErrorBody)))]
pub async fn replies(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<RepliesParams>,
) -> ApiResult<Json<ReplyList>> {
    if params.unmatched {
        auth.require(&[Role::Admin], "list unmatched messages")?;
    }
    let limit = params.limit.unwrap_or(100).clamp(1, 500);
    let replies = state.store.inbound_messages(&auth.0.workspace, params.unmatched, limit).await?;
    Ok(Json(ReplyList { replies }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelBody {
    /// positive, neutral, negative, out_of_office, auto_reply or bounce (a person's label is never unclear).
    label: String,
    /// The customer chose option 1 (get more from what they have).
    #[serde(default)]
    wants_to_optimize: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewQueue {
    /// Replies waiting for a person's label in this workspace.
    pub count: i64,
    /// The newest of them, each with the suggested label and its confidence.
    pub replies: Vec<InboundMessage>,
}

/// The replies Overture was not sure about: each waits for a person's label before it changes
/// anything (no response, handoff, webhook or suppression, and no learning).
#[utoipa::path(get, path = "/api/replies/review", tag = "engagement", security(("bearer" = [])),
    params(("limit" = Option<i64>, Query, description = "At most this many, newest first (default 50, at most 500)")),
    responses((status = 200, body = ReviewQueue)))]
pub async fn review_queue(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<ReviewParams>,
) -> ApiResult<Json<ReviewQueue>> {
    let limit = params.limit.unwrap_or(50).clamp(1, 500);
    let (count, replies) = state.store.review_queue(&auth.0.workspace, limit).await?;
    Ok(Json(ReviewQueue { count, replies }))
}

#[derive(Deserialize, IntoParams)]
pub struct ReviewParams {
    limit: Option<i64>,
}

/// A CSM's correction of a reply's label. It is kept beside the classifier's own label (corrections
/// are the classifier's test cases) and, for a person's answer, becomes the opportunity's response.
#[utoipa::path(post, path = "/api/replies/{id}/label", tag = "engagement",
    params(("id" = i64, Path, description = "Reply id")),
    request_body(content = LabelBody, content_type = "application/json"), security(("bearer" = [])),
    responses((status = 200, body = InboundMessage), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "invalid_label", body = ErrorBody)))]
pub async fn correct_label(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Json<InboundMessage>> {
    let body: LabelBody = parse_json(&body)?;
    let label: Label = body.label.parse().map_err(|e: String| ApiError::unprocessable("invalid_label", e))?;
    if label == Label::Unclear {
        return Err(ApiError::unprocessable(
            "invalid_label",
            "A person's label says what the reply means: positive, neutral, negative, out_of_office, auto_reply or bounce",
        ));
    }
    let ws = &auth.0.workspace;
    let reply =
        state.store.inbound_message(ws, id).await?.ok_or_else(|| ApiError::not_found(&format!("Reply {id}")))?;
    let opportunity = match reply.opportunity_id {
        Some(opp) => Some(opportunity_for(&state, &auth, &opp.to_string()).await?),
        None => None,
    };
    let may_act = match &opportunity {
        Some((_, may_act)) => *may_act,
        None => auth.0.member.role == Role::Admin,
    };
    if !may_act {
        return Err(ApiError::forbidden("Only an admin or the customer's CSM may correct its replies"));
    }
    let optimize = body.wants_to_optimize && matches!(label, Label::Positive | Label::Neutral);
    let corrected = state
        .store
        .correct_inbound(ws, id, label.as_str(), optimize, auth.0.member.id, state.clock.now())
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("Reply {id}")))?;
    if let (Some((opp, _)), true) = (opportunity, label.is_human()) {
        let reply =
            crate::engagement::responses::Reply { id, text: &corrected.reply_text, from: &corrected.from_email };
        state.responses.record(ws, opp.id, label, None, Some(auth.0.member.id), Some(reply), false).await?;
    }
    Ok(Json(corrected))
}

#[utoipa::path(get, path = "/api/settings/engagement", tag = "engagement", security(("bearer" = [])),
    responses((status = 200, body = EngagementSettings)))]
pub async fn get_settings(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<EngagementSettings>> {
    Ok(Json(state.store.engagement_settings(&auth.0.workspace).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsPatch {
    tracking_enabled: Option<bool>,
    /// 1 to 30.
    follow_up_business_days: Option<i64>,
    /// Let the recommendation explore (Thompson sampling); off: always the best estimate.
    learning_exploration: Option<bool>,
}

#[utoipa::path(patch, path = "/api/settings/engagement", tag = "engagement",
    request_body(content = SettingsPatch, content_type = "application/json"), security(("bearer" = [])),
    responses((status = 200, body = EngagementSettings), (status = 403, body = ErrorBody),
              (status = 422, description = "invalid_setting", body = ErrorBody)))]
pub async fn patch_settings(
    State(state): State<AppState>,
    auth: Auth,
    body: Bytes,
) -> ApiResult<Json<EngagementSettings>> {
    auth.require(&[Role::Admin], "change engagement settings")?;
    let patch: SettingsPatch = parse_json(&body)?;
    let ws: &Workspace = &auth.0.workspace;
    let mut settings = state.store.engagement_settings(ws).await?;
    if let Some(days) = patch.follow_up_business_days {
        if !(1..=30).contains(&days) {
            return Err(ApiError::unprocessable("invalid_setting", "follow_up_business_days is 1 to 30"));
        }
        settings.follow_up_business_days = days;
    }
    if let Some(on) = patch.learning_exploration {
        settings.learning_exploration = on;
    }
    if let Some(on) = patch.tracking_enabled {
        settings.tracking_enabled = on;
    }
    state.store.set_engagement_settings(ws, &settings).await?;
    state.catalogs.refresh_learning(ws);
    Ok(Json(settings))
}
