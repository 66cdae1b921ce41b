//! Learning over the API: the outcome ladder, the approach insights on real introductions, and the
//! recommendation weighing the workspace's outcomes.

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::common::TestApp;

/// Introductions to every untouched opportunity, alternating problem-solving and educational; returns
/// (customer id, opportunity id, approach) of each one sent.
async fn introduce_all(app: &TestApp, admin: &str, limit: usize, except: &str) -> Vec<(String, String, &'static str)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let worker = app.worker(Arc::new(overture::delivery::FileTransport::new(dir.path()).expect("outbox")));
    let open = app.get("/api/opportunities?status=identified", admin).await;
    let mut sent = Vec::new();
    for o in open.body["opportunities"].as_array().expect("a list") {
        if sent.len() == limit {
            break;
        }
        let customer = o["customer_id"].as_str().expect("an id");
        if o["customer_name"] == except {
            continue;
        }
        let approach = if sent.len() % 2 == 0 { "problem_solving" } else { "educational" };
        let r = app
            .post_json(&format!("/api/customers/{customer}/upsell-intro"), admin, &json!({"approach": approach}))
            .await;
        if r.status != StatusCode::CREATED {
            continue;
        }
        let draft = r.body["draft"]["id"].as_str().expect("a draft").to_string();
        let r = app.send(&draft, admin, &json!({"acknowledge_warnings": true}), None).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
        sent.push((customer.to_string(), o["id"].as_str().expect("an id").to_string(), approach));
    }
    for _ in 0..50 {
        worker.drain().await.expect("drains");
        let done = app.get("/api/opportunities?status=intro_sent", admin).await;
        if done.body["opportunities"].as_array().map_or(0, Vec::len) == sent.len() {
            drop(dir);
            return sent;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("not every introduction was delivered");
}

fn approach_stats<'a>(insights: &'a Value, approach: &str) -> &'a Value {
    insights["approaches"].as_array().and_then(|a| a.iter().find(|s| s["approach"] == approach)).expect("stats")
}

