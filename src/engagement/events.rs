//! Group commit for tracking events. A request hands its event to one writer task and waits; the
//! writer stores everything waiting in one transaction and then answers each request. A response is
//! sent only after its event is committed, so a crash cannot lose an event that was answered, and a
//! burst costs one commit per batch instead of one per event.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

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
}

impl EventWriter {
    /// Starts the writer task on the current runtime.
    pub fn start(store: Arc<dyn Store>) -> EventWriter {
        let (queue, mut incoming) = mpsc::channel::<Pending>(16 * 1024);
        tokio::spawn(async move {
            let mut batch: Vec<Pending> = Vec::with_capacity(MAX_BATCH);
            while let Some(first) = incoming.recv().await {
                batch.push(first);
                while batch.len() < MAX_BATCH {
                    match incoming.try_recv() {
                        Ok(next) => batch.push(next),
                        Err(_) => break,
                    }
                }
                let events: Vec<TrackingEvent> = batch.iter().map(|(e, _)| e.clone()).collect();
                let stored = match store.record_events(&events).await {
                    Ok(()) => true,
                    Err(e) => {
                        tracing::error!(error = ?e, events = events.len(), "storing tracking events failed");
                        false
                    }
                };
                metrics::histogram!("overture_tracking_batch_size").record(events.len() as f64);
                for (_, done) in batch.drain(..) {
                    let _ = done.send(stored);
                }
            }
        });
        EventWriter { queue }
    }

    /// Stores the event; true once it is committed.
    pub async fn record(&self, event: TrackingEvent) -> bool {
        let (done, committed) = oneshot::channel();
        if self.queue.send((event, done)).await.is_err() {
            return false;
        }
        committed.await.unwrap_or(false)
    }
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
    pub fn new(store: Arc<dyn Store>, keys: TrackingKeys, base_url: &str) -> Tracker {
        Tracker {
            keys,
            base_url: base_url.trim_end_matches('/').to_string(),
            scanner_window: Duration::from_secs(10),
            limiter: RateLimiter::new(30, Duration::from_secs(60)),
            writer: EventWriter::start(store.clone()),
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
