//! Composing an upsell introduction (PRD-047 Steps 2 and 3) and reading drafts.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Auth;
use super::customers::resolve_record;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::AppState;
use crate::compose::ComposeError;
use crate::context::ExpansionContext;
use crate::domain::{Approach, Draft, DraftId, DraftRevision, Role, Tone};
use crate::lifecycle::{self, DraftPatch, LifecycleError, SendRequest};
use crate::services::{self, DraftError, DraftRequest};

/// Every field is optional: the recommended approach, a soft tone and the main contact by default.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpsellIntroBody {
    /// educational, problem_solving, value_add or proactive.
    approach: Option<String>,
    /// soft (default) or direct.
    tone: Option<String>,
    /// One of the customer's contacts.
    contact_email: Option<String>,
    /// Copy in the customer's Account Executive.
    #[serde(default)]
    cc_ae: bool,
}

#[derive(Serialize, ToSchema)]
pub struct DraftWithContext {
    pub draft: Draft,
    pub context: ExpansionContext,
}

impl From<DraftError> for ApiError {
    fn from(e: DraftError) -> Self {
        let message = e.to_string();
        match e {
            DraftError::Compose(ComposeError::NoContact(_)) => ApiError::unprocessable("no_contact", message),
            DraftError::Compose(ComposeError::NoContactEmail(..)) => {
                ApiError::unprocessable("no_contact_email", message)
            }
            DraftError::Compose(ComposeError::NoExpansionPath(_)) => {
                ApiError::unprocessable("no_expansion_path", message)
            }
            DraftError::Compose(ComposeError::Template(..)) => anyhow::Error::from(e).into(),
            DraftError::NoAe(_) => ApiError::unprocessable("no_ae", message),
            DraftError::UnknownContact(..) => ApiError::unprocessable("unknown_contact", message),
            DraftError::NoSender(_) => ApiError::unprocessable("no_sender", message),
            DraftError::Other(e) => e.into(),
        }
    }
}

#[utoipa::path(post, path = "/api/customers/{id}/upsell-intro", tag = "drafts",
    params(("id" = String, Path, description = "Internal id (cus_1), external id, or unambiguous name")),
    request_body(content = UpsellIntroBody, content_type = "application/json"),
    security(("bearer" = [])),
    responses((status = 201, body = DraftWithContext), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "invalid_approach, invalid_tone, no_contact, no_contact_email, no_expansion_path, no_ae, unknown_contact, no_sender", body = ErrorBody)))]
pub async fn upsell_intro(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<DraftWithContext>)> {
    auth.require(&[Role::Admin, Role::Csm], "compose introductions")?;
    let body: UpsellIntroBody = parse_json(&body)?;
    let (approach, tone) = approach_and_tone(body.approach.as_deref(), body.tone.as_deref())?;
    let ws = &auth.0.workspace;
    let record = resolve_record(&state, ws, &id).await?;
    let catalog = state.catalogs.get(&state.store, ws).await?;
    let request = DraftRequest {
        approach,
        tone,
        contact_email: body.contact_email,
        cc_ae: body.cc_ae,
        requested_by: Some(auth.0.member.clone()),
    };
    let (draft, context) =
        services::draft_introduction(&state.store, &state.composer, &catalog, ws, record, &request, state.clock.now())
            .await?;
    Ok((StatusCode::CREATED, Json(DraftWithContext { draft, context })))
}

#[utoipa::path(get, path = "/api/drafts/{id}", tag = "drafts",
    params(("id" = String, Path, description = "Draft id (drf_1)")),
    security(("bearer" = [])),
    responses((status = 200, body = Draft), (status = 404, body = ErrorBody)))]
pub async fn get_one(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Draft>> {
    let draft = state
        .store
        .draft(&auth.0.workspace, draft_id(&id)?)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("Draft `{id}`")))?;
    Ok(Json(draft))
}

