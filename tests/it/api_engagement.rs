//! Engagement end to end (PRD-047 Step 4): an introduction delivered to a real SMTP server with a
//! tracked HTML part, its pixel and links followed, a reply posted to the inbound webhook, and what
//! the opportunity, the timeline and the AE then see.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};

use crate::common::{TestApp, INBOUND_SECRET, NOW};
use crate::mail::SmtpServer;
use overture::clock::Clock;
use overture::delivery::{MailSetting, SmtpTransport, Transport, Webhook};
use overture::engagement::Responses;

const SAFARI: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)";

pub(crate) fn smtp(server: &SmtpServer) -> Arc<dyn Transport> {
    let setting: MailSetting = server.url().parse().expect("an SMTP setting");
    Arc::new(SmtpTransport::new(&setting, 8).expect("transport"))
}

/// Every `https://t.example/t/...` URL of a delivered HTML part, as router paths.
fn tracking_paths(html: &str, kind: &str) -> Vec<String> {
    let marker = format!("https://t.example/t/{kind}/");
    html.match_indices(&marker)
        .map(|(i, _)| {
            let rest = &html[i + "https://t.example".len()..];
            rest.split(['"', '\'']).next().unwrap_or_default().to_string()
        })
        .collect()
}

async fn hit(app: &TestApp, path: &str, user_agent: &str) -> (StatusCode, axum::http::HeaderMap) {
    let request = Request::builder()
        .method(Method::GET)
        .uri(path)
        .header(header::USER_AGENT, user_agent)
        .body(Body::empty())
        .expect("request");
    let (r, headers) = app.call(request).await;
    (r.status, headers)
}

pub(crate) fn reply(in_reply_to: &str, id: &str, body: &str) -> String {
    format!(
        "From: Jennifer Walsh <jennifer@acme.example>\r\nTo: Sarah Chen <sarah@vendor.example>\r\n\
         Subject: Re: your seats\r\nMessage-ID: <{id}>\r\nIn-Reply-To: <{in_reply_to}>\r\n\
         References: <{in_reply_to}>\r\nDate: Wed, 26 Nov 2026 10:00:00 +0000\r\n\r\n{body}\r\n"
    )
}

