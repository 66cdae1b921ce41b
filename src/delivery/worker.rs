//! The outbox worker: claims due jobs from the jobs table with a lease, delivers them through the
//! transport, and records the outcome. Several processes may run it against one PostgreSQL database:
//! `FOR UPDATE SKIP LOCKED` hands each job to one of them, and the attempt counter fences a lease
//! that ran out. A crash leaves the job leased; once the lease runs out another run picks it up with
//! the same Message-ID (fixed at approval), so the only window for a second copy is the transport call.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use serde::Deserialize;
use time::OffsetDateTime;
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;

use super::{Outgoing, SendError, Transport};
use crate::clock::Clock;
use crate::domain::{AuditAction, BuyingStyle, DraftId, DraftStatus, Mailbox};
use crate::engagement::signature;
use crate::engagement::tracking::{self, Claim};
use crate::engagement::Tracker;
use crate::learning::timing::{self, SendMoment};
use crate::store::{Job, Store, SEND_DRAFT};

/// The kind of job that tells the AE about an introduction sent without them in copy.
pub const AE_NOTICE: &str = "ae_notice";
/// The kind of job that hands a positive response to the AE (payload: a [`Notice`]).
pub const AE_HANDOFF: &str = "ae_handoff";
/// The kind of job that tells a CSM something they must act on (a bounce; payload: a [`Notice`]).
pub const CSM_NOTICE: &str = "csm_notice";
/// The kind of job that calls the CRM webhook (payload: the JSON body).
pub const WEBHOOK: &str = "webhook";

/// Where the CRM webhook goes and the key of its signature.
#[derive(Clone)]
pub struct Webhook {
    pub url: String,
    pub secret: Vec<u8>,
    pub client: reqwest::Client,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorkerSettings {
    /// Messages in flight at once; 0 means this process does not deliver.
    pub concurrency: usize,
    /// How long a claimed job is ours before another worker may take it over.
    pub lease: Duration,
    /// How often to look for due jobs when nothing wakes the worker sooner.
    pub poll: Duration,
    /// Attempts before a temporary failure becomes permanent.
    pub max_attempts: i64,
    /// The first retry's delay; each later one doubles it (with jitter), up to `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// How long shutdown waits for messages in flight before giving their jobs back.
    pub grace: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        WorkerSettings {
            concurrency: 32,
            lease: Duration::from_secs(60),
            poll: Duration::from_millis(500),
            max_attempts: 8,
            backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(3600),
            grace: Duration::from_secs(20),
        }
    }
}

/// The delay before attempt `attempts + 1`: exponential, capped, with ±25 % jitter so that
/// retries of a burst do not arrive together.
pub fn backoff(settings: &WorkerSettings, attempts: i64) -> Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    let base = settings.backoff.saturating_mul(2u32.saturating_pow(exponent)).min(settings.max_backoff);
    base.mul_f64(rand::rng().random_range(0.75..1.25))
}

/// The payload of an AE notice: the whole message, composed when the draft was approved.
#[derive(Debug, Clone, PartialEq, serde::Serialize, Deserialize)]
pub struct Notice {
    pub draft_id: i64,
    pub message_id: String,
    pub from: Mailbox,
    pub to: Mailbox,
    pub subject: String,
    pub text: String,
}

#[derive(Clone)]
pub struct Worker {
    store: Arc<dyn Store>,
    transport: Arc<dyn Transport>,
    clock: Clock,
    settings: WorkerSettings,
    wake: Arc<Notify>,
    tracker: Option<Arc<Tracker>>,
    webhook: Option<Webhook>,
}

impl Worker {
    pub fn new(store: Arc<dyn Store>, transport: Arc<dyn Transport>, clock: Clock, settings: WorkerSettings) -> Worker {
        Worker { store, transport, clock, settings, wake: Arc::default(), tracker: None, webhook: None }
    }

    /// Calls the CRM webhook for the `webhook` jobs.
    pub fn with_webhook(mut self, webhook: Webhook) -> Worker {
        self.webhook = Some(webhook);
        self
    }

