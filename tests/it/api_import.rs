//! `POST /api/import`: all or nothing, every problem named, re-import updates in place.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::common::TestApp;

fn base_bundle() -> Value {
    json!({
        "features": [{"key": "advanced_analytics", "name": "Advanced analytics", "resource_url": "https://docs.vendor.example/analytics"}],
        "plans": [
            {"key": "professional", "name": "Professional", "rank": 2, "annual_price_per_seat": 1200, "seat_limit": 100, "api_calls_per_month": 1000000, "features": ["reports"]},
            {"key": "enterprise", "name": "Enterprise", "rank": 3, "annual_price_per_seat": 1680, "seat_limit": null, "api_calls_per_month": 5000000, "features": ["reports", "advanced_analytics"]}
        ],
        "team": [
            {"email": "admin@vendor.example", "name": "Ada Admin", "role": "admin"},
            {"email": "sarah@vendor.example", "name": "Sarah Chen", "role": "csm", "title": "Customer Success Manager"}
        ],
        "customers": [{
            "external_id": "acme", "name": "Acme Corp", "plan": "professional", "seats_purchased": 100, "arr": 120000,
            "renewal_date": "2027-03-01", "health_score": 87, "csm": "sarah@vendor.example",
            "contacts": [{"name": "Jennifer Walsh", "email": "jennifer@acme.example", "primary": true}],
            "usage": [{"date": "2026-11-20", "seats_used": 98, "monthly_active_users": 86, "api_calls": 28000}],
            "feature_requests": [{"feature": "advanced_analytics", "requested_at": "2026-10-02"}]
        }]
    })
}

/// An app with a `default` workspace and its admin's token, loaded with `base_bundle`.
async fn app_with_base() -> (TestApp, String) {
    let app = TestApp::new().await;
    let ws = app.workspace("default").await;
    let mut e = overture::import::validate::Errors::default();
    let mut staged = overture::import::Staged::default();
    staged.add_bundle_json(None, base_bundle().to_string().as_bytes(), &mut e);
    overture::import::run(app.store(), &ws, staged, e, crate::common::NOW).await.expect("base bundle imports");
    let token = app.token("default", "admin@vendor.example").await;
    (app, token)
}

