//! Timing and buying style over the API: the recipient's clock kept at delivery, the timing and style
//! insights, the suggested send time of a draft, and buying styles imported, set by the CSM and inferred
//! from replies.

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::common::{TestApp, INBOUND_SECRET, NOW};

/// Delivers every queued job with a file outbox until `draft` is sent.
async fn deliver(app: &TestApp, token: &str, draft: &str) -> Value {
    let dir = tempfile::tempdir().expect("temp dir");
    let worker = app.worker(Arc::new(overture::delivery::FileTransport::new(dir.path()).expect("outbox")));
    for _ in 0..50 {
        worker.drain().await.expect("drains");
        let d = app.get(&format!("/api/drafts/{draft}"), token).await.body;
        if d["status"] == "sent" {
            return d;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("{draft} was not delivered");
}

/// `n` copies of Acme (98 of 100 licences in use), alternately in London and New York, every fourth
/// contact analytical, imported into the demo workspace.
async fn import_clones(app: &TestApp, n: usize) {
    let mut bundle = overture::demo::bundle(NOW.date());
    let acme = bundle.customers.iter().find(|c| c.external_id == "acme").cloned().expect("Acme");
    bundle.customers = (0..n)
        .map(|i| {
            let mut c = acme.clone();
            c.external_id = format!("clone-{i}");
            c.name = format!("Clone {i} Ltd");
            c.time_zone = Some(if i % 2 == 0 { "Europe/London" } else { "America/New_York" }.into());
            let contacts = c.contacts.as_mut().expect("contacts");
            contacts[0].email = Some(format!("buyer{i}@clone{i}.example"));
            contacts[0].buying_style = (i % 4 == 0).then(|| "analytical".into());
            c
        })
        .collect();
    let ws = app.workspace("default").await;
    let mut staged = overture::import::Staged::default();
    staged.add_bundle(bundle);
    overture::import::run(app.store(), &ws, staged, Default::default(), NOW).await.expect("clones import");
}

#[tokio::test]
async fn the_recipients_clock_is_learned_and_a_send_time_suggested_once_there_is_enough_data() {
    let app = TestApp::with_demo().await;
    let admin = app.admin_token().await;
    let empty = app.get("/api/insights/timing", &admin).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!((empty.body["outcomes"].as_u64(), empty.body["suggestion"].is_null()), (Some(0), true));
    assert!(empty.body["summary"][0].as_str().unwrap().starts_with("Not enough data yet to suggest a send time"));
    import_clones(&app, 48).await;

    // Every opportunity but Clone 0's gets an introduction, all at NOW: Wednesday 09:00 UTC, which is
    // 09:00 in London, 10:00 in Berlin and before dawn in the Americas.
    let open = app.get("/api/opportunities?status=identified&limit=500", &admin).await;
    let mut sent = Vec::new();
    for o in open.body["opportunities"].as_array().expect("a list") {
        if o["customer_name"] == "Clone 0 Ltd" {
            continue;
        }
        let customer = o["customer_id"].as_str().unwrap();
        let r = app.post_json(&format!("/api/customers/{customer}/upsell-intro"), &admin, &json!({})).await;
        if r.status != StatusCode::CREATED {
            continue;
        }
        let draft = r.body["draft"]["id"].as_str().unwrap().to_string();
        let r = app.send(&draft, &admin, &json!({"acknowledge_warnings": true}), None).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
        let zone = app.get(&format!("/api/customers/{customer}"), &admin).await.body["time_zone"].clone();
        sent.push((draft, o["id"].as_str().unwrap().to_string(), zone));
    }
    assert!(sent.len() >= 60, "{} introductions", sent.len());
    deliver(&app, &admin, &sent.last().unwrap().0).await;
    // European mornings answer, American nights mostly do not.
    let (mut morning, mut morning_positive) = (0, 0);
    for (i, (_, opportunity, zone)) in sent.iter().enumerate() {
        let european = zone.as_str().is_some_and(|z| z.starts_with("Europe/"));
        let positive = if european { i % 4 != 0 } else { i % 5 == 0 };
        morning += usize::from(european);
        morning_positive += usize::from(european && positive);
        let response = if positive { "positive" } else { "negative" };
        let r = app
            .post_json(&format!("/api/opportunities/{opportunity}/response"), &admin, &json!({"response": response}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }

    let t = app.get("/api/insights/timing", &admin).await.body;
    let n = sent.len() as u64;
    assert_eq!((t["outcomes"].as_u64(), t["timed"].as_u64()), (Some(n), Some(n)), "every demo customer has a zone");
    let weekday = |d: &str| t["by_weekday"].as_array().unwrap().iter().find(|b| b["key"] == d).unwrap().clone();
    assert_eq!(weekday("Wednesday")["sent"].as_u64(), Some(n));
    assert_eq!(weekday("Tuesday")["sent"].as_u64(), Some(0));
    let band = |k: &str| t["by_hour"].as_array().unwrap().iter().find(|b| b["key"] == k).unwrap().clone();
    assert_eq!(band("9:00-12:00")["sent"].as_u64(), Some(morning as u64));
    assert_eq!(band("before 9:00")["sent"].as_u64(), Some(n - morning as u64));
    let rate = |b: &Value| b["positive_rate"]["mean"].as_f64().unwrap();
    assert!(rate(&band("9:00-12:00")) > rate(&band("before 9:00")));
    let s = &t["suggestion"];
    assert_eq!((s["hours"].as_str(), s["weekday"].as_str(), s["hour"].as_u64()), (Some("9:00-12:00"), None, Some(9)));
    let reason = s["reason"].as_str().unwrap();
    assert!(
        reason.starts_with(&format!(
            "Between 9:00 and 12:00 their time, {morning_positive} of {morning} introductions got a positive reply"
        )),
        "{reason}"
    );
    assert!(t["summary"][0].as_str().unwrap().starts_with("Suggested send time: 9:00-12:00"), "{}", t["summary"]);
    // Renewal bands: the demo's renewals are 240 days out unless set otherwise.
    assert!(t["by_renewal"].as_array().unwrap().iter().any(|b| b["key"] == "181+"), "{}", t["by_renewal"]);

    // Clone 0's contact is in London: the next working day at 9:00 there, at least an hour from now.
    let draft = app.compose("clone-0", &admin, &json!({})).await;
    let r = app.get(&format!("/api/drafts/{draft}/send-time"), &admin).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["send_at"], "2026-11-26T09:00:00Z", "{}", r.body);
    assert_eq!(r.body["time_zone"], "Europe/London");
    assert_eq!(r.body["reason"].as_str(), Some(reason));
    // The chat says the same, with the current draft's time on its recipient's clock.
    let r = app.post_json("/api/chat", &admin, &json!({"message": "Introduce upsell to Clone 0 Ltd"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.post_json("/api/chat", &admin, &json!({"message": "When should I send it?"})).await;
    let said = r.body["messages"].as_array().unwrap().last().unwrap()["text"].as_str().unwrap().to_string();
    assert!(said.starts_with("Suggested send time: 9:00-12:00 in the recipient's time zone."), "{said}");
    assert!(
        said.ends_with("For Jennifer Walsh, that is Thursday 26 November, 9:00 their time (Europe/London): open Later… on the draft to schedule it."),
        "{said}"
    );
    let r = app.post_json("/api/chat", &admin, &json!({"message": "What works?"})).await;
    let said = r.body["messages"].as_array().unwrap().last().unwrap()["text"].as_str().unwrap().to_string();
    assert!(said.starts_with("Across the workspace, ") && said.contains("With analytical readers"), "{said}");

    // Styles: every fourth clone is analytical, as are Globex and Aperture; drivers are Stark and Umbrella.
    let st = app.get("/api/insights/styles", &admin).await.body;
    let style = |k: &str| st["styles"].as_array().unwrap().iter().find(|s| s["style"] == k).cloned();
    let analytical = style("analytical").expect("analytical readers");
    assert!(analytical["sent"].as_u64().unwrap() >= 12, "{analytical}");
    assert_eq!(st["outcomes"].as_u64(), Some(n));
    assert!(style("unknown").is_some());
    assert!(
        st["summary"].as_array().unwrap().iter().any(|s| s.as_str().unwrap().starts_with("With analytical readers")),
        "{}",
        st["summary"]
    );

    // Another workspace sees none of it.
    app.load_demo("other").await;
    let stranger = app.token("other", "dana@vendor.example").await;
    assert_eq!(app.get("/api/insights/timing", &stranger).await.body["outcomes"], 0);
    assert_eq!(app.get(&format!("/api/drafts/{draft}/send-time"), &stranger).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn before_there_is_enough_data_a_draft_gets_no_time_and_the_reason() {
    let app = TestApp::with_demo().await;
    let admin = app.admin_token().await;
    let draft = app.compose("acme", &admin, &json!({})).await;
    let r = app.get(&format!("/api/drafts/{draft}/send-time"), &admin).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body["send_at"].is_null());
    assert_eq!(r.body["time_zone"], "America/New_York", "the customer's zone stands in for the contact's");
    assert!(r.body["reason"].as_str().unwrap().starts_with("Not enough data yet"), "{}", r.body);
    assert_eq!(app.get("/api/drafts/drf_999/send-time", &admin).await.status, StatusCode::NOT_FOUND);
}

/// Acme as the demo has it, with these contacts and time zone.
fn acme_bundle(time_zone: &str, contacts: Value) -> Value {
    json!({"customers": [{
        "external_id": "acme", "name": "Acme Corp", "plan": "professional", "seats_purchased": 100, "arr": 120000,
        "health_score": 87, "industry": "Manufacturing", "csm": "sarah@vendor.example", "ae": "mike@vendor.example",
        "time_zone": time_zone, "contacts": contacts
    }]})
}

#[tokio::test]
async fn time_zones_and_styles_are_validated_on_import() {
    let app = TestApp::with_demo().await;
    let admin = app.admin_token().await;
    let bad = acme_bundle(
        "Mars/Olympus_Mons",
        json!([
            {"name": "Jennifer Walsh", "email": "jennifer@acme.example", "time_zone": "Europe/Atlantis", "buying_style": "driver", "primary": true},
            {"name": "Tom Bell", "email": "tom@acme.example", "buying_style": "pragmatic"}
        ]),
    );
    let r = app.post_json("/api/import", &admin, &bad).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_bundle"), "{}", r.body);
    let errors = r.body["error"]["errors"].to_string();
    for wanted in [
        "customers[0].time_zone",
        "Mars/Olympus_Mons",
        "customers[0].contacts[0].time_zone",
        "Europe/Atlantis",
        "IANA",
        "customers[0].contacts[1].buying_style",
        "pragmatic",
        "analytical, driver, amiable, expressive or unknown",
    ] {
        assert!(errors.contains(wanted), "{wanted} not in {errors}");
    }
    let acme = app.get("/api/customers/acme", &admin).await.body;
    assert_eq!(
        (acme["contacts"][0]["buying_style"].as_str(), acme["time_zone"].as_str()),
        (Some("unknown"), Some("America/New_York")),
        "nothing changed"
    );

    let good = acme_bundle(
        "America/Chicago",
        json!([{"name": "Jennifer Walsh", "email": "Jennifer@Acme.example", "time_zone": "Europe/Paris", "buying_style": " Driver ", "primary": true}]),
    );
    let r = app.post_json("/api/import", &admin, &good).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let acme = app.get("/api/customers/acme", &admin).await.body;
    let jennifer = &acme["contacts"][0];
    assert_eq!(acme["time_zone"], "America/Chicago");
    assert_eq!(
        (jennifer["time_zone"].as_str(), jennifer["buying_style"].as_str(), jennifer["buying_style_source"].as_str()),
        (Some("Europe/Paris"), Some("driver"), Some("import"))
    );
    // The context shows it, and a new draft is the driver's three lines.
    let ctx = app.get("/api/customers/acme/expansion-context", &admin).await.body;
    assert_eq!(
        (ctx["contact"]["buying_style"].as_str(), ctx["contact"]["time_zone"].as_str()),
        (Some("driver"), Some("Europe/Paris"))
    );
    let r = app.post_json("/api/customers/acme/upsell-intro", &admin, &json!({})).await;
    let text = r.body["draft"]["text"].as_str().unwrap();
    assert!(text.contains("\nTwo options: ") && text.contains("\nWhich would you prefer?"), "{text}");
    // `unknown` in an import clears it.
    let clear = acme_bundle(
        "America/Chicago",
        json!([{"name": "Jennifer Walsh", "email": "jennifer@acme.example", "buying_style": "unknown", "primary": true}]),
    );
    assert_eq!(app.post_json("/api/import", &admin, &clear).await.status, StatusCode::OK);
    let jennifer = app.get("/api/customers/acme", &admin).await.body["contacts"][0].clone();
    assert_eq!((jennifer["buying_style"].as_str(), jennifer["time_zone"].as_str()), (Some("unknown"), None));
}

#[tokio::test]
async fn the_csm_sets_a_style_that_outlives_imports_and_replies_infer_one() {
    let (app, _tracker) = TestApp::with_engagement(false).await;
    let admin = app.admin_token().await;
    let sarah = app.csm_token().await;
    let path = "/api/customers/acme/contacts/jennifer@acme.example";

    let r = app.patch_json(path, &sarah, &json!({"buying_style": "pragmatic"})).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_buying_style"));
    let r = app.patch_json(path, &sarah, &json!({"buying_style": "driver", "mood": "good"})).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"));
    let r = app
        .patch_json("/api/customers/acme/contacts/nobody@acme.example", &sarah, &json!({"buying_style": "driver"}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let viewer = app.token("default", "tom@vendor.example").await;
    assert_eq!(app.patch_json(path, &viewer, &json!({"buying_style": "driver"})).await.status, StatusCode::FORBIDDEN);
    let priya = app.token("default", "priya@vendor.example").await;
    assert_eq!(
        app.patch_json(path, &priya, &json!({"buying_style": "driver"})).await.status,
        StatusCode::FORBIDDEN,
        "another CSM's customer"
    );
    app.load_demo("other").await;
    let stranger = app.token("other", "dana@vendor.example").await;
    // The other workspace's admin sets the style of their own Jennifer; ours is untouched.
    let r = app.patch_json(path, &stranger, &json!({"buying_style": "expressive"})).await;
    assert_eq!((r.status, r.body["buying_style"].as_str()), (StatusCode::OK, Some("expressive")), "{}", r.body);
    assert_eq!(app.get("/api/customers/acme", &admin).await.body["contacts"][0]["buying_style"], "unknown");

    let r = app.patch_json(path, &sarah, &json!({"buying_style": "driver"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (r.body["buying_style"].as_str(), r.body["buying_style_source"].as_str()),
        (Some("driver"), Some("csm"))
    );
    // A re-import of the contacts without a style keeps it.
    app.load_demo("default").await;
    assert_eq!(app.get("/api/customers/acme", &admin).await.body["contacts"][0]["buying_style"], "driver");
    // Cleared, the contact is unknown again.
    let r = app.patch_json(path, &sarah, &json!({"buying_style": "unknown"})).await;
    assert_eq!((r.body["buying_style"].as_str(), r.body["buying_style_source"].as_str()), (Some("unknown"), None));

    // Jennifer's replies read as analytical: one is a hint, two make a style.
    let draft = app.compose("acme", &sarah, &json!({})).await;
    let r = app.send(&draft, &sarah, &json!({"acknowledge_warnings": true}), None).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let sent = deliver(&app, &sarah, &draft).await;
    let message_id = sent["message_id"].as_str().unwrap().trim_matches(['<', '>']).to_string();
    let reply = |id: &str, body: &str| {
        format!(
            "From: Jennifer Walsh <jennifer@acme.example>\r\nTo: Sarah Chen <sarah@vendor.example>\r\n\
             Subject: Re: your seats\r\nMessage-ID: <{id}>\r\nIn-Reply-To: <{message_id}>\r\n\
             References: <{message_id}>\r\nDate: Wed, 25 Nov 2026 10:00:00 +0000\r\n\r\n{body}\r\n"
        )
    };
    let first = "Could you send a breakdown of the cost per seat? I'd like to compare 120 seats on Professional \
                 against Enterprise; what does the data say about our 98 users?";
    let r = app.inbound(&reply("r1@acme.example", first), INBOUND_SECRET).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    assert_eq!(app.get("/api/customers/acme", &admin).await.body["contacts"][0]["buying_style"], "unknown");
    let second = "Thanks. One more detail: the figures for API calls per month on each plan, so I can compare the two.";
    app.inbound(&reply("r2@acme.example", second), INBOUND_SECRET).await;
    let jennifer = app.get("/api/customers/acme", &admin).await.body["contacts"][0].clone();
    assert_eq!(
        (jennifer["buying_style"].as_str(), jennifer["buying_style_source"].as_str()),
        (Some("analytical"), Some("inferred"))
    );
    // What the CSM sets wins over what replies suggest.
    let r = app.patch_json(path, &sarah, &json!({"buying_style": "amiable"})).await;
    assert_eq!(
        (r.body["buying_style"].as_str(), r.body["buying_style_source"].as_str()),
        (Some("amiable"), Some("csm"))
    );
}
