//! Bearer-token authentication. Tokens are random, shown once, and stored only as SHA-256 hashes.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use rand::RngCore;
use sha2::{Digest, Sha256};

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

/// The authenticated caller of a request.
pub struct Auth(pub Principal);

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
        let value = parts.headers.get(header::AUTHORIZATION).ok_or_else(|| {
            unauthorized(
                "unauthorized",
                "Send an API token as `Authorization: Bearer TOKEN` (create one with `overture token issue EMAIL`)",
            )
        })?;
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| unauthorized("unauthorized", "The Authorization header must be `Bearer TOKEN`"))?;
        match state.store.authenticate(&hash_token(token)).await? {
            Some(principal) => Ok(Auth(principal)),
            None => Err(unauthorized(
                "invalid_token",
                "This API token is not valid (mistyped, revoked, or from another installation)",
            )),
        }
    }
}
