//! Connecting a CSM's Gmail mailbox: OAuth 2 authorization code with PKCE. `connect` returns Google's
//! consent page for the signed-in member; Google sends the browser back to `callback` with a code and
//! the single-use `state`, which alone identifies the member (the browser carries no API token).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::Auth;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::AppState;
use crate::delivery::gmail;
use crate::domain::Role;

/// How long a consent page stays valid.
const STATE_TTL: time::Duration = time::Duration::minutes(10);

#[derive(Serialize, ToSchema)]
pub struct ConnectReply {
    /// Open this in the browser to grant Overture access to your mailbox.
    pub authorization_url: String,
}

#[utoipa::path(get, path = "/api/gmail/connect", tag = "gmail",
    security(("bearer" = [])),
    responses((status = 200, body = ConnectReply), (status = 403, body = ErrorBody),
              (status = 409, description = "gmail_not_configured", body = ErrorBody)))]
pub async fn connect(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<ConnectReply>> {
    auth.require(&[Role::Admin, Role::Csm], "connect a mailbox")?;
    let config = state.gmail.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            "gmail_not_configured",
            "Gmail is not set up on this server: set OVERTURE_GMAIL_CLIENT_ID, OVERTURE_GMAIL_CLIENT_SECRET and \
             OVERTURE_SECRET_KEY",
        )
    })?;
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    let oauth_state = hex::encode(bytes);
    let (verifier, challenge) = gmail::pkce_pair();
    // Wall-clock time: the state expires in real minutes even when OVERTURE_NOW fixes the clock.
    let now = time::OffsetDateTime::now_utc();
    state.store.create_oauth_state(auth.0.member.id, &oauth_state, &verifier, now).await?;
    let authorization_url = gmail::authorization_url(config, &oauth_state, &challenge)?;
    Ok(Json(ConnectReply { authorization_url }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    /// Set by Google when the person declined.
    error: Option<String>,
}

fn page(status: StatusCode, message: &str) -> Response {
    let escaped = minijinja::HtmlEscape(message).to_string();
    let body = format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Overture: Gmail</title>\
         <body style=\"font-family:sans-serif;max-width:40em;margin:4em auto\"><p>{escaped}</p></body></html>"
    );
    (status, Html(body)).into_response()
}

#[utoipa::path(get, path = "/api/gmail/callback", tag = "gmail", params(CallbackQuery),
    responses((status = 200, description = "An HTML page: the mailbox is connected"),
              (status = 400, description = "An HTML page saying what went wrong")))]
pub async fn callback(State(state): State<AppState>, Query(q): Query<CallbackQuery>) -> Response {
    let Some(config) = state.gmail.as_ref() else {
        return page(StatusCode::BAD_REQUEST, "Gmail is not set up on this server.");
    };
    if let Some(error) = q.error {
        return page(
            StatusCode::BAD_REQUEST,
            &format!("Google did not grant access ({error}). Nothing was connected."),
        );
    }
    let (Some(code), Some(oauth_state)) = (q.code, q.state) else {
        return page(StatusCode::BAD_REQUEST, "This link is missing its code or state. Start again from Overture.");
    };
    let now = time::OffsetDateTime::now_utc();
    let pending = match state.store.take_oauth_state(&oauth_state, now - STATE_TTL).await {
        Ok(Some(p)) => p,
        Ok(None) => {
            return page(
                StatusCode::BAD_REQUEST,
                "This sign-in link has expired or was already used. Start again from Overture.",
            )
        }
        Err(e) => {
            tracing::error!(error = ?e, "reading an OAuth state failed");
            return page(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side; it has been logged.");
        }
    };
    let connected = match gmail::exchange_code(config, &state.http, &code, &pending.verifier).await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "a Gmail authorization failed");
            return page(StatusCode::BAD_REQUEST, &format!("Google did not accept the authorization: {e}"));
        }
    };
    if !connected.email.eq_ignore_ascii_case(&pending.email) {
        return page(
            StatusCode::BAD_REQUEST,
            &format!(
                "You signed in to Google as {}, but your Overture address is {}. Emails go out from your \
                 Overture address, so connect that mailbox.",
                connected.email, pending.email
            ),
        );
    }
    let saved = async {
        let sealed = config.secrets.seal(&connected.refresh_token)?;
        let ws = state
            .store
            .workspace_by_id(pending.workspace_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("workspace gone"))?;
        state.store.save_gmail_connection(&ws, pending.member_id, &connected.email, &sealed, state.clock.now()).await
    };
    match saved.await {
        Ok(()) => page(
            StatusCode::OK,
            &format!("Gmail connected: introductions you approve now go out from {}.", connected.email),
        ),
        Err(e) => {
            tracing::error!(error = ?e, "saving a Gmail connection failed");
            page(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side; it has been logged.")
        }
    }
}
