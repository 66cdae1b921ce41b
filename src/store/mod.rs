//! Persistence. One [`Store`] trait, two backends (SQLite by default, PostgreSQL for scale), each with its
//! own migrations. Every method takes the workspace it acts in: isolation is enforced here, once.

mod engagement;
mod learning;
mod postgres;
mod rows;
mod sql;
mod sql_engagement;
mod sql_learning;
mod sql_web;
mod sqlite;
mod web;

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::{bail, Context as _};
use async_trait::async_trait;
use serde::Serialize;
use time::{Date, OffsetDateTime};

use crate::context::StoredOpportunity;
use crate::domain::{
    Approach, AuditAction, AuditEntry, Contact, Customer, CustomerId, Detection, Draft, DraftContent, DraftId,
    DraftRevision, Feature, FeatureRequest, Milestone, NewDraft, OpportunityId, Plan, Role, TeamMember,
    TemplateOverride, UsageDay, UsageSummary,
};

pub use engagement::{
    AddressBlock, Engagement, EngagementSettings, InboundMessage, NewInbound, ReplyTarget, ResponseUpdate,
    TimelineEvent, TrackingEvent, Unanswered,
};
pub use learning::{Learning, Outcome};
pub use postgres::PostgresStore;
pub use sql::MAX_IN_LIST;
pub use sqlite::SqliteStore;
pub use web::{ChatMessage, ChatState, NewChatMessage, Session, Web};

pub type Result<T, E = anyhow::Error> = std::result::Result<T, E>;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Workspace {
    pub id: i64,
    pub name: String,
    pub ae_value_threshold: i64,
    /// Changes whenever plans, features, the team or customers change (see `services::CatalogCache` and
    /// the chat's `NameCache`).
    pub catalog_version: i64,
}

/// Who is calling: resolved from an API token.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    pub workspace: Workspace,
    pub member: TeamMember,
}

/// A team member as imported (no id yet).
#[derive(Debug, Clone, PartialEq)]
pub struct NewMember {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub title: Option<String>,
    pub calendar_url: Option<String>,
}

/// A customer as imported. Sections that are `None` leave what is stored untouched.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCustomer {
    pub external_id: String,
    pub name: String,
    pub plan_key: String,
    pub seats_purchased: i64,
    pub arr: i64,
    pub renewal_date: Option<Date>,
    pub health_score: Option<i64>,
    pub industry: Option<String>,
    pub csm_email: Option<String>,
    pub ae_email: Option<String>,
    pub time_zone: Option<String>,
}

/// Everything stored about one customer that the context needs.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerRecord {
    pub customer: Customer,
    pub contacts: Vec<Contact>,
    pub feature_requests: Vec<FeatureRequest>,
    pub milestones: Vec<Milestone>,
    pub usage: Option<UsageSummary>,
    pub opportunity: Option<StoredOpportunity>,
}

impl CustomerRecord {
    /// The contact with this email address, in any case.
    pub fn contact(&self, email: &str) -> Option<&Contact> {
        let email = email.trim();
        self.contacts.iter().find(|c| c.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(email)))
    }

    /// The time zone of the person at `email`: their own, else the customer's.
    pub fn time_zone_of(&self, email: &str) -> Option<&str> {
        self.contact(email).and_then(|c| c.time_zone.as_deref()).or(self.customer.time_zone.as_deref())
    }
}