    /// Adds the open pixel and tracked links to the HTML of drafts that may be tracked.
    pub fn with_tracking(mut self, tracker: Arc<Tracker>) -> Worker {
        self.tracker = Some(tracker);
        self
    }

    /// Wakes the worker at once (an approval in this process) instead of at the next poll.
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Runs until `shutdown` turns true, then finishes (or, after the grace period, gives back) the
    /// messages in flight.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        if self.settings.concurrency == 0 {
            return;
        }
        let mut tasks = JoinSet::new();
        let mut in_flight: HashMap<tokio::task::Id, Job> = HashMap::new();
        loop {
            if *shutdown.borrow() {
                break;
            }
            // Fewer jobs than free slots means the queue is empty for now: wait for a finished job,
            // an approval in this process, or the next poll before asking again.
            let free = self.settings.concurrency.saturating_sub(tasks.len());
            if free > 0 {
                let now = OffsetDateTime::now_utc();
                match self.store.claim_jobs(free as i64, now, now + self.settings.lease).await {
                    Ok(jobs) => {
                        for job in jobs {
                            let worker = self.clone();
                            let handle = tasks.spawn({
                                let job = job.clone();
                                async move { worker.process(job).await }
                            });
                            in_flight.insert(handle.id(), job);
                        }
                    }
                    Err(e) => tracing::error!(error = ?e, "claiming outbox jobs failed"),
                }
            }
            tokio::select! {
                Some(done) = tasks.join_next_with_id() => forget(&mut in_flight, done),
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(self.settings.poll) => {}
                _ = shutdown.changed() => {}
            }
        }
        let deadline = tokio::time::sleep(self.settings.grace);
        tokio::pin!(deadline);
        while !tasks.is_empty() {
            tokio::select! {
                Some(done) = tasks.join_next_with_id() => forget(&mut in_flight, done),
                _ = &mut deadline => break,
            }
        }
        tasks.abort_all();
        let left: Vec<Job> = in_flight.into_values().collect();
        if !left.is_empty() {
            tracing::warn!(jobs = left.len(), "giving unfinished outbox jobs back");
            if let Err(e) = self.store.release_jobs(&left).await {
                tracing::error!(error = ?e, "giving jobs back failed; their leases will run out");
            }
        }
    }

    /// Runs every due job until none is left (tests and benchmarks run delivery inline with it).
    pub async fn drain(&self) -> anyhow::Result<usize> {
        let mut total = 0;
        loop {
            let now = OffsetDateTime::now_utc();
            let jobs =
                self.store.claim_jobs(self.settings.concurrency.max(1) as i64, now, now + self.settings.lease).await?;
            if jobs.is_empty() {
                return Ok(total);
            }
            total += jobs.len();
            let mut set = JoinSet::new();
            for job in jobs {
                let worker = self.clone();
                set.spawn(async move { worker.process(job).await });
            }
            while set.join_next().await.is_some() {}
        }
    }

    async fn process(&self, job: Job) {
        // The draft whose state follows the job (an AE notice leaves its draft alone).
        let draft = job.payload["draft_id"].as_i64().map(DraftId).filter(|_| job.kind == SEND_DRAFT);
        let outcome = match job.kind.as_str() {
            SEND_DRAFT => self.send_draft(&job).await,
            AE_NOTICE => self.send_notice(&job, AuditAction::AeNotified).await,
            AE_HANDOFF => self.send_notice(&job, AuditAction::AeHandoff).await,
            CSM_NOTICE => self.send_notice(&job, AuditAction::CsmNotified).await,
            WEBHOOK => self.call_webhook(&job).await,
            other => Err(SendError::Permanent(format!("unknown job kind `{other}`"))),
        };
        let recorded = match outcome {
            Ok(()) => Ok(()),
            Err(SendError::Temporary { reason, retry_after }) if job.attempts < self.settings.max_attempts => {
                let delay = retry_after.unwrap_or_else(|| backoff(&self.settings, job.attempts));
                tracing::warn!(job = job.id, attempts = job.attempts, ?delay, %reason, "delivery will be retried");
                metrics::counter!("overture_outbox_retries_total").increment(1);
                let run_at = OffsetDateTime::now_utc() + delay;
                self.store.retry_job(&job, draft, &reason, run_at).await
            }
            Err(e) => {
                let reason = match e {
                    SendError::Temporary { reason, .. } => format!("gave up after {} attempts: {reason}", job.attempts),
                    SendError::Permanent(reason) => reason,
                };
                tracing::warn!(job = job.id, %reason, "delivery failed for good");
                metrics::counter!("overture_outbox_failed_total").increment(1);
                self.store.fail_job(&job, draft, &reason, self.clock.now()).await
            }
        };
        if let Err(e) = recorded {
            // The lease runs out and the job is tried again: nothing is lost.
            tracing::error!(error = ?e, job = job.id, "recording a delivery outcome failed");
        }
    }

    async fn send_draft(&self, job: &Job) -> Result<(), SendError> {
        let store_error = |e: anyhow::Error| SendError::temporary(format!("reading the draft: {e:#}"));
        let id = job.payload["draft_id"]
            .as_i64()
            .map(DraftId)
            .ok_or_else(|| SendError::Permanent("a send job without a draft".into()))?;
        let ws_id = job.workspace_id.ok_or_else(|| SendError::Permanent("a send job without a workspace".into()))?;
        let ws = self.store.workspace_by_id(ws_id).await.map_err(store_error)?;
        let draft = match &ws {
            Some(ws) => self.store.draft(ws, id).await.map_err(store_error)?,
            None => None,
        };
        let (Some(ws), Some(draft)) = (ws, draft) else {
            return Err(SendError::Permanent(format!("draft {id} no longer exists")));
        };
        if draft.status != DraftStatus::Sending || draft.approved_revision != Some(draft.revision) {
            // Only the exact approved revision, in the state the claim put it in, ever goes out.
            return Err(SendError::Permanent(format!(
                "draft {id} is {} at revision {} (approved: {:?}); nothing was sent",
                draft.status, draft.revision, draft.approved_revision
            )));
        }
        let message_id =
            draft.message_id.clone().ok_or_else(|| SendError::Permanent("no Message-ID was fixed".into()))?;
        let html = self.tracked_html(ws_id, &draft).await.map_err(store_error)?;
        let record = self.store.customer_record(&ws, draft.customer_id).await.map_err(store_error)?;
        let outgoing = Outgoing {
            workspace_id: ws_id,
            from: draft.from,
            to: draft.to,
            cc: draft.cc,
            subject: draft.subject,
            text: draft.text,
            html: Some(html),
            message_id,
            in_reply_to: draft.in_reply_to,
            date: self.clock.now(),
        };
        let delivery = self.transport.send(&outgoing).await?;
        metrics::counter!("overture_outbox_sent_total", "transport" => self.transport.name()).increment(1);
        let now = self.clock.now();
        let moment = send_moment(record.as_ref(), outgoing.to.first().map(|m| m.email.as_str()), now);
        match self.store.finish_send(job, id, &delivery, &moment, now).await {
            Ok(true) => Ok(()),
            Ok(false) => {
                tracing::warn!(job = job.id, "the lease ran out during delivery; another worker owns the job");
                Ok(())
            }
            Err(e) => Err(SendError::temporary(format!("recording the delivery: {e:#}"))),
        }
    }

    /// The HTML to send: with the pixel and tracked links when the workspace tracks and no recipient
    /// opted out. The links are stored before the message leaves, so its first click finds them.
    async fn tracked_html(&self, ws: i64, draft: &crate::domain::Draft) -> anyhow::Result<String> {
        let Some(tracker) = &self.tracker else {
            return Ok(draft.html.clone());
        };
        if !self.store.tracking_allowed(ws, draft).await? {
            return Ok(draft.html.clone());
        }
        let claim = Claim {
            workspace_id: ws,
            draft_id: draft.id.0,
            link: None,
            issued: OffsetDateTime::now_utc().unix_timestamp(),
        };
        let tracked = tracking::rewrite(&draft.html, &tracker.base_url, &tracker.keys, claim);
        self.store.save_tracked_links(draft.id, &tracked.links).await?;
        Ok(tracked.html)
    }

    async fn call_webhook(&self, job: &Job) -> Result<(), SendError> {
        let Some(hook) = &self.webhook else {
            return Err(SendError::Permanent("OVERTURE_WEBHOOK_URL is not set in the process that ran the job".into()));
        };
        let body = job.payload.to_string();
        let response = hook
            .client
            .post(&hook.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(signature::HEADER, signature::sign(&hook.secret, body.as_bytes()))
            .header("X-Overture-Event", job.payload["event"].as_str().unwrap_or("event"))
            .header("X-Overture-Delivery", job.id.to_string())
            .timeout(Duration::from_secs(15))
            .body(body)
            .send()
            .await
            .map_err(|e| SendError::temporary(format!("calling the CRM webhook: {e}")))?;
        let status = response.status();
        if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return Err(SendError::temporary(format!("the CRM webhook answered {status}")));
        }
        if !status.is_success() {
            return Err(SendError::Permanent(format!("the CRM webhook refused the call: {status}")));
        }
        let draft = job.payload["draft_id"].as_i64().map(DraftId);
        let detail = serde_json::json!({"status": status.as_u16(), "event": job.payload["event"]});
        self.store
            .finish_job(job, Some((AuditAction::WebhookDelivered, draft, detail)), self.clock.now())
            .await
            .map(|_| ())
            .map_err(|e| SendError::temporary(format!("recording the webhook call: {e:#}")))
    }

    async fn send_notice(&self, job: &Job, action: AuditAction) -> Result<(), SendError> {
        let notice: Notice = serde_json::from_value(job.payload.clone())
            .map_err(|e| SendError::Permanent(format!("a malformed AE notice: {e}")))?;
        let outgoing = Outgoing {
            workspace_id: job.workspace_id.unwrap_or_default(),
            from: notice.from,
            to: vec![notice.to.clone()],
            cc: Vec::new(),
            subject: notice.subject,
            text: notice.text,
            html: None,
            message_id: notice.message_id,
            in_reply_to: None,
            date: self.clock.now(),
        };
        self.transport.send(&outgoing).await?;
        let detail = serde_json::json!({"to": notice.to.email});
        let entry = Some((action, Some(DraftId(notice.draft_id)), detail));
        self.store
            .finish_job(job, entry, self.clock.now())
            .await
            .map(|_| ())
            .map_err(|e| SendError::temporary(format!("recording the notice: {e:#}")))
    }
}

