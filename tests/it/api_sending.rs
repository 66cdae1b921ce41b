//! Editing, approving and delivering drafts (PRD-047 Step 4) through a real SMTP server.

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::common::TestApp;
use crate::mail::SmtpServer;
use overture::delivery::{MailSetting, SmtpTransport, Transport};

fn smtp(server: &SmtpServer) -> Arc<dyn Transport> {
    let setting: MailSetting = server.url().parse().expect("an SMTP setting");
    Arc::new(SmtpTransport::new(&setting, 8).expect("transport"))
}

#[tokio::test]
async fn an_edited_draft_with_the_ae_in_copy_is_sent_once_as_approved() {
    let server = SmtpServer::start();
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let id = app.compose("acme", &token, &json!({})).await;

    let edited = "Hi Jennifer,\n\nYou have 98 of 100 licences in use. Shall we look at the options together?\n\nSarah";
    let r = app.patch_json(&format!("/api/drafts/{id}"), &token, &json!({"text": edited, "cc_ae": true})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["revision"], 2);
    assert_eq!(r.body["text"], edited);
    assert!(
        r.body["html"].as_str().unwrap().contains("Shall we look at the options together?"),
        "HTML follows the edit"
    );
    assert_eq!(r.body["cc"], json!([{"name": "Mike Alvarez", "email": "mike@vendor.example"}]));
    assert_eq!(r.body["checks"]["grounding"]["ungrounded"], json!([]), "98 and 100 are still facts");

    let r = app.send(&id, &token, &json!({}), None).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    assert_eq!(r.body["status"], "queued");
    assert_eq!(r.body["approved_by"], "sarah@vendor.example");
    assert_eq!(r.body["approved_revision"], 2);
    let message_id = r.body["message_id"].as_str().expect("fixed at approval").to_string();

    let worker = app.worker(smtp(&server));
    worker.drain().await.expect("drains");
    let received = server.messages();
    assert_eq!(received.len(), 1, "one message, no AE notice: the AE is in copy");
    let m = &received[0];
    assert_eq!(m.rcpt_to(), vec!["jennifer@acme.example", "mike@vendor.example"]);
    let parsed = m.parsed();
    assert_eq!(parsed.from().and_then(|a| a.first()).and_then(|a| a.address()), Some("sarah@vendor.example"));
    assert_eq!(parsed.from().and_then(|a| a.first()).and_then(|a| a.name()), Some("Sarah Chen"));
    assert_eq!(parsed.to().and_then(|a| a.first()).and_then(|a| a.address()), Some("jennifer@acme.example"));
    assert_eq!(parsed.cc().and_then(|a| a.first()).and_then(|a| a.address()), Some("mike@vendor.example"));
    assert_eq!(parsed.subject(), r.body["subject"].as_str());
    assert_eq!(m.message_id(), message_id);
    assert!(parsed.date().is_some());
    assert!(m.header("Content-Type").unwrap().starts_with("multipart/alternative"));
    assert_eq!(m.text().trim_end(), edited);
    assert!(m.html().contains("Shall we look at the options together?"));

    let d = app.get(&format!("/api/drafts/{id}"), &token).await.body;
    assert_eq!(d["status"], "sent");
    assert_eq!(d["sent_at"], "2026-11-25T09:00:00Z");
    assert_eq!(d["error"], Value::Null);

    let opportunities = app.get("/api/opportunities", &token).await.body;
    let acme = opportunities["opportunities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["customer_name"] == "Acme Corp")
        .unwrap()
        .clone();
    assert_eq!(acme["intro_sent_at"], "2026-11-25T09:00:00Z");
    assert_eq!(acme["approach"], "problem_solving");
    assert_eq!(acme["draft_id"], id.as_str());
    assert_eq!(acme["status"], "intro_sent");

    // Sending again, even after delivery, queues nothing.
    let again = app.send(&id, &token, &json!({}), None).await;
    assert_eq!((again.status, again.body["status"].as_str()), (StatusCode::ACCEPTED, Some("sent")));
    worker.drain().await.expect("drains");
    assert_eq!(server.messages().len(), 1);

    let audit = app.get("/api/audit", &token).await.body;
    let actions: Vec<(&str, &str)> = audit
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|e| (e["action"].as_str().unwrap(), e["actor"].as_str().unwrap_or("system")))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("draft.created", "sarah@vendor.example"),
            ("draft.edited", "sarah@vendor.example"),
            ("draft.approved", "sarah@vendor.example"),
            ("draft.sent", "system"),
        ]
    );
    let revisions = app.get(&format!("/api/drafts/{id}/revisions"), &token).await.body;
    assert_eq!(revisions.as_array().unwrap().len(), 2);
    assert_eq!(revisions[0]["edited_by"], "sarah@vendor.example");
    assert_eq!(revisions[1]["text"], edited);
}

