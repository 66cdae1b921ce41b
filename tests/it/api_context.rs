//! `GET /api/customers/:id/expansion-context` on the demo workspace, as of 2026-11-25.

use axum::http::StatusCode;
use serde_json::Value;

use crate::common::TestApp;

async fn context(app: &TestApp, id: &str) -> Value {
    let token = app.csm_token().await;
    let r = app.get(&format!("/api/customers/{id}/expansion-context"), &token).await;
    assert_eq!(r.status, StatusCode::OK, "{id}: {}", r.body);
    r.body
}

fn signal<'a>(ctx: &'a Value, kind: &str) -> Option<&'a Value> {
    ctx["signals"].as_array().unwrap().iter().find(|s| s["kind"] == kind)
}

#[tokio::test]
async fn acme_matches_the_prd() {
    let app = TestApp::with_demo().await;
    let ctx = context(&app, "acme").await;
    let c = &ctx["customer"];
    assert_eq!(c["name"], "Acme Corp");
    assert_eq!(c["plan"]["name"], "Professional");
    assert_eq!(c["arr"], 120000);
    assert_eq!(c["health_score"], 87);
    assert_eq!(c["renewal_date"], "2027-03-01");
    assert_eq!(c["days_to_renewal"], 96);
    assert_eq!(ctx["contact"]["name"], "Jennifer Walsh");
    assert_eq!(ctx["contact"]["email"], "jennifer@acme.example");
    assert_eq!(ctx["csm"]["name"], "Sarah Chen");
    assert_eq!(ctx["ae"]["email"], "mike@vendor.example");

    let seats = &ctx["usage"]["seats"];
    assert_eq!(
        (seats["used"].as_i64(), seats["purchased"].as_i64(), seats["plan_limit"].as_i64()),
        (Some(98), Some(100), Some(100))
    );
    assert_eq!(seats["utilization"], 0.98);
    assert_eq!(seats["monthly_active_users"], 86);
    assert_eq!(ctx["usage"]["as_of"], "2026-11-24");
    let api = &ctx["usage"]["api_calls"];
    assert_eq!((api["last_30_days"].as_i64(), api["limit"].as_i64()), (Some(850_000), Some(1_000_000)));
    assert_eq!(api["utilization"], 0.85);

    let requested: Vec<&str> =
        ctx["feature_requests"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(requested, ["API priority", "Advanced analytics"]);
    assert_eq!(ctx["feature_requests"][0]["available_in"][0], "enterprise");

    assert_eq!(ctx["signals"][0]["kind"], "seat_limit");
    assert_eq!(ctx["signals"][0]["summary"], "98 of 100 licences in use");
    assert!(signal(&ctx, "api_limit").is_some());
    assert!(signal(&ctx, "feature_request").is_some());

    let o = &ctx["opportunity"];
    assert_eq!(o["kind"], "plan_upgrade");
    assert_eq!(o["target_plan"]["key"], "enterprise");
    assert_eq!(o["annual_value"], 48000);
    assert_eq!(o["status"], "identified");
    assert!(o["id"].as_str().unwrap().starts_with("opp_"));

    assert_eq!(ctx["recommendation"]["approach"], "problem_solving");
    assert!(ctx["recommendation"]["reasons"][0].as_str().unwrap().contains("98 of 100 licences"));
    assert_eq!(ctx["ae_involvement"]["recommended"], true);
}

#[tokio::test]
async fn customers_are_found_by_id_external_id_or_name() {
    let app = TestApp::with_demo().await;
    let by_ext = context(&app, "acme").await;
    let id = by_ext["customer"]["id"].as_str().unwrap().to_string();
    assert_eq!(context(&app, &id).await["customer"]["external_id"], "acme");
    assert_eq!(context(&app, "acme%20corp").await["customer"]["id"], id.as_str());

    let token = app.csm_token().await;
    let ambiguous = app.get("/api/customers/Northwind/expansion-context", &token).await;
    assert_eq!(ambiguous.status, StatusCode::CONFLICT);
    assert_eq!(ambiguous.error_code(), "ambiguous_customer");
    let candidates: Vec<&str> = ambiguous.body["error"]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["external_id"].as_str().unwrap())
        .collect();
    assert_eq!(candidates.len(), 2);
    assert!(candidates.contains(&"northwind-eu") && candidates.contains(&"northwind-us"));

    let missing = app.get("/api/customers/nobody/expansion-context", &token).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.error_code(), "not_found");
}

