//! A detection run: read customers from the store, judge them with the pure [`signals`] module, and
//! store the signals and opportunities.

use std::sync::Arc;

use time::OffsetDateTime;

use crate::domain::{CustomerId, Detection};
use crate::signals::{self, Settings, Snapshot};
use crate::store::{DetectionCounts, Store, Workspace, MAX_IN_LIST};

/// Re-evaluates every customer of the workspace, or only those listed, a chunk at a time (so memory
/// stays flat however large the workspace); each chunk is stored in its own transaction.
pub async fn run(
    store: &Arc<dyn Store>,
    ws: &Workspace,
    only: Option<&[CustomerId]>,
    now: OffsetDateTime,
) -> anyhow::Result<DetectionCounts> {
    let mut ids = match only {
        Some(ids) => ids.to_vec(),
        None => store.customer_ids(ws).await?,
    };
    ids.sort_unstable();
    ids.dedup();
    let mut total = DetectionCounts::default();
    if ids.is_empty() {
        return Ok(total);
    }
    let plans = store.plans(ws).await?;
    let features = store.features(ws).await?;
    let settings = Settings { ae_value_threshold: ws.ae_value_threshold };
    for (n, chunk) in ids.chunks(MAX_IN_LIST).enumerate() {
        let started = std::time::Instant::now();
        let inputs = store.detection_inputs(ws, chunk).await?;
        let read = started.elapsed();
        let results: Vec<(CustomerId, Detection)> = inputs
            .iter()
            .map(|input| {
                let snapshot = Snapshot {
                    customer: &input.customer,
                    plans: &plans,
                    features: &features,
                    usage: input.usage.as_ref(),
                    feature_requests: &input.feature_requests,
                    milestones: &input.milestones,
                    today: now.date(),
                    settings,
                };
                (input.customer.id, signals::detect(&snapshot))
            })
            .collect();
        let judged = started.elapsed();
        let counts = store.save_detections(ws, &results, now).await?;
        tracing::debug!(chunk = n, ?read, ?judged, total = ?started.elapsed(), "detection chunk");
        total.customers += counts.customers;
        total.signals += counts.signals;
        total.signals_changed += counts.signals_changed;
        total.opportunities_created += counts.opportunities_created;
        total.opportunities_updated += counts.opportunities_updated;
        total.opportunities_expired += counts.opportunities_expired;
        total.opportunities_suppressed += counts.opportunities_suppressed;
    }
    Ok(total)
}
