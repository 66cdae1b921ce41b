//! A workspace's own wording per approach: read, replace (validated on the demo data first), or reset.

use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::auth::Auth;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::{ApiJson, AppState};
use crate::compose::Renderer;
use crate::domain::{Approach, Role};
use crate::services;

#[derive(Serialize, ToSchema)]
pub struct TemplateView {
    pub approach: Approach,
    /// `builtin` or `workspace`.
    pub source: &'static str,
    pub subject: String,
    pub body: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub updated_at: Option<OffsetDateTime>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateBody {
    /// A minijinja template rendering to one line.
    subject: String,
    /// A minijinja template of the plain-text email; the HTML is made from it.
    body: String,
}

const MAX_TEMPLATE_BYTES: usize = 100_000;

fn approach(raw: &str) -> ApiResult<Approach> {
    raw.parse().map_err(|message: String| ApiError::new(axum::http::StatusCode::NOT_FOUND, "not_found", message))
}

async fn view(state: &AppState, auth: &Auth, approach: Approach) -> ApiResult<TemplateView> {
    let own = state.store.templates(&auth.0.workspace).await?.into_iter().find(|t| t.approach == approach);
    Ok(match own {
        Some(t) => TemplateView {
            approach,
            source: "workspace",
            subject: t.subject,
            body: t.body,
            updated_at: Some(t.updated_at),
        },
        None => {
            let (subject, body) = Renderer::builtin(approach);
            TemplateView { approach, source: "builtin", subject: subject.into(), body: body.into(), updated_at: None }
        }
    })
}

#[utoipa::path(get, path = "/api/templates/{approach}", tag = "templates",
    params(("approach" = String, Path, description = "educational, problem_solving, value_add or proactive")),
    security(("bearer" = [])), responses((status = 200, body = TemplateView), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    auth: Auth,
    Path(raw): Path<String>,
) -> ApiResult<Json<TemplateView>> {
    Ok(Json(view(&state, &auth, approach(&raw)?).await?))
}

#[utoipa::path(put, path = "/api/templates/{approach}", tag = "templates",
    params(("approach" = String, Path, description = "educational, problem_solving, value_add or proactive")),
    request_body = TemplateBody, security(("bearer" = [])),
    responses((status = 200, body = TemplateView), (status = 403, body = ErrorBody),
              (status = 422, description = "invalid_template: it does not parse or fails to render on the demo data", body = ErrorBody)))]
pub async fn put(
    State(state): State<AppState>,
    auth: Auth,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<TemplateBody>,
) -> ApiResult<Json<TemplateView>> {
    auth.require(&[Role::Admin], "change templates")?;
    let approach = approach(&raw)?;
    if body.subject.len() + body.body.len() > MAX_TEMPLATE_BYTES || body.subject.contains(['\r', '\n', '\0']) {
        return Err(ApiError::unprocessable(
            "invalid_template",
            "The subject must be one line and the templates at most 100,000 bytes together",
        ));
    }
    let now = state.clock.now();
    services::validate_template(&state.composer, approach, &body.subject, &body.body, now.date())
        .map_err(|message| ApiError::unprocessable("invalid_template", format!("Template refused: {message}")))?;
    let ws = &auth.0.workspace;
    state.store.set_template(ws, approach, Some((&body.subject, &body.body)), Some(auth.0.member.id), now).await?;
    Ok(Json(view(&state, &auth, approach).await?))
}

#[utoipa::path(delete, path = "/api/templates/{approach}", tag = "templates",
    params(("approach" = String, Path, description = "educational, problem_solving, value_add or proactive")),
    security(("bearer" = [])), responses((status = 200, description = "Back to the built-in templates", body = TemplateView), (status = 403, body = ErrorBody)))]
pub async fn reset(
    State(state): State<AppState>,
    auth: Auth,
    Path(raw): Path<String>,
) -> ApiResult<Json<TemplateView>> {
    auth.require(&[Role::Admin], "change templates")?;
    let approach = approach(&raw)?;
    state.store.set_template(&auth.0.workspace, approach, None, Some(auth.0.member.id), state.clock.now()).await?;
    Ok(Json(view(&state, &auth, approach).await?))
}
