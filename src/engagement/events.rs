//! Group commit for tracking events. A request hands its event to one writer task and waits; the
//! writer takes everything waiting as one batch and answers each request once the batch is safe:
//!
//! - directly: committed to the database (one statement a batch);
//! - spooled (`OVERTURE_TRACKING_SPOOL`, the default on SQLite): appended to a local spool file, whose
//!   data the kernel keeps even if the process is killed; a second task then commits the batches to
//!   the database in order, with the spool position in the same transaction, and a restart replays
//!   what the database does not have yet. The answer then waits for a `write`, not for a commit,
//!   which keeps the tail latency low on a busy SQLite.
//!
//! Either way a crash of the process cannot lose an event that was answered, and a burst costs one
//! write per batch instead of one per event. (A power cut can lose the last moments, as it can with
//! SQLite's `synchronous=NORMAL`.)

use std::collections::HashMap;
use std::io::{BufRead, Write as _};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use time::format_description::well_known::Rfc3339;

use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};

use super::tracking::{Claim, RateLimiter, TrackingKeys};
use crate::domain::DraftId;
use crate::store::{Store, TrackingEvent};

/// Events stored in one statement at most (one round trip to the database).
const MAX_BATCH: usize = 500;

type Pending = (TrackingEvent, oneshot::Sender<bool>);

#[derive(Clone)]
pub struct EventWriter {
    queue: mpsc::Sender<Pending>,
    /// Spooled: the last sequence number written to the spool, and the last in the database.
    progress: Option<(Arc<AtomicU64>, Arc<AtomicU64>)>,
}

impl EventWriter {
    /// Starts the writer task on the current runtime.
    pub fn start(store: Arc<dyn Store>) -> EventWriter {
        let (queue, mut incoming) = mpsc::channel::<Pending>(16 * 1024);
        tokio::spawn(async move {
            let mut batch: Vec<Pending> = Vec::with_capacity(MAX_BATCH);
            while next_batch(&mut incoming, &mut batch).await {
                let events: Vec<TrackingEvent> = batch.iter().map(|(e, _)| e.clone()).collect();
                let stored = match store.record_events(&events).await {
                    Ok(()) => true,
                    Err(e) => {
                        tracing::error!(error = ?e, events = events.len(), "storing tracking events failed");
                        false
                    }
                };
                answer(&mut batch, stored);
            }
        });
        EventWriter { queue, progress: None }
    }

