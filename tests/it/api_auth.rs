//! Authentication, roles, workspace isolation and error shapes.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::common::TestApp;

#[tokio::test]
async fn every_api_route_needs_a_token() {
    let app = TestApp::with_demo().await;
    for path in [
        "/api/customers",
        "/api/customers/acme",
        "/api/customers/acme/expansion-context",
        "/api/opportunities",
        "/api/schema/bundle.json",
    ] {
        let r = app.raw(Method::GET, path, None, Body::empty(), None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(r.error_code(), "unauthorized", "{path}");
        assert!(r.body["error"]["message"].as_str().unwrap().contains("Bearer"));
    }
    let r = app.raw(Method::POST, "/api/import", None, Body::from("{}"), Some("application/json")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_wrong_token_is_refused_without_detail() {
    let app = TestApp::with_demo().await;
    let r = app.get("/api/customers", "ovt_0000").await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNAUTHORIZED, "invalid_token"));
    let r = app.raw(Method::GET, "/api/customers", None, Body::empty(), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn open_routes_need_no_token() {
    let app = TestApp::new().await;
    for path in ["/healthz", "/api/openapi.json", "/metrics"] {
        let r = app.raw(Method::GET, path, None, Body::empty(), None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn viewers_and_csms_read_but_only_admins_import() {
    let app = TestApp::with_demo().await;
    let viewer = app.token("default", "tom@vendor.example").await;
    assert_eq!(app.get("/api/customers/acme/expansion-context", &viewer).await.status, StatusCode::OK);
    let bundle = json!({"customers": []});
    for email in ["tom@vendor.example", "sarah@vendor.example", "mike@vendor.example"] {
        let token = app.token("default", email).await;
        let r = app.post_json("/api/import", &token, &bundle).await;
        assert_eq!((r.status, r.error_code()), (StatusCode::FORBIDDEN, "forbidden"), "{email}");
    }
    let admin = app.admin_token().await;
    assert_eq!(app.post_json("/api/import", &admin, &bundle).await.status, StatusCode::OK);
}

#[tokio::test]
async fn another_workspace_is_invisible() {
    let app = TestApp::with_demo().await;
    // A second workspace with its own Acme and its own CSM.
    let other = app.workspace("other").await;
    let bundle = json!({
        "plans": [{"key": "basic", "name": "Basic", "rank": 1, "annual_price_per_seat": 100}],
        "team": [{"email": "olga@other.example", "name": "Olga", "role": "admin"}],
        "customers": [{"external_id": "acme", "name": "Other Acme", "plan": "basic", "seats_purchased": 5}]
    });
    let mut e = overture::import::validate::Errors::default();
    let mut staged = overture::import::Staged::default();
    staged.add_bundle_json(None, bundle.to_string().as_bytes(), &mut e);
    overture::import::run(app.store(), &other, staged, e, crate::common::NOW).await.unwrap();
    let olga = app.token("other", "olga@other.example").await;
    let sarah = app.csm_token().await;

    let theirs = app.get("/api/customers/acme", &olga).await;
    assert_eq!(theirs.body["name"], "Other Acme");
    let ours = app.get("/api/customers/acme", &sarah).await;
    assert_eq!(ours.body["name"], "Acme Corp");

    // Our internal id, asked for from the other workspace: not found, never forbidden.
    let our_id = ours.body["id"].as_str().unwrap();
    for path in [
        format!("/api/customers/{our_id}"),
        format!("/api/customers/{our_id}/expansion-context"),
        "/api/customers/globex".to_string(),
    ] {
        let r = app.get(&path, &olga).await;
        assert_eq!((r.status, r.error_code()), (StatusCode::NOT_FOUND, "not_found"), "{path}");
    }
    let list = app.get("/api/customers", &olga).await;
    assert_eq!(list.body["customers"].as_array().unwrap().len(), 1);
    let opportunities = app.get("/api/opportunities", &olga).await;
    assert!(opportunities.body["opportunities"].as_array().unwrap().iter().all(|o| o["customer_name"] == "Other Acme"));
}

#[tokio::test]
async fn malformed_requests_get_json_errors() {
    let app = TestApp::with_demo().await;
    let admin = app.admin_token().await;
    let r = app.raw(Method::POST, "/api/import", Some(&admin), Body::from("{not json"), Some("application/json")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.error_code(), "invalid_bundle");
    assert!(r.body["error"]["errors"][0]["location"].as_str().unwrap().starts_with("line 1"));

    let r = app.raw(Method::GET, "/api/nothing-here", Some(&admin), Body::empty(), None).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::NOT_FOUND, "not_found"));
    let r = app.raw(Method::DELETE, "/api/customers", Some(&admin), Body::empty(), None).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"));
}

#[tokio::test]
async fn metrics_count_requests_by_route() {
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    app.get("/api/customers/acme/expansion-context", &token).await;
    let r = app.raw(Method::GET, "/metrics", None, Body::empty(), None).await;
    let text = r.body.as_str().unwrap();
    assert!(text.contains("overture_http_requests_total"), "{text}");
    assert!(text.contains("route=\"/api/customers/{id}/expansion-context\""), "{text}");
}
