//! A local double of Google's OAuth and Gmail API endpoints that validates requests the way Google
//! does: client credentials, PKCE (S256), bearer tokens, a base64url `raw` message with CRLF line ends,
//! the headers a message needs, and a From that is the connected account.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "client-123.apps.googleusercontent.com";
pub const CLIENT_SECRET: &str = "GOCSPX-secret";

#[derive(Default)]
pub struct Google {
    pub account: String,
    codes: HashMap<String, (String, String)>,
    refresh_tokens: HashSet<String>,
    access_tokens: HashSet<String>,
    /// Answer the next send with 429 and this Retry-After.
    pub throttle_next: Option<u64>,
    pub token_requests: usize,
    /// Decoded messages accepted by `messages.send`.
    pub sent: Vec<Vec<u8>>,
    counter: usize,
    /// The mailbox: every message sent or received, with its thread and the history id that added it.
    mailbox: Vec<Stored>,
    history_id: u64,
    /// History before this id is gone (Google keeps about a week): older `startHistoryId`s get 404.
    pub oldest_history: u64,
    /// `history.list` calls answered, and full message reads.
    pub history_calls: usize,
    pub message_reads: usize,
}

struct Stored {
    id: String,
    thread_id: String,
    raw: Vec<u8>,
    history_id: u64,
}

impl Google {
    fn next(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}-{}", self.counter)
    }

    /// Access tokens stop working (they expired): the next call with one gets 401.
    pub fn expire_access_tokens(&mut self) {
        self.access_tokens.clear();
    }

    /// A message arrives in `thread` (a reply in the thread we sent).
    pub fn receive(&mut self, thread: &str, raw: &[u8]) {
        let id = self.next("msg");
        self.history_id += 1;
        let history_id = self.history_id;
        self.mailbox.push(Stored { id, thread_id: thread.into(), raw: raw.to_vec(), history_id });
    }

    /// The thread Gmail put the `n`th sent message in.
    pub fn sent_thread(&self, n: usize) -> String {
        self.mailbox.iter().filter(|m| self.sent.contains(&m.raw)).nth(n).map(|m| m.thread_id.clone()).unwrap()
    }

    /// Forgets all history so far (as Google does after a week).
    pub fn expire_history(&mut self) {
        self.oldest_history = self.history_id + 1;
    }

    /// The person revoked Overture's access: refreshing answers `invalid_grant`.
    pub fn revoke(&mut self) {
        self.refresh_tokens.clear();
        self.access_tokens.clear();
    }
}

pub type Shared = Arc<Mutex<Google>>;

fn error(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

async fn authorize(State(g): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Response {
    let bad = |m: &str| error(StatusCode::BAD_REQUEST, json!({"error": "invalid_request", "error_description": m}));
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    if get("response_type") != "code" || get("client_id") != CLIENT_ID {
        return bad("response_type or client_id");
    }
    if get("code_challenge_method") != "S256" || get("code_challenge").len() < 43 {
        return bad("PKCE with S256 is required");
    }
    if !get("scope").split(' ').any(|s| s == "https://www.googleapis.com/auth/gmail.send") || get("state").is_empty() {
        return bad("scope or state");
    }
    let mut g = g.lock().unwrap();
    let code = g.next("code");
    g.codes.insert(code.clone(), (get("code_challenge"), get("redirect_uri")));
    // The person consents at once.
    let mut to = url::Url::parse(&get("redirect_uri")).unwrap();
    to.query_pairs_mut().append_pair("code", &code).append_pair("state", &get("state"));
    Redirect::to(to.as_str()).into_response()
}

async fn token(State(g): State<Shared>, Form(f): Form<HashMap<String, String>>) -> Response {
    let mut g = g.lock().unwrap();
    g.token_requests += 1;
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    if get("client_id") != CLIENT_ID || get("client_secret") != CLIENT_SECRET {
        return error(StatusCode::UNAUTHORIZED, json!({"error": "invalid_client"}));
    }
    let invalid_grant = || {
        error(
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": "Token has been expired or revoked."}),
        )
    };
    match get("grant_type").as_str() {
        "authorization_code" => {
            let Some((challenge, redirect)) = g.codes.remove(&get("code")) else { return invalid_grant() };
            let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(get("code_verifier").as_bytes()));
            if computed != challenge || redirect != get("redirect_uri") {
                return invalid_grant();
            }
            let (access, refresh) = (g.next("ya29"), g.next("1//refresh"));
            g.access_tokens.insert(access.clone());
            g.refresh_tokens.insert(refresh.clone());
            Json(json!({"access_token": access, "refresh_token": refresh, "expires_in": 3599, "token_type": "Bearer"}))
                .into_response()
        }
        "refresh_token" => {
            if !g.refresh_tokens.contains(&get("refresh_token")) {
                return invalid_grant();
            }
            let access = g.next("ya29");
            g.access_tokens.insert(access.clone());
            Json(json!({"access_token": access, "expires_in": 3599, "token_type": "Bearer"})).into_response()
        }
        _ => error(StatusCode::BAD_REQUEST, json!({"error": "unsupported_grant_type"})),
    }
}

fn authorized(g: &Google, headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| g.access_tokens.contains(t))
}

fn unauthenticated() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        json!({"error": {"code": 401, "message": "Request had invalid authentication credentials.", "status": "UNAUTHENTICATED"}}),
    )
}

async fn profile(State(g): State<Shared>, headers: HeaderMap) -> Response {
    let g = g.lock().unwrap();
    if !authorized(&g, &headers) {
        return unauthenticated();
    }
    Json(json!({"emailAddress": g.account, "messagesTotal": g.mailbox.len(), "historyId": g.history_id.to_string()}))
        .into_response()
}

fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        json!({"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}}),
    )
}

