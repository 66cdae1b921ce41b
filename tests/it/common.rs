use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use rand::RngCore;
use serde_json::Value;
use time::macros::datetime;
use time::OffsetDateTime;
use tower::ServiceExt;

use overture::clock::Clock;
use overture::engagement::tracking::TrackingKeys;
use overture::engagement::{EventWriter, Tracker};
use overture::import::{self, Staged};
use overture::store::{PostgresStore, SqliteStore, Store, Workspace};

/// Every test runs at this instant (`OVERTURE_NOW` for the app).
pub const NOW: OffsetDateTime = datetime!(2026-11-25 09:00 UTC);

/// The inbound webhook's secret in tests.
pub const INBOUND_SECRET: &str = "inbound-test-secret";

pub struct TestDb {
    pub store: Arc<dyn Store>,
    /// The database URL for `overture` processes (PostgreSQL: with this test's schema).
    pub url: String,
    /// Keeps the SQLite file alive for the test.
    _dir: Option<tempfile::TempDir>,
}

/// A fresh, migrated database: PostgreSQL when `OVERTURE_TEST_POSTGRES_URL` is set, else SQLite.
pub async fn test_db() -> TestDb {
    match std::env::var("OVERTURE_TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => {
            let mut bytes = [0u8; 8];
            rand::rng().fill_bytes(&mut bytes);
            let schema = format!("overture_test_{}", hex::encode(bytes));
            let store = PostgresStore::open_in_schema(&url, &schema).await.expect("connect to the test PostgreSQL");
            store.migrate().await.expect("migrate");
            TestDb { store: Arc::new(store), url: format!("{url}?options[search_path]={schema}"), _dir: None }
        }
        _ => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}/overture.db", dir.path().display());
            let store = SqliteStore::open(&url).await.expect("open SQLite");
            store.migrate().await.expect("migrate");
            TestDb { store: Arc::new(store), url, _dir: Some(dir) }
        }
    }
}

pub struct TestApp {
    pub db: TestDb,
    pub router: Router,
}

pub struct Response {
    pub status: StatusCode,
    pub body: Value,
}

impl Response {
    pub fn error_code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or_default()
    }
}

impl TestApp {
    pub async fn new() -> TestApp {
        let db = test_db().await;
        let router = overture::http::app(db.store.clone(), Clock::fixed(NOW)).expect("app builds");
        TestApp { db, router }
    }

    /// The demo app with `serve`'s options (Gmail settings, say).
    pub async fn with_demo_and(options: overture::http::Options) -> TestApp {
        let db = test_db().await;
        let router = overture::http::app_with(db.store.clone(), Clock::fixed(NOW), options).expect("app builds");
        let app = TestApp { db, router };
        app.load_demo("default").await;
        app
    }

    /// The demo app with tracking (a fixed key, links under `https://t.example`, no scanner window so
    /// that a test's immediate open counts as a person's), the inbound webhook (secret
    /// [`INBOUND_SECRET`]) and, when `webhook`, the CRM webhook switched on.
    pub async fn with_engagement(webhook: bool) -> (TestApp, Arc<Tracker>) {
        let db = test_db().await;
        let keys = TrackingKeys::parse("t1:test-tracking-secret-0123456789abcdef").expect("keys");
        let tracker = Arc::new(
            Tracker::new(db.store.clone(), keys, "https://t.example", EventWriter::start(db.store.clone()))
                .with_scanner_window(std::time::Duration::ZERO),
        );
        let options = overture::http::Options {
            tracker: Some(tracker.clone()),
            inbound_secret: Some(INBOUND_SECRET.into()),
            webhook,
            ..Default::default()
        };
        let router = overture::http::app_with(db.store.clone(), Clock::fixed(NOW), options).expect("app builds");
        let app = TestApp { db, router };
        app.load_demo("default").await;
        (app, tracker)
    }

