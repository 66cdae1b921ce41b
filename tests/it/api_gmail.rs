//! Connecting a CSM's Gmail mailbox (OAuth with PKCE) and sending through the Gmail API, against a
//! local double of Google that validates requests as Google does.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::common::{TestApp, NOW};
use crate::gmail_double::{self, Shared, CLIENT_ID, CLIENT_SECRET};
use overture::clock::Clock;
use overture::delivery::gmail::SecretBox;
use overture::delivery::{GmailConfig, GmailTransport, Transport, Worker, WorkerSettings};

const SARAH: &str = "sarah@vendor.example";

fn config(base: &str) -> GmailConfig {
    GmailConfig {
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        auth_url: format!("{base}/o/oauth2/v2/auth"),
        token_url: format!("{base}/token"),
        api_url: base.into(),
        redirect_url: "http://127.0.0.1:8080/api/gmail/callback".into(),
        secrets: SecretBox::from_setting(&"ab".repeat(32)).unwrap(),
    }
}

struct Setup {
    base: String,
    app: TestApp,
    google: Shared,
    worker: Worker,
    token: String,
}

/// The demo app with Sarah's mailbox connected through the whole OAuth dance.
async fn connected(account: &str) -> Setup {
    let (base, google) = gmail_double::start(account).await;
    let config = config(&base);
    let app =
        TestApp::with_demo_and(overture::http::Options { gmail: Some(config.clone()), ..Default::default() }).await;
    let token = app.csm_token().await;
    let r = app.get("/api/gmail/connect", &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let consent = r.body["authorization_url"].as_str().unwrap().to_string();
    assert!(consent.contains("code_challenge_method=S256") && consent.contains("access_type=offline"), "{consent}");

    // The browser visits Google, which sends it back to our callback.
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let back = client.get(&consent).send().await.unwrap();
    assert_eq!(back.status(), StatusCode::SEE_OTHER.as_u16(), "{:?}", back.text().await);
    let location = back.headers()["location"].to_str().unwrap().to_string();
    let query = url::Url::parse(&location).unwrap().query().unwrap().to_string();
    let r = app.raw(Method::GET, &format!("/api/gmail/callback?{query}"), None, Body::empty(), None).await;
    if account == SARAH {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.as_str().unwrap().contains("Gmail connected"));
        // The same link cannot be used twice.
        let again = app.raw(Method::GET, &format!("/api/gmail/callback?{query}"), None, Body::empty(), None).await;
        assert_eq!(again.status, StatusCode::BAD_REQUEST);
    } else {
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
    }
    let transport: Arc<dyn Transport> = Arc::new(GmailTransport::new(app.store().clone(), config));
    let settings = WorkerSettings { backoff: std::time::Duration::from_millis(1), ..Default::default() };
    let worker = Worker::new(app.store().clone(), transport, Clock::fixed(NOW), settings);
    Setup { base, app, google, worker, token }
}

async fn approve(s: &Setup) -> String {
    let id = s.app.compose("acme", &s.token, &json!({"cc_ae": true})).await;
    assert_eq!(s.app.send(&id, &s.token, &json!({}), None).await.status, StatusCode::ACCEPTED);
    id
}

async fn draft(s: &Setup, id: &str) -> serde_json::Value {
    s.app.get(&format!("/api/drafts/{id}"), &s.token).await.body
}

