//! `gmail`: the Gmail API's `users.messages.send` with the raw message in base64url, on behalf of the
//! CSM whose mailbox is connected (OAuth 2 authorization code with PKCE). Refresh tokens are stored
//! encrypted with ChaCha20-Poly1305 under `OVERTURE_SECRET_KEY`. Every endpoint is configurable, so that
//! tests run against a local double of Google.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::{message, Outgoing, SendError, Transport};
use crate::store::{Delivery, GmailConnection, Store};

/// What the Gmail transport and the connect flow need to know.
#[derive(Clone)]
pub struct GmailConfig {
    pub client_id: String,
    pub client_secret: String,
    /// Google's consent page.
    pub auth_url: String,
    pub token_url: String,
    /// The base of `…/gmail/v1/users/me/…`.
    pub api_url: String,
    /// Where Google sends the browser back: `OVERTURE_PUBLIC_URL` + `/api/gmail/callback`.
    pub redirect_url: String,
    pub secrets: SecretBox,
}

pub const DEFAULT_AUTH_URL: &str = "https://accounts.google.com/o/oauth2/v2/auth";
pub const DEFAULT_TOKEN_URL: &str = "https://oauth2.googleapis.com/token";
pub const DEFAULT_API_URL: &str = "https://gmail.googleapis.com";
/// Sending, and reading replies in the threads we started.
pub const SCOPES: &str = "https://www.googleapis.com/auth/gmail.send https://www.googleapis.com/auth/gmail.readonly";

/// Encrypts secrets at rest: base64 of a random nonce followed by the ciphertext.
#[derive(Clone)]
pub struct SecretBox {
    cipher: ChaCha20Poly1305,
}

impl SecretBox {
    /// From `OVERTURE_SECRET_KEY`: 32 bytes as 64 hex digits or standard base64.
    pub fn from_setting(key: &str) -> Result<SecretBox, String> {
        let key = key.trim();
        let bytes = hex::decode(key).or_else(|_| STANDARD.decode(key)).map_err(|_| {
            "OVERTURE_SECRET_KEY must be 32 random bytes as 64 hex digits (e.g. `openssl rand -hex 32`)".to_string()
        })?;
        if bytes.len() != 32 {
            return Err(format!("OVERTURE_SECRET_KEY must be 32 bytes; it is {}", bytes.len()));
        }
        Ok(SecretBox { cipher: ChaCha20Poly1305::new(Key::from_slice(&bytes)) })
    }

    pub fn seal(&self, plain: &str) -> anyhow::Result<String> {
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
            .map_err(|_| anyhow::anyhow!("encryption failed"))?;
        Ok(STANDARD.encode([nonce.as_slice(), &sealed].concat()))
    }

    pub fn open(&self, sealed: &str) -> anyhow::Result<String> {
        let bytes = STANDARD.decode(sealed)?;
        anyhow::ensure!(bytes.len() > 12, "a sealed secret is too short");
        let (nonce, body) = bytes.split_at(12);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), body)
            .map_err(|_| anyhow::anyhow!("the secret does not open with this OVERTURE_SECRET_KEY"))?;
        Ok(String::from_utf8(plain)?)
    }
}

/// A PKCE verifier and its S256 challenge.
pub fn pkce_pair() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let verifier = URL_SAFE_NO_PAD.encode(bytes);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// Google's consent page for this state and challenge.
pub fn authorization_url(config: &GmailConfig, state: &str, challenge: &str) -> anyhow::Result<String> {
    let mut url = url::Url::parse(&config.auth_url)?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &config.client_id)
        .append_pair("redirect_uri", &config.redirect_url)
        .append_pair("scope", SCOPES)
        .append_pair("access_type", "offline")
        .append_pair("prompt", "consent")
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", "S256")
        .append_pair("state", state);
    Ok(url.into())
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<i64>,
    #[serde(default)]
    refresh_token: Option<String>,
}

#[derive(Deserialize, Default)]
struct GoogleError {
    #[serde(default)]
    error: serde_json::Value,
    #[serde(default)]
    error_description: Option<String>,
}

impl GoogleError {
    fn code(&self) -> &str {
        self.error.as_str().unwrap_or_default()
    }

    fn describe(&self) -> String {
        match (&self.error, &self.error_description) {
            (serde_json::Value::String(code), Some(d)) => format!("{code}: {d}"),
            (serde_json::Value::String(code), None) => code.clone(),
            (serde_json::Value::Object(o), _) => o.get("message").and_then(|m| m.as_str()).unwrap_or("").to_string(),
            _ => String::new(),
        }
    }
}

fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// What the connect flow learns from Google.
pub struct Connected {
    pub email: String,
    pub refresh_token: String,
}

pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap_or_default()
}

/// Trades the authorization code (with the PKCE verifier) for tokens and reads the account's address.
pub async fn exchange_code(
    config: &GmailConfig,
    http: &reqwest::Client,
    code: &str,
    verifier: &str,
) -> anyhow::Result<Connected> {
    let response = http
        .post(&config.token_url)
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", config.redirect_url.as_str()),
            ("client_id", config.client_id.as_str()),
            ("client_secret", config.client_secret.as_str()),
            ("code_verifier", verifier),
        ])
        .send()
        .await?;
    if !response.status().is_success() {
        let status = response.status();
        let error: GoogleError = response.json().await.unwrap_or_default();
        anyhow::bail!("Google refused the authorization code ({status}): {}", error.describe());
    }
    let tokens: TokenResponse = response.json().await?;
    let refresh_token = tokens.refresh_token.ok_or_else(|| anyhow::anyhow!("Google returned no refresh token"))?;
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Profile {
        email_address: String,
    }
    let profile: Profile = http
        .get(format!("{}/gmail/v1/users/me/profile", config.api_url))
        .bearer_auth(&tokens.access_token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(Connected { email: profile.email_address, refresh_token })
}

pub struct GmailTransport {
    store: Arc<dyn Store>,
    config: GmailConfig,
    http: reqwest::Client,
    /// Access tokens by member, with when they stop working.
    tokens: Mutex<HashMap<i64, (String, OffsetDateTime)>>,
}

impl GmailTransport {
    pub fn new(store: Arc<dyn Store>, config: GmailConfig) -> GmailTransport {
        GmailTransport { store, config, http: http_client(), tokens: Mutex::default() }
    }

    fn cached(&self, member: i64) -> Option<String> {
        let tokens = self.tokens.lock().ok()?;
        let (token, until) = tokens.get(&member)?;
        (*until > OffsetDateTime::now_utc()).then(|| token.clone())
    }

    fn forget(&self, member: i64) {
        if let Ok(mut tokens) = self.tokens.lock() {
            tokens.remove(&member);
        }
    }

    async fn refresh(&self, ws: &crate::store::Workspace, conn: &GmailConnection) -> Result<String, SendError> {
        let refresh = self.config.secrets.open(&conn.refresh_token).map_err(|e| {
            SendError::Permanent(format!("the stored Gmail token of {} cannot be read: {e}", conn.email))
        })?;
        let response = self
            .http
            .post(&self.config.token_url)
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh.as_str()),
                ("client_id", self.config.client_id.as_str()),
                ("client_secret", self.config.client_secret.as_str()),
            ])
            .send()
            .await
            .map_err(|e| SendError::temporary(format!("reaching Google's token endpoint: {e}")))?;
        let status = response.status();
        if status.is_success() {
            let tokens: TokenResponse = response
                .json()
                .await
                .map_err(|e| SendError::temporary(format!("reading Google's token reply: {e}")))?;
            let until = OffsetDateTime::now_utc() + time::Duration::seconds(tokens.expires_in.unwrap_or(3600) - 60);
            if let Ok(mut cache) = self.tokens.lock() {
                cache.insert(conn.member_id, (tokens.access_token.clone(), until));
            }
            return Ok(tokens.access_token);
        }
        let retry = retry_after(&response);
        let error: GoogleError = response.json().await.unwrap_or_default();
        if error.code() == "invalid_grant" {
            if let Err(e) =
                self.store.set_gmail_status(ws, conn.member_id, "needs_reconnect", OffsetDateTime::now_utc()).await
            {
                tracing::error!(error = ?e, "marking a Gmail connection as needing reconnection failed");
            }
            return Err(SendError::Permanent(format!(
                "Gmail access for {} was revoked or has expired (invalid_grant): reconnect the mailbox \
                 (GET /api/gmail/connect), then send the draft again",
                conn.email
            )));
        }
        if status.as_u16() == 429 || status.is_server_error() {
            return Err(SendError::Temporary {
                reason: format!("Google's token endpoint answered {status}"),
                retry_after: retry,
            });
        }
        Err(SendError::Permanent(format!(
            "Google refused to refresh the token of {} ({status}): {}",
            conn.email,
            error.describe()
        )))
    }

    /// A Gmail API `GET` (path after `/gmail/v1/users/me/`) for the connected mailbox, refreshing the
    /// access token once on a 401. `None` for a 404 (history too old, message gone).
    pub async fn get_json(
        &self,
        ws: &crate::store::Workspace,
        conn: &GmailConnection,
        path: &str,
    ) -> Result<Option<serde_json::Value>, SendError> {
        let url = format!("{}/gmail/v1/users/me/{path}", self.config.api_url);
        let get = |token: String| {
            let request = self.http.get(&url).bearer_auth(token);
            async move { request.send().await.map_err(|e| SendError::temporary(format!("reaching the Gmail API: {e}"))) }
        };
        let token = match self.cached(conn.member_id) {
            Some(token) => token,
            None => self.refresh(ws, conn).await?,
        };
        let mut response = get(token).await?;
        if response.status() == reqwest::StatusCode::UNAUTHORIZED {
            self.forget(conn.member_id);
            response = get(self.refresh(ws, conn).await?).await?;
        }
        let status = response.status();
        if status == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if status.is_success() {
            return response
                .json()
                .await
                .map(Some)
                .map_err(|e| SendError::temporary(format!("reading the Gmail API: {e}")));
        }
        let error: GoogleError = response.json().await.unwrap_or_default();
        Err(SendError::temporary(format!("the Gmail API answered {status} {}", error.describe())))
    }

    async fn post_raw(&self, token: &str, raw: &str) -> Result<reqwest::Response, SendError> {
        self.http
            .post(format!("{}/gmail/v1/users/me/messages/send", self.config.api_url))
            .bearer_auth(token)
            .json(&serde_json::json!({ "raw": raw }))
            .send()
            .await
            .map_err(|e| SendError::temporary(format!("reaching the Gmail API: {e}")))
    }
}