impl From<LifecycleError> for ApiError {
    fn from(e: LifecycleError) -> Self {
        let message = e.to_string();
        match e {
            LifecycleError::NotFound(id) => ApiError::not_found(&format!("Draft `{id}`")),
            LifecycleError::Forbidden(m) => ApiError::forbidden(m),
            LifecycleError::NotEditable(d) => ApiError::new(StatusCode::CONFLICT, "draft_not_editable", message)
                .with_details(serde_json::json!({"status": d.status})),
            LifecycleError::Stale { current, .. } => ApiError::new(StatusCode::CONFLICT, "stale_revision", message)
                .with_details(serde_json::json!({"revision": current})),
            LifecycleError::Invalid(code, m) => ApiError::unprocessable(code, m),
            LifecycleError::Warnings(d) => ApiError::new(StatusCode::CONFLICT, "unacknowledged_warnings", message)
                .with_details(serde_json::json!({
                    "findings": d.checks.pushiness.findings,
                    "ungrounded": d.checks.grounding.ungrounded,
                    "revision": d.revision,
                })),
            LifecycleError::KeyReused(_) => ApiError::unprocessable("idempotency_key_reused", message),
            LifecycleError::Blocked(m) => ApiError::new(StatusCode::CONFLICT, "recipient_blocked", m),
            LifecycleError::Draft(e) => e.into(),
        }
    }
}

/// An optional approach and tone as named in a body (422 `invalid_approach` / `invalid_tone`).
fn approach_and_tone(approach: Option<&str>, tone: Option<&str>) -> ApiResult<(Option<Approach>, Option<Tone>)> {
    let approach = approach.map(str::parse).transpose().map_err(|m| ApiError::unprocessable("invalid_approach", m))?;
    let tone = tone.map(str::parse).transpose().map_err(|m| ApiError::unprocessable("invalid_tone", m))?;
    Ok((approach, tone))
}

pub(super) fn draft_id(id: &str) -> ApiResult<DraftId> {
    id.parse().map_err(|_| ApiError::not_found(&format!("Draft `{id}`")))
}

/// Every field is optional; only those given change.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftPatchBody {
    subject: Option<String>,
    text: Option<String>,
    /// Copy in the customer's Account Executive (422 `no_ae` if it has none).
    cc_ae: Option<bool>,
    /// A new approach or tone without new wording composes the email again that way.
    approach: Option<String>,
    tone: Option<String>,
    /// The revision you edited; 409 `stale_revision` if the draft has moved on.
    revision: Option<i64>,
}

/// The body as JSON; an empty body means every field's default.
pub(super) fn parse_json<T: serde::de::DeserializeOwned + Default>(body: &[u8]) -> ApiResult<T> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| {
        if e.is_syntax() || e.is_eof() {
            ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", format!("The body is not valid JSON: {e}"))
        } else {
            ApiError::unprocessable("invalid_body", format!("The body does not have the expected fields: {e}"))
        }
    })
}

#[utoipa::path(patch, path = "/api/drafts/{id}", tag = "drafts",
    params(("id" = String, Path, description = "Draft id (drf_1)")),
    request_body(content = DraftPatchBody, content_type = "application/json"),
    security(("bearer" = [])),
    responses((status = 200, body = Draft), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "draft_not_editable, stale_revision", body = ErrorBody),
              (status = 422, description = "invalid_subject, invalid_text, invalid_approach, invalid_tone, no_ae", body = ErrorBody)))]
