//! Load figures for the insights (run by `scripts/bench-insights.sh`): a SQLite workspace with the demo's
//! plans and team plus 100,000 customers whose introductions went out with random approaches, outcomes,
//! recipient weekdays and hours, renewal distances and buying styles; then `GET /api/insights/approaches`,
//! `/timing` and `/styles` from one client, each timed end to end (the SQL aggregate, the estimates with
//! their intervals, the JSON).
//!
//! Usage: insights_load BINARY DATABASE_URL [INTRODUCTIONS] [REQUESTS]

use std::time::{Duration, Instant};

use time::macros::datetime;

// Shared by the load scripts; not every one uses every helper.
#[allow(dead_code)]
mod support;
use support::wait_healthy;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (binary, db) = (&args[1], &args[2]);
    let n: i64 = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let requests: usize = args.get(4).and_then(|n| n.parse().ok()).unwrap_or(50);
    let now = datetime!(2026-11-25 09:00 UTC);
    let (store, ws) = support::demo_store(db, now).await?;
    let member = store.member_by_email(&ws, "dana@vendor.example").await?.expect("the demo admin");
    let token = overture::http::auth::new_token();
    store.create_token(&member, &overture::http::auth::hash_token(&token), now).await?;
    drop(store);

    // Customers and their introduced opportunities, made by SQLite itself (a recursive counter).
    let started = Instant::now();
    let pool = sqlx::SqlitePool::connect(db).await?;
    let ws_id = ws.id;
    sqlx::query(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) \
         INSERT INTO customers (workspace_id, external_id, name, plan_key, seats_purchased, arr, industry, \
         created_at, updated_at) SELECT {ws_id}, 'load-' || i, 'Load customer ' || i, \
         CASE i % 3 WHEN 0 THEN 'starter' WHEN 1 THEN 'professional' ELSE 'enterprise' END, \
         (i * 37) % 900 + 5, 12000, \
         CASE i % 8 WHEN 0 THEN 'Software' WHEN 1 THEN 'Healthcare' WHEN 2 THEN 'Finance' WHEN 3 THEN 'Retail' \
         WHEN 4 THEN 'Education' WHEN 5 THEN 'Media' WHEN 6 THEN 'Logistics' ELSE 'Energy' END, \
         '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM n"
    ))
    .execute(&pool)
    .await?;
    sqlx::query(&format!(
        "INSERT INTO opportunities (workspace_id, customer_id, kind, target_plan_key, seats, annual_value, \
         rationale, main_signal, ae_recommended, ae_reason, status, approach, intro_sent_at, intro_response, \
         meeting_booked_at, outcome_at, segment_plan, segment_size, segment_industry, sent_weekday, sent_hour, \
         sent_days_to_renewal, sent_style, created_at, updated_at) \
         SELECT {ws_id}, c.id, 'plan_upgrade', 'enterprise', c.seats_purchased, 48000, 'load', \
         CASE abs(random()) % 6 WHEN 0 THEN 'seat_limit' WHEN 1 THEN 'api_limit' WHEN 2 THEN 'growth_trend' \
         WHEN 3 THEN 'feature_request' WHEN 4 THEN 'success_milestone' ELSE 'renewal_window' END, 0, '', \
         'intro_sent', \
         CASE abs(random()) % 4 WHEN 0 THEN 'educational' WHEN 1 THEN 'problem_solving' WHEN 2 THEN 'value_add' \
         ELSE 'proactive' END, \
         '2026-09-01T09:00:00Z', \
         CASE abs(random()) % 5 WHEN 0 THEN 'positive' WHEN 1 THEN 'negative' WHEN 2 THEN 'neutral' ELSE NULL END, \
         CASE WHEN abs(random()) % 10 = 0 THEN '2026-09-10T09:00:00Z' END, NULL, c.plan_key, \
         CASE WHEN c.seats_purchased <= 25 THEN '1-25' WHEN c.seats_purchased <= 100 THEN '26-100' \
         WHEN c.seats_purchased <= 500 THEN '101-500' ELSE '500+' END, c.industry, \
         abs(random()) % 7, abs(random()) % 24, \
         CASE WHEN abs(random()) % 10 = 0 THEN NULL ELSE abs(random()) % 400 - 20 END, \
         CASE abs(random()) % 6 WHEN 0 THEN 'analytical' WHEN 1 THEN 'driver' WHEN 2 THEN 'amiable' \
         WHEN 3 THEN 'expressive' ELSE 'unknown' END, \
         '2026-09-01T09:00:00Z', '2026-09-01T09:00:00Z' \
         FROM customers c WHERE c.workspace_id = {ws_id} AND c.external_id LIKE 'load-%'"
    ))
    .execute(&pool)
    .await?;
    sqlx::query(
        "UPDATE opportunities SET status = CASE abs(random()) % 3 WHEN 0 THEN 'won' ELSE 'lost' END, \
                 outcome_at = '2026-10-15T09:00:00Z' WHERE rationale = 'load' AND abs(random()) % 4 = 0",
    )
    .execute(&pool)
    .await?;
    sqlx::query("PRAGMA optimize").execute(&pool).await?;
    pool.close().await;
    println!("made {n} introduced customers in {:.1} s", started.elapsed().as_secs_f64());

    let port = 18795;
    let server = support::serve(binary, db, port, &[]);
    let base = format!("http://127.0.0.1:{port}");
    let result = run(&base, &token, requests).await;
    support::stop(server)?;
    result
}

async fn run(base: &str, token: &str, requests: usize) -> anyhow::Result<()> {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build()?;
    wait_healthy(&http, base).await;
    let get = |path: &str| http.get(format!("{base}{path}")).bearer_auth(token).send();
    let body: serde_json::Value = get("/api/insights/approaches").await?.json().await?;
    println!(
        "approaches: {} introductions with an outcome, {} segments; first line: {}",
        body["outcomes"],
        body["segments"].as_array().map_or(0, Vec::len),
        body["summary"][0].as_str().unwrap_or("")
    );
    let body: serde_json::Value = get("/api/insights/timing").await?.json().await?;
    println!("timing: {} timed; first line: {}", body["timed"], body["summary"][0].as_str().unwrap_or(""));
    let body: serde_json::Value = get("/api/insights/styles").await?.json().await?;
    println!("styles: {} with a style; first line: {}", body["with_style"], body["summary"][0].as_str().unwrap_or(""));
    for path in ["/api/insights/approaches", "/api/insights/timing", "/api/insights/styles"] {
        let started = Instant::now();
        let (http, url, token) = (http.clone(), format!("{base}{path}"), token.to_string());
        let client = tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(requests);
            for _ in 0..requests {
                let t = Instant::now();
                let r = http.get(&url).bearer_auth(&token).send().await;
                let ok = match r {
                    Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                    Err(_) => false,
                };
                latencies.push(t.elapsed());
                assert!(ok, "insights answered");
            }
            latencies
        });
        support::report(&format!("GET {path}, 1 client"), vec![client], started).await;
    }
    Ok(())
}