/// What detection reads for one customer of a workspace-wide run.
#[derive(Debug, Clone, PartialEq)]
pub struct DetectionInput {
    pub customer: Customer,
    pub usage: Option<UsageSummary>,
    pub feature_requests: Vec<FeatureRequest>,
    pub milestones: Vec<Milestone>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DetectionCounts {
    pub customers: usize,
    pub signals: usize,
    /// Customers whose signals differ from what was stored.
    pub signals_changed: usize,
    pub opportunities_created: usize,
    pub opportunities_updated: usize,
    pub opportunities_expired: usize,
    /// Opportunities not opened because the customer declined recently.
    pub opportunities_suppressed: usize,
}

/// One row of `GET /api/opportunities`.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OpportunityRow {
    #[schema(value_type = String, example = "opp_1")]
    pub id: OpportunityId,
    #[schema(value_type = String, example = "cus_1")]
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub kind: String,
    pub target_plan: String,
    pub seats: i64,
    pub annual_value: i64,
    pub status: String,
    pub main_signal: Option<String>,
    pub ae_recommended: bool,
    /// The approach of the introduction that was sent.
    pub approach: Option<String>,
    /// The draft that was sent as the introduction.
    #[schema(value_type = Option<String>, example = "drf_1")]
    pub draft_id: Option<DraftId>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub intro_sent_at: Option<OffsetDateTime>,
    /// positive, neutral or negative: the first human reply's label, or what a CSM recorded.
    pub intro_response: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub intro_responded_at: Option<OffsetDateTime>,
    /// The CSM's note with a response recorded by hand.
    pub response_note: Option<String>,
    /// The follow-up prepared when the introduction got no reply.
    #[schema(value_type = Option<String>, example = "drf_2")]
    pub follow_up_draft_id: Option<DraftId>,
    /// When the AE was handed the conversation (a positive response).
    #[serde(with = "time::serde::rfc3339::option")]
    pub handed_off_at: Option<OffsetDateTime>,
    /// When a meeting was booked (recorded by the CSM or the CRM).
    #[serde(with = "time::serde::rfc3339::option")]
    pub meeting_booked_at: Option<OffsetDateTime>,
    /// When the opportunity was won or lost (`status` says which).
    #[serde(with = "time::serde::rfc3339::option")]
    pub outcome_at: Option<OffsetDateTime>,
    pub outcome_note: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// A customer in search results.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CustomerSummary {
    #[schema(value_type = String, example = "cus_1")]
    pub id: CustomerId,
    pub external_id: String,
    pub name: String,
    pub plan: String,
    pub seats_purchased: i64,
    pub health_score: Option<i64>,
    pub renewal_date: Option<Date>,
}

/// The kind of job that delivers an approved draft (its payload: `{"draft_id": N}`).
pub const SEND_DRAFT: &str = "send_draft";

/// Work for the background worker, enqueued in the transaction of the change that causes it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub kind: String,
    pub payload: serde_json::Value,
    /// At most one job per key ever exists: enqueuing a key again re-arms the job that has it.
    pub dedupe_key: String,
}

/// A claimed job. `attempts` (counting this one) doubles as the lease's fencing token.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: i64,
    pub workspace_id: Option<i64>,
    pub kind: String,
    pub payload: serde_json::Value,
    pub attempts: i64,
}

/// A person pressing Send on one revision of a draft.
#[derive(Debug, Clone, PartialEq)]
pub struct Approval {
    pub draft_id: DraftId,
    /// The revision whose checks the approver saw; the approval fails if the draft has moved on.
    pub revision: i64,
    pub approver: i64,
    pub idempotency_key: Option<String>,
    /// Fixed now, before any delivery attempt, so that a retry is recognisable.
    pub message_id: String,
    /// The send job and any notices that go with it.
    pub jobs: Vec<NewJob>,
    /// When the jobs may run (wall-clock time, even when `OVERTURE_NOW` fixes the business clock).
    pub run_at: OffsetDateTime,
    /// A later instant for the send job alone (the draft is scheduled); notices go at `run_at`.
    pub send_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Approved {
    /// Queued by this call.
    Queued(Draft),
    /// Already approved earlier (a repeated call or Idempotency-Key): nothing new is queued.
    Already(Draft),
    /// The Idempotency-Key was used for another draft.
    KeyUsedFor(DraftId),
    /// The draft changed (edited, discarded) since the approver looked at it.
    Changed(Draft),
    NotFound,
}

/// What a transport reports about a delivered message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Delivery {
    /// The Gmail thread, when sent through Gmail.
    pub thread_id: Option<String>,
}

/// A pending OAuth authorization: who asked, and the PKCE verifier.
#[derive(Debug, Clone, PartialEq)]
pub struct OAuthState {
    pub member_id: i64,
    pub workspace_id: i64,
    pub email: String,
    pub verifier: String,
}

/// A CSM's connected Gmail mailbox.
#[derive(Debug, Clone, PartialEq)]
pub struct GmailConnection {
    pub member_id: i64,
    pub email: String,
    /// Encrypted; see `delivery::gmail`.
    pub refresh_token: String,
    pub status: String,
}

