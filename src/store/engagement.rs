//! What the store keeps about engagement: tracked links and events, replies, responses, follow-ups,
//! the timeline. A trait of its own so that `Store` stays readable; every `Store` is one.

use async_trait::async_trait;
use serde::Serialize;
use time::{Date, OffsetDateTime};

use super::{NewJob, OpportunityRow, Result, Workspace};
use crate::domain::{Draft, DraftId, NewDraft, OpportunityId};

/// An open or a click, as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackingEvent {
    pub workspace_id: i64,
    pub draft_id: DraftId,
    /// `open` or `click`.
    pub kind: &'static str,
    pub link: Option<u16>,
    pub at: OffsetDateTime,
    pub user_agent: Option<String>,
    /// Why it looks machine-made, or `None`.
    pub machine: Option<&'static str>,
}

/// The sent message a reply answers, and how we know.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplyTarget {
    pub workspace_id: i64,
    pub draft_id: DraftId,
    /// `in_reply_to`, `references`, `thread_id` or `sender_and_subject`.
    pub matched_by: &'static str,
}

/// A message that came back, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewInbound {
    pub target: Option<ReplyTarget>,
    /// `webhook`, `gmail` or `imap`.
    pub source: &'static str,
    /// The Message-ID, or a digest of the message when it has none: a message is stored once.
    pub dedupe_key: String,
    pub message_id: Option<String>,
    pub from_email: String,
    pub from_name: Option<String>,
    pub subject: String,
    /// The reply with quoted history and signature removed.
    pub reply_text: String,
    /// The label that counts (`unclear` below the confidence threshold).
    pub label: String,
    /// The classifier's best guess, also for an unclear reply.
    pub suggested_label: String,
    pub confidence: f64,
    pub language: Option<String>,
    pub wants_to_optimize: bool,
    pub wants_upgrade: bool,
    pub unsubscribe: bool,
    /// Quote removal left nothing, so the whole message was kept.
    pub nothing_left: bool,
    /// A bounce's detail: hard, status, recipient.
    pub bounce: Option<serde_json::Value>,
    pub phrase: Option<String>,
    pub ooo_until: Option<Date>,
    pub raw: String,
    pub received_at: OffsetDateTime,
}

/// A stored reply, as listed.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct InboundMessage {
    pub id: i64,
    #[schema(value_type = Option<String>, example = "drf_1")]
    pub draft_id: Option<DraftId>,
    #[schema(value_type = Option<String>, example = "opp_1")]
    pub opportunity_id: Option<OpportunityId>,
    pub source: String,
    pub message_id: Option<String>,
    /// How it was matched to the introduction; none when unmatched.
    pub matched_by: Option<String>,
    pub from_email: String,
    pub from_name: Option<String>,
    pub subject: String,
    pub reply_text: String,
    /// The classifier's label, or the CSM's correction when there is one: positive, neutral, negative,
    /// out_of_office, auto_reply, bounce, or unclear (waiting for a person).
    pub label: String,
    /// Chose option 1: get more from what they have.
    pub wants_to_optimize: bool,
    /// Chose option 2: grow.
    pub wants_upgrade: bool,
    /// Asked not to be written to again.
    pub unsubscribe: bool,
    /// The classifier's own label, kept beside a correction.
    pub classified_as: String,
    /// The classifier's best guess (what the review queue suggests for an unclear reply).
    pub suggested_label: String,
    /// How sure the classifier was, 0 to 1.
    pub confidence: Option<f64>,
    /// The language of the reply's own words (ISO 639-1).
    pub language: Option<String>,
    /// Unclear and not yet labelled by a person.
    pub needs_review: bool,
    /// Quote removal left nothing, so the whole message was read.
    pub nothing_left: bool,
    /// A bounce's detail: hard, status, recipient.
    #[schema(value_type = Option<Object>)]
    pub bounce: Option<serde_json::Value>,
    /// The words that decided the label.
    pub phrase: Option<String>,
    /// The return date an out-of-office reply gave.
    pub ooo_until: Option<Date>,
    pub corrected: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
}