pub async fn patch(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Draft>> {
    let id = draft_id(&id)?;
    let body: DraftPatchBody = parse_json(&body)?;
    let (approach, tone) = approach_and_tone(body.approach.as_deref(), body.tone.as_deref())?;
    let patch = DraftPatch {
        subject: body.subject,
        text: body.text,
        cc_ae: body.cc_ae,
        approach,
        tone,
        revision: body.revision,
    };
    let ws = &auth.0.workspace;
    let catalog = state.catalogs.get(&state.store, ws).await?;
    let draft =
        lifecycle::edit(&state.store, &state.composer, &catalog, ws, &auth.0.member, id, patch, state.clock.now())
            .await?;
    Ok(Json(draft))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendBody {
    /// Required (true) when the checks found ungrounded figures or pushy phrases.
    #[serde(default)]
    acknowledge_warnings: bool,
    /// The revision you approve; 409 `stale_revision` if the draft has changed since.
    revision: Option<i64>,
    /// Schedule the send (RFC 3339, in the future, at most 90 days ahead); approved now, sent then.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>)]
    send_at: Option<time::OffsetDateTime>,
}

/// Longest accepted `Idempotency-Key`.
const MAX_IDEMPOTENCY_KEY: usize = 255;

#[utoipa::path(post, path = "/api/drafts/{id}/send", tag = "drafts",
    params(("id" = String, Path, description = "Draft id (drf_1)"),
           ("Idempotency-Key" = Option<String>, Header, description = "Retrying with the same key never sends twice")),
    request_body(content = SendBody, content_type = "application/json"),
    security(("bearer" = [])),
    responses((status = 202, description = "Queued (or already queued or sent: nothing new is queued)", body = Draft),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "unacknowledged_warnings (with findings), stale_revision, draft_not_editable", body = ErrorBody),
              (status = 422, description = "idempotency_key_reused, invalid_idempotency_key, invalid_send_at", body = ErrorBody)))]
pub async fn send(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Draft>)> {
    let id = draft_id(&id)?;
    let body: SendBody = parse_json(&body)?;
    let key = match headers.get("idempotency-key") {
        None => None,
        Some(v) => {
            let v = v.to_str().ok().map(str::trim).filter(|v| !v.is_empty() && v.len() <= MAX_IDEMPOTENCY_KEY);
            Some(
                v.ok_or_else(|| {
                    ApiError::unprocessable(
                        "invalid_idempotency_key",
                        format!("Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} visible ASCII characters"),
                    )
                })?
                .to_string(),
            )
        }
    };
    let ws = &auth.0.workspace;
    let catalog = state.catalogs.get(&state.store, ws).await?;
    let request = SendRequest {
        acknowledge_warnings: body.acknowledge_warnings,
        revision: body.revision,
        idempotency_key: key,
        send_at: body.send_at,
    };
    let run_at = time::OffsetDateTime::now_utc();
    let (draft, queued) =
        lifecycle::approve(&state.store, &catalog, ws, &auth.0.member, id, request, state.clock.now(), run_at).await?;
    if queued {
        state.outbox.notify_one();
    }
    Ok((StatusCode::ACCEPTED, Json(draft)))
}

#[utoipa::path(post, path = "/api/drafts/{id}/discard", tag = "drafts",
    params(("id" = String, Path, description = "Draft id (drf_1)")),
    security(("bearer" = [])),
    responses((status = 200, body = Draft), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "draft_not_editable: it was queued or sent", body = ErrorBody)))]
pub async fn discard(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Json<Draft>> {
    let id = draft_id(&id)?;
    let draft = lifecycle::discard(&state.store, &auth.0.workspace, &auth.0.member, id, state.clock.now()).await?;
    Ok(Json(draft))
}

#[utoipa::path(get, path = "/api/drafts/{id}/revisions", tag = "drafts",
    params(("id" = String, Path, description = "Draft id (drf_1)")),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<DraftRevision>), (status = 404, body = ErrorBody)))]
pub async fn revisions(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<DraftRevision>>> {
    let draft_id = draft_id(&id)?;
    let revisions = state.store.draft_revisions(&auth.0.workspace, draft_id).await?;
    if revisions.is_empty() {
        return Err(ApiError::not_found(&format!("Draft `{id}`")));
    }
    Ok(Json(revisions))
}
