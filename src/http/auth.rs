//! Authentication: a bearer API token, or the web app's session cookie. Tokens and session ids are
//! random, shown once, and stored only as SHA-256 hashes. A write made with the cookie must also carry
//! the session's CSRF token in `X-CSRF-Token` (the cookie is `SameSite=Strict` as well).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method, StatusCode};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::OffsetDateTime;

use super::error::ApiError;
use super::AppState;
use crate::domain::Role;
use crate::store::Principal;

const TOKEN_PREFIX: &str = "ovt_";

/// A new random API token.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The web app's session cookie.
pub const SESSION_COOKIE: &str = "overture_session";
/// The header a cookie-authenticated write must carry.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// 32 random bytes, hex: session ids and CSRF tokens.
pub fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The value of the session cookie, if the request has one.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == SESSION_COOKIE && !c.value().is_empty())
        .map(|c| c.value().to_string())
}

/// The session a request's cookie names, if it is live.
pub async fn cookie_session(state: &AppState, headers: &HeaderMap) -> Result<Option<WebSession>, ApiError> {
    let Some(value) = session_cookie(headers) else { return Ok(None) };
    let hash = hash_token(&value);
    let session = state.store.session(&hash, OffsetDateTime::now_utc()).await?;
    Ok(session.map(|s| WebSession { hash, csrf_token: s.csrf_token, expires_at: s.expires_at, principal: s.principal }))
}

/// A signed-in browser.
#[derive(Debug, Clone)]
pub struct WebSession {
    /// SHA-256 of the cookie's value.
    pub hash: String,
    pub csrf_token: String,
    pub expires_at: OffsetDateTime,
    pub principal: Principal,
}

/// The authenticated caller of a request, and its session when it came with the cookie.
pub struct Auth(pub Principal, pub Option<WebSession>);

impl Auth {
    pub fn require(&self, allowed: &[Role], action: &str) -> Result<(), ApiError> {
        if allowed.contains(&self.0.member.role) {
            Ok(())
        } else {
            let names: Vec<&str> = allowed.iter().map(|r| r.as_str()).collect();
            Err(ApiError::forbidden(format!(
                "Only {} may {action}; you are signed in as {}",
                names.join(" or "),
                self.0.member.role
            )))
        }
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let unauthorized = |code, message: &str| ApiError::new(StatusCode::UNAUTHORIZED, code, message);
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            if session_cookie(&parts.headers).is_none() {
                return Err(unauthorized(
                    "unauthorized",
                    "Send an API token as `Authorization: Bearer TOKEN` (create one with `overture token issue EMAIL`)",
                ));
            }
            let session = cookie_session(state, &parts.headers)
                .await?
                .ok_or_else(|| unauthorized("session_expired", "Your session has ended: sign in again"))?;
            if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
                check_csrf(&parts.headers, &session.csrf_token)?;
            }
            return Ok(Auth(session.principal.clone(), Some(session)));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| unauthorized("unauthorized", "The Authorization header must be `Bearer TOKEN`"))?;
        match state.store.authenticate(&hash_token(token)).await? {
            Some(principal) => Ok(Auth(principal, None)),
            None => Err(unauthorized(
                "invalid_token",
                "This API token is not valid (mistyped, revoked, or from another installation)",
            )),
        }
    }
}

/// A cookie-authenticated write must echo the session's CSRF token (403 otherwise).
fn check_csrf(headers: &HeaderMap, expected: &str) -> Result<(), ApiError> {
    let Some(given) = headers.get(CSRF_HEADER) else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf_token_missing",
            "This change needs the X-CSRF-Token header of your session (reload the page and try again)",
        ));
    };
    if bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf_token_invalid",
            "The X-CSRF-Token header does not match your session (reload the page and try again)",
        ))
    }
}
