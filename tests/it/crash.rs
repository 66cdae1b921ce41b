//! Crash safety of the outbox: an `overture serve` process is killed (SIGKILL) while 200 approved
//! drafts drain to a real SMTP server, then started again. No draft may be lost, each is recorded as sent
//! once, and a second copy can only be a message that was in flight at the kill (the SMTP call is the
//! one window; it carries the same Message-ID, fixed at approval). On PostgreSQL three processes share
//! the work.

use std::collections::HashMap;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::json;

use crate::common::TestApp;
use crate::mail::SmtpServer;

const DRAFTS: usize = 200;
/// Deliveries in flight in the process that is killed: at most this many can arrive twice.
const KILLED_CONCURRENCY: usize = 2;

fn spawn(db_url: &str, mail: &str, concurrency: usize) -> Child {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    Command::new(env!("CARGO_BIN_EXE_overture"))
        .arg("serve")
        .env("OVERTURE_DATABASE_URL", db_url)
        .env("OVERTURE_BIND", format!("127.0.0.1:{port}"))
        .env("OVERTURE_MAIL", mail)
        .env("OVERTURE_NOW", "2026-11-25T09:00:00Z")
        .env("OVERTURE_OUTBOX_CONCURRENCY", concurrency.to_string())
        .env("OVERTURE_OUTBOX_LEASE_SECS", "2")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the overture binary")
}