/// `users.history.list`: messages added after `startHistoryId`, two history records a page.
async fn history(State(g): State<Shared>, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let mut g = g.lock().unwrap();
    if !authorized(&g, &headers) {
        return unauthenticated();
    }
    let invalid = |m: &str| {
        error(StatusCode::BAD_REQUEST, json!({"error": {"code": 400, "message": m, "status": "INVALID_ARGUMENT"}}))
    };
    let Some(start) = q.get("startHistoryId").and_then(|h| h.parse::<u64>().ok()) else {
        return invalid("Invalid startHistoryId");
    };
    if q.get("historyTypes").is_some_and(|t| t != "messageAdded") {
        return invalid("Invalid historyTypes");
    }
    if start < g.oldest_history {
        return not_found();
    }
    g.history_calls += 1;
    let skip: usize = q.get("pageToken").and_then(|p| p.parse().ok()).unwrap_or(0);
    let added: Vec<&Stored> = g.mailbox.iter().filter(|m| m.history_id > start).collect();
    let page: Vec<Value> = added
        .iter()
        .skip(skip)
        .take(2)
        .map(|m| json!({"id": m.history_id.to_string(), "messagesAdded": [{"message": {"id": m.id, "threadId": m.thread_id}}]}))
        .collect();
    let mut body = json!({"historyId": g.history_id.to_string()});
    if !page.is_empty() {
        body["history"] = Value::Array(page);
    }
    if added.len() > skip + 2 {
        body["nextPageToken"] = json!((skip + 2).to_string());
    }
    Json(body).into_response()
}

async fn thread(State(g): State<Shared>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let g = g.lock().unwrap();
    if !authorized(&g, &headers) {
        return unauthenticated();
    }
    let messages: Vec<Value> =
        g.mailbox.iter().filter(|m| m.thread_id == id).map(|m| json!({"id": m.id, "threadId": m.thread_id})).collect();
    if messages.is_empty() {
        return not_found();
    }
    Json(json!({"id": id, "messages": messages})).into_response()
}

async fn message(
    State(g): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut g = g.lock().unwrap();
    if !authorized(&g, &headers) {
        return unauthenticated();
    }
    if q.get("format").map(String::as_str) != Some("raw") {
        return error(
            StatusCode::BAD_REQUEST,
            json!({"error": {"code": 400, "message": "this double serves format=raw only"}}),
        );
    }
    g.message_reads += 1;
    match g.mailbox.iter().find(|m| m.id == id) {
        Some(m) => Json(json!({"id": m.id, "threadId": m.thread_id, "raw": URL_SAFE.encode(&m.raw)})).into_response(),
        None => not_found(),
    }
}

async fn send(State(g): State<Shared>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let mut g = g.lock().unwrap();
    if !authorized(&g, &headers) {
        return unauthenticated();
    }
    if let Some(secs) = g.throttle_next.take() {
        let mut r = error(
            StatusCode::TOO_MANY_REQUESTS,
            json!({"error": {"code": 429, "message": "User-rate limit exceeded.", "status": "RESOURCE_EXHAUSTED"}}),
        );
        r.headers_mut().insert(header::RETRY_AFTER, secs.to_string().parse().unwrap());
        return r;
    }
    let invalid = |m: &str| {
        error(StatusCode::BAD_REQUEST, json!({"error": {"code": 400, "message": m, "status": "INVALID_ARGUMENT"}}))
    };
    let Some(raw) = body["raw"].as_str() else {
        return invalid("'raw' RFC822 payload message string or uploading message via /upload/* URL required");
    };
    if raw.contains(['+', '/']) {
        return invalid("Invalid value at 'message.raw' (TYPE_BYTES), Base64 decoding failed");
    }
    let Ok(bytes) = URL_SAFE.decode(raw).or_else(|_| URL_SAFE_NO_PAD.decode(raw)) else {
        return invalid("Invalid value at 'message.raw' (TYPE_BYTES), Base64 decoding failed");
    };
    if bytes.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r') || bytes.contains(&0) {
        return invalid("Invalid RFC 5322 message: bare LF or NUL");
    }
    let Some(parsed) = mail_parser::MessageParser::default().parse(&bytes) else {
        return invalid("Invalid RFC 5322 message");
    };
    let from = parsed.from().and_then(|a| a.first()).and_then(|a| a.address()).unwrap_or_default().to_string();
    if parsed.to().is_none() || parsed.subject().is_none() || parsed.message_id().is_none() || parsed.date().is_none() {
        return invalid("Invalid To header");
    }
    if !from.eq_ignore_ascii_case(&g.account) {
        return invalid("Invalid From header: not the authenticated user or one of their aliases");
    }
    g.sent.push(bytes.clone());
    let id = g.next("msg");
    let thread = g.next("thread");
    g.history_id += 1;
    let history_id = g.history_id;
    g.mailbox.push(Stored { id: id.clone(), thread_id: thread.clone(), raw: bytes, history_id });
    Json(json!({"id": id, "threadId": thread, "labelIds": ["SENT"]})).into_response()
}

/// Starts the double on a free port; returns its base URL and its state.
pub async fn start(account: &str) -> (String, Shared) {
    let shared: Shared =
        Arc::new(Mutex::new(Google { account: account.into(), history_id: 1000, ..Default::default() }));
    let app = Router::new()
        .route("/o/oauth2/v2/auth", get(authorize))
        .route("/token", post(token))
        .route("/gmail/v1/users/me/profile", get(profile))
        .route("/gmail/v1/users/me/messages/send", post(send))
        .route("/gmail/v1/users/me/history", get(history))
        .route("/gmail/v1/users/me/threads/{id}", get(thread))
        .route("/gmail/v1/users/me/messages/{id}", get(message))
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, shared)
}
