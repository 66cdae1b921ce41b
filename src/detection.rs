//! A detection run: read customers from the store, judge them with the pure [`signals`] module, and
//! store the signals and opportunities.

use std::sync::Arc;

use time::OffsetDateTime;

use crate::domain::{CustomerId, Detection};
use crate::signals::{self, Settings, Snapshot};
use crate::store::{DetectionCounts, Store, Workspace};

/// Re-evaluates every customer of the workspace, or only those listed.
pub async fn run(
    store: &Arc<dyn Store>,
    ws: &Workspace,
    only: Option<&[CustomerId]>,
    now: OffsetDateTime,
) -> anyhow::Result<DetectionCounts> {
    if only.is_some_and(|ids| ids.is_empty()) {
        return Ok(DetectionCounts::default());
    }
    let plans = store.plans(ws).await?;
    let features = store.features(ws).await?;
    let inputs = store.detection_inputs(ws, only).await?;
    let settings = Settings { ae_value_threshold: ws.ae_value_threshold };
    let today = now.date();
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
                today,
                settings,
            };
            (input.customer.id, signals::detect(&snapshot))
        })
        .collect();
    store.save_detections(ws, &results, now).await
}
