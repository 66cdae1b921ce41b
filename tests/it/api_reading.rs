//! Reading replies through the inbound webhook, on both backends: our own introduction quoted under a
//! reply changes nothing; an unclear reply waits for a person and their label takes effect (and teaches
//! the workspace); an unsubscribe and a hard bounce stop further introductions to the address, and the
//! CSM sees why; a soft bounce is only noted.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::api_engagement::{event_names, reply, send_intro, sent_intro, smtp, Sent};
use crate::common::INBOUND_SECRET;
use crate::mail::SmtpServer;
use overture::engagement::Responses;

/// The introduction as Outlook quotes it in German: a header block, our lines without `>`, re-wrapped.
fn outlook_quote(draft: &Value) -> String {
    let text = draft["text"].as_str().unwrap();
    let wrapped: String =
        text.split_whitespace().collect::<Vec<_>>().chunks(9).map(|w| w.join(" ")).collect::<Vec<_>>().join("\r\n");
    format!(
        "________________________________\r\nVon: Sarah Chen <sarah@vendor.example>\r\nGesendet: Dienstag, 24. November \
         2026 10:14\r\nAn: Jennifer Walsh <jennifer@acme.example>\r\nBetreff: {}\r\n\r\n{wrapped}\r\n",
        draft["subject"].as_str().unwrap()
    )
}

async fn opportunity(sent: &Sent) -> Value {
    let id = sent.draft["opportunity_id"].as_str().unwrap();
    sent.app.get(&format!("/api/opportunities/{id}"), &sent.token).await.body
}

#[tokio::test]
async fn our_quoted_introduction_does_not_change_what_the_reply_says() {
    let sent = sent_intro().await;
    let message_id = sent.draft["message_id"].as_str().unwrap();
    let body = format!("Nicht interessiert, danke.\r\n\r\n{}", outlook_quote(&sent.draft));
    let r = sent.app.inbound(&reply(message_id, "q1@acme.example", &body), INBOUND_SECRET).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    assert_eq!(r.body["label"], "negative", "{}", r.body);
    assert_eq!(r.body["language"], "de");
    assert!(r.body["confidence"].as_f64().unwrap() >= 0.5);
    let stored = sent.app.get("/api/replies", &sent.token).await;
    assert_eq!(
        stored.body["replies"][0]["reply_text"], "Nicht interessiert, danke.",
        "the quote and its header are gone"
    );
    assert_eq!(opportunity(&sent).await["intro_response"], "negative");
}