fn wait_until(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

async fn crash_and_recover(processes: usize) {
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let mut ids = Vec::new();
    for _ in 0..DRAFTS {
        // With the AE in copy there is one message per draft and no briefing.
        let id = app.compose("acme", &token, &json!({"cc_ae": true})).await;
        assert_eq!(app.send(&id, &token, &json!({}), None).await.status, StatusCode::ACCEPTED);
        ids.push(id);
    }
    let server = SmtpServer::start();
    let url = app.db.url.clone();

    let mut children: Vec<Child> = (0..processes).map(|_| spawn(&url, &server.url(), KILLED_CONCURRENCY)).collect();
    wait_until("the first deliveries", Duration::from_secs(60), || server.messages().len() >= 30);
    // SIGKILL: no chance to finish or give back what it holds.
    children[0].kill().unwrap();
    children[0].wait().unwrap();
    let at_kill = server.messages().len();
    assert!(at_kill < DRAFTS, "the kill came after the drain finished; the test proves nothing");
    children[0] = spawn(&url, &server.url(), 16);

    let ws = app.store().workspace("default").await.unwrap().unwrap();
    let started = Instant::now();
    loop {
        let counts = app.store().job_counts().await.unwrap();
        if counts.get("done") == Some(&(DRAFTS as i64)) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(90), "not drained: {counts:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for mut child in children {
        let _ = child.kill();
        let _ = child.wait();
    }

    let mut by_id: HashMap<String, usize> = HashMap::new();
    for m in server.messages() {
        *by_id.entry(m.message_id()).or_default() += 1;
    }
    assert_eq!(by_id.len(), DRAFTS, "every draft arrived, and nothing else");
    for id in &ids {
        let d = app.store().draft(&ws, id.parse().unwrap()).await.unwrap().unwrap();
        assert_eq!(d.status.as_str(), "sent", "{id}");
        assert!(by_id.contains_key(d.message_id.as_deref().unwrap()), "{id} was delivered");
    }
    let copies: usize = by_id.values().map(|n| n - 1).sum();
    assert!(
        copies <= KILLED_CONCURRENCY,
        "{copies} second copies; only the {KILLED_CONCURRENCY} deliveries in flight at the kill may repeat"
    );
    let sent_entries = app
        .store()
        .audit_log(&ws, 10_000, None)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "draft.sent")
        .count();
    assert_eq!(sent_entries, DRAFTS, "each draft recorded as sent once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_process_loses_nothing_and_repeats_only_what_was_in_flight() {
    // SQLite: one process; PostgreSQL: three sharing the work.
    let processes = if app_is_postgres() { 3 } else { 1 };
    crash_and_recover(processes).await;
}

fn app_is_postgres() -> bool {
    std::env::var("OVERTURE_TEST_POSTGRES_URL").is_ok_and(|u| !u.trim().is_empty())
}

/// `overture serve` with tracking keys and a spool of the test's own; returns it with its address.
fn spawn_tracking(db_url: &str, spool: &std::path::Path) -> (Child, String) {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(env!("CARGO_BIN_EXE_overture"))
        .arg("serve")
        .env("OVERTURE_DATABASE_URL", db_url)
        .env("OVERTURE_BIND", format!("127.0.0.1:{port}"))
        .env("OVERTURE_MAIL", format!("file:{}", spool.with_extension("outbox").display()))
        .env("OVERTURE_OUTBOX_CONCURRENCY", "0")
        .env("OVERTURE_TRACKING_KEYS", TRACKING_KEYS)
        .env("OVERTURE_TRACKING_RATE_LIMIT", "1000000")
        .env("OVERTURE_TRACKING_SPOOL", spool)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the overture binary");
    (child, format!("http://127.0.0.1:{port}"))
}

const TRACKING_KEYS: &str = "c1:crash-test-tracking-secret-0123456789";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tracking_events_answered_before_a_kill_are_all_stored() {
    use overture::engagement::tracking::{Claim, TrackingKeys};

    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let id = app.compose("acme", &token, &json!({})).await;
    let draft: overture::domain::DraftId = id.parse().unwrap();
    let ws = app.workspace("default").await;
    let keys = TrackingKeys::parse(TRACKING_KEYS).unwrap();
    let pixel = keys.sign(&Claim { workspace_id: ws.id, draft_id: draft.0, link: None, issued: 0 });
    let spool = tempfile::tempdir().unwrap();
    let spool = spool.path().join("tracking.spool");

    let (mut child, base) = spawn_tracking(&app.db.url, &spool);
    let http = reqwest::Client::new();
    wait_until("the server", Duration::from_secs(20), || {
        std::net::TcpStream::connect(base.trim_start_matches("http://")).is_ok()
    });
    // 32 clients hit the pixel until the process is killed under them.
    let answered = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut clients = Vec::new();
    for _ in 0..32 {
        let (http, url, answered) = (http.clone(), format!("{base}/t/o/{pixel}"), answered.clone());
        clients.push(tokio::spawn(async move {
            while let Ok(r) =
                http.get(&url).header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0").send().await
            {
                if r.status() == 200 {
                    answered.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
            }
        }));
    }
    wait_until("some answered opens", Duration::from_secs(30), || {
        answered.load(std::sync::atomic::Ordering::SeqCst) >= 2000
    });
    child.kill().unwrap();
    child.wait().unwrap();
    for c in clients {
        c.await.unwrap();
    }
    let answered = answered.load(std::sync::atomic::Ordering::SeqCst);

    // The next start stores what the killed process had spooled but not yet committed.
    let (mut child, base) = spawn_tracking(&app.db.url, &spool);
    wait_until("the restarted server", Duration::from_secs(20), || {
        std::net::TcpStream::connect(base.trim_start_matches("http://")).is_ok()
    });
    let stored = app.store().count_events(ws.id).await.unwrap() as usize;
    let _ = child.kill();
    let _ = child.wait();
    assert!(stored >= answered, "{answered} opens were answered but only {stored} stored");
    // Requests cut off by the kill may have been written but not answered: a handful at most.
    assert!(stored <= answered + 64, "{stored} stored for {answered} answered");
}

#[tokio::test]
async fn a_spool_is_replayed_only_into_its_own_database() {
    use overture::engagement::EventWriter;

    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let draft: overture::domain::DraftId = app.compose("acme", &token, &json!({})).await.parse().unwrap();
    let ws = app.workspace("default").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tracking.spool");
    let line = |seq: u64| {
        format!(
            "{{\"s\":{seq},\"w\":{},\"d\":{},\"k\":\"open\",\"l\":null,\"a\":\"2026-11-25T09:00:00Z\",\"u\":\"Firefox\",\"m\":null}}\n",
            ws.id, draft.0
        )
    };

    // A spool left by another database: set aside, nothing replayed.
    std::fs::write(&path, format!("{{\"spool_for\":\"another-database\"}}\n{}{}", line(1), line(2))).unwrap();
    let _writer = EventWriter::start_spooled(app.store().clone(), &path).await.unwrap();
    assert_eq!(app.store().count_events(ws.id).await.unwrap(), 0);
    let aside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("orphaned"))
        .collect();
    assert_eq!(aside.len(), 1, "the foreign spool is kept aside for a person to look at");

    // Its own spool, with a line torn by a crash: the whole lines are replayed, once.
    let header = std::fs::read_to_string(&path).unwrap();
    assert!(header.starts_with("{\"spool_for\":\""), "{header}");
    std::fs::write(&path, format!("{header}{}{}{{\"s\":3,\"w\"", line(1), line(2))).unwrap();
    let _writer = EventWriter::start_spooled(app.store().clone(), &path).await.unwrap();
    assert_eq!(app.store().count_events(ws.id).await.unwrap(), 2);
    std::fs::write(&path, format!("{header}{}{}", line(1), line(2))).unwrap();
    let _writer = EventWriter::start_spooled(app.store().clone(), &path).await.unwrap();
    assert_eq!(app.store().count_events(ws.id).await.unwrap(), 2, "lines already in the database are not stored again");
}