#[tokio::test]
async fn unlimited_top_plan_without_constraints_has_no_expansion_path() {
    let app = TestApp::with_demo().await;
    let ctx = context(&app, "hooli").await;
    assert_eq!(ctx["usage"]["seats"]["plan_limit"], Value::Null);
    assert_eq!(ctx["usage"]["api_calls"]["limit"], Value::Null);
    assert_eq!(ctx["usage"]["api_calls"]["utilization"], Value::Null);
    assert!(ctx["usage"]["api_calls"]["last_30_days"].as_i64().unwrap() > 0);
    assert_eq!(ctx["opportunity"], Value::Null);
    assert_eq!(ctx["ae_involvement"]["recommended"], false);
}

#[tokio::test]
async fn growth_on_an_unlimited_plan_is_a_signal_without_a_limit_date() {
    let app = TestApp::with_demo().await;
    let ctx = context(&app, "wayne").await;
    let growth = signal(&ctx, "growth_trend").expect("growth signal");
    assert!(growth["summary"].as_str().unwrap().contains("a month over the last 90 days"));
    assert_eq!(growth["evidence"]["api_calls"]["limit_reached_on"], Value::Null);
    assert!(signal(&ctx, "api_limit").is_none());
}

#[tokio::test]
async fn a_customer_without_usage_has_empty_figures() {
    let app = TestApp::with_demo().await;
    let ctx = context(&app, "piedpiper").await;
    assert_eq!(ctx["usage"]["as_of"], Value::Null);
    assert_eq!(ctx["usage"]["seats"]["used"], Value::Null);
    assert_eq!(ctx["usage"]["seats"]["purchased"], 10);
    assert_eq!(ctx["usage"]["seats"]["utilization"], Value::Null);
    assert_eq!(ctx["usage"]["api_calls"]["last_30_days"], Value::Null);
    assert_eq!(ctx["signals"], serde_json::json!([]));
    assert_eq!(ctx["opportunity"], Value::Null);
    assert_eq!(ctx["ae"], Value::Null);
}

#[tokio::test]
async fn a_renewal_in_30_days_opens_a_proactive_conversation() {
    let app = TestApp::with_demo().await;
    let ctx = context(&app, "vandelay").await;
    assert_eq!(ctx["customer"]["days_to_renewal"], 30);
    let renewal = signal(&ctx, "renewal_window").expect("renewal signal");
    assert_eq!(renewal["summary"], "Renewal in 30 days (2026-12-25)");
    assert_eq!(ctx["opportunity"]["target_plan"]["key"], "enterprise");
    assert_eq!(ctx["recommendation"]["approach"], "proactive");
}

#[tokio::test]
async fn growth_without_limits_suggests_the_next_plan() {
    let app = TestApp::with_demo().await;
    let ctx = context(&app, "soylent").await;
    assert!(signal(&ctx, "growth_trend").is_some());
    assert!(signal(&ctx, "seat_limit").is_none() && signal(&ctx, "api_limit").is_none());
    assert_eq!(ctx["opportunity"]["kind"], "plan_upgrade");
    assert_eq!(ctx["opportunity"]["target_plan"]["key"], "enterprise");
}

#[tokio::test]
async fn seats_only_is_a_seat_expansion_the_csm_can_lead() {
    let app = TestApp::with_demo().await;
    let ctx = context(&app, "umbrella").await;
    let o = &ctx["opportunity"];
    assert_eq!(o["kind"], "seat_expansion");
    assert_eq!(o["target_plan"]["key"], "professional");
    // 74 → 76 seats in 90 days; sized for three months ahead (78) at 80% use: 98, in fives 100.
    assert_eq!((o["seats"].as_i64(), o["annual_value"].as_i64()), (Some(100), Some(24_000)));
    assert_eq!(ctx["ae_involvement"]["recommended"], false);
}