#[tokio::test]
async fn an_unclear_reply_waits_for_a_person_and_their_label_takes_effect() {
    let sent = sent_intro().await;
    let (app, token) = (&sent.app, &sent.token);
    let message_id = sent.draft["message_id"].as_str().unwrap();
    // A reply with nothing of its own (our email sent back): kept whole, flagged, and not trusted.
    let quoted: String = sent.draft["text"].as_str().unwrap().lines().map(|l| format!("> {l}\r\n")).collect();
    let r = app.inbound(&reply(message_id, "u1@acme.example", &quoted), INBOUND_SECRET).await;
    assert_eq!(r.body["label"], "unclear", "{}", r.body);
    assert!(r.body["confidence"].as_f64().unwrap() < 0.5);
    assert!(r.body["opportunity"].is_null(), "an unclear reply records no response");
    let opp = opportunity(&sent).await;
    assert!(opp["intro_response"].is_null() && opp["handed_off_at"].is_null(), "{opp}");
    assert_eq!(opp["status"], "intro_sent");

    let queue = app.get("/api/replies/review", token).await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
    assert_eq!(queue.body["count"], 1);
    let waiting = &queue.body["replies"][0];
    assert_eq!((waiting["needs_review"].as_bool(), waiting["nothing_left"].as_bool()), (Some(true), Some(true)));
    assert!(!waiting["reply_text"].as_str().unwrap().is_empty(), "a reply is never emptied");

    // The chat says so too.
    let chat = app.post_json("/api/chat", token, &json!({"message": "Which replies need me?"})).await;
    assert_eq!(chat.status, StatusCode::OK, "{}", chat.body);
    let answer = chat.body["messages"].as_array().unwrap().last().unwrap().clone();
    assert!(answer["text"].as_str().unwrap().starts_with("One reply is waiting"), "{}", chat.body);
    let card = answer["cards"].as_array().unwrap().iter().find(|c| c["type"] == "review").expect("a review card");
    assert_eq!(card["replies"][0]["id"], waiting["id"]);

    // "unclear" is not a person's label; positive is, and it takes effect at once.
    let id = waiting["id"].as_i64().unwrap();
    let path = format!("/api/replies/{id}/label");
    let r = app.post_json(&path, token, &json!({"label": "unclear"})).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_label"));
    let r = app.post_json(&path, token, &json!({"label": "positive"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let opp = opportunity(&sent).await;
    assert_eq!((opp["intro_response"].as_str(), opp["status"].as_str()), (Some("positive"), Some("conversation")));
    assert!(opp["handed_off_at"].is_string(), "the AE handoff follows the person's label");
    assert_eq!(app.get("/api/replies/review", token).await.body["count"], 0);

    // The workspace learnt it: the same words again are read as the CSM labelled them.
    let again = app.inbound(&reply(message_id, "u2@acme.example", &quoted), INBOUND_SECRET).await;
    assert_eq!(again.body["label"], "positive", "{}", again.body);

    // Another workspace's queue and labels see none of it.
    app.load_demo("other").await;
    let outsider = app.token("other", "sarah@vendor.example").await;
    assert_eq!(app.get("/api/replies/review", &outsider).await.body["count"], 0);
    assert_eq!(app.post_json(&path, &outsider, &json!({"label": "negative"})).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_unsubscribe_is_a_refusal_and_no_introduction_goes_to_that_address_again() {
    let sent = sent_intro().await;
    let (app, token) = (&sent.app, &sent.token);
    let message_id = sent.draft["message_id"].as_str().unwrap();
    let r = app.inbound(&reply(message_id, "s1@acme.example", "Please take me off this list."), INBOUND_SECRET).await;
    assert_eq!(
        (r.body["label"].as_str(), r.body["unsubscribe"].as_bool()),
        (Some("negative"), Some(true)),
        "{}",
        r.body
    );
    assert_eq!(opportunity(&sent).await["status"], "lost");

    let draft = app.compose("acme", token, &json!({})).await;
    let r = app.send(&draft, token, &json!({"acknowledge_warnings": true}), None).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::CONFLICT, "recipient_blocked"), "{}", r.body);
    let message = r.body["error"]["message"].as_str().unwrap();
    assert!(message.contains("jennifer@acme.example") && message.contains("asked not to receive"), "{message}");
    assert_eq!(app.get(&format!("/api/drafts/{draft}"), token).await.body["status"], "draft", "nothing was queued");
}

fn dsn(original: &str, status: &str, action: &str) -> String {
    format!(
        "From: Mail Delivery System <MAILER-DAEMON@mx.acme.example>\r\nTo: sarah@vendor.example\r\n\
         Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn-{status}@mx.acme.example>\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n--b1\r\n\
         Content-Type: text/plain\r\n\r\nThis is the mail system at host mx.acme.example.\r\n--b1\r\n\
         Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.acme.example\r\n\r\n\
         Final-Recipient: rfc822; jennifer@acme.example\r\nAction: {action}\r\nStatus: {status}\r\n--b1\r\n\
         Content-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{original}>\r\nSubject: Acme\r\n--b1--\r\n"
    )
}

#[tokio::test]
async fn a_hard_bounce_marks_the_introduction_blocks_the_address_and_tells_the_csm() {
    let sent = sent_intro().await;
    let (app, token) = (&sent.app, &sent.token);
    let message_id = sent.draft["message_id"].as_str().unwrap();
    let opp_id = sent.draft["opportunity_id"].as_str().unwrap();

    // A soft bounce is noted, nothing more.
    let r = app.inbound(&dsn(message_id, "4.2.2", "delayed"), INBOUND_SECRET).await;
    assert_eq!((r.body["label"].as_str(), r.body["matched"].as_bool()), (Some("bounce"), Some(true)), "{}", r.body);
    let probe = app.compose("acme", token, &json!({})).await;
    assert_eq!(app.get(&format!("/api/drafts/{probe}"), token).await.status, StatusCode::OK);
    let r = app.post_json(&format!("/api/drafts/{probe}/discard"), token, &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let r = app.inbound(&dsn(message_id, "5.1.1", "failed"), INBOUND_SECRET).await;
    assert_eq!(r.body["label"], "bounce", "{}", r.body);
    assert!(r.body["opportunity"].is_null(), "a bounce is not a response");
    assert!(opportunity(&sent).await["intro_response"].is_null());
    let timeline = app.get(&format!("/api/opportunities/{opp_id}/timeline"), token).await;
    let names = event_names(&timeline.body);
    assert_eq!(names.iter().filter(|n| *n == "bounced").count(), 2, "{names:?}");

    // The CSM is told, through the outbox.
    let inbox = SmtpServer::start();
    app.worker(smtp(&inbox)).drain().await.expect("drains");
    let notice = inbox.messages().into_iter().find(|m| m.rcpt_to() == vec!["sarah@vendor.example"]).expect("a notice");
    assert!(notice.parsed().subject().unwrap().starts_with("Undeliverable:"));
    assert!(notice.text().contains("jennifer@acme.example") && notice.text().contains("5.1.1"), "{}", notice.text());

    let draft = app.compose("acme", token, &json!({})).await;
    let r = app.send(&draft, token, &json!({"acknowledge_warnings": true}), None).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::CONFLICT, "recipient_blocked"), "{}", r.body);
    assert!(r.body["error"]["message"].as_str().unwrap().contains("bounced"), "{}", r.body);
}

#[tokio::test]
async fn a_workspace_model_is_rebuilt_when_corrections_change() {
    let server = SmtpServer::start();
    let (app, tracker) = crate::common::TestApp::with_engagement(false).await;
    let token = app.csm_token().await;
    let draft = send_intro(&app, &token, &server, &tracker).await;
    let message_id = draft["message_id"].as_str().unwrap();
    // Words no rule knows, in this workspace's idiom.
    let r = app.inbound(&reply(message_id, "w1@acme.example", "Green light from procurement."), INBOUND_SECRET).await;
    let id = r.body["reply_id"].as_i64().unwrap();
    let r = app.post_json(&format!("/api/replies/{id}/label"), &token, &json!({"label": "positive"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A second process (a fresh reader over the same database) sees the correction too.
    let other = Responses::new(app.store().clone(), overture::clock::Clock::fixed(crate::common::NOW), false).unwrap();
    let ws = app.workspace("default").await;
    let model = other.model(&ws).await.unwrap();
    assert_eq!(model.corrections(), 1);
    assert_eq!(model.recall("Green light from procurement!"), Some(overture::engagement::classify::Label::Positive));
}