#[tokio::test]
async fn a_connected_mailbox_sends_through_the_gmail_api() {
    let s = connected(SARAH).await;
    let ws = s.app.store().workspace("default").await.unwrap().unwrap();
    let stored = s.app.store().gmail_connection(&ws, SARAH).await.unwrap().expect("connected");
    assert_eq!(stored.status, "connected");
    assert!(!stored.refresh_token.contains("refresh"), "the refresh token is encrypted at rest");

    let id = approve(&s).await;
    s.worker.drain().await.unwrap();
    let d = draft(&s, &id).await;
    assert_eq!(d["status"], "sent", "{d}");
    assert!(d["thread_id"].as_str().unwrap().starts_with("thread-"), "kept for reply detection");
    let google = s.google.lock().unwrap();
    assert_eq!(google.sent.len(), 1);
    let m = mail_parser::MessageParser::default().parse(&google.sent[0]).unwrap();
    assert_eq!(m.message_id(), d["message_id"].as_str());
    assert_eq!(m.cc().and_then(|a| a.first()).and_then(|a| a.address()), Some("mike@vendor.example"));
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_once() {
    let s = connected(SARAH).await;
    let first = approve(&s).await;
    s.worker.drain().await.unwrap();
    let before = s.google.lock().unwrap().token_requests;
    s.google.lock().unwrap().expire_access_tokens();
    let second = approve(&s).await;
    s.worker.drain().await.unwrap();
    assert_eq!(draft(&s, &first).await["status"], "sent");
    assert_eq!(draft(&s, &second).await["status"], "sent");
    let google = s.google.lock().unwrap();
    assert_eq!(google.sent.len(), 2);
    assert_eq!(google.token_requests, before + 1, "one refresh after the 401");
}

#[tokio::test]
async fn a_revoked_grant_fails_the_send_and_asks_for_reconnection() {
    let s = connected(SARAH).await;
    s.google.lock().unwrap().revoke();
    let id = approve(&s).await;
    s.worker.drain().await.unwrap();
    let d = draft(&s, &id).await;
    assert_eq!(d["status"], "failed");
    let error = d["error"].as_str().unwrap();
    assert!(error.contains("invalid_grant") && error.contains("reconnect"), "{error}");
    let ws = s.app.store().workspace("default").await.unwrap().unwrap();
    assert_eq!(s.app.store().gmail_connection(&ws, SARAH).await.unwrap().unwrap().status, "needs_reconnect");
    assert!(s.google.lock().unwrap().sent.is_empty());
}

#[tokio::test]
async fn rate_limits_are_retried_after_the_time_google_asks_for() {
    let s = connected(SARAH).await;
    s.google.lock().unwrap().throttle_next = Some(120);
    let id = approve(&s).await;
    s.worker.drain().await.unwrap();
    let d = draft(&s, &id).await;
    assert_eq!(d["status"], "queued", "{d}");
    assert!(d["error"].as_str().unwrap().contains("429"), "{d}");
    // Not due for two minutes: a drain now sends nothing.
    assert_eq!(s.worker.drain().await.unwrap(), 0);
    assert!(s.google.lock().unwrap().sent.is_empty());
    assert_eq!(s.app.store().job_counts().await.unwrap().get("queued"), Some(&1));
}

#[tokio::test]
async fn a_different_google_account_is_not_connected() {
    let s = connected("someone.else@gmail.example").await;
    let ws = s.app.store().workspace("default").await.unwrap().unwrap();
    assert!(s.app.store().gmail_connection(&ws, SARAH).await.unwrap().is_none());
    let id = approve(&s).await;
    s.worker.drain().await.unwrap();
    let d = draft(&s, &id).await;
    assert_eq!(d["status"], "failed");
    assert!(d["error"].as_str().unwrap().contains("has not connected a Gmail mailbox"), "{d}");
}

#[tokio::test]
async fn connecting_needs_gmail_to_be_configured() {
    let app = TestApp::with_demo().await;
    let r = app.get("/api/gmail/connect", &app.csm_token().await).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::CONFLICT, "gmail_not_configured"));
    let viewer = app.token("default", "tom@vendor.example").await;
    assert_eq!(app.get("/api/gmail/connect", &viewer).await.status, StatusCode::FORBIDDEN);
}

fn reply_in(thread_mid: &str, id: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Jennifer Walsh <jennifer@acme.example>\r\nTo: sarah@vendor.example\r\nSubject: Re: seats\r\n\
         Message-ID: <{id}>\r\nIn-Reply-To: <{thread_mid}>\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

#[tokio::test]
async fn replies_are_read_from_the_gmail_history_of_our_threads_with_a_full_resync_when_history_expired() {
    let s = connected(SARAH).await;
    let id = approve(&s).await;
    s.worker.drain().await.unwrap();
    let sent = draft(&s, &id).await;
    let message_id = sent["message_id"].as_str().unwrap().to_string();
    let thread = s.google.lock().unwrap().sent_thread(0);
    assert_eq!(sent["thread_id"], thread.as_str());

    let responses =
        Arc::new(overture::engagement::Responses::new(s.app.store().clone(), Clock::fixed(NOW), false).unwrap());
    let pollers = overture::engagement::Pollers::new(responses, Some(config(&s.base)), None).unwrap();

    // First poll: no cursor yet, so the threads are read in full (only our own message is there).
    let round = pollers.round().await;
    assert_eq!(round.gmail_messages, 0, "our own message is not a reply");

    // A reply in our thread, and an unrelated message in another thread.
    {
        let mut g = s.google.lock().unwrap();
        g.receive(&thread, &reply_in(&message_id, "r1@acme.example", "Sounds great, let's talk Thursday."));
        g.receive("thread-unrelated", &reply_in("x@y", "spam@else.example", "Buy now"));
    }
    let reads_before = s.google.lock().unwrap().message_reads;
    let round = pollers.round().await;
    assert_eq!(round.gmail_messages, 1);
    assert_eq!(s.google.lock().unwrap().message_reads - reads_before, 1, "messages outside our threads are not read");
    let replies = s.app.get("/api/replies", &s.token).await;
    let reply = &replies.body["replies"][0];
    assert_eq!((reply["source"].as_str(), reply["label"].as_str()), (Some("gmail"), Some("positive")));
    assert_eq!(reply["matched_by"], "in_reply_to");
    assert_eq!(pollers.round().await.gmail_messages, 0, "nothing new");

    // Google forgot the history: a full resync of our threads finds the new reply, and no repeat.
    {
        let mut g = s.google.lock().unwrap();
        g.receive(&thread, &reply_in(&message_id, "r2@acme.example", "Also, can you send pricing?"));
        g.expire_history();
    }
    let round = pollers.round().await;
    assert_eq!(round.gmail_messages, 1, "only the new reply is stored");
    assert_eq!(s.app.get("/api/replies", &s.token).await.body["replies"].as_array().unwrap().len(), 2);
    assert!(s.google.lock().unwrap().history_calls >= 2);
}