#[tokio::test]
async fn the_ae_is_briefed_when_recommended_but_not_in_copy() {
    let server = SmtpServer::start();
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let id = app.compose("acme", &token, &json!({})).await;
    assert_eq!(app.send(&id, &token, &json!({}), None).await.status, StatusCode::ACCEPTED);
    app.worker(smtp(&server)).drain().await.expect("drains");
    let received = server.messages();
    assert_eq!(received.len(), 2, "the introduction and the AE's briefing");
    let intro = received.iter().find(|m| m.rcpt_to() == ["jennifer@acme.example"]).expect("the introduction");
    assert!(intro.parsed().cc().is_none());
    let notice = received.iter().find(|m| m.rcpt_to() == ["mike@vendor.example"]).expect("the AE's briefing");
    assert_eq!(notice.parsed().subject(), Some("FYI: expansion introduction to Acme Corp"));
    let text = notice.text();
    assert!(text.starts_with("Hi Mike,"), "{text}");
    assert!(text.contains("Enterprise") && text.contains("48,000"), "{text}");
    assert!(text
        .contains(&app.get(&format!("/api/drafts/{id}"), &token).await.body["subject"].as_str().unwrap().to_string()));
    let audit = app.get("/api/audit", &token).await.body;
    assert!(audit.as_array().unwrap().iter().any(|e| e["action"] == "ae.notified"));
}

#[tokio::test]
async fn only_the_customers_csm_or_an_admin_may_send_and_a_viewer_may_read() {
    let app = TestApp::with_demo().await;
    let sarah = app.csm_token().await;
    let id = app.compose("acme", &sarah, &json!({})).await;
    let priya = app.token("default", "priya@vendor.example").await;
    let tom = app.token("default", "tom@vendor.example").await;
    let mike = app.token("default", "mike@vendor.example").await;
    for token in [&priya, &tom, &mike] {
        let r = app.send(&id, token, &json!({}), None).await;
        assert_eq!((r.status, r.error_code()), (StatusCode::FORBIDDEN, "forbidden"), "{}", r.body);
        let r = app.patch_json(&format!("/api/drafts/{id}"), token, &json!({"subject": "x"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = app.post_json(&format!("/api/drafts/{id}/discard"), token, &json!({})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    let read = app.get(&format!("/api/drafts/{id}"), &tom).await;
    assert_eq!((read.status, read.body["status"].as_str()), (StatusCode::OK, Some("draft")), "nothing changed");
    let admin = app.admin_token().await;
    let r = app.send(&id, &admin, &json!({}), None).await;
    assert_eq!((r.status, r.body["approved_by"].as_str()), (StatusCode::ACCEPTED, Some("dana@vendor.example")));

    // Another workspace's draft does not exist for us.
    app.load_demo("other").await;
    let theirs = app.token("other", "sarah@vendor.example").await;
    let r = app.send(&id, &theirs, &json!({}), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn warnings_must_be_acknowledged_before_sending() {
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let id = app.compose("acme", &token, &json!({})).await;
    let pushy = "Hi Jennifer,\n\nAct now: this limited time offer saves you 37% if you sign today!\n\nSarah";
    let r = app.patch_json(&format!("/api/drafts/{id}"), &token, &json!({"text": pushy})).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body["checks"]["pushiness"]["score"].as_u64().unwrap() > 0);
    assert_eq!(r.body["checks"]["grounding"]["ungrounded"], json!(["37%"]));

    let r = app.send(&id, &token, &json!({}), None).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::CONFLICT, "unacknowledged_warnings"));
    assert!(!r.body["error"]["findings"].as_array().unwrap().is_empty());
    assert_eq!(r.body["error"]["ungrounded"], json!(["37%"]));
    assert_eq!(app.get(&format!("/api/drafts/{id}"), &token).await.body["status"], "draft", "nothing was queued");

    let r = app.send(&id, &token, &json!({"acknowledge_warnings": true}), None).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::ACCEPTED, Some("queued")));
}

#[tokio::test]
async fn idempotency_keys_and_revisions_protect_against_double_and_stale_sends() {
    let server = SmtpServer::start();
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let first = app.compose("acme", &token, &json!({})).await;
    let second = app.compose("acme", &token, &json!({"tone": "direct"})).await;

    // The editor saw revision 1; someone else saved revision 2 meanwhile.
    let r = app
        .patch_json(&format!("/api/drafts/{first}"), &token, &json!({"subject": "Your licences", "revision": 1}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r =
        app.patch_json(&format!("/api/drafts/{first}"), &token, &json!({"subject": "Older idea", "revision": 1})).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::CONFLICT, "stale_revision"));
    let r = app.send(&first, &token, &json!({"revision": 1}), Some("k-1")).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::CONFLICT, "stale_revision"), "approving what you did not see");

    for _ in 0..3 {
        let r = app.send(&first, &token, &json!({"revision": 2}), Some("k-1")).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    }
    let r = app.send(&second, &token, &json!({}), Some("k-1")).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused"));
    let r = app.send(&second, &token, &json!({}), Some(&"x".repeat(300))).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_idempotency_key"));

    app.worker(smtp(&server)).drain().await.expect("drains");
    let intros: Vec<_> = server.messages().into_iter().filter(|m| m.rcpt_to() == ["jennifer@acme.example"]).collect();
    assert_eq!(intros.len(), 1);
    assert_eq!(intros[0].parsed().subject(), Some("Your licences"));
}