#[tokio::test]
async fn a_bad_bundle_lists_every_problem_and_changes_nothing() {
    let (app, token) = app_with_base().await;
    let before = app.get("/api/customers/acme/expansion-context", &token).await.body;
    let bundle = json!({
        "customers": [
            {"external_id": "acme", "name": "Acme Renamed", "plan": "platinum", "seats_purchased": 10},
            {"external_id": "beta", "name": "Beta", "plan": "professional", "seats_purchased": -5},
            {"external_id": "gamma", "name": "Gamma", "plan": "professional", "seats_purchased": 5, "renewal_date": "2027-02-30"},
            {"external_id": "beta", "name": "Beta again", "plan": "professional", "seats_purchased": 5},
            {"external_id": "delta", "name": "Delta", "plan": "professional", "seats_purchased": 5, "csm": "nobody@vendor.example"},
            {"external_id": "eps", "name": "Eps", "plan": "professional", "seats_purchased": 5,
             "usage": [{"date": "2026-11-20", "seats_used": 1, "monthly_active_users": 1, "api_calls": "many"}]}
        ]
    });
    let r = app.post_json("/api/import", &token, &bundle).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_bundle"), "{}", r.body);
    let errors: Vec<(String, String)> = r.body["error"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["location"].as_str().unwrap().to_string(), e["message"].as_str().unwrap().to_string()))
        .collect();
    let at = |loc: &str| {
        errors
            .iter()
            .find(|(l, _)| l == loc)
            .map(|(_, m)| m.as_str())
            .unwrap_or_else(|| panic!("no error at {loc}: {errors:?}"))
    };
    assert!(at("customers[0].plan").contains("unknown plan `platinum`"));
    assert!(at("customers[0].plan").contains("professional"), "lists the known plans");
    assert!(at("customers[1].seats_purchased").contains("must be 0 or more"));
    assert!(at("customers[2].renewal_date").contains("YYYY-MM-DD"));
    assert!(at("customers[3].external_id").contains("appears twice (also at customers[1])"));
    assert!(at("customers[4].csm").contains("unknown team member `nobody@vendor.example`"));
    assert!(at("customers[5].usage[0].api_calls").contains("invalid type"));
    assert_eq!(r.body["error"]["total"], 6);

    let after = app.get("/api/customers/acme/expansion-context", &token).await.body;
    assert_eq!(before, after, "nothing changed");
    assert_eq!(app.get("/api/customers/beta", &token).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_fields_and_sections_are_named() {
    let (app, token) = app_with_base().await;
    let r = app.post_json("/api/import", &token, &json!({"customer": [], "plans": [{"key": "x", "name": "X", "rank": 9, "annual_price_per_seat": 1, "seats": 5}]})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.body["error"]["errors"].to_string();
    assert!(text.contains("\"location\":\"customer\"") && text.contains("unknown section"), "{text}");
    assert!(text.contains("plans[0]") && text.contains("unknown field `seats`"), "{text}");
}

#[tokio::test]
async fn plan_ranks_must_differ() {
    let (app, token) = app_with_base().await;
    let r = app
        .post_json(
            "/api/import",
            &token,
            &json!({"plans": [{"key": "growth", "name": "Growth", "rank": 2, "annual_price_per_seat": 900}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["error"]["errors"][0]["location"], "plans[0].rank");
}

#[tokio::test]
async fn reimport_updates_in_place_and_usage_replaces_the_same_date() {
    let (app, token) = app_with_base().await;
    let first = app.get("/api/customers/acme", &token).await.body;
    let bundle = json!({"customers": [{
        "external_id": "acme", "name": "Acme Corporation", "plan": "professional", "seats_purchased": 120, "arr": 144000,
        "usage": [{"date": "2026-11-20", "seats_used": 60, "monthly_active_users": 50, "api_calls": 1000},
                  {"date": "2026-11-21", "seats_used": 61, "monthly_active_users": 50, "api_calls": 1000}]
    }]});
    let r = app.post_json("/api/import", &token, &bundle).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["customers"], 1);
    assert_eq!(r.body["usage_rows"], 2);
    assert_eq!(r.body["detection"]["customers"], 1);
    let second = app.get("/api/customers/acme", &token).await.body;
    assert_eq!(first["id"], second["id"], "same customer");
    assert_eq!(second["name"], "Acme Corporation");
    assert_eq!(second["seats_purchased"], 120);
    assert_eq!(second["contacts"][0]["name"], "Jennifer Walsh", "contacts were not in the bundle: kept");
    let ctx = app.get("/api/customers/acme/expansion-context", &token).await.body;
    assert_eq!(ctx["usage"]["as_of"], "2026-11-21");
    assert_eq!(ctx["usage"]["seats"]["used"], 61);
    assert_eq!(ctx["usage"]["api_calls"]["last_30_days"], 2000, "the 20th was replaced, not added");
    assert_eq!(ctx["feature_requests"].as_array().unwrap().len(), 1, "requests were not in the bundle: kept");
}

#[tokio::test]
async fn detection_follows_imports() {
    let (app, token) = app_with_base().await;
    // Acme at 98/100 has an opportunity; a re-import that frees seats and drops the request expires it.
    let opps = app.get("/api/opportunities?status=identified", &token).await.body;
    assert_eq!(opps["opportunities"].as_array().unwrap().len(), 1);
    let bundle = json!({"customers": [{
        "external_id": "acme", "name": "Acme Corp", "plan": "professional", "seats_purchased": 100, "arr": 120000,
        "feature_requests": [],
        "usage": [{"date": "2026-11-20", "seats_used": 40, "monthly_active_users": 40, "api_calls": 100}]
    }]});
    let r = app.post_json("/api/import", &token, &bundle).await;
    assert_eq!(r.body["detection"]["opportunities_expired"], 1, "{}", r.body);
    assert_eq!(app.get("/api/opportunities?status=identified", &token).await.body["opportunities"], json!([]));
    assert_eq!(
        app.get("/api/opportunities?status=expired", &token).await.body["opportunities"].as_array().unwrap().len(),
        1
    );
}

#[tokio::test]
async fn arr_defaults_to_the_plan_price() {
    let (app, token) = app_with_base().await;
    let bundle =
        json!({"customers": [{"external_id": "new", "name": "Newco", "plan": "enterprise", "seats_purchased": 10}]});
    assert_eq!(app.post_json("/api/import", &token, &bundle).await.status, StatusCode::OK);
    assert_eq!(app.get("/api/customers/new", &token).await.body["arr"], 16_800);
}

#[tokio::test]
async fn header_breaking_text_is_refused() {
    let (app, token) = app_with_base().await;
    let bundle = json!({"customers": [{"external_id": "x", "name": "Evil\r\nBcc: all@victims.example", "plan": "professional", "seats_purchased": 1,
        "contacts": [{"name": "Eve", "email": "eve@x.example\nBcc: a@b.c"}]}]});
    let r = app.post_json("/api/import", &token, &bundle).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let locations: Vec<&str> =
        r.body["error"]["errors"].as_array().unwrap().iter().map(|e| e["location"].as_str().unwrap()).collect();
    assert_eq!(locations, ["customers[0].name", "customers[0].contacts[0].email"]);
}

#[tokio::test]
async fn the_bundle_schema_is_published_and_kept_in_the_repo() {
    let (app, token) = app_with_base().await;
    let served = app.get("/api/schema/bundle.json", &token).await.body;
    let kept: Value = serde_json::from_str(include_str!("../../schema/bundle.schema.json")).unwrap();
    assert_eq!(served, kept, "schema/bundle.schema.json is stale: regenerate it (see README)");
    assert_eq!(served["properties"]["customers"]["type"], "array");
}

#[tokio::test]
async fn a_changed_catalog_shows_at_once_in_the_context() {
    let (app, token) = app_with_base().await;
    let before = app.get("/api/customers/acme/expansion-context", &token).await.body;
    assert_eq!(before["opportunity"]["target_plan"]["name"], "Enterprise");
    let rename = json!({"plans": [{"key": "enterprise", "name": "Enterprise Plus", "rank": 3, "annual_price_per_seat": 1680,
        "seat_limit": null, "api_calls_per_month": 5000000, "features": ["reports", "advanced_analytics"]}],
        "team": [{"email": "sarah@vendor.example", "name": "Sarah Chen-Lee", "role": "csm"}]});
    assert_eq!(app.post_json("/api/import", &token, &rename).await.status, StatusCode::OK);
    let after = app.get("/api/customers/acme/expansion-context", &token).await.body;
    assert_eq!(after["opportunity"]["target_plan"]["name"], "Enterprise Plus");
    assert_eq!(after["csm"]["name"], "Sarah Chen-Lee");
}