/// An address Overture no longer writes to, and why.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AddressBlock {
    pub email: String,
    /// unsubscribed or bounced.
    pub reason: String,
    /// What happened, in words a CSM can act on.
    pub detail: String,
    pub reply_id: Option<i64>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A response to record on an opportunity, with what follows from it.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseUpdate {
    pub opportunity: OpportunityId,
    /// `positive`, `neutral` or `negative`.
    pub response: String,
    pub note: Option<String>,
    /// Only when no response is recorded yet (a reply); a CSM's own record replaces an earlier one.
    pub first_only: bool,
    /// The new status, if it changes (`conversation`, `lost`).
    pub status: Option<&'static str>,
    /// The customer is not suggested again before this.
    pub suppress_until: Option<OffsetDateTime>,
    /// The AE handoff and CRM webhook, queued with the change.
    pub jobs: Vec<NewJob>,
    /// When the jobs may run (wall clock).
    pub run_at: OffsetDateTime,
    pub by: Option<i64>,
    /// The reply that carried the response, for the audit log.
    pub reply: Option<i64>,
}

/// One line of an opportunity's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TimelineEvent {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// drafted, edited, approved, sent, failed, discarded, opened, clicked, replied, classified,
    /// response_recorded, handed_off, webhook_delivered, ae_notified, follow_up_drafted.
    pub event: String,
    #[schema(value_type = Option<String>, example = "drf_1")]
    pub draft_id: Option<DraftId>,
    /// For opens and clicks: false when it looks machine-made (a low-confidence signal, never a response).
    pub human: Option<bool>,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

impl TimelineEvent {
    /// Where the event falls in an introduction's life: events of the same instant (a fixed
    /// `OVERTURE_NOW`, a coarse clock) are listed in this order.
    pub fn stage(&self) -> u8 {
        match self.event.as_str() {
            "drafted" => 0,
            "edited" => 1,
            "approved" => 2,
            "sent" | "failed" | "discarded" => 3,
            "ae_notified" => 4,
            "opened" => 5,
            "clicked" => 6,
            "replied" => 7,
            "classified" => 8,
            "response_recorded" | "response_corrected" => 9,
            "handed_off" => 10,
            "webhook_delivered" => 11,
            _ => 12,
        }
    }
}

/// A sent introduction that has waited for a reply; the caller decides whether it is due.
#[derive(Debug, Clone, PartialEq)]
pub struct Unanswered {
    pub workspace_id: i64,
    pub opportunity: OpportunityId,
    pub intro: DraftId,
    pub sent_at: OffsetDateTime,
    pub business_days: i64,
    /// The latest return date an out-of-office reply gave.
    pub ooo_until: Option<Date>,
}

/// A workspace's engagement settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct EngagementSettings {
    /// Open pixel and tracked links in sent mail (never for a contact who opted out).
    pub tracking_enabled: bool,
    /// Business days without a reply before a follow-up is prepared.
    pub follow_up_business_days: i64,
    /// Whether the recommendation explores among the fitting approaches (Thompson sampling) or takes
    /// the best estimate.
    pub learning_exploration: bool,
}

#[async_trait]
pub trait Engagement: Send + Sync {
    /// The secret stored under `name`, storing `candidate` first if there is none (every process of a
    /// deployment then agrees on it).
    async fn server_key(&self, name: &str, candidate: &str, now: OffsetDateTime) -> Result<String>;

    async fn engagement_settings(&self, ws: &Workspace) -> Result<EngagementSettings>;
    async fn set_engagement_settings(&self, ws: &Workspace, settings: &EngagementSettings) -> Result<()>;
    /// Whether the draft may be tracked: the workspace tracks and no recipient opted out.
    async fn tracking_allowed(&self, workspace_id: i64, draft: &Draft) -> Result<bool>;
    /// Stores the draft's links by position (again: nothing changes) and marks it tracked.
    async fn save_tracked_links(&self, draft: DraftId, links: &[String]) -> Result<()>;
    async fn tracked_link(&self, workspace_id: i64, draft: DraftId, idx: u16) -> Result<Option<String>>;
    /// One transaction for the whole batch.
    async fn record_events(&self, events: &[TrackingEvent]) -> Result<()>;
    /// Stores spooled events and the spool position they reach, in one transaction.
    async fn record_events_through(&self, events: &[TrackingEvent], spool: &str, seq: u64) -> Result<()>;
    async fn count_events(&self, workspace_id: i64) -> Result<i64>;

