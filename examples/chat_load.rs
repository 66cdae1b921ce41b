//! Load figures for the web app (run by `scripts/bench-chat.sh`):
//! 1. the first page load: the bytes of the sign-in page, the app page and their assets;
//! 2. `POST /api/chat` "Introduce upsell to Acme Corp" (context, recommendation and a stored draft) from
//!    one client, then from 8 concurrent clients; latency percentiles.
//!
//! Usage: chat_load BINARY DATABASE_URL [REQUESTS]

use std::time::{Duration, Instant};

use time::macros::datetime;

// Shared by the load scripts; not every one uses every helper.
#[allow(dead_code)]
mod support;
use support::wait_healthy;

const MESSAGE: &str = "Introduce upsell to Acme Corp";

async fn chat_clients(http: &reqwest::Client, base: &str, token: &str, clients: usize, per_client: usize, what: &str) {
    let started = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..clients {
        let (http, base, token) = (http.clone(), base.to_string(), token.to_string());
        handles.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(per_client);
            for _ in 0..per_client {
                let t = Instant::now();
                let r = http
                    .post(format!("{base}/api/chat"))
                    .bearer_auth(&token)
                    .json(&serde_json::json!({ "message": MESSAGE }))
                    .send()
                    .await
                    .expect("an answer");
                let status = r.status();
                let body: serde_json::Value = r.json().await.expect("JSON");
                latencies.push(t.elapsed());
                assert_eq!(status, 200, "{body}");
                let cards = body["messages"][1]["cards"].as_array().map_or(0, Vec::len);
                assert_eq!(cards, 3, "context, recommendation and draft: {body}");
            }
            latencies
        }));
    }
    support::report(what, handles, started).await;
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (binary, db) = (&args[1], &args[2]);
    let requests: usize = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(1000);
    let now = datetime!(2026-11-25 09:00 UTC);
    let (store, ws) = support::demo_store(db, now).await?;
    let member = store.member_by_email(&ws, overture::demo::DEMO_CSM).await?.expect("the demo CSM");
    let token = overture::http::auth::new_token();
    store.create_token(&member, &overture::http::auth::hash_token(&token), now).await?;
    drop(store);

    let port = 18794;
    let outbox = format!("file:{}", std::env::temp_dir().join("overture-chat-load-outbox").display());
    let server = support::serve(binary, db, port, &[("OVERTURE_MAIL", outbox)]);
    let base = format!("http://127.0.0.1:{port}");
    let result = run(&base, &token, requests).await;
    support::stop(server)?;
    result
}

async fn run(base: &str, token: &str, requests: usize) -> anyhow::Result<()> {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?;
    wait_healthy(&http, base).await;

    // The first page load, as a browser makes it (uncompressed bytes of the bodies).
    let mut bytes = 0;
    for path in ["/signin", "/assets/signin.js", "/assets/app.css", "/assets/icon.svg"] {
        bytes += http.get(format!("{base}{path}")).send().await?.bytes().await?.len();
    }
    let signed_in =
        http.post(format!("{base}/api/session")).json(&serde_json::json!({ "token": token })).send().await?;
    let cookie = signed_in.headers()["set-cookie"].to_str()?.split(';').next().unwrap_or_default().to_string();
    bytes += signed_in.bytes().await?.len();
    let mut app_bytes = 0;
    for path in ["/", "/assets/app.js", "/api/session", "/api/chat"] {
        app_bytes += http.get(format!("{base}{path}")).header("cookie", &cookie).send().await?.bytes().await?.len();
    }
    println!(
        "first page load: sign-in page {:.1} KB, then the app {:.1} KB (target: under 200 KB)",
        bytes as f64 / 1024.0,
        app_bytes as f64 / 1024.0
    );

    // Warm up (the first request loads the catalog and the name index).
    chat_clients(&http, base, token, 1, 20, "warm-up, 1 client").await;
    chat_clients(&http, base, token, 1, requests, &format!("POST /api/chat \"{MESSAGE}\", 1 client")).await;
    chat_clients(&http, base, token, 8, requests / 8, &format!("POST /api/chat \"{MESSAGE}\", 8 clients")).await;
    Ok(())
}
