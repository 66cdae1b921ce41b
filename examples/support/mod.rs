//! What the load scripts share: starting `overture serve`, waiting for it, percentiles.

use std::time::Duration;

pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
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

pub async fn wait_healthy(http: &reqwest::Client, base: &str) {
    for _ in 0..200 {
        if http.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not start");
}
