//! `POST /api/customers/:id/upsell-intro` and `GET /api/drafts/:id`.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::common::TestApp;

#[tokio::test]
async fn composing_stores_a_draft_with_its_context() {
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let r = app.post_json("/api/customers/acme/upsell-intro", &token, &json!({})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let d = &r.body["draft"];
    assert!(d["id"].as_str().unwrap().starts_with("drf_"));
    assert_eq!(d["status"], "draft");
    assert_eq!(d["approach"], "problem_solving", "the recommended approach by default");
    assert_eq!(d["tone"], "soft");
    assert_eq!(d["from"], json!({"name": "Sarah Chen", "email": "sarah@vendor.example"}));
    assert_eq!(d["to"], json!([{"name": "Jennifer Walsh", "email": "jennifer@acme.example"}]));
    assert_eq!(d["cc"], json!([]));
    assert_eq!(d["opportunity_id"], r.body["context"]["opportunity"]["id"]);
    assert!(d["text"].as_str().unwrap().contains("98 of 100 licences in use"));
    assert!(d["html"].as_str().unwrap().contains("98 of 100 licences in use"));
    assert_eq!(d["checks"]["pushiness"]["score"], 0);
    assert_eq!(d["checks"]["grounding"]["ungrounded"], json!([]));
    let figures = d["checks"]["grounding"]["figures"].as_array().unwrap();
    assert!(figures.contains(&json!({"text": "98", "fact": "usage.seats.used"})), "{figures:?}");
    assert_eq!((d["sent_at"].is_null(), d["message_id"].is_null(), d["error"].is_null()), (true, true, true));
    assert_eq!(r.body["context"]["customer"]["name"], "Acme Corp");

    let id = d["id"].as_str().unwrap();
    let read = app.get(&format!("/api/drafts/{id}"), &token).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(&read.body, d, "what was stored is what was returned");
}

#[tokio::test]
async fn approach_tone_contact_and_cc_can_be_chosen() {
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let body =
        json!({"approach": "value-add", "tone": "direct", "cc_ae": true, "contact_email": "Jennifer@Acme.example"});
    let r = app.post_json("/api/customers/acme/upsell-intro", &token, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let d = &r.body["draft"];
    assert_eq!((d["approach"].as_str(), d["tone"].as_str()), (Some("value_add"), Some("direct")));
    assert_eq!(d["cc"], json!([{"name": "Mike Alvarez", "email": "mike@vendor.example"}]));
    assert_eq!(d["cc_ae"], true);
    assert!(d["subject"].as_str().unwrap().starts_with("Next steps for Acme Corp"));

    // Gringotts has no AE: asking to copy one in is a clear 422.
    let r = app.post_json("/api/customers/gringotts/upsell-intro", &token, &json!({"cc_ae": true})).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "no_ae"));
    let r =
        app.post_json("/api/customers/acme/upsell-intro", &token, &json!({"contact_email": "ceo@acme.example"})).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "unknown_contact"));
    assert!(r.body["error"]["message"].as_str().unwrap().contains("jennifer@acme.example"));
}

#[tokio::test]
async fn bad_requests_are_refused_and_store_nothing() {
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let cases = [
        (
            "/api/customers/acme/upsell-intro",
            json!({"approach": "hard_sell"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_approach",
        ),
        ("/api/customers/acme/upsell-intro", json!({"tone": "loud"}), StatusCode::UNPROCESSABLE_ENTITY, "invalid_tone"),
        ("/api/customers/acme/upsell-intro", json!({"approach": 3}), StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        (
            "/api/customers/acme/upsell-intro",
            json!({"urgency": "high"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        ("/api/customers/nobody/upsell-intro", json!({}), StatusCode::NOT_FOUND, "not_found"),
        ("/api/customers/monsters/upsell-intro", json!({}), StatusCode::UNPROCESSABLE_ENTITY, "no_contact_email"),
        ("/api/customers/wonka/upsell-intro", json!({}), StatusCode::UNPROCESSABLE_ENTITY, "no_contact"),
        ("/api/customers/hooli/upsell-intro", json!({}), StatusCode::UNPROCESSABLE_ENTITY, "no_expansion_path"),
    ];
    for (path, body, status, code) in cases {
        let r = app.post_json(path, &token, &body).await;
        assert_eq!((r.status, r.error_code()), (status, code), "{path} {body}: {}", r.body);
        assert!(!r.body["error"]["message"].as_str().unwrap().is_empty());
    }
    let r = app
        .raw(
            Method::POST,
            "/api/customers/acme/upsell-intro",
            Some(&token),
            Body::from("{oops"),
            Some("application/json"),
        )
        .await;
    assert_eq!((r.status, r.error_code()), (StatusCode::BAD_REQUEST, "malformed_json"));
    // Nothing was stored by the refusals: the next draft is the first.
    let r = app.raw(Method::POST, "/api/customers/acme/upsell-intro", Some(&token), Body::empty(), None).await;
    assert_eq!(r.status, StatusCode::CREATED, "an empty body means all defaults");
    assert_eq!(r.body["draft"]["id"], "drf_1");
}

#[tokio::test]
async fn only_csms_and_admins_compose_and_drafts_stay_in_their_workspace() {
    let app = TestApp::with_demo().await;
    for email in ["tom@vendor.example", "mike@vendor.example"] {
        let token = app.token("default", email).await;
        let r = app.post_json("/api/customers/acme/upsell-intro", &token, &json!({})).await;
        assert_eq!((r.status, r.error_code()), (StatusCode::FORBIDDEN, "forbidden"), "{email}");
    }
    let sarah = app.csm_token().await;
    let id = app.post_json("/api/customers/acme/upsell-intro", &sarah, &json!({})).await.body["draft"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let viewer = app.token("default", "tom@vendor.example").await;
    assert_eq!(app.get(&format!("/api/drafts/{id}"), &viewer).await.status, StatusCode::OK, "viewers read drafts");

    app.load_demo("other").await;
    let outsider = app.token("other", "sarah@vendor.example").await;
    let r = app.get(&format!("/api/drafts/{id}"), &outsider).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::NOT_FOUND, "not_found"));
    assert_eq!(app.get("/api/drafts/not-an-id", &sarah).await.status, StatusCode::NOT_FOUND);
}
