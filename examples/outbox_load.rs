//! Load figures for sending (run by `scripts/bench-outbox.sh`):
//! 1. approval: 32 concurrent clients `POST /api/drafts/:id/send` on distinct drafts; latency percentiles;
//! 2. delivery: the outbox drains those approvals to an SMTP server; emails per second.
//!
//! Usage: outbox_load BINARY DATABASE_URL SMTP_URL [DRAFTS]

use std::sync::Arc;
use std::time::{Duration, Instant};

use overture::services::DraftRequest;
use time::macros::datetime;

mod support;
use support::wait_healthy;

fn serve(binary: &str, db: &str, mail: &str, port: u16, concurrency: usize) -> std::process::Child {
    let env = [("OVERTURE_MAIL", mail.to_string()), ("OVERTURE_OUTBOX_CONCURRENCY", concurrency.to_string())];
    support::serve(binary, db, port, &env)
}

const CLIENTS: usize = 32;

/// Requests per second of the fixed-rate run.
const RATE: f64 = 500.0;

/// Approves `ids` from 32 clients, as fast as they can or at `rate` in all; prints the figures.
async fn approve_all(http: &reqwest::Client, base: &str, token: &str, ids: Vec<String>, rate: Option<f64>) {
    let n = ids.len();
    let queue = Arc::new(std::sync::Mutex::new(ids));
    let started = Instant::now();
    let mut clients = Vec::new();
    for k in 0..CLIENTS {
        let (queue, http, base, token) = (queue.clone(), http.clone(), base.to_string(), token.to_string());
        clients.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            // Clients start spread over one period, so that a fixed rate means evenly spaced requests.
            if let Some(r) = rate {
                tokio::time::sleep(Duration::from_secs_f64(k as f64 / r)).await;
            }
            let mut pace = rate.map(|r| {
                let mut i = tokio::time::interval(Duration::from_secs_f64(CLIENTS as f64 / r));
                i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                i
            });
            loop {
                if let Some(pace) = pace.as_mut() {
                    pace.tick().await;
                }
                let Some(id) = queue.lock().ok().and_then(|mut q| q.pop()) else { break };
                let t = Instant::now();
                let r = http.post(format!("{base}/api/drafts/{id}/send")).bearer_auth(&token).send().await;
                latencies.push(t.elapsed());
                assert_eq!(r.map(|r| r.status().as_u16()).unwrap_or(0), 202, "approving {id}");
            }
            latencies
        }));
    }
    let mode = rate.map_or("saturated".to_string(), |r| format!("at a fixed {r:.0} req/s"));
    support::report(&format!("approval (POST send), {CLIENTS} clients, {mode}, {n} drafts"), clients, started).await;
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, binary, db, smtp, rest @ ..] = args.as_slice() else {
        anyhow::bail!("usage: outbox_load BINARY DATABASE_URL SMTP_URL [DRAFTS]");
    };
    let n: usize = rest.first().map_or(Ok(2000), |s| s.parse())?;
    let now = datetime!(2026-11-25 09:00 UTC);

    // Drafts composed in-process: the figures below are for approving and delivering them.
    let (store, ws) = support::demo_store(db, now).await?;
    let member = store.member_by_email(&ws, "sarah@vendor.example").await?.expect("Sarah");
    let token = overture::http::auth::new_token();
    store.create_token(&member, &overture::http::auth::hash_token(&token), now).await?;
    let request = DraftRequest { cc_ae: true, requested_by: Some(member.clone()), ..Default::default() };
    let mut ids: Vec<String> =
        support::acme_drafts(&store, &ws, now, n, &request).await?.iter().map(|d| d.id.to_string()).collect();

    // 1. Approvals, with no worker in the server so that only the approval is measured.
    let port = 18791;
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let server = serve(binary, db, smtp, port, 0);
    wait_healthy(&http, &base).await;
    // Half the drafts as fast as 32 clients can go, the other half at a fixed rate.
    let half = ids.split_off(n / 2);
    approve_all(&http, &base, &token, ids, None).await;
    approve_all(&http, &base, &token, half, Some(RATE)).await;
    support::stop(server)?;

    // 2. Delivery: a server with the outbox worker drains the approvals to the SMTP server.
    let started = Instant::now();
    let server = serve(binary, db, smtp, port, 32);
    let drained = async {
        loop {
            let counts = store.job_counts().await?;
            if counts.get("done").copied().unwrap_or(0) as usize >= n {
                return Ok(());
            }
            anyhow::ensure!(!counts.contains_key("failed"), "deliveries failed: {counts:?}");
            anyhow::ensure!(started.elapsed() < Duration::from_secs(600), "not drained: {counts:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    .await;
    support::stop(server)?;
    drained?;
    let elapsed = started.elapsed();
    println!(
        "delivery to {smtp}: {n} emails in {:.2} s = {:.0} emails/s (including server start)",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}