#[tokio::test]
async fn api_limit_alone_moves_to_a_plan_with_more_capacity() {
    let app = TestApp::with_demo().await;
    let ctx = context(&app, "globex").await;
    assert_eq!(ctx["signals"][0]["kind"], "api_limit");
    assert_eq!(ctx["usage"]["api_calls"]["utilization"], 0.92);
    assert_eq!(ctx["opportunity"]["target_plan"]["key"], "enterprise");
    assert_eq!(ctx["recommendation"]["approach"], "problem_solving");
}

#[tokio::test]
async fn success_without_limits_recommends_value_add() {
    let app = TestApp::with_demo().await;
    let ctx = context(&app, "massive").await;
    assert!(signal(&ctx, "success_milestone").unwrap()["summary"]
        .as_str()
        .unwrap()
        .contains("Rolled out to all five research sites"));
    assert_eq!(ctx["recommendation"]["approach"], "value_add");
}

#[tokio::test]
async fn a_missing_ae_is_said_when_one_is_recommended() {
    let app = TestApp::with_demo().await;
    let ctx = context(&app, "gringotts").await;
    assert_eq!(ctx["ae"], Value::Null);
    assert_eq!(ctx["ae_involvement"]["recommended"], true);
    assert!(ctx["ae_involvement"]["reason"].as_str().unwrap().contains("no AE is assigned"));
}

#[tokio::test]
async fn opportunities_list_shows_what_detection_found() {
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let r = app.get("/api/opportunities?status=identified", &token).await;
    assert_eq!(r.status, StatusCode::OK);
    let list = r.body["opportunities"].as_array().unwrap();
    let acme = list.iter().find(|o| o["customer_name"] == "Acme Corp").expect("Acme listed");
    assert_eq!(acme["annual_value"], 48000);
    assert_eq!(acme["main_signal"], "seat_limit");
    assert_eq!(acme["intro_sent_at"], Value::Null);
    assert_eq!(acme["intro_response"], Value::Null);
    assert!(list.iter().all(|o| o["customer_name"] != "Hooli"));
    let values: Vec<i64> = list.iter().map(|o| o["annual_value"].as_i64().unwrap()).collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "sorted by value: {values:?}");

    let bad = app.get("/api/opportunities?status=maybe", &token).await;
    assert_eq!((bad.status, bad.error_code()), (StatusCode::BAD_REQUEST, "invalid_query"));
}

#[tokio::test]
async fn search_finds_customers_by_part_of_a_name() {
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let r = app.get("/api/customers?q=north", &token).await;
    let names: Vec<&str> =
        r.body["customers"].as_array().unwrap().iter().map(|c| c["external_id"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    let r = app.get("/api/customers?q=100%25", &token).await;
    assert_eq!(r.body["customers"], serde_json::json!([]), "% is matched literally");
    let all = app.get("/api/customers?limit=500", &token).await;
    assert_eq!(all.body["customers"].as_array().unwrap().len(), 25);
    let bad = app.get("/api/customers?limit=0", &token).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let one = app.get("/api/customers/acme", &token).await;
    let mut keys: Vec<&String> = one.body.as_object().unwrap().keys().collect();
    keys.sort();
    let expected = [
        "ae",
        "arr",
        "contacts",
        "csm",
        "external_id",
        "health_score",
        "id",
        "industry",
        "name",
        "plan",
        "renewal_date",
        "seats_purchased",
        "time_zone",
    ];
    assert_eq!(keys, expected);
    assert_eq!(
        (one.body["csm"].as_str(), one.body["ae"].as_str()),
        (Some("sarah@vendor.example"), Some("mike@vendor.example"))
    );
    assert_eq!(one.body["name"], "Acme Corp");
    assert_eq!(one.body["plan"], "professional");
    assert_eq!(one.body["contacts"][0]["email"], "jennifer@acme.example");
}
