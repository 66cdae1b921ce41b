//! The web app's session: sign in with an access token (an API token) and get an HttpOnly,
//! SameSite=Strict cookie plus a CSRF token for writes; look at the session; sign out.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use cookie::{Cookie, SameSite};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use utoipa::ToSchema;

use super::auth::{hash_token, random_hex, Auth, SESSION_COOKIE};
use super::drafts::parse_json;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::AppState;
use crate::store::Principal;

/// How long a session lasts (a working day and then some); signing in again starts a new one.
pub const SESSION_HOURS: i64 = 12;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInBody {
    /// An API token (`overture token issue EMAIL`, or the one `overture demo` prints).
    token: String,
}

/// Who is signed in, and the token a browser must send as `X-CSRF-Token` with every change.
#[derive(Serialize, ToSchema)]
pub struct SessionView {
    pub name: String,
    pub email: String,
    pub role: String,
    pub workspace: String,
    /// Present when the session is the cookie's (absent for bearer-token callers).
    pub csrf_token: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
}

impl SessionView {
    /// Who `principal` is; `session` (its CSRF token and expiry) when the caller has the cookie.
    fn of(principal: &Principal, session: Option<(&str, OffsetDateTime)>) -> Self {
        SessionView {
            name: principal.member.name.clone(),
            email: principal.member.email.clone(),
            role: principal.member.role.to_string(),
            workspace: principal.workspace.name.clone(),
            csrf_token: session.map(|(csrf, _)| csrf.to_string()),
            expires_at: session.map(|(_, at)| at),
        }
    }
}

fn session_cookie(value: String, max_age: Duration, secure: bool) -> HeaderValue {
    let cookie = Cookie::build((SESSION_COOKIE, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(max_age.whole_seconds()))
        .build();
    // The value is hex and the attributes fixed: always a valid header value.
    HeaderValue::from_str(&cookie.to_string())
        .unwrap_or_else(|_| HeaderValue::from_static("overture_session=; Max-Age=0"))
}

/// Refuses a sign-in posted from another site (login CSRF): browsers say where a request comes from.
fn same_site_only(headers: &HeaderMap) -> ApiResult<()> {
    let cross = |m: &str| ApiError::new(StatusCode::FORBIDDEN, "cross_site_request", m.to_string());
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return Err(cross("Sign in from Overture's own sign-in page"));
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let origin_host = url::Url::parse(origin).ok().map(|u| match u.port() {
            Some(p) => format!("{}:{p}", u.host_str().unwrap_or_default()),
            None => u.host_str().unwrap_or_default().to_string(),
        });
        if origin_host.as_deref() != Some(host) {
            return Err(cross("Sign in from Overture's own sign-in page"));
        }
    }
    Ok(())
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

fn see_other(location: &'static str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// Signs in with an access token. JSON answers 201 with the session; the sign-in page's plain form
/// (no JavaScript) is answered with a redirect to the app, or back to the page with an error.
#[utoipa::path(post, path = "/api/session", tag = "session",
    request_body(content = SignInBody, content_type = "application/json"),
    responses((status = 201, description = "Signed in: Set-Cookie overture_session (HttpOnly, SameSite=Strict)", body = SessionView),
              (status = 401, description = "invalid_token", body = ErrorBody),
              (status = 403, description = "cross_site_request", body = ErrorBody)))]
pub async fn sign_in(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    same_site_only(&headers)?;
    let form = is_form(&headers);
    let token = if form {
        url::form_urlencoded::parse(&body).find(|(k, _)| k == "token").map(|(_, v)| v.into_owned()).unwrap_or_default()
    } else {
        parse_json::<SignInBody>(&body)?.token
    };
    let token = token.trim();
    let now = OffsetDateTime::now_utc();
    let value = random_hex();
    let csrf = random_hex();
    let lifetime = Duration::hours(SESSION_HOURS);
    let session = if token.is_empty() {
        None
    } else {
        state.store.create_session(&hash_token(token), &hash_token(&value), &csrf, now, now + lifetime).await?
    };
    let Some(session) = session else {
        if form {
            return Ok(see_other("/signin?error=invalid_token"));
        }
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "This access token is not valid (mistyped, revoked, or from another installation)",
        ));
    };
    // Sessions past their time are swept at each sign-in; the lookup ignores them anyway.
    if let Err(e) = state.store.purge_sessions(now).await {
        tracing::warn!(error = ?e, "could not purge expired sessions");
    }
    let cookie = session_cookie(value, lifetime, state.secure_cookies);
    if form {
        let mut response = see_other("/");
        response.headers_mut().insert(header::SET_COOKIE, cookie);
        return Ok(response);
    }
    let mut response = (
        StatusCode::CREATED,
        Json(SessionView::of(&session.principal, Some((&session.csrf_token, session.expires_at)))),
    )
        .into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[utoipa::path(get, path = "/api/session", tag = "session", operation_id = "current_session", security(("bearer" = [])),
    responses((status = 200, body = SessionView), (status = 401, body = ErrorBody)))]
pub async fn current(auth: Auth) -> Response {
    let mut response =
        Json(SessionView::of(&auth.0, auth.1.as_ref().map(|s| (s.csrf_token.as_str(), s.expires_at)))).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Signs out: the session ends on the server and the cookie is cleared.
#[utoipa::path(delete, path = "/api/session", tag = "session", security(("bearer" = [])),
    responses((status = 204, description = "Signed out"), (status = 401, body = ErrorBody),
              (status = 403, description = "csrf_token_missing, csrf_token_invalid", body = ErrorBody)))]
pub async fn sign_out(State(state): State<AppState>, auth: Auth) -> ApiResult<Response> {
    if let Some(session) = &auth.1 {
        state.store.delete_session(&session.hash).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(String::new(), Duration::ZERO, state.secure_cookies));
    Ok(response)
}
