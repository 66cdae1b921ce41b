//! The web app's pages and static files, embedded in the binary (no build step, no separate server).
//! Pages carry a strict Content-Security-Policy: scripts and styles from this origin only, no inline
//! code, no framing. A draft's HTML preview is served on its own, sandboxed, with no scripts at all.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::auth::{cookie_session, Auth};
use super::error::{ApiError, ApiResult, ErrorBody};
use super::AppState;

/// The policy of every page.
pub const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; \
     object-src 'none'";
/// The policy of a draft's preview: the email's own inline styles, no scripts, sandboxed, framed only by us.
pub const PREVIEW_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; frame-ancestors 'self'; sandbox";

struct Asset {
    content_type: &'static str,
    body: &'static [u8],
    etag: String,
}

fn asset(content_type: &'static str, body: &'static [u8]) -> Asset {
    let etag = format!("\"{}\"", &hex::encode(Sha256::digest(body))[..20]);
    Asset { content_type, body, etag }
}

static ASSETS: LazyLock<HashMap<&'static str, Asset>> = LazyLock::new(|| {
    HashMap::from([
        ("app.js", asset("text/javascript; charset=utf-8", include_bytes!("../../web/app.js"))),
        ("signin.js", asset("text/javascript; charset=utf-8", include_bytes!("../../web/signin.js"))),
        ("app.css", asset("text/css; charset=utf-8", include_bytes!("../../web/app.css"))),
        ("icon.svg", asset("image/svg+xml", include_bytes!("../../web/icon.svg"))),
    ])
});

const APP_HTML: &str = include_str!("../../web/index.html");
const SIGNIN_HTML: &str = include_str!("../../web/signin.html");

fn page(html: &'static str) -> Response {
    let mut response = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    secure_headers(response.headers_mut(), PAGE_CSP);
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn secure_headers(headers: &mut HeaderMap, csp: &'static str) {
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

fn redirect(to: &'static str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to), (header::CACHE_CONTROL, "no-store")]).into_response()
}

/// The app, for a signed-in browser; otherwise the sign-in page.
pub async fn app(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    Ok(match cookie_session(&state, &headers).await? {
        Some(_) => page(APP_HTML),
        None => redirect("/signin"),
    })
}

/// The sign-in page (a signed-in browser goes straight to the app).
pub async fn signin(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    Ok(match cookie_session(&state, &headers).await? {
        Some(_) => redirect("/"),
        None => page(SIGNIN_HTML),
    })
}

/// A static file; `ETag` lets the browser keep it until the binary changes.
pub async fn static_file(Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some(asset) = ASSETS.get(name.as_str()) else {
        return ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("No asset `{name}`")).into_response();
    };
    let etag = HeaderValue::from_str(&asset.etag).unwrap_or_else(|_| HeaderValue::from_static("\"\""));
    let fresh = headers.get(header::IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == asset.etag.as_bytes());
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, asset.content_type)], asset.body).into_response()
    };
    let h = response.headers_mut();
    h.insert(header::ETAG, etag);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// The draft's HTML exactly as it will be sent, for the preview frame.
#[utoipa::path(get, path = "/api/drafts/{id}/preview", tag = "drafts", operation_id = "draft_preview",
    params(("id" = String, Path, description = "Draft id (drf_1)")), security(("bearer" = [])),
    responses((status = 200, description = "The HTML part, sandboxed", content_type = "text/html"),
              (status = 404, body = ErrorBody)))]
pub async fn preview(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult<Response> {
    let not_found = || ApiError::not_found(&format!("Draft `{id}`"));
    let draft_id = id.parse().map_err(|_| not_found())?;
    let draft = state.store.draft(&auth.0.workspace, draft_id).await?.ok_or_else(not_found)?;
    let mut response = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], draft.html).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PREVIEW_CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    Ok(response)
}
