//! `GET/PUT/DELETE /api/templates/:approach`: a workspace's own wording, validated before use.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::common::TestApp;

const SUBJECT: &str = "A note for {{ company_short }}";
const BODY: &str =
    "Hi {{ first_name }},\n\nOur own words for {{ company }}. Shall we talk for 20 minutes?\n\nBest,\n{{ csm_name }}\n";

#[tokio::test]
async fn built_in_templates_can_be_read() {
    let app = TestApp::with_demo().await;
    let r = app.get("/api/templates/educational", &app.csm_token().await).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["source"], "builtin");
    assert!(r.body["body"].as_str().unwrap().starts_with("Hi {{ first_name }},"));
    let r = app.get("/api/templates/hard_sell", &app.csm_token().await).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::NOT_FOUND, "not_found"));
}

#[tokio::test]
async fn broken_templates_are_refused_with_the_reason() {
    let app = TestApp::with_demo().await;
    let admin = app.admin_token().await;
    for (subject, body, expect) in [
        (SUBJECT, "Hi {% if first_name %}", "template"),
        (SUBJECT, "Hi {{ first_name }}, {{ deal_value }}", "undefined"),
        ("Line one\nLine two", BODY, "one line"),
    ] {
        let r = app
            .raw(
                Method::PUT,
                "/api/templates/educational",
                Some(&admin),
                Body::from(json!({"subject": subject, "body": body}).to_string()),
                Some("application/json"),
            )
            .await;
        assert_eq!((r.status, r.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_template"), "{body}");
        let message = r.body["error"]["message"].as_str().unwrap();
        assert!(message.contains(expect), "{message}");
    }
    assert_eq!(app.get("/api/templates/educational", &admin).await.body["source"], "builtin", "nothing was saved");
    let csm = app.csm_token().await;
    let r = app
        .raw(
            Method::PUT,
            "/api/templates/educational",
            Some(&csm),
            Body::from(json!({"subject": SUBJECT, "body": BODY}).to_string()),
            Some("application/json"),
        )
        .await;
    assert_eq!((r.status, r.error_code()), (StatusCode::FORBIDDEN, "forbidden"));
}

#[tokio::test]
async fn a_workspace_template_is_used_for_its_drafts_only_until_reset() {
    let app = TestApp::with_demo().await;
    app.load_demo("other").await;
    let admin = app.admin_token().await;
    let csm = app.csm_token().await;
    let put = |token: String| {
        let app = &app;
        async move {
            app.raw(
                Method::PUT,
                "/api/templates/educational",
                Some(&token),
                Body::from(json!({"subject": SUBJECT, "body": BODY}).to_string()),
                Some("application/json"),
            )
            .await
        }
    };
    let r = put(admin.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["source"], "workspace");

    let draft = app.post_json("/api/customers/acme/upsell-intro", &csm, &json!({"approach": "educational"})).await;
    assert_eq!(draft.status, StatusCode::CREATED, "{}", draft.body);
    assert_eq!(draft.body["draft"]["subject"], "A note for Acme Corp");
    assert!(draft.body["draft"]["text"].as_str().unwrap().starts_with("Hi Jennifer,\n\nOur own words for Acme Corp."));
    assert!(draft.body["draft"]["html"].as_str().unwrap().contains("Our own words for Acme Corp."));
    // "Our own words" is about us: the pushiness check says so on the workspace's wording too.
    assert!(draft.body["draft"]["checks"]["pushiness"]["findings"].to_string().contains("we/our"));

    let outsider = app.token("other", "sarah@vendor.example").await;
    let theirs =
        app.post_json("/api/customers/acme/upsell-intro", &outsider, &json!({"approach": "educational"})).await;
    assert_ne!(theirs.body["draft"]["subject"], "A note for Acme Corp", "another workspace keeps the built-in wording");

    let r = app.raw(Method::DELETE, "/api/templates/educational", Some(&admin), Body::empty(), None).await;
    assert_eq!((r.status, r.body["source"].as_str()), (StatusCode::OK, Some("builtin")));
    let again = app.post_json("/api/customers/acme/upsell-intro", &csm, &json!({"approach": "educational"})).await;
    assert_ne!(again.body["draft"]["subject"], "A note for Acme Corp");
}