/// Composes, approves and delivers Acme's introduction; returns the draft as approved.
pub(crate) async fn send_intro(
    app: &TestApp,
    token: &str,
    server: &SmtpServer,
    tracker: &Arc<overture::engagement::Tracker>,
) -> Value {
    let id = app.compose("acme", token, &json!({})).await;
    let text = "Hi Jennifer,\n\nYou have 98 of 100 licences in use. This guide may help: \
                https://docs.vendor.example/seats?from=email&topic=licences\n\nOr pick a time: \
                https://cal.vendor.example/sarah\n\nSarah";
    let r = app.patch_json(&format!("/api/drafts/{id}"), token, &json!({"text": text})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.send(&id, token, &json!({"acknowledge_warnings": true}), None).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    // A delivery that failed for a moment (a busy machine) is retried a millisecond later, after `drain`
    // may have returned: drain until the introduction is sent.
    let worker = app.worker(smtp(server)).with_tracking(tracker.clone());
    for _ in 0..200 {
        worker.drain().await.expect("drains");
        if app.get(&format!("/api/drafts/{id}"), token).await.body["status"] == "sent" {
            return r.body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the introduction was not delivered: {}", app.get(&format!("/api/drafts/{id}"), token).await.body);
}

/// A call the CRM endpoint received: its signature header and body.
type SignedCall = (String, Vec<u8>);

pub(crate) struct Sent {
    pub server: SmtpServer,
    pub app: TestApp,
    pub tracker: Arc<overture::engagement::Tracker>,
    pub token: String,
    pub draft: Value,
}

/// The engagement app with Acme's introduction delivered to a fresh SMTP server.
pub(crate) async fn sent_intro() -> Sent {
    let server = SmtpServer::start();
    let (app, tracker) = TestApp::with_engagement(false).await;
    let token = app.csm_token().await;
    let draft = send_intro(&app, &token, &server, &tracker).await;
    Sent { server, app, tracker, token, draft }
}

pub(crate) fn event_names(timeline: &Value) -> Vec<String> {
    timeline["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["event"].as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test]
async fn a_tracked_introduction_its_reply_and_the_handoff_reach_the_timeline() {
    let Sent { server, app, tracker, token, draft } = sent_intro().await;
    let draft_id = draft["id"].as_str().unwrap();
    let message_id = draft["message_id"].as_str().unwrap().to_string();
    let opportunity = draft["opportunity_id"].as_str().unwrap().to_string();

    let received: Vec<_> =
        server.messages().into_iter().filter(|m| m.rcpt_to() == vec!["jennifer@acme.example"]).collect();
    assert_eq!(received.len(), 1, "the introduction (the AE's notice goes to the AE)");
    let html = received[0].html();
    let opens = tracking_paths(&html, "o");
    let clicks = tracking_paths(&html, "c");
    assert_eq!(opens.len(), 1, "one pixel: {html}");
    assert_eq!(clicks.len(), 2, "two links in the text: {html}");
    let original_links: Vec<String> = draft["html"]
        .as_str()
        .unwrap()
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|u| u.starts_with("http"))
        .map(|u| u.replace("&#x2f;", "/").replace("&amp;", "&"))
        .collect();
    assert_eq!(original_links.len(), clicks.len(), "every http link is tracked");
    for link in &original_links {
        assert!(!html.contains(link.as_str()), "{link} is still in the clear");
    }
    assert!(!received[0].text().contains("t.example"), "the text part is not rewritten");
    let stored = app.get(&format!("/api/drafts/{draft_id}"), &token).await;
    assert_eq!(stored.body["tracked"], true);

    // The pixel, as a person's mail client and as Apple's privacy proxy fetch it.
    let (status, headers) = hit(&app, &opens[0], SAFARI).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/gif");
    assert!(headers[header::CACHE_CONTROL].to_str().unwrap().contains("no-store"));
    assert_eq!(hit(&app, &opens[0], "Mozilla/5.0").await.0, StatusCode::OK);

    // The click goes to the stored link, and only there.
    let (status, headers) = hit(&app, &clicks[0], SAFARI).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(headers[header::LOCATION], "https://docs.vendor.example/seats?from=email&topic=licences");
    assert_eq!(original_links[0], "https://docs.vendor.example/seats?from=email&topic=licences");
    assert!(headers[header::CACHE_CONTROL].to_str().unwrap().contains("no-store"));

    // Forged and altered tokens: 404, never a redirect.
    let token_part = clicks[0].trim_start_matches("/t/c/").to_string();
    let mut altered: Vec<char> = token_part.chars().collect();
    let last = altered.len() - 3;
    altered[last] = if altered[last] == 'A' { 'B' } else { 'A' };
    let altered: String = altered.into_iter().collect();
    for forged in [
        format!("/t/c/{altered}"),
        "/t/c/t1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into(),
        opens[0].replace("/t/o/", "/t/c/"),
    ] {
        let (status, headers) = hit(&app, &forged, SAFARI).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{forged}");
        assert!(headers.get(header::LOCATION).is_none());
    }
    assert_eq!(hit(&app, &clicks[0].replace("/t/c/", "/t/o/"), SAFARI).await.0, StatusCode::NOT_FOUND);

    // A reply with a bad signature changes nothing; a signed one is matched and classified.
    let body = reply(&message_id, "r1@acme.example", "Sounds great, let's set up a call next week.\r\n\r\nJennifer");
    let r = app.inbound(&body, "wrong-secret").await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNAUTHORIZED, "bad_signature"));
    let admin = app.admin_token().await;
    assert_eq!(app.get("/api/replies", &admin).await.body["replies"], json!([]));
    let r = app.inbound(&body, INBOUND_SECRET).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    assert_eq!((r.body["status"].as_str(), r.body["matched"].as_bool()), (Some("stored"), Some(true)));
    assert_eq!(r.body["label"], "positive");
    assert_eq!(r.body["phrase"], "Sounds great");
    let again = app.inbound(&body, INBOUND_SECRET).await;
    assert_eq!(again.body["status"], "duplicate");

    let opp = app.get(&format!("/api/opportunities/{opportunity}"), &token).await;
    assert_eq!(opp.body["intro_response"], "positive");
    assert_eq!(opp.body["status"], "conversation");
    assert!(opp.body["intro_responded_at"].is_string());
    assert!(opp.body["handed_off_at"].is_string());

    // The AE gets the handoff with the customer's words.
    app.worker(smtp(&server)).with_tracking(tracker.clone()).drain().await.expect("drains");
    let handoff = server
        .messages()
        .into_iter()
        .find(|m| m.parsed().subject().is_some_and(|s| s.starts_with("Handoff:")))
        .expect("a handoff");
    assert_eq!(handoff.rcpt_to(), vec!["mike@vendor.example"]);
    assert!(handoff.parsed().subject().unwrap().contains("Acme Corp"));
    assert!(handoff.text().contains("> Sounds great, let's set up a call next week."), "{}", handoff.text());

    let timeline = app.get(&format!("/api/opportunities/{opportunity}/timeline"), &token).await;
    assert_eq!(timeline.status, StatusCode::OK, "{}", timeline.body);
    assert_eq!(
        event_names(&timeline.body),
        [
            "drafted",
            "edited",
            "approved",
            "sent",
            "ae_notified",
            "opened",
            "opened",
            "clicked",
            "replied",
            "classified",
            "response_recorded",
            "handed_off"
        ]
    );
    let events = timeline.body["events"].as_array().unwrap();
    assert_eq!(events[5]["human"], true, "Safari's open");
    assert_eq!(events[6]["human"], false, "the privacy proxy's prefetch");
    assert_eq!(events[6]["detail"]["machine"], "privacy_proxy_prefetch");
    assert_eq!(events[9]["detail"]["label"], "positive");

    // Another workspace sees none of it.
    app.load_demo("other").await;
    let outsider = app.token("other", "sarah@vendor.example").await;
    let r = app.get(&format!("/api/opportunities/{opportunity}/timeline"), &outsider).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_no_closes_the_opportunity_and_keeps_the_customer_from_being_suggested_for_90_days() {
    let Sent { server: _server, app, tracker: _tracker, token, draft } = sent_intro().await;
    let message_id = draft["message_id"].as_str().unwrap();
    let opportunity = draft["opportunity_id"].as_str().unwrap();
    let r = app.inbound(&reply(message_id, "no@acme.example", "Not interested, thanks."), INBOUND_SECRET).await;
    assert_eq!(r.body["label"], "negative", "{}", r.body);
    let opp = app.get(&format!("/api/opportunities/{opportunity}"), &token).await;
    assert_eq!((opp.body["status"].as_str(), opp.body["intro_response"].as_str()), (Some("lost"), Some("negative")));

    let ws = app.workspace("default").await;
    let counts = overture::detection::run(app.store(), &ws, None, NOW).await.expect("detects");
    assert_eq!(counts.opportunities_suppressed, 1, "{counts:?}");
    let open = app.get("/api/opportunities?status=identified", &token).await;
    assert!(!open.body["opportunities"].as_array().unwrap().iter().any(|o| o["customer_name"] == "Acme Corp"));
    let later = NOW + time::Duration::days(91);
    let counts = overture::detection::run(app.store(), &ws, None, later).await.expect("detects");
    assert_eq!(counts.opportunities_suppressed, 0);
    let open = app.get("/api/opportunities?status=identified", &token).await;
    assert!(open.body["opportunities"].as_array().unwrap().iter().any(|o| o["customer_name"] == "Acme Corp"));

    // No follow-up after a no.
    let responses = Responses::new(app.store().clone(), Clock::fixed(NOW + time::Duration::days(10)), false).unwrap();
    assert!(responses.follow_ups().await.unwrap().is_empty());
}

#[tokio::test]
async fn silence_brings_a_follow_up_in_the_thread_after_n_business_days_but_not_before_an_ooo_return() {
    let Sent { server, app, tracker, token, draft } = sent_intro().await;
    let message_id = draft["message_id"].as_str().unwrap().to_string();
    let opportunity = draft["opportunity_id"].as_str().unwrap().to_string();

    // NOW is a Wednesday: five business days later is next Wednesday.
    let at = |days| Responses::new(app.store().clone(), Clock::fixed(NOW + time::Duration::days(days)), false).unwrap();
    assert!(at(6).follow_ups().await.unwrap().is_empty(), "Tuesday is too early");

    // An out-of-office reply is not a response, but its return date holds the follow-up back.
    let ooo = "From: Jennifer Walsh <jennifer@acme.example>\r\nSubject: Out of Office: your seats\r\n\
               Auto-Submitted: auto-replied\r\nMessage-ID: <ooo@acme.example>\r\n\
               In-Reply-To: <MID>\r\n\r\nI am out of the office until December 10.\r\n"
        .replace("MID", &message_id);
    let r = app.inbound(&ooo, INBOUND_SECRET).await;
    assert_eq!(r.body["label"], "out_of_office", "{}", r.body);
    let opp = app.get(&format!("/api/opportunities/{opportunity}"), &token).await;
    assert_eq!(opp.body["intro_response"], Value::Null, "an OOO is not a response");
    // Away until Thursday the 10th is back on Friday the 11th; the follow-up waits a business day more.
    assert!(at(7).follow_ups().await.unwrap().is_empty(), "Jennifer is away until the 10th");
    assert!(at(16).follow_ups().await.unwrap().is_empty(), "not on the day she is back");

    let made = at(19).follow_ups().await.unwrap();
    assert_eq!(made.len(), 1);
    let follow_up = &made[0];
    assert_eq!(follow_up.in_reply_to.as_deref(), Some(message_id.as_str()));
    assert!(follow_up.subject.starts_with("Re: "));
    assert_eq!(follow_up.status.as_str(), "draft", "a follow-up still needs approval");
    assert!(at(20).follow_ups().await.unwrap().is_empty(), "one follow-up per introduction");

    let r = app.send(&follow_up.id.to_string(), &token, &json!({"acknowledge_warnings": true}), None).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    app.worker(smtp(&server)).with_tracking(tracker.clone()).drain().await.expect("drains");
    let sent =
        server.messages().into_iter().find(|m| m.parsed().subject().is_some_and(|s| s.starts_with("Re: "))).unwrap();
    assert_eq!(sent.header("In-Reply-To").unwrap().trim(), format!("<{message_id}>"));

    let timeline = app.get(&format!("/api/opportunities/{opportunity}/timeline"), &token).await;
    let names = event_names(&timeline.body);
    assert!(names.contains(&"follow_up_drafted".to_string()), "{names:?}");
    assert_eq!(names.iter().filter(|n| *n == "sent").count(), 2, "{names:?}");
}

#[tokio::test]
async fn unmatched_mail_is_kept_apart_and_sender_and_subject_match_only_when_unambiguous() {
    let Sent { server: _server, app, tracker: _tracker, token, draft } = sent_intro().await;
    let subject = draft["subject"].as_str().unwrap();

    let stranger = "From: someone@elsewhere.example\r\nSubject: Hello\r\nMessage-ID: <s1@elsewhere.example>\r\n\r\nYes, let's talk!\r\n";
    let r = app.inbound(stranger, INBOUND_SECRET).await;
    assert_eq!((r.body["status"].as_str(), r.body["matched"].as_bool()), (Some("stored"), Some(false)));
    let admin = app.admin_token().await;
    let unmatched = app.get("/api/replies?unmatched=true", &admin).await;
    assert_eq!(unmatched.body["replies"].as_array().unwrap().len(), 1);
    assert_eq!(app.get("/api/replies?unmatched=true", &token).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/replies", &token).await.body["replies"], json!([]), "not guessed onto a customer");

    // A client that dropped the headers: the sender and the subject still find the introduction.
    let bare = format!("From: jennifer@acme.example\r\nSubject: RE: {subject}\r\nMessage-ID: <b1@acme.example>\r\n\r\nLet me check with the team.\r\n");
    let r = app.inbound(&bare, INBOUND_SECRET).await;
    assert_eq!(r.body["matched"], true, "{}", r.body);
    assert_eq!(r.body["label"], "neutral");
    let replies = app.get("/api/replies", &token).await;
    assert_eq!(replies.body["replies"][0]["matched_by"], "sender_and_subject");

    // Bad bodies are refused with a reason.
    let r = app.inbound("this is not a message", INBOUND_SECRET).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::BAD_REQUEST, "no_sender"));
}

#[tokio::test]
async fn a_csm_records_and_corrects_responses_and_the_crm_webhook_is_signed() {
    // A local CRM endpoint that records what it receives.
    let calls: Arc<Mutex<Vec<SignedCall>>> = Arc::default();
    let crm = axum::Router::new().route(
        "/hook",
        axum::routing::post({
            let calls = calls.clone();
            move |headers: axum::http::HeaderMap, body: axum::body::Bytes| async move {
                let sig = headers["x-overture-signature"].to_str().unwrap().to_string();
                calls.lock().unwrap().push((sig, body.to_vec()));
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook_url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, crm).await });

    let server = SmtpServer::start();
    let (app, tracker) = TestApp::with_engagement(true).await;
    let token = app.csm_token().await;
    let draft = send_intro(&app, &token, &server, &tracker).await;
    let opportunity = draft["opportunity_id"].as_str().unwrap();
    let path = format!("/api/opportunities/{opportunity}/response");

    let r = app.post_json(&path, &token, &json!({"response": "maybe"})).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_response"));
    let viewer = app.token("default", "tom@vendor.example").await;
    assert_eq!(app.post_json(&path, &viewer, &json!({"response": "positive"})).await.status, StatusCode::FORBIDDEN);

    let r = app.post_json(&path, &token, &json!({"response": "positive", "note": "Said yes on our QBR call"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (r.body["status"].as_str(), r.body["response_note"].as_str()),
        (Some("conversation"), Some("Said yes on our QBR call"))
    );

    let webhook = Webhook { url: hook_url, secret: b"crm-secret".to_vec(), client: reqwest::Client::new() };
    app.worker(smtp(&server)).with_webhook(webhook).drain().await.expect("drains");
    let calls = calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 1);
    let (sig, body) = &calls[0];
    assert!(overture::engagement::signature::verify(b"crm-secret", body, sig));
    let body: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(body["event"], "opportunity.conversation");
    assert_eq!(body["opportunity"]["customer_name"], "Acme Corp");
    let names = event_names(&app.get(&format!("/api/opportunities/{opportunity}/timeline"), &token).await.body);
    assert!(names.contains(&"webhook_delivered".to_string()) && names.contains(&"handed_off".to_string()), "{names:?}");

    // A reply the classifier got wrong, corrected: the correction is kept and becomes the response.
    let message_id = draft["message_id"].as_str().unwrap();
    let r = app.inbound(&reply(message_id, "c1@acme.example", "Hmm, we'll see."), INBOUND_SECRET).await;
    let reply_id = r.body["reply_id"].as_i64().unwrap();
    let r = app.post_json(&format!("/api/replies/{reply_id}/label"), &token, &json!({"label": "negative"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (r.body["label"].as_str(), r.body["classified_as"].as_str(), r.body["corrected"].as_bool()),
        (Some("negative"), Some("neutral"), Some(true))
    );
    let opp = app.get(&format!("/api/opportunities/{opportunity}"), &token).await;
    assert_eq!(opp.body["intro_response"], "negative");
    let corrections = app.store().corrections().await.unwrap();
    assert_eq!(corrections.len(), 1);
    assert!(corrections[0].0.contains("we'll see") && corrections[0].1 == "negative");
    // `overture corrections` prints it as a corpus case, ready for tests/corpus/replies.txt.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_overture"))
        .arg("corrections")
        .env("OVERTURE_DATABASE_URL", &app.db.url)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.starts_with("=== correction-1 | negative\nFrom: Jennifer Walsh"), "{printed}");
    assert!(printed.contains("Hmm, we'll see."));
    let r = app.post_json(&format!("/api/replies/{reply_id}/label"), &token, &json!({"label": "meh"})).await;
    assert_eq!(r.error_code(), "invalid_label");
}

#[tokio::test]
async fn no_pixel_when_the_workspace_turns_tracking_off() {
    let server = SmtpServer::start();
    let (app, tracker) = TestApp::with_engagement(false).await;
    let token = app.csm_token().await;
    let admin = app.admin_token().await;
    assert_eq!(
        app.get("/api/settings/engagement", &token).await.body,
        json!({"tracking_enabled": true, "follow_up_business_days": 5, "learning_exploration": true})
    );
    assert_eq!(
        app.patch_json("/api/settings/engagement", &token, &json!({"tracking_enabled": false})).await.status,
        StatusCode::FORBIDDEN
    );
    let r = app.patch_json("/api/settings/engagement", &admin, &json!({"follow_up_business_days": 0})).await;
    assert_eq!(r.error_code(), "invalid_setting");
    let r = app.patch_json("/api/settings/engagement", &admin, &json!({"tracking_enabled": false})).await;
    assert_eq!(r.body["tracking_enabled"], false);
    send_intro(&app, &token, &server, &tracker).await;
    let html = server.messages().into_iter().find(|m| m.rcpt_to() == vec!["jennifer@acme.example"]).unwrap().html();
    assert!(tracking_paths(&html, "o").is_empty() && tracking_paths(&html, "c").is_empty(), "{html}");
}

#[tokio::test]
async fn no_pixel_for_a_contact_who_opted_out() {
    let server = SmtpServer::start();
    let (app, tracker) = TestApp::with_engagement(false).await;
    let ws = app.workspace("default").await;
    let mut bundle = overture::demo::bundle(NOW.date());
    let acme = bundle.customers.iter_mut().find(|c| c.external_id == "acme").expect("acme");
    for contact in acme.contacts.iter_mut().flatten() {
        contact.tracking_opt_out = true;
    }
    let mut staged = overture::import::Staged::default();
    staged.add_bundle(bundle);
    overture::import::run(app.store(), &ws, staged, Default::default(), NOW).await.expect("imports");
    let token = app.csm_token().await;
    send_intro(&app, &token, &server, &tracker).await;
    let html = server.messages().into_iter().find(|m| m.rcpt_to() == vec!["jennifer@acme.example"]).unwrap().html();
    assert!(tracking_paths(&html, "o").is_empty(), "{html}");
}

#[tokio::test]
async fn replies_are_polled_from_a_real_imap_mailbox_once_each() {
    let imap = crate::imap_server::ImapServer::start();
    let Sent { server: _server, app, tracker: _tracker, token, draft } = sent_intro().await;
    let message_id = draft["message_id"].as_str().unwrap();
    let opportunity = draft["opportunity_id"].as_str().unwrap();

    let responses = Arc::new(Responses::new(app.store().clone(), Clock::fixed(NOW), false).unwrap());
    let pollers = overture::engagement::Pollers::new(responses, None, Some(&imap.url())).unwrap();
    assert_eq!(pollers.round().await.imap_messages, 0, "an empty mailbox");

    imap.deliver(
        reply(
            message_id,
            "i1@acme.example",
            "Before anything else, could you walk us through how to clean up unused seats?",
        )
        .as_bytes(),
    )
    .await;
    imap.deliver(
        b"From: newsletter@else.example\r\nSubject: Weekly digest\r\nMessage-ID: <n1@else.example>\r\n\r\nNews.\r\n",
    )
    .await;
    let round = pollers.round().await;
    assert_eq!(round.imap_messages, 2, "the reply and the unrelated message are both kept");
    assert_eq!(pollers.round().await.imap_messages, 0, "each message is read once");

    let replies = app.get("/api/replies", &token).await;
    let replies = replies.body["replies"].as_array().unwrap().clone();
    assert_eq!(replies.len(), 1, "only the matched one is the workspace's");
    assert_eq!((replies[0]["source"].as_str(), replies[0]["label"].as_str()), (Some("imap"), Some("neutral")));
    assert_eq!(replies[0]["wants_to_optimize"], true);
    let opp = app.get(&format!("/api/opportunities/{opportunity}"), &token).await;
    assert_eq!(
        (opp.body["intro_response"].as_str(), opp.body["status"].as_str()),
        (Some("neutral"), Some("intro_sent"))
    );

    // A wrong password is an error the operator can read, not a crash.
    let wrong = imap.url().replace("imap-test-pass", "nope");
    let responses = Arc::new(Responses::new(app.store().clone(), Clock::fixed(NOW), false).unwrap());
    let poller = overture::engagement::imap::ImapPoller::parse(&wrong).unwrap();
    let err = poller.poll(&responses).await.unwrap_err();
    assert!(format!("{err:#}").contains("logging in"), "{err:#}");
}

#[tokio::test]
async fn a_reply_that_books_the_meeting_records_it() {
    let Sent { server: _server, app, tracker: _tracker, token, draft } = sent_intro().await;
    let message_id = draft["message_id"].as_str().unwrap();
    let opportunity = draft["opportunity_id"].as_str().unwrap();
    let first = app
        .inbound(&reply(message_id, "m1@acme.example", "Sounds interesting, let's find a time."), INBOUND_SECRET)
        .await;
    assert_eq!(first.body["label"], "positive", "{}", first.body);
    let opp = app.get(&format!("/api/opportunities/{opportunity}"), &token).await.body;
    assert!(opp["meeting_booked_at"].is_null(), "wishing for a meeting is not booking one");
    // A second reply, after the response was recorded, still climbs the ladder.
    let second = app
        .inbound(&reply(message_id, "m2@acme.example", "Booked a slot for Tuesday, see you then!"), INBOUND_SECRET)
        .await;
    assert_eq!(second.body["label"], "positive", "{}", second.body);
    let opp = app.get(&format!("/api/opportunities/{opportunity}"), &token).await.body;
    assert!(opp["meeting_booked_at"].is_string(), "{opp}");
    assert_eq!(opp["status"], "conversation");
    assert_eq!(opp["outcome_note"], "From a reply: “Booked a slot”");
    let insights = app.get("/api/insights/approaches", &token).await.body;
    let meetings: u64 = insights["approaches"].as_array().unwrap().iter().filter_map(|a| a["meetings"].as_u64()).sum();
    assert_eq!(meetings, 1);
}
