//! No send without approval: random sequences of API calls (compose, edit, send with and without
//! Idempotency-Key, concurrent sends, discard, delivery runs) against a real SMTP server. The server
//! must receive exactly the approved revisions, each once, and nothing else.

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::StatusCode;
use proptest::prelude::*;
use serde_json::json;

use crate::common::TestApp;
use crate::mail::SmtpServer;
use overture::delivery::{MailSetting, SmtpTransport, Transport};

#[derive(Debug, Clone)]
enum Op {
    Compose { cc_ae: bool },
    Edit { draft: usize, variant: u8 },
    Send { draft: usize, key: Option<u8> },
    SendConcurrently { draft: usize },
    Discard { draft: usize },
    Deliver,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => any::<bool>().prop_map(|cc_ae| Op::Compose { cc_ae }),
        3 => (0..6usize, 0..4u8).prop_map(|(draft, variant)| Op::Edit { draft, variant }),
        3 => (0..6usize, proptest::option::of(0..3u8)).prop_map(|(draft, key)| Op::Send { draft, key }),
        1 => (0..6usize).prop_map(|draft| Op::SendConcurrently { draft }),
        1 => (0..6usize).prop_map(|draft| Op::Discard { draft }),
        1 => Just(Op::Deliver),
    ]
}

/// What the API told us was approved: Message-ID → (draft, text).
type Approved = HashMap<String, (String, String)>;

fn record(approved: &mut Approved, body: &serde_json::Value) {
    if body["status"] == "queued" || body["status"] == "sending" || body["status"] == "sent" {
        let message_id = body["message_id"].as_str().expect("fixed at approval").to_string();
        assert_eq!(body["approved_revision"], body["revision"], "the approved revision is the one sent");
        let entry = (body["id"].as_str().unwrap().to_string(), body["text"].as_str().unwrap().to_string());
        let previous = approved.insert(message_id, entry.clone());
        assert!(previous.is_none() || previous == Some(entry), "one Message-ID, one text");
    }
}

async fn run(ops: Vec<Op>, server: &SmtpServer) {
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let setting: MailSetting = server.url().parse().unwrap();
    let transport: Arc<dyn Transport> = Arc::new(SmtpTransport::new(&setting, 8).unwrap());
    let worker = app.worker(transport);
    let mut drafts: Vec<String> = Vec::new();
    let mut approved = Approved::new();
    let pick = |drafts: &Vec<String>, i: usize| drafts.get(i % drafts.len().max(1)).cloned();
    for op in ops {
        match op {
            Op::Compose { cc_ae } => drafts.push(app.compose("acme", &token, &json!({"cc_ae": cc_ae})).await),
            Op::Edit { draft, variant } => {
                let Some(id) = pick(&drafts, draft) else { continue };
                let version = char::from(b'A' + variant);
                let text = format!("Hi Jennifer,\n\nVersion {version}: 98 of 100 licences are in use.\n\nSarah");
                let r = app.patch_json(&format!("/api/drafts/{id}"), &token, &json!({"text": text})).await;
                assert!(matches!(r.status, StatusCode::OK | StatusCode::CONFLICT), "{}", r.body);
                if r.status == StatusCode::OK {
                    assert_eq!(r.body["text"], text);
                }
            }
            Op::Send { draft, key } => {
                let Some(id) = pick(&drafts, draft) else { continue };
                let key = key.map(|k| format!("key-{k}"));
                let r = app.send(&id, &token, &json!({}), key.as_deref()).await;
                match r.status {
                    StatusCode::ACCEPTED => {
                        assert_eq!(r.body["id"], id.as_str());
                        record(&mut approved, &r.body);
                    }
                    StatusCode::CONFLICT => assert_eq!(r.error_code(), "draft_not_editable", "{}", r.body),
                    StatusCode::UNPROCESSABLE_ENTITY => assert_eq!(r.error_code(), "idempotency_key_reused"),
                    other => panic!("unexpected {other}: {}", r.body),
                }
            }
            Op::SendConcurrently { draft } => {
                let Some(id) = pick(&drafts, draft) else { continue };
                let empty = json!({});
                let (a, b, c) = tokio::join!(
                    app.send(&id, &token, &empty, None),
                    app.send(&id, &token, &empty, None),
                    app.send(&id, &token, &empty, None)
                );
                for r in [a, b, c] {
                    if r.status == StatusCode::ACCEPTED {
                        record(&mut approved, &r.body);
                    }
                }
            }
            Op::Discard { draft } => {
                let Some(id) = pick(&drafts, draft) else { continue };
                let r = app.post_json(&format!("/api/drafts/{id}/discard"), &token, &json!({})).await;
                assert!(matches!(r.status, StatusCode::OK | StatusCode::CONFLICT), "{}", r.body);
            }
            Op::Deliver => {
                worker.drain().await.unwrap();
            }
        }
    }
    worker.drain().await.unwrap();

    let intros: Vec<_> =
        server.messages().into_iter().filter(|m| m.rcpt_to().contains(&"jennifer@acme.example".to_string())).collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for m in &intros {
        let id = m.message_id();
        *seen.entry(id.clone()).or_default() += 1;
        let (_, text) = approved.get(&id).unwrap_or_else(|| panic!("{id} was sent without approval"));
        assert_eq!(m.text().trim_end(), text.trim_end(), "the approved revision, not another");
    }
    assert!(seen.values().all(|n| *n == 1), "each approved draft once: {seen:?}");
    assert_eq!(seen.len(), approved.len(), "every approved draft was delivered");
    for (draft, _) in approved.values() {
        let d = app.get(&format!("/api/drafts/{draft}"), &token).await.body;
        assert_eq!(d["status"], "sent");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn the_smtp_server_receives_exactly_the_approved_revisions_once(ops in proptest::collection::vec(op(), 1..25)) {
        let server = SmtpServer::start();
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(run(ops, &server));
    }
}