/// The writes of one import, all in one transaction: dropped without `commit`, nothing is kept.
#[async_trait]
pub trait ImportTx: Send {
    async fn upsert_features(&mut self, features: &[Feature]) -> Result<()>;
    async fn upsert_plans(&mut self, plans: &[Plan]) -> Result<()>;
    async fn upsert_team(&mut self, members: &[NewMember]) -> Result<()>;
    /// Inserts or updates by external id; returns the ids by external id.
    async fn upsert_customers(&mut self, customers: &[NewCustomer]) -> Result<HashMap<String, CustomerId>>;
    async fn replace_contacts(&mut self, rows: &[(CustomerId, Vec<Contact>)]) -> Result<()>;
    async fn replace_feature_requests(&mut self, rows: &[(CustomerId, Vec<FeatureRequest>)]) -> Result<()>;
    async fn replace_milestones(&mut self, rows: &[(CustomerId, Vec<Milestone>)]) -> Result<()>;
    /// Rows of the same customer and date replace what is stored.
    async fn upsert_usage(&mut self, rows: &[(CustomerId, UsageDay)]) -> Result<()>;
    /// Records CRM results on each customer's latest opportunity (an introduced one first); returns how
    /// many were recorded and how many customers had no opportunity.
    async fn record_outcomes(
        &mut self,
        rows: &[(CustomerId, Outcome, OffsetDateTime, Option<String>)],
    ) -> Result<(usize, usize)>;
    /// Recomputes the stored usage summaries of these customers from their usage rows.
    async fn refresh_usage_summaries(&mut self, ids: &[CustomerId]) -> Result<()>;
    /// External ids of the workspace's customers with their ids (to resolve references of CSV files).
    async fn external_ids(&mut self) -> Result<HashMap<String, CustomerId>>;
    async fn commit(self: Box<Self>) -> Result<()>;
}

#[async_trait]
pub trait Store: Engagement + Learning + Web + Send + Sync {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    async fn migrate(&self) -> Result<()>;

    async fn workspace(&self, name: &str) -> Result<Option<Workspace>>;
    /// Returns the workspace, creating it when missing.
    async fn ensure_workspace(&self, name: &str, now: OffsetDateTime) -> Result<Workspace>;
    async fn set_ae_value_threshold(&self, ws: &Workspace, value: i64) -> Result<()>;

    async fn team(&self, ws: &Workspace) -> Result<Vec<TeamMember>>;
    async fn member_by_email(&self, ws: &Workspace, email: &str) -> Result<Option<TeamMember>>;
    async fn create_token(&self, member: &TeamMember, token_hash: &str, now: OffsetDateTime) -> Result<()>;
    /// Revokes every live token of a member (their web sessions end with them); returns how many.
    async fn revoke_tokens(&self, member: &TeamMember, now: OffsetDateTime) -> Result<u64>;
    async fn authenticate(&self, token_hash: &str) -> Result<Option<Principal>>;

    async fn plans(&self, ws: &Workspace) -> Result<Vec<Plan>>;
    async fn features(&self, ws: &Workspace) -> Result<Vec<Feature>>;
    async fn count_customers(&self, ws: &Workspace) -> Result<i64>;
    /// The customer alone (no contacts, usage or opportunity).
    async fn customer(&self, ws: &Workspace, id: CustomerId) -> Result<Option<Customer>>;
    /// Every customer id of the workspace, ascending.
    async fn customer_ids(&self, ws: &Workspace) -> Result<Vec<CustomerId>>;

    /// Customers whose name or external id contains `query` (case-insensitive), by name.
    async fn search_customers(&self, ws: &Workspace, query: &str, limit: i64) -> Result<Vec<CustomerSummary>>;
    async fn customer_record(&self, ws: &Workspace, id: CustomerId) -> Result<Option<CustomerRecord>>;
    /// The records of the customers whose internal id, external id or name (case-insensitive) is exactly `key`.
    async fn customer_records_matching(&self, ws: &Workspace, key: &str) -> Result<Vec<CustomerRecord>>;

    async fn begin_import(&self, ws: &Workspace, now: OffsetDateTime) -> Result<Box<dyn ImportTx>>;

    /// Inputs for detection of the listed customers (at most [`MAX_IN_LIST`]) of the workspace.
    async fn detection_inputs(&self, ws: &Workspace, ids: &[CustomerId]) -> Result<Vec<DetectionInput>>;
    /// Replaces the customers' signals and creates, updates or expires their open opportunity.
    async fn save_detections(
        &self,
        ws: &Workspace,
        results: &[(CustomerId, Detection)],
        now: OffsetDateTime,
    ) -> Result<DetectionCounts>;
    async fn opportunities(&self, ws: &Workspace, status: Option<&str>) -> Result<Vec<OpportunityRow>>;