    /// Waits (up to `timeout`) until every spooled event is in the database; true when it is.
    pub async fn flush(&self, timeout: Duration) -> bool {
        let Some((written, applied)) = &self.progress else { return true };
        let started = std::time::Instant::now();
        while applied.load(Ordering::Acquire) < written.load(Ordering::Acquire) {
            if started.elapsed() > timeout {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        true
    }

    /// Starts a spooled writer on `path` after replaying into the database what an earlier run left.
    pub async fn start_spooled(store: Arc<dyn Store>, path: &Path) -> anyhow::Result<EventWriter> {
        let source = format!("tracking-spool:{}", path.display());
        let applied: u64 = store.cursor(&source).await?.and_then(|c| c.parse().ok()).unwrap_or(0);
        // The spool names the database it belongs to: one left by another database is not replayed.
        let database =
            store.server_key("tracking-spool-id", &TrackingKeys::random_secret(), OffsetDateTime::now_utc()).await?;
        let header = format!("{{\"spool_for\":\"{database}\"}}\n");
        let mut last = applied;
        if path.exists() {
            let file = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
            let mut lines = std::io::BufReader::new(file).lines();
            let first = lines.next().and_then(|l| l.ok()).unwrap_or_default();
            let ours = first.trim() == header.trim() || first.is_empty();
            if !ours {
                let aside = path.with_extension(format!("orphaned-{}", OffsetDateTime::now_utc().unix_timestamp()));
                tracing::warn!(spool = %path.display(), moved_to = %aside.display(),
                    "the tracking spool belongs to another database; it is set aside, not replayed");
                std::fs::rename(path, &aside).with_context(|| format!("setting aside {}", path.display()))?;
            }
            let mut pending: Vec<(u64, TrackingEvent)> = Vec::new();
            for line in lines.filter(|_| ours) {
                // A line torn by a crash was never answered: it is skipped.
                let Some((seq, event)) = line.ok().and_then(|l| decode(&l)) else { continue };
                last = last.max(seq);
                if seq > applied {
                    pending.push((seq, event));
                }
            }
            if !pending.is_empty() {
                tracing::info!(events = pending.len(), spool = %path.display(), "replaying spooled tracking events");
            }
            for chunk in pending.chunks(MAX_BATCH) {
                let events: Vec<TrackingEvent> = chunk.iter().map(|(_, e)| e.clone()).collect();
                store.record_events_through(&events, &source, chunk[chunk.len() - 1].0).await?;
            }
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("opening the tracking spool {}", path.display()))?;
        file.set_len(0)?;
        file.write_all(header.as_bytes())?;
        let applied = Arc::new(AtomicU64::new(last));
        let (to_db, mut from_spool) = mpsc::unbounded_channel::<Vec<(u64, TrackingEvent)>>();
        // The mover: spooled batches into the database, in order, retrying until they are in.
        let mover_applied = applied.clone();
        tokio::spawn(async move {
            while let Some(mut batch) = from_spool.recv().await {
                while batch.len() < MAX_BATCH {
                    match from_spool.try_recv() {
                        Ok(more) => batch.extend(more),
                        Err(_) => break,
                    }
                }
                let Some(&(through, _)) = batch.last() else { continue };
                let events: Vec<TrackingEvent> = batch.into_iter().map(|(_, e)| e).collect();
                while let Err(e) = store.record_events_through(&events, &source, through).await {
                    tracing::error!(error = ?e, "moving spooled tracking events into the database failed; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                mover_applied.store(through, Ordering::Release);
            }
        });
        let (queue, mut incoming) = mpsc::channel::<Pending>(16 * 1024);
        let spool = path.to_path_buf();
        let written_through = Arc::new(AtomicU64::new(last));
        let progress = Some((written_through.clone(), applied.clone()));
        tokio::spawn(async move {
            let mut next = last + 1;
            let mut written = 0u64;
            let mut batch: Vec<Pending> = Vec::with_capacity(MAX_BATCH);
            let mut buf = Vec::with_capacity(64 * 1024);
            while next_batch(&mut incoming, &mut batch).await {
                // Everything spooled is in the database and the file has grown: start it over.
                if written > SPOOL_RESET_BYTES && applied.load(Ordering::Acquire) == next - 1 {
                    match file.set_len(0).and_then(|()| file.write_all(header.as_bytes())) {
                        Ok(()) => written = 0,
                        Err(e) => tracing::warn!(error = %e, spool = %spool.display(), "could not reset the spool"),
                    }
                }
                buf.clear();
                let mut numbered = Vec::with_capacity(batch.len());
                for (event, _) in &batch {
                    encode(&mut buf, next, event);
                    numbered.push((next, event.clone()));
                    next += 1;
                }
                let spooled = match file.write_all(&buf) {
                    Ok(()) => {
                        written += buf.len() as u64;
                        true
                    }
                    Err(e) => {
                        tracing::error!(error = %e, spool = %spool.display(), "spooling tracking events failed");
                        // Numbers stay unique: the failed ones are simply never used.
                        false
                    }
                };
                if spooled {
                    written_through.store(next - 1, Ordering::Release);
                    let _ = to_db.send(numbered);
                }
                answer(&mut batch, spooled);
            }
        });
        Ok(EventWriter { queue, progress })
    }

    /// Stores the event; true once it is committed (or spooled).
    pub async fn record(&self, event: TrackingEvent) -> bool {
        let (done, committed) = oneshot::channel();
        if self.queue.send((event, done)).await.is_err() {
            return false;
        }
        committed.await.unwrap_or(false)
    }
}

/// Waits for the next request and takes whatever else is already waiting, up to a batch; false when
/// every sender is gone.
async fn next_batch(incoming: &mut mpsc::Receiver<Pending>, batch: &mut Vec<Pending>) -> bool {
    let Some(first) = incoming.recv().await else { return false };
    batch.push(first);
    while batch.len() < MAX_BATCH {
        match incoming.try_recv() {
            Ok(more) => batch.push(more),
            Err(_) => break,
        }
    }
    true
}

/// Answers every request of the batch (and empties it).
fn answer(batch: &mut Vec<Pending>, safe: bool) {
    metrics::histogram!("overture_tracking_batch_size").record(batch.len() as f64);
    for (_, done) in batch.drain(..) {
        let _ = done.send(safe);
    }
}

/// The spool starts over once this much is written and all of it is in the database.
const SPOOL_RESET_BYTES: u64 = 16 * 1024 * 1024;

/// One spool line: the sequence number and the event, as JSON.
fn encode(buf: &mut Vec<u8>, seq: u64, e: &TrackingEvent) {
    let line = serde_json::json!({
        "s": seq, "w": e.workspace_id, "d": e.draft_id.0, "k": e.kind, "l": e.link,
        "a": e.at.format(&Rfc3339).unwrap_or_default(), "u": e.user_agent, "m": e.machine,
    });
    // Serialising a `Value` into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *buf, &line);
    buf.push(b'\n');
}

fn decode(line: &str) -> Option<(u64, TrackingEvent)> {
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    let kind = match v["k"].as_str()? {
        "open" => "open",
        "click" => "click",
        _ => return None,
    };
    let machine = v["m"]
        .as_str()
        .map(|m| super::tracking::MACHINE_REASONS.iter().copied().find(|r| *r == m).unwrap_or("automated_client"));
    Some((
        v["s"].as_u64()?,
        TrackingEvent {
            workspace_id: v["w"].as_i64()?,
            draft_id: DraftId(v["d"].as_i64()?),
            kind,
            link: v["l"].as_u64().and_then(|l| u16::try_from(l).ok()),
            at: OffsetDateTime::parse(v["a"].as_str()?, &Rfc3339).ok()?,
            user_agent: v["u"].as_str().map(str::to_string),
            machine,
        },
    ))
}

/// What the tracking endpoints need: keys, where links point, the writer, the limiter, and a cache
/// of stored links (a message's links never change once it is sent).
pub struct Tracker {
    pub keys: TrackingKeys,
    /// `OVERTURE_PUBLIC_URL`: the base of pixel and link URLs.
    pub base_url: String,
    /// Events this soon after delivery look machine-made (link scanners).
    pub scanner_window: Duration,
    pub limiter: RateLimiter,
    writer: EventWriter,
    links: Mutex<HashMap<(i64, u16), Arc<str>>>,
    store: Arc<dyn Store>,
}

/// Links kept in memory at most; the cache starts over when full.
const LINK_CACHE: usize = 100_000;

impl Tracker {
    /// `writer` is [`EventWriter::start`] (answer after the commit) or [`EventWriter::start_spooled`].
    pub fn new(store: Arc<dyn Store>, keys: TrackingKeys, base_url: &str, writer: EventWriter) -> Tracker {
        Tracker {
            keys,
            base_url: base_url.trim_end_matches('/').to_string(),
            scanner_window: Duration::from_secs(10),
            limiter: RateLimiter::new(30, Duration::from_secs(60)),
            writer,
            links: Mutex::default(),
            store,
        }
    }

    /// The keys from `OVERTURE_TRACKING_KEYS`, or else the key this deployment made for itself and
    /// keeps in the database (so that every process signs and verifies alike).
    pub async fn keys_for(store: &Arc<dyn Store>, setting: Option<&str>) -> anyhow::Result<TrackingKeys> {
        match setting.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => TrackingKeys::parse(s).map_err(|e| anyhow::anyhow!("OVERTURE_TRACKING_KEYS: {e}")),
            None => {
                let secret =
                    store.server_key("tracking:db1", &TrackingKeys::random_secret(), OffsetDateTime::now_utc()).await?;
                Ok(TrackingKeys::single("db1", secret.as_bytes()))
            }
        }
    }

    pub fn with_scanner_window(mut self, window: Duration) -> Tracker {
        self.scanner_window = window;
        self
    }

    pub fn with_rate_limit(mut self, per_minute: u32) -> Tracker {
        self.limiter = RateLimiter::new(per_minute, Duration::from_secs(60));
        self
    }

    pub async fn record(&self, event: TrackingEvent) -> bool {
        self.writer.record(event).await
    }

    /// At shutdown: waits for spooled events to reach the database (what is left is replayed at the
    /// next start anyway).
    pub async fn flush(&self, timeout: Duration) -> bool {
        self.writer.flush(timeout).await
    }

    /// The URL stored for a click token's link.
    pub async fn link(&self, claim: &Claim, idx: u16) -> anyhow::Result<Option<Arc<str>>> {
        let key = (claim.draft_id, idx);
        if let Some(url) = self.lock_links().get(&key) {
            return Ok(Some(url.clone()));
        }
        let Some(url) = self.store.tracked_link(claim.workspace_id, DraftId(claim.draft_id), idx).await? else {
            return Ok(None);
        };
        let url: Arc<str> = url.into();
        let mut links = self.lock_links();
        if links.len() >= LINK_CACHE {
            links.clear();
        }
        links.insert(key, url.clone());
        Ok(Some(url))
    }

    fn lock_links(&self) -> std::sync::MutexGuard<'_, HashMap<(i64, u16), Arc<str>>> {
        match self.links.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}