#[async_trait]
impl Transport for GmailTransport {
    fn name(&self) -> &'static str {
        "gmail"
    }

    async fn send(&self, o: &Outgoing) -> Result<Delivery, SendError> {
        let store_error = |e: anyhow::Error| SendError::temporary(format!("reading the Gmail connection: {e:#}"));
        let ws = self
            .store
            .workspace_by_id(o.workspace_id)
            .await
            .map_err(store_error)?
            .ok_or_else(|| SendError::Permanent("the workspace no longer exists".into()))?;
        let conn = self.store.gmail_connection(&ws, &o.from.email).await.map_err(store_error)?.ok_or_else(|| {
            SendError::Permanent(format!(
                "{} has not connected a Gmail mailbox: connect it (GET /api/gmail/connect), then send again",
                o.from.email
            ))
        })?;
        if conn.status != "connected" {
            return Err(SendError::Permanent(format!(
                "the Gmail mailbox {} must be reconnected (GET /api/gmail/connect) before it can send",
                conn.email
            )));
        }
        let raw = URL_SAFE.encode(message::formatted(o)?);
        let token = match self.cached(conn.member_id) {
            Some(token) => token,
            None => self.refresh(&ws, &conn).await?,
        };
        let mut response = self.post_raw(&token, &raw).await?;
        if response.status() == reqwest::StatusCode::UNAUTHORIZED {
            // The access token expired or was revoked early: refresh once and try again.
            self.forget(conn.member_id);
            let token = self.refresh(&ws, &conn).await?;
            response = self.post_raw(&token, &raw).await?;
        }
        let status = response.status();
        if status.is_success() {
            #[derive(Deserialize)]
            #[serde(rename_all = "camelCase")]
            struct Sent {
                #[serde(default)]
                thread_id: Option<String>,
            }
            let sent: Sent = response.json().await.unwrap_or(Sent { thread_id: None });
            return Ok(Delivery { thread_id: sent.thread_id });
        }
        let retry = retry_after(&response);
        let error: GoogleError = response.json().await.unwrap_or_default();
        if status.as_u16() == 429 || status.is_server_error() {
            return Err(SendError::Temporary {
                reason: format!("the Gmail API answered {status} {}", error.describe()),
                retry_after: retry,
            });
        }
        Err(SendError::Permanent(format!("the Gmail API refused the message ({status}): {}", error.describe())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_round_trip_and_do_not_open_with_another_key() {
        let a = SecretBox::from_setting(&"11".repeat(32)).unwrap();
        let b = SecretBox::from_setting(&"22".repeat(32)).unwrap();
        let sealed = a.seal("1//refresh-token").unwrap();
        assert!(!sealed.contains("refresh"));
        assert_ne!(sealed, a.seal("1//refresh-token").unwrap(), "a fresh nonce every time");
        assert_eq!(a.open(&sealed).unwrap(), "1//refresh-token");
        assert!(b.open(&sealed).is_err());
        assert!(SecretBox::from_setting("short").is_err());
    }

    #[test]
    fn pkce_challenge_is_the_s256_of_the_verifier() {
        let (verifier, challenge) = pkce_pair();
        assert!(verifier.len() >= 43);
        assert_eq!(challenge, URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())));
    }
}
