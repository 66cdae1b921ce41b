//! Load figures for the tracking endpoints (run by `scripts/bench-tracking.sh`): 64 concurrent clients
//! fetch open pixels and follow tracked links of 200 sent messages on an `overture serve` over SQLite,
//! first as fast as they can, then at a fixed 10,000 events/s. At the end the events in the database
//! are counted against the requests that were answered: none may be missing.
//!
//! Usage: tracking_load BINARY DATABASE_URL [SECONDS]

use std::sync::Arc;
use std::time::{Duration, Instant};

use overture::domain::DraftId;
use overture::engagement::tracking::{Claim, TrackingKeys};
use time::macros::datetime;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

// Shared by the load scripts; this one stops its server gracefully (SIGTERM flushes the spool).
#[allow(dead_code)]
mod support;
use support::wait_healthy;

const CLIENTS: usize = 64;
const MESSAGES: usize = 200;
const LINKS: u16 = 3;
const KEYS: &str = "b1:bench-tracking-secret-0123456789abcdef";

/// A minimal HTTP/1.1 keep-alive client, so that the load generator leaves the server most of the
/// two cores (reqwest costs about as much CPU per request as the server does).
struct Conn {
    stream: BufReader<TcpStream>,
    line: String,
}

impl Conn {
    async fn open(addr: &str) -> Conn {
        let stream = TcpStream::connect(addr).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        Conn { stream: BufReader::new(stream), line: String::new() }
    }

    /// Sends a GET and reads the whole response; returns the status.
    async fn get(&mut self, path: &str) -> u16 {
        let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: {UA}\r\n\r\n");
        self.stream.get_mut().write_all(request.as_bytes()).await.expect("write");
        self.line.clear();
        self.stream.read_line(&mut self.line).await.expect("status line");
        let status = self.line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let mut length = 0usize;
        loop {
            self.line.clear();
            self.stream.read_line(&mut self.line).await.expect("header");
            let header = self.line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0u8; length];
        self.stream.read_exact(&mut body).await.expect("body");
        status
    }
}

const UA: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)";

/// Runs the clients for `seconds`, as fast as they go or at `rate` events/s in all; returns the
/// number of answered requests.
async fn load(addr: &str, paths: Arc<Vec<String>>, seconds: f64, rate: Option<f64>) -> usize {
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(seconds);
    let mut clients = Vec::new();
    for k in 0..CLIENTS {
        let (addr, paths) = (addr.to_string(), paths.clone());
        clients.push(tokio::spawn(async move {
            let mut conn = Conn::open(&addr).await;
            let mut latencies = Vec::new();
            if let Some(r) = rate {
                tokio::time::sleep(Duration::from_secs_f64(k as f64 / r)).await;
            }
            let mut pace = rate.map(|r| {
                let mut i = tokio::time::interval(Duration::from_secs_f64(CLIENTS as f64 / r));
                i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
                i
            });
            let mut i = k;
            while Instant::now() < deadline {
                if let Some(pace) = pace.as_mut() {
                    pace.tick().await;
                }
                let path = &paths[i % paths.len()];
                i += CLIENTS;
                let t = Instant::now();
                let status = conn.get(path).await;
                latencies.push(t.elapsed());
                assert!(status == 200 || status == 302, "{path} answered {status}");
            }
            latencies
        }));
    }
    let mode = rate.map_or("saturated".to_string(), |r| format!("offered {r:.0} events/s"));
    support::report(&format!("tracking (pixel 75%, click 25%), {CLIENTS} clients, {mode}"), clients, started).await
}

/// One thread for the clients: the load generator should cost the server as little CPU as it can.
#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, binary, db, rest @ ..] = args.as_slice() else {
        anyhow::bail!("usage: tracking_load BINARY DATABASE_URL [SECONDS]");
    };
    let seconds: f64 = rest.first().map_or(Ok(10.0), |s| s.parse())?;
    let now = datetime!(2026-11-25 09:00 UTC);

    // Sent messages to track: drafts of the demo workspace with their links stored.
    let (store, ws) = support::demo_store(db, now).await?;
    let keys = TrackingKeys::parse(KEYS).map_err(anyhow::Error::msg)?;
    let addr = "127.0.0.1:18793";
    let base = format!("http://{addr}");
    let mut paths = Vec::new();
    let drafts = support::acme_drafts(&store, &ws, now, MESSAGES, &Default::default()).await?;
    for draft in &drafts {
        let links: Vec<String> = (0..LINKS).map(|i| format!("https://docs.vendor.example/guide/{i}")).collect();
        store.save_tracked_links(DraftId(draft.id.0), &links).await?;
        // Issued an hour before the load: no event falls in the link scanners' window.
        let claim =
            Claim { workspace_id: ws.id, draft_id: draft.id.0, link: None, issued: now.unix_timestamp() - 3600 };
        for _ in 0..3 {
            paths.push(format!("/t/o/{}", keys.sign(&claim)));
        }
        paths.push(format!("/t/c/{}", keys.sign(&Claim { link: Some(draft.id.0 as u16 % LINKS), ..claim })));
    }
    let before = store.count_events(ws.id).await?;

    let http = reqwest::Client::new();
    let env = [("OVERTURE_TRACKING_KEYS", KEYS.to_string()), ("OVERTURE_TRACKING_RATE_LIMIT", "1000000".to_string())];
    let mut server = support::serve(binary, db, 18793, &env);
    wait_healthy(&http, &base).await;
    let paths = Arc::new(paths);
    let mut answered = load(addr, paths.clone(), seconds, None).await;
    answered += load(addr, paths, seconds, Some(10_000.0)).await;
    // How much of the two cores the server used (the clients had the rest).
    if let Ok(stat) = std::fs::read_to_string(format!("/proc/{}/stat", server.id())) {
        let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or_default().split_whitespace().collect();
        let ticks: f64 = fields.get(11..13).map_or(0.0, |f| f.iter().filter_map(|t| t.parse::<f64>().ok()).sum());
        println!("server CPU: {:.1} s over {:.0} s of load", ticks / 100.0, 2.0 * seconds);
    }
    // A clean stop, then count: every answered request must be a stored event.
    let _ = std::process::Command::new("kill").args(["-TERM", &server.id().to_string()]).status();
    let _ = server.wait();
    let stored = (store.count_events(ws.id).await? - before) as usize;
    println!("answered {answered} requests; {stored} events stored; missing {}", answered.saturating_sub(stored));
    anyhow::ensure!(stored == answered, "events were lost or doubled");
    Ok(())
}