#[tokio::test]
async fn outcomes_climb_the_ladder_and_only_the_right_people_record_them() {
    let app = TestApp::with_demo().await;
    let admin = app.admin_token().await;
    let sent = introduce_all(&app, &admin, 20, "").await;
    let acme = app.get("/api/customers/acme", &admin).await;
    let (_, opportunity, _) = sent.iter().find(|(c, _, _)| c == acme.body["id"].as_str().unwrap()).expect("Acme's");
    let path = format!("/api/opportunities/{opportunity}/outcome");

    let r = app.post_json(&path, &admin, &json!({"outcome": "signed"})).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_outcome"));
    let r = app.post_json(&path, &admin, &json!({"outcome": "won", "note": "x".repeat(2001)})).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"));
    let viewer = app.token("default", "tom@vendor.example").await;
    let r = app.post_json(&path, &viewer, &json!({"outcome": "won"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&format!("/api/opportunities/{opportunity}"), &admin).await.body["status"], "intro_sent");

    // Acme's AE books the meeting, then the CSM records the win.
    let ae = app.token("default", "mike@vendor.example").await;
    let r = app.post_json(&path, &ae, &json!({"outcome": "meeting_booked", "note": "Call on Tuesday"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (r.body["status"].as_str(), r.body["outcome_note"].as_str()),
        (Some("conversation"), Some("Call on Tuesday"))
    );
    assert!(r.body["meeting_booked_at"].is_string());
    let sarah = app.csm_token().await;
    let r = app.post_json(&path, &sarah, &json!({"outcome": "won", "at": "2026-12-01T10:00:00Z"})).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::OK, Some("won")));
    assert_eq!(r.body["outcome_at"], "2026-12-01T10:00:00Z");

    app.load_demo("other").await;
    let stranger = app.token("other", "dana@vendor.example").await;
    let r = app.post_json(&path, &stranger, &json!({"outcome": "lost"})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn insights_and_the_recommendation_learn_from_replies_meetings_and_wins() {
    let app = TestApp::with_demo().await;
    let admin = app.admin_token().await;
    let fresh = app.get("/api/insights/approaches", &admin).await;
    assert_eq!(fresh.status, StatusCode::OK);
    assert_eq!(fresh.body["outcomes"], 0);
    assert!(fresh.body["summary"][0].as_str().unwrap().starts_with("Not enough data yet"));

    // Everyone but Aperture Science, for whom the rules find three approaches fitting.
    let sent = introduce_all(&app, &admin, 20, "Aperture Science").await;
    assert_eq!(sent.len(), 16, "the demo has 16 more introductions to make");
    let insights = app.get("/api/insights/approaches", &admin).await;
    assert_eq!(insights.body["outcomes"], 0, "two weeks have not passed and nobody answered: no outcome yet");

    // Educational: 8 positive of 8 (one of them a meeting with no reply recorded). Problem-solving: 1
    // positive, 6 negative, one silence.
    for (i, (_, opportunity, approach)) in sent.iter().enumerate() {
        let k = i / 2;
        let path = format!("/api/opportunities/{opportunity}");
        let (endpoint, body) = match (*approach, k) {
            ("educational", 0) => ("outcome", json!({"outcome": "meeting_booked"})),
            ("educational", _) => ("response", json!({"response": "positive"})),
            ("problem_solving", 0) => ("response", json!({"response": "positive"})),
            ("problem_solving", 6) => continue,
            _ => ("response", json!({"response": "negative"})),
        };
        let r = app.post_json(&format!("{path}/{endpoint}"), &admin, &body).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let insights = app.get("/api/insights/approaches", &admin).await.body;
    assert_eq!(insights["outcomes"], 15, "the silent one is not an outcome yet");
    let ed = approach_stats(&insights, "educational");
    let counts =
        |s: &Value| (s["sent"].as_u64(), s["positive"].as_u64(), s["replied"].as_u64(), s["meetings"].as_u64());
    assert_eq!(counts(ed), (Some(8), Some(8), Some(7), Some(1)));
    let ps = approach_stats(&insights, "problem_solving");
    assert_eq!(counts(ps), (Some(7), Some(1), Some(7), Some(0)));
    let rate = |s: &Value, k: &str| s["positive_rate"][k].as_f64().unwrap();
    assert!(rate(ed, "low") < rate(ed, "mean") && rate(ed, "mean") < rate(ed, "high") && rate(ed, "mean") > 0.6);
    assert!(rate(ps, "high") < 0.6, "{ps}");
    let summary = insights["summary"][0].as_str().unwrap();
    assert!(summary.starts_with("Across the workspace, educational got a positive reply from 8 of 8"), "{summary}");
    assert!(summary.contains("against 1 of 7 for problem-solving"), "{summary}");
    assert!(!insights["segments"].as_array().unwrap().is_empty());

    // Aperture Science: the rules say problem-solving, but educational also fits and the evidence favours
    // it. With exploration off the recommendation takes the best estimate, and says why in both ways.
    let before = app.get("/api/customers/aperture/expansion-context", &admin).await.body;
    assert_eq!(before["recommendation"]["learning"]["rules_choice"], "problem_solving");
    let r = app.patch_json("/api/settings/engagement", &admin, &json!({"learning_exploration": false})).await;
    assert_eq!(r.body["learning_exploration"], false);
    let rec = app.get("/api/customers/aperture/expansion-context", &admin).await.body["recommendation"].clone();
    assert_eq!(rec["learning"]["method"], "best_estimate", "{rec}");
    assert_eq!(rec["learning"]["fitting"], json!(["problem_solving", "educational", "proactive"]), "{rec}");
    assert_eq!(rec["approach"], "educational", "{rec}");
    let reasons: Vec<&str> = rec["reasons"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(reasons.iter().any(|r| r.starts_with("Fits: ")), "{reasons:?}");
    assert!(rec["learning"]["overruled"].as_bool().unwrap_or_default(), "{rec}");
    assert!(
        reasons.iter().any(|r| r.starts_with("Rules suggest problem-solving")
            && r.contains("educational introductions got 8 of 8 positive replies")
            && r.contains("against 1 of 7 for problem-solving")),
        "{reasons:?}"
    );
    // A draft composed now uses it.
    let r = app.post_json("/api/customers/aperture/upsell-intro", &admin, &json!({})).await;
    assert_eq!(r.body["draft"]["approach"], "educational");
}

#[tokio::test]
async fn a_scheduled_send_is_approved_now_and_delivered_at_its_time() {
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let draft = app.compose("acme", &token, &json!({})).await;
    let now = time::OffsetDateTime::now_utc();
    let rfc = |t: time::OffsetDateTime| t.format(&time::format_description::well_known::Rfc3339).unwrap();
    for bad in [now - time::Duration::minutes(1), now + time::Duration::days(91)] {
        let r = app.send(&draft, &token, &json!({"send_at": rfc(bad)}), None).await;
        assert_eq!(
            (r.status, r.body["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_send_at"))
        );
    }
    let r = app.send(&draft, &token, &json!({"send_at": "tomorrow"}), None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(app.get(&format!("/api/drafts/{draft}"), &token).await.body["status"], "draft", "nothing changed");

    let at = now + time::Duration::milliseconds(1500);
    let r = app.send(&draft, &token, &json!({"send_at": rfc(at)}), None).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    assert_eq!(r.body["status"], "queued");
    assert!(r.body["approved_at"].is_string(), "approved now");
    let scheduled = time::OffsetDateTime::parse(
        r.body["send_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!((scheduled - at).abs() < time::Duration::milliseconds(1));

    let dir = tempfile::tempdir().expect("temp dir");
    let worker = app.worker(Arc::new(overture::delivery::FileTransport::new(dir.path()).expect("outbox")));
    worker.drain().await.expect("drains");
    assert_eq!(app.get(&format!("/api/drafts/{draft}"), &token).await.body["status"], "queued", "not before its time");
    // Only the AE's briefing went at approval (Acme's AE is not copied in).
    let to_jennifer = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|f| std::fs::read_to_string(f.unwrap().path()).ok())
            .filter(|m| m.lines().any(|l| l.starts_with("To: ") && l.contains("jennifer@acme.example")))
            .count()
    };
    assert_eq!(to_jennifer(), 0);
    tokio::time::sleep((at - time::OffsetDateTime::now_utc()).unsigned_abs() + std::time::Duration::from_millis(50))
        .await;
    worker.drain().await.expect("drains");
    let sent = app.get(&format!("/api/drafts/{draft}"), &token).await.body;
    assert_eq!(sent["status"], "sent", "{sent}");
    assert_eq!(to_jennifer(), 1);
}

#[tokio::test]
async fn crm_results_arrive_in_bundles_and_csv_files() {
    let app = TestApp::with_demo().await;
    let admin = app.admin_token().await;
    let sent = introduce_all(&app, &admin, 20, "").await;
    let acme = app.get("/api/customers/acme", &admin).await.body["id"].as_str().unwrap().to_string();
    let (_, acme_opportunity, _) = sent.iter().find(|(c, _, _)| *c == acme).expect("Acme's introduction");

    // Problems are reported with their place, and nothing changes.
    let bad = json!({"outcomes": [
        {"external_id": "nobody", "outcome": "won", "at": "2026-12-01"},
        {"external_id": "acme", "outcome": "signed", "at": "2026-12-01"},
        {"external_id": "acme", "outcome": "won", "at": "next week"},
    ]});
    let r = app.post_json("/api/import", &admin, &bad).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_bundle"), "{}", r.body);
    let places: Vec<&str> =
        r.body["error"]["errors"].as_array().unwrap().iter().filter_map(|e| e["location"].as_str()).collect();
    assert_eq!(places, ["outcomes[0].external_id", "outcomes[1].outcome", "outcomes[2].at"], "{}", r.body);
    assert_eq!(app.get(&format!("/api/opportunities/{acme_opportunity}"), &admin).await.body["status"], "intro_sent");

    // A won deal on Acme's introduction; Hooli has no opportunity to record a result on.
    let good = json!({"outcomes": [
        {"external_id": "acme", "outcome": "closed_won", "at": "2026-12-01", "note": "Enterprise, 120 seats"},
        {"external_id": "hooli", "outcome": "lost", "at": "2026-12-02T15:00:00Z"},
    ]});
    let r = app.post_json("/api/import", &admin, &good).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.body["outcomes"].as_u64(), r.body["outcomes_without_opportunity"].as_u64()), (Some(1), Some(1)));
    let won = app.get(&format!("/api/opportunities/{acme_opportunity}"), &admin).await.body;
    assert_eq!((won["status"].as_str(), won["outcome_at"].as_str()), (Some("won"), Some("2026-12-01T00:00:00Z")));
    assert_eq!(won["outcome_note"], "Enterprise, 120 seats");

    // The same as a CSV file.
    let (other, other_opportunity, _) = sent.iter().find(|(c, _, _)| *c != acme).expect("another introduction");
    let customer = app.get(&format!("/api/customers/{other}"), &admin).await.body;
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("outcomes.csv");
    std::fs::write(
        &file,
        format!(
            "external_id,outcome,at,note\n{},meeting_booked,2026-12-03,\"Demo, Thursday\"\n",
            customer["external_id"].as_str().unwrap()
        ),
    )
    .unwrap();
    let mut staged = overture::import::Staged::default();
    let mut errors = overture::import::validate::Errors::default();
    staged.add_csv(&file, &mut errors).expect("reads");
    let ws = app.workspace("default").await;
    let report = overture::import::run(app.store(), &ws, staged, errors, crate::common::NOW).await.expect("imports");
    assert_eq!(report.outcomes, 1);
    let met = app.get(&format!("/api/opportunities/{other_opportunity}"), &admin).await.body;
    assert_eq!(
        (met["status"].as_str(), met["meeting_booked_at"].as_str()),
        (Some("conversation"), Some("2026-12-03T00:00:00Z"))
    );
    assert_eq!(met["outcome_note"], "Demo, Thursday");
}

/// Customers of one segment (Professional, 26-100 licences, the given industry, at their licence limit
/// with nothing else to say): the rules favour problem-solving and rank educational low.
async fn import_at_the_limit(app: &TestApp, token: &str, prefix: &str, industry: &str, n: usize) -> Vec<String> {
    let ids: Vec<String> = (0..n).map(|i| format!("{prefix}-{i:02}")).collect();
    let customers: Vec<Value> = ids
        .iter()
        .map(|id| {
            json!({
                "external_id": id, "name": format!("{industry} {id}"), "plan": "professional",
                "seats_purchased": 100, "arr": 120000, "renewal_date": "2027-09-01", "health_score": 80,
                "industry": industry, "csm": "sarah@vendor.example", "ae": "mike@vendor.example",
                "contacts": [{"name": "Robin Ops", "email": format!("robin@{id}.example"), "title": "Head of Operations",
                              "role": "champion", "primary": true}],
                "usage": [{"date": "2026-11-20", "seats_used": 98, "monthly_active_users": 90, "api_calls": 20000}],
            })
        })
        .collect();
    let r = app.post_json("/api/import", token, &json!({"customers": customers})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    ids
}

/// Sends the customers introductions, problem-solving and educational in turn, and records the reply the
/// hidden truth gives: the first `problem_solving_yes` and `educational_yes` of each answer yes, the rest no.
async fn introduce_and_answer(
    app: &TestApp,
    token: &str,
    customers: &[String],
    problem_solving_yes: usize,
    educational_yes: usize,
) {
    let plan: Vec<(&str, &str, bool)> = customers
        .iter()
        .enumerate()
        .map(|(i, id)| match i % 2 {
            0 => (id.as_str(), "problem_solving", i / 2 < problem_solving_yes),
            _ => (id.as_str(), "educational", i / 2 < educational_yes),
        })
        .collect();
    let dir = tempfile::tempdir().expect("temp dir");
    let worker = app.worker(Arc::new(overture::delivery::FileTransport::new(dir.path()).expect("outbox")));
    let mut opportunities = Vec::new();
    for (customer, approach, yes) in &plan {
        let context = app.get(&format!("/api/customers/{customer}/expansion-context"), token).await;
        assert_eq!(context.body["recommendation"]["learning"]["rules_choice"], "problem_solving", "{}", context.body);
        let draft = app.compose(customer, token, &json!({"approach": approach})).await;
        let r = app.send(&draft, token, &json!({"acknowledge_warnings": true}), None).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
        let opportunity = context.body["opportunity"]["id"].as_str().expect("an opportunity").to_string();
        opportunities.push((opportunity, *yes));
    }
    worker.drain().await.expect("drains");
    for (opportunity, yes) in opportunities {
        let response = if yes { "positive" } else { "negative" };
        let r = app
            .post_json(&format!("/api/opportunities/{opportunity}/response"), token, &json!({"response": response}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
}

#[tokio::test]
async fn clear_evidence_overrules_the_rules_and_thin_evidence_does_not() {
    let app = TestApp::with_demo().await;
    let admin = app.admin_token().await;
    // 60 logistics accounts at their limit: problem-solving got 5 positive replies of 30, educational 23.
    let ids = import_at_the_limit(&app, &admin, "lg", "Logistics", 70).await;
    introduce_and_answer(&app, &admin, &ids[..60], 5, 23).await;
    // Exploration stays on (the default); the settings call refreshes the evidence.
    let r = app.patch_json("/api/settings/engagement", &admin, &json!({"learning_exploration": true})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let mut educational = 0;
    for id in &ids[60..] {
        let rec =
            app.get(&format!("/api/customers/{id}/expansion-context"), &admin).await.body["recommendation"].clone();
        assert_eq!(rec["learning"]["rules_choice"], "problem_solving", "{rec}");
        assert!(rec["learning"]["candidates"].as_array().is_some_and(|c| c.len() >= 3), "{rec}");
        if rec["approach"] == "educational" {
            educational += 1;
            assert_eq!(rec["learning"]["overruled"], true, "{rec}");
            let first = rec["reasons"][0].as_str().unwrap_or_default();
            assert!(first.starts_with("Rules suggest problem-solving (98 of 100 licences in use)"), "{first}");
            assert!(first.contains("educational introductions got 23 of 30 positive replies"), "{first}");
            assert!(first.contains("against 5 of 30 for problem-solving"), "{first}");
        }
    }
    assert!(educational >= 9, "{educational} of 10 new accounts get educational");
    // A composed draft follows it; the CSM can still choose problem-solving.
    let last = app.get(&format!("/api/customers/{}/expansion-context", ids[69]), &admin).await.body;
    let draft = app.post_json(&format!("/api/customers/{}/upsell-intro", ids[69]), &admin, &json!({})).await;
    assert_eq!(draft.status, StatusCode::CREATED, "{}", draft.body);
    assert_eq!(draft.body["draft"]["approach"], last["recommendation"]["approach"], "{}", draft.body);
    let chosen = app
        .post_json(&format!("/api/customers/{}/upsell-intro", ids[68]), &admin, &json!({"approach": "problem_solving"}))
        .await;
    assert_eq!(chosen.body["draft"]["approach"], "problem_solving", "{}", chosen.body);

    // Another workspace, thin evidence: educational 3 positive of 8, problem-solving 2 of 8.
    app.load_demo("other").await;
    let other = app.token("other", "dana@vendor.example").await;
    let ids = import_at_the_limit(&app, &other, "sh", "Shipping", 20).await;
    introduce_and_answer(&app, &other, &ids[..16], 2, 3).await;
    let r = app.patch_json("/api/settings/engagement", &other, &json!({"learning_exploration": false})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for id in &ids[16..] {
        let rec =
            app.get(&format!("/api/customers/{id}/expansion-context"), &other).await.body["recommendation"].clone();
        assert_eq!(rec["learning"]["method"], "best_estimate", "{rec}");
        assert_eq!(
            (rec["approach"].as_str(), rec["learning"]["overruled"].as_bool()),
            (Some("problem_solving"), Some(false)),
            "{rec}"
        );
    }
}