    /// `POST /api/inbound/email` with the raw message, signed with `secret`.
    pub async fn inbound(&self, raw: &str, secret: &str) -> Response {
        let signature = overture::engagement::signature::sign(secret.as_bytes(), raw.as_bytes());
        let request = Request::builder()
            .method(Method::POST)
            .uri("/api/inbound/email")
            .header(header::CONTENT_TYPE, "message/rfc822")
            .header("X-Overture-Signature", signature)
            .body(Body::from(raw.to_string()))
            .expect("request");
        self.call(request).await.0
    }

    /// Sends a request; returns the response and its headers.
    pub async fn call(&self, request: Request<Body>) -> (Response, axum::http::HeaderMap) {
        let response = self.router.clone().oneshot(request).await.expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        (Response { status, body }, headers)
    }

    /// An app whose `default` workspace holds the demo data.
    pub async fn with_demo() -> TestApp {
        let app = TestApp::new().await;
        app.load_demo("default").await;
        app
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.db.store
    }

    pub async fn workspace(&self, name: &str) -> Workspace {
        self.store().ensure_workspace(name, NOW).await.expect("workspace")
    }

    pub async fn load_demo(&self, workspace: &str) {
        let ws = self.workspace(workspace).await;
        let mut staged = Staged::default();
        staged.add_bundle(overture::demo::bundle(NOW.date()));
        import::run(self.store(), &ws, staged, Default::default(), NOW).await.expect("demo imports");
    }

    /// A token for a team member of the workspace.
    pub async fn token(&self, workspace: &str, email: &str) -> String {
        let ws = self.workspace(workspace).await;
        let member = self.store().member_by_email(&ws, email).await.expect("query").expect("member exists");
        let token = overture::http::auth::new_token();
        self.store().create_token(&member, &overture::http::auth::hash_token(&token), NOW).await.expect("token");
        token
    }

    pub async fn csm_token(&self) -> String {
        self.token("default", "sarah@vendor.example").await
    }

    pub async fn admin_token(&self) -> String {
        self.token("default", "dana@vendor.example").await
    }

    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Body,
        content_type: Option<&str>,
    ) -> Response {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some(ct) = content_type {
            request = request.header(header::CONTENT_TYPE, ct);
        }
        let response = self.router.clone().oneshot(request.body(body).expect("request")).await.expect("response");
        let status = response.status();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Response { status, body }
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.raw(Method::GET, path, Some(token), Body::empty(), None).await
    }

    pub async fn patch_json(&self, path: &str, token: &str, body: &Value) -> Response {
        self.raw(Method::PATCH, path, Some(token), Body::from(body.to_string()), Some("application/json")).await
    }

    /// `POST /api/drafts/:id/send`, with an Idempotency-Key when given.
    pub async fn send(&self, draft: &str, token: &str, body: &Value, key: Option<&str>) -> Response {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(format!("/api/drafts/{draft}/send"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        let request = request.body(Body::from(body.to_string())).expect("request");
        let response = self.router.clone().oneshot(request).await.expect("response");
        let status = response.status();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        Response { status, body: serde_json::from_slice(&bytes).unwrap_or(Value::Null) }
    }

    /// Composes a draft for a customer; returns its id.
    pub async fn compose(&self, customer: &str, token: &str, body: &Value) -> String {
        let r = self.post_json(&format!("/api/customers/{customer}/upsell-intro"), token, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body["draft"]["id"].as_str().expect("an id").to_string()
    }

    /// An outbox worker of this app's store that delivers through `transport` (run it with `drain`).
    pub fn worker(&self, transport: Arc<dyn overture::delivery::Transport>) -> overture::delivery::Worker {
        let settings =
            overture::delivery::WorkerSettings { backoff: std::time::Duration::from_millis(1), ..Default::default() };
        overture::delivery::Worker::new(self.store().clone(), transport, Clock::fixed(NOW), settings)
    }

    pub async fn post_json(&self, path: &str, token: &str, body: &Value) -> Response {
        self.raw(Method::POST, path, Some(token), Body::from(body.to_string()), Some("application/json")).await
    }
}