#[tokio::test]
async fn sent_and_discarded_drafts_no_longer_change() {
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let id = app.compose("acme", &token, &json!({})).await;
    let r = app.post_json(&format!("/api/drafts/{id}/discard"), &token, &json!({})).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::OK, Some("discarded")));
    let r = app.send(&id, &token, &json!({}), None).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::CONFLICT, "draft_not_editable"));
    let r = app.patch_json(&format!("/api/drafts/{id}"), &token, &json!({"subject": "Hello"})).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::CONFLICT, "draft_not_editable"));

    let queued = app.compose("acme", &token, &json!({})).await;
    assert_eq!(app.send(&queued, &token, &json!({}), None).await.status, StatusCode::ACCEPTED);
    let r = app.post_json(&format!("/api/drafts/{queued}/discard"), &token, &json!({})).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::CONFLICT, "draft_not_editable"));
    let r = app.patch_json(&format!("/api/drafts/{queued}"), &token, &json!({"text": "changed"})).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::CONFLICT, "draft_not_editable"));
}

#[tokio::test]
async fn bad_edits_are_refused_and_change_nothing() {
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let id = app.compose("acme", &token, &json!({})).await;
    let before = app.get(&format!("/api/drafts/{id}"), &token).await.body;
    let cases = [
        (json!({"subject": ""}), "invalid_subject"),
        (json!({"subject": "Hello\r\nBcc: everyone@example.com"}), "invalid_subject"),
        (json!({"text": "  "}), "invalid_text"),
        (json!({"text": "nul \u{0} byte"}), "invalid_text"),
        (json!({"approach": "hard_sell"}), "invalid_approach"),
        (json!({"tone": "loud"}), "invalid_tone"),
        (json!({"bcc": "x@y.z"}), "invalid_body"),
    ];
    for (body, code) in cases {
        let r = app.patch_json(&format!("/api/drafts/{id}"), &token, &body).await;
        assert_eq!((r.status, r.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, code), "{body}");
    }
    let gringotts = app.compose("gringotts", &token, &json!({})).await;
    let r = app.patch_json(&format!("/api/drafts/{gringotts}"), &token, &json!({"cc_ae": true})).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "no_ae"));
    assert_eq!(app.get(&format!("/api/drafts/{id}"), &token).await.body, before);
}

#[tokio::test]
async fn a_new_approach_rewrites_the_email_and_checks_follow() {
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let id = app.compose("acme", &token, &json!({})).await;
    let before = app.get(&format!("/api/drafts/{id}"), &token).await.body;
    let r = app
        .patch_json(&format!("/api/drafts/{id}"), &token, &json!({"approach": "educational", "tone": "direct"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.body["approach"].as_str(), r.body["tone"].as_str()), (Some("educational"), Some("direct")));
    assert_ne!(r.body["text"], before["text"]);
    assert_eq!(r.body["to"], before["to"]);
    assert_eq!(r.body["checks"]["grounding"]["ungrounded"], json!([]));
}

#[tokio::test]
async fn temporary_failures_are_retried_and_then_recorded_as_permanent() {
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let id = app.compose("acme", &token, &json!({"cc_ae": true})).await;
    assert_eq!(app.send(&id, &token, &json!({}), None).await.status, StatusCode::ACCEPTED);
    // Nothing listens on this port: connection refused, a temporary failure.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let setting: MailSetting = format!("smtp://127.0.0.1:{closed}").parse().unwrap();
    let transport: Arc<dyn Transport> = Arc::new(SmtpTransport::new(&setting, 8).unwrap());
    let settings = overture::delivery::WorkerSettings {
        max_attempts: 3,
        backoff: std::time::Duration::from_millis(1),
        max_backoff: std::time::Duration::from_millis(5),
        ..Default::default()
    };
    let worker = overture::delivery::Worker::new(
        app.store().clone(),
        transport,
        overture::clock::Clock::fixed(crate::common::NOW),
        settings,
    );
    let mut claimed = 0;
    for _ in 0..50 {
        claimed += worker.drain().await.unwrap();
        if app.get(&format!("/api/drafts/{id}"), &token).await.body["status"] == "failed" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(claimed, 3, "three attempts");
    let d = app.get(&format!("/api/drafts/{id}"), &token).await.body;
    assert_eq!(d["status"], "failed");
    let error = d["error"].as_str().unwrap();
    assert!(error.starts_with("gave up after 3 attempts"), "{error}");

    // A failed draft can be sent again once the cause is fixed.
    let server = SmtpServer::start();
    let r = app.send(&id, &token, &json!({}), None).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::ACCEPTED, Some("queued")));
    app.worker(smtp(&server)).drain().await.unwrap();
    assert_eq!(server.messages().len(), 1);
    assert_eq!(app.get(&format!("/api/drafts/{id}"), &token).await.body["status"], "sent");
    let audit = app.get("/api/audit?limit=500", &token).await.body;
    assert!(audit.as_array().unwrap().iter().any(|e| e["action"] == "draft.failed"));
}