    /// Stores a draft as revision 1 and logs its creation.
    async fn create_draft(&self, ws: &Workspace, draft: &NewDraft, now: OffsetDateTime) -> Result<Draft>;
    async fn draft(&self, ws: &Workspace, id: DraftId) -> Result<Option<Draft>>;
    /// Stores `edit` as the next revision if the draft is still editable at `revision`; `None` otherwise.
    async fn update_draft(
        &self,
        ws: &Workspace,
        id: DraftId,
        revision: i64,
        content: &DraftContent,
        by: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<Option<Draft>>;
    async fn draft_revisions(&self, ws: &Workspace, id: DraftId) -> Result<Vec<DraftRevision>>;
    /// Records the approval and enqueues its jobs in one transaction.
    async fn approve_draft(&self, ws: &Workspace, approval: &Approval, now: OffsetDateTime) -> Result<Approved>;
    /// Discards a draft that is still editable; `None` if it is not (any more).
    async fn discard_draft(&self, ws: &Workspace, id: DraftId, by: i64, now: OffsetDateTime) -> Result<Option<Draft>>;

    /// The newest entries first, those with an id below `before` when given.
    async fn audit_log(&self, ws: &Workspace, limit: i64, before: Option<i64>) -> Result<Vec<AuditEntry>>;

    async fn workspace_by_id(&self, id: i64) -> Result<Option<Workspace>>;
    /// Leases up to `limit` jobs that are due (or whose lease ran out) until `lease_until`.
    /// Send jobs' drafts become `sending` in the same transaction.
    async fn claim_jobs(&self, limit: i64, now: OffsetDateTime, lease_until: OffsetDateTime) -> Result<Vec<Job>>;
    /// A delivered introduction: the job is done, the draft `sent`, the opportunity's intro tracked.
    /// False when the lease was lost (another worker took the job over).
    /// `moment` is the recipient's clock and situation, kept on the opportunity for learning.
    async fn finish_send(
        &self,
        job: &Job,
        id: DraftId,
        delivery: &Delivery,
        moment: &crate::learning::timing::SendMoment,
        now: OffsetDateTime,
    ) -> Result<bool>;
    /// A job that needs no more than being marked done (and logged).
    async fn finish_job(
        &self,
        job: &Job,
        audit: Option<(AuditAction, Option<DraftId>, serde_json::Value)>,
        now: OffsetDateTime,
    ) -> Result<bool>;
    /// A temporary failure: the job runs again at `run_at`; its draft (if any) goes back to `queued`.
    async fn retry_job(&self, job: &Job, draft: Option<DraftId>, error: &str, run_at: OffsetDateTime) -> Result<()>;
    /// A permanent failure: recorded on the job and the draft (`failed`, with the reason) and logged.
    async fn fail_job(&self, job: &Job, draft: Option<DraftId>, error: &str, now: OffsetDateTime) -> Result<()>;
    /// Gives leased jobs back (graceful shutdown) without counting the attempt.
    async fn release_jobs(&self, jobs: &[Job]) -> Result<()>;
    /// Jobs by state (`queued`, `running`, `done`, `failed`), for health and tests.
    async fn job_counts(&self) -> Result<HashMap<String, i64>>;

    async fn create_oauth_state(&self, member: i64, state: &str, verifier: &str, now: OffsetDateTime) -> Result<()>;
    /// Removes and returns a pending authorization created after `not_before` (each is used once).
    async fn take_oauth_state(&self, state: &str, not_before: OffsetDateTime) -> Result<Option<OAuthState>>;
    async fn save_gmail_connection(
        &self,
        ws: &Workspace,
        member: i64,
        email: &str,
        refresh_token: &str,
        now: OffsetDateTime,
    ) -> Result<()>;
    /// The connection whose Gmail address is `email`.
    async fn gmail_connection(&self, ws: &Workspace, email: &str) -> Result<Option<GmailConnection>>;
    async fn set_gmail_status(&self, ws: &Workspace, member: i64, status: &str, now: OffsetDateTime) -> Result<()>;

    async fn templates(&self, ws: &Workspace) -> Result<Vec<TemplateOverride>>;
    /// Saves (or, with `None`, removes) a workspace's templates for an approach; bumps the catalog version.
    async fn set_template(
        &self,
        ws: &Workspace,
        approach: Approach,
        template: Option<(&str, &str)>,
        by: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<()>;
}

/// Opens the store for a database URL (`sqlite://…` or `postgres://…`), creating a SQLite file if missing.
pub async fn open(url: &str) -> Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::open(url).await.with_context(|| format!("opening SQLite database {url}"))?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        let store = PostgresStore::open(url).await.context("connecting to PostgreSQL")?;
        Ok(Arc::new(store))
    } else {
        bail!("unsupported database URL `{url}`: use sqlite://PATH or postgres://…")
    }
}

/// Days since 1970-01-01, the form usage dates take in the database.
pub(crate) fn day_number(date: Date) -> i32 {
    date.to_julian_day() - UNIX_EPOCH_JULIAN_DAY
}

pub(crate) fn date_from_day(day: i32) -> Result<Date> {
    Date::from_julian_day(day + UNIX_EPOCH_JULIAN_DAY).context("usage day out of range")
}

const UNIX_EPOCH_JULIAN_DAY: i32 = 2_440_588;

/// Usage rows handed from a file reader to the store at a time.
pub const USAGE_STREAM_BATCH: usize = 10_000;
