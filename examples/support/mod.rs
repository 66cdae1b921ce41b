//! What the load scripts share: starting `overture serve`, waiting for it, percentiles.

use std::time::Duration;

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Waits for the client tasks and prints one line: `what`, how many in how long, and the latency
/// percentiles. Returns how many requests were answered.
pub async fn report(
    what: &str,
    clients: Vec<tokio::task::JoinHandle<Vec<Duration>>>,
    started: std::time::Instant,
) -> usize {
    let mut latencies = Vec::new();
    for c in clients {
        latencies.extend(c.await.expect("a client"));
    }
    let elapsed = started.elapsed();
    latencies.sort();
    println!(
        "{what}: {} in {:.1} s = {:.0}/s, p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.9),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0),
    );
    latencies.len()
}

/// `overture serve` on `port` with the business clock fixed and extra settings.
pub fn serve(binary: &str, db: &str, port: u16, env: &[(&str, String)]) -> std::process::Child {
    let mut command = std::process::Command::new(binary);
    command
        .arg("serve")
        .env("OVERTURE_DATABASE_URL", db)
        .env("OVERTURE_BIND", format!("127.0.0.1:{port}"))
        .env("OVERTURE_NOW", "2026-11-25T09:00:00Z")
        .env("RUST_LOG", "warn");
    for (k, v) in env {
        command.env(k, v);
    }
    command.spawn().expect("the overture binary")
}

/// Stops a server started by [`serve`] (killing fails only if it has already exited; wait either way).
pub fn stop(mut server: std::process::Child) -> anyhow::Result<()> {
    let _ = server.kill();
    server.wait()?;
    Ok(())
}

pub async fn wait_healthy(http: &reqwest::Client, base: &str) {
    for _ in 0..200 {
        if http.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not start");
}

/// A migrated store at `db` with the demo workspace loaded.
pub async fn demo_store(
    db: &str,
    now: time::OffsetDateTime,
) -> anyhow::Result<(std::sync::Arc<dyn overture::store::Store>, overture::store::Workspace)> {
    let store = overture::store::open(db).await?;
    store.migrate().await?;
    let ws = store.ensure_workspace("default", now).await?;
    let mut staged = overture::import::Staged::default();
    staged.add_bundle(overture::demo::bundle(now.date()));
    overture::import::run(&store, &ws, staged, Default::default(), now).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let ws = store.workspace("default").await?.ok_or_else(|| anyhow::anyhow!("no workspace"))?;
    Ok((store, ws))
}

/// `n` introductions to Acme composed and stored in-process, as `request` asks.
pub async fn acme_drafts(
    store: &std::sync::Arc<dyn overture::store::Store>,
    ws: &overture::store::Workspace,
    now: time::OffsetDateTime,
    n: usize,
    request: &overture::services::DraftRequest,
) -> anyhow::Result<Vec<overture::domain::Draft>> {
    use overture::services::{self, Catalog, Lookup};
    let catalog = Catalog::load(store, ws).await?;
    let composer = overture::compose::Composer::new()?;
    let mut drafts = Vec::with_capacity(n);
    for _ in 0..n {
        let Lookup::Found(record) = services::find_customer_record(store, ws, "acme").await? else {
            anyhow::bail!("no Acme")
        };
        drafts.push(services::draft_introduction(store, &composer, &catalog, ws, record, request, now).await?.0);
    }
    Ok(drafts)
}