/// A finished task's job is no longer in flight.
fn forget(in_flight: &mut HashMap<tokio::task::Id, Job>, done: Result<(tokio::task::Id, ()), tokio::task::JoinError>) {
    let id = match &done {
        Ok((id, ())) => *id,
        Err(e) => e.id(),
    };
    in_flight.remove(&id);
}

/// The recipient's clock and situation as an introduction goes out: the time zone and buying style of the
/// contact it is addressed to (the customer's zone when the contact has none) and the days to renewal.
fn send_moment(record: Option<&crate::store::CustomerRecord>, to: Option<&str>, at: OffsetDateTime) -> SendMoment {
    let (Some(record), Some(to)) = (record, to) else { return SendMoment::default() };
    let style = record.contact(to).map_or(BuyingStyle::Unknown, |c| c.buying_style);
    timing::moment(at, record.time_zone_of(to), record.customer.renewal_date, style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_jitter_and_is_capped() {
        let s = WorkerSettings {
            backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(60),
            ..Default::default()
        };
        for _ in 0..100 {
            let first = backoff(&s, 1).as_secs_f64();
            assert!((1.5..2.5).contains(&first), "{first}");
            let third = backoff(&s, 3).as_secs_f64();
            assert!((6.0..10.0).contains(&third), "{third}");
            let late = backoff(&s, 40).as_secs_f64();
            assert!((45.0..75.0).contains(&late), "{late}");
        }
    }
}
