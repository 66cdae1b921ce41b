//! Composing an upsell introduction (PRD-047 Steps 2 and 3) and reading drafts.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Auth;
use super::customers::resolve_record;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::AppState;
use crate::compose::ComposeError;
use crate::context::ExpansionContext;
use crate::domain::{Approach, Draft, DraftId, Role, Tone};
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

fn parse_body(body: &[u8]) -> ApiResult<UpsellIntroBody> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(UpsellIntroBody::default());
    }
    serde_json::from_slice(body).map_err(|e| {
        if e.is_syntax() || e.is_eof() {
            ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", format!("The body is not valid JSON: {e}"))
        } else {
            ApiError::unprocessable("invalid_body", format!("The body does not have the expected fields: {e}"))
        }
    })
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
    let body = parse_body(&body)?;
    let approach = body
        .approach
        .as_deref()
        .map(str::parse::<Approach>)
        .transpose()
        .map_err(|m| ApiError::unprocessable("invalid_approach", m))?;
    let tone = body
        .tone
        .as_deref()
        .map(str::parse::<Tone>)
        .transpose()
        .map_err(|m| ApiError::unprocessable("invalid_tone", m))?;
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
    let not_found = || ApiError::not_found(&format!("Draft `{id}`"));
    let draft_id: DraftId = id.parse().map_err(|_| not_found())?;
    let draft = state.store.draft(&auth.0.workspace, draft_id).await?.ok_or_else(not_found)?;
    Ok(Json(draft))
}