    /// The sent message that `references` (In-Reply-To first, then References), `thread_id`, or the
    /// sender and subject point at; `None` when nothing, or more than one message, matches.
    async fn reply_target(
        &self,
        in_reply_to: &[String],
        references: &[String],
        thread_id: Option<&str>,
        from: &str,
        subject: &str,
    ) -> Result<Option<ReplyTarget>>;
    /// Stores a reply; `None` when it was stored before (same dedupe key).
    async fn save_inbound(&self, message: &NewInbound) -> Result<Option<i64>>;
    async fn inbound_messages(&self, ws: &Workspace, unmatched: bool, limit: i64) -> Result<Vec<InboundMessage>>;
    async fn inbound_message(&self, ws: &Workspace, id: i64) -> Result<Option<InboundMessage>>;
    /// A CSM's correction of a reply's label.
    async fn correct_inbound(
        &self,
        ws: &Workspace,
        id: i64,
        label: &str,
        wants_to_optimize: bool,
        by: i64,
        now: OffsetDateTime,
    ) -> Result<Option<InboundMessage>>;
    /// Every corrected reply of every workspace (the classifier's test cases): raw message and label.
    async fn corrections(&self) -> Result<Vec<(String, String, bool)>>;
    /// A workspace's corrections (the reply's own words, the label), oldest first: its model learns them.
    async fn workspace_corrections(&self, ws: &Workspace) -> Result<Vec<(String, String)>>;
    /// Changes whenever a correction is made or changed in the workspace.
    async fn corrections_version(&self, ws: &Workspace) -> Result<String>;
    /// Replies waiting for a person's label (unclear, not corrected), newest first, with their count.
    async fn review_queue(&self, ws: &Workspace, limit: i64) -> Result<(i64, Vec<InboundMessage>)>;
    /// The sent drafts of `draft`'s opportunity (the introduction and its follow-ups).
    async fn thread_drafts(&self, ws: &Workspace, draft: DraftId) -> Result<Vec<DraftId>>;
    /// No introduction goes to `email` any more (`unsubscribed` or `bounced`); the first reason stays.
    async fn block_address(
        &self,
        ws: &Workspace,
        email: &str,
        reason: &str,
        detail: &str,
        reply: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<()>;
    async fn address_block(&self, ws: &Workspace, email: &str) -> Result<Option<AddressBlock>>;
    /// Notes a bounce on the draft (a hard one marks it undeliverable) and queues `jobs` (the CSM's
    /// notice), in one transaction.
    async fn note_bounce(
        &self,
        ws: &Workspace,
        draft: DraftId,
        hard: bool,
        detail: &serde_json::Value,
        jobs: &[NewJob],
        now: OffsetDateTime,
    ) -> Result<()>;

    async fn opportunity(&self, ws: &Workspace, id: OpportunityId) -> Result<Option<OpportunityRow>>;
    /// Records a response and queues what follows, in one transaction; `None` when `first_only` and a
    /// response was already recorded.
    async fn record_response(
        &self,
        ws: &Workspace,
        update: &ResponseUpdate,
        now: OffsetDateTime,
    ) -> Result<Option<OpportunityRow>>;
    /// Introductions sent, unanswered and without a follow-up, sent before `sent_before`.
    async fn unanswered(&self, sent_before: OffsetDateTime) -> Result<Vec<Unanswered>>;
    /// Stores the follow-up and links it to the opportunity, unless one exists or a reply came.
    async fn create_follow_up(
        &self,
        ws: &Workspace,
        opportunity: OpportunityId,
        draft: &NewDraft,
        now: OffsetDateTime,
    ) -> Result<Option<Draft>>;
    async fn timeline(&self, ws: &Workspace, opportunity: OpportunityId) -> Result<Vec<TimelineEvent>>;

    /// The Gmail threads of messages sent from `email` (reply polling looks in these only).
    async fn sent_threads(&self, workspace_id: i64, email: &str) -> Result<Vec<String>>;
    /// Every connected Gmail mailbox: workspace, member, address, encrypted refresh token.
    async fn gmail_mailboxes(&self) -> Result<Vec<(i64, super::GmailConnection)>>;
    async fn cursor(&self, source: &str) -> Result<Option<String>>;
    async fn set_cursor(&self, source: &str, cursor: &str, now: OffsetDateTime) -> Result<()>;
}
