//! Rows as both backends return them, and their conversion into domain types.

use anyhow::Context as _;
use time::{Date, OffsetDateTime};

use super::{date_from_day, Result, Workspace};
use crate::context::StoredOpportunity;
use crate::domain::{
    Customer, CustomerId, Feature, FeatureRequest, Milestone, Moments, OpportunityId, Plan, TeamMember, UsageSummary,
};

#[derive(sqlx::FromRow)]
pub(super) struct WorkspaceRow {
    pub id: i64,
    pub name: String,
    pub ae_value_threshold: i64,
    pub catalog_version: i64,
}

impl From<WorkspaceRow> for Workspace {
    fn from(r: WorkspaceRow) -> Self {
        Workspace {
            id: r.id,
            name: r.name,
            ae_value_threshold: r.ae_value_threshold,
            catalog_version: r.catalog_version,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct MemberRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub title: Option<String>,
    pub calendar_url: Option<String>,
}

impl MemberRow {
    pub fn into_member(self) -> Result<TeamMember> {
        Ok(TeamMember {
            id: self.id,
            role: self.role.parse().map_err(anyhow::Error::msg)?,
            email: self.email,
            name: self.name,
            title: self.title,
            calendar_url: self.calendar_url,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct PrincipalRow {
    pub workspace_id: i64,
    pub workspace_name: String,
    pub ae_value_threshold: i64,
    pub catalog_version: i64,
    #[sqlx(flatten)]
    pub member: MemberRow,
}

impl PrincipalRow {
    pub fn into_principal(self) -> Result<super::Principal> {
        Ok(super::Principal {
            workspace: Workspace {
                id: self.workspace_id,
                name: self.workspace_name,
                ae_value_threshold: self.ae_value_threshold,
                catalog_version: self.catalog_version,
            },
            member: self.member.into_member()?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct FeatureRow {
    pub key: String,
    pub name: String,
    pub description: Option<String>,
    pub resource_url: Option<String>,
}

impl From<FeatureRow> for Feature {
    fn from(r: FeatureRow) -> Self {
        Feature { key: r.key, name: r.name, description: r.description, resource_url: r.resource_url }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct PlanRow {
    pub key: String,
    pub name: String,
    pub rank: i64,
    pub annual_price_per_seat: i64,
    pub annual_base_price: i64,
    pub seat_limit: Option<i64>,
    pub api_calls_per_month: Option<i64>,
    pub features: String,
}

impl PlanRow {
    pub fn into_plan(self) -> Result<Plan> {
        Ok(Plan {
            features: serde_json::from_str(&self.features).with_context(|| format!("features of plan {}", self.key))?,
            key: self.key,
            name: self.name,
            rank: self.rank,
            annual_price_per_seat: self.annual_price_per_seat,
            annual_base_price: self.annual_base_price,
            seat_limit: self.seat_limit,
            api_calls_per_month: self.api_calls_per_month,
        })
    }
}

pub(super) const CUSTOMER_COLUMNS: &str = "id, external_id, name, plan_key, seats_purchased, arr, renewal_date, \
     health_score, industry, csm_email, ae_email, time_zone";

/// The same columns, qualified for queries that join other tables to `customers c`.
pub(super) const QUALIFIED_CUSTOMER_COLUMNS: &str = "c.id, c.external_id, c.name, c.plan_key, \
     c.seats_purchased, c.arr, c.renewal_date, c.health_score, c.industry, c.csm_email, c.ae_email, c.time_zone";

#[derive(sqlx::FromRow)]
pub(super) struct CustomerRow {
    pub id: i64,
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

impl From<CustomerRow> for Customer {
    fn from(r: CustomerRow) -> Self {
        Customer {
            id: CustomerId(r.id),
            external_id: r.external_id,
            name: r.name,
            plan_key: r.plan_key,
            seats_purchased: r.seats_purchased,
            arr: r.arr,
            renewal_date: r.renewal_date,
            health_score: r.health_score,
            industry: r.industry,
            csm_email: r.csm_email,
            ae_email: r.ae_email,
            time_zone: r.time_zone,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct RequestRow {
    pub customer_id: i64,
    pub feature_key: String,
    pub requested_at: Date,
    pub note: Option<String>,
}

impl From<RequestRow> for FeatureRequest {
    fn from(r: RequestRow) -> Self {
        FeatureRequest { feature: r.feature_key, requested_at: r.requested_at, note: r.note }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct MilestoneRow {
    pub customer_id: i64,
    pub title: String,
    pub achieved_at: Date,
}

impl From<MilestoneRow> for Milestone {
    fn from(r: MilestoneRow) -> Self {
        Milestone { title: r.title, achieved_at: r.achieved_at }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct UsageRow {
    pub customer_id: i64,
    pub as_of: i32,
    pub seats_used: i64,
    pub monthly_active_users: i64,
    pub api_30: i64,
    pub api_days: i64,
    pub n: f64,
    pub sx: f64,
    pub sxx: f64,
    pub seats_sy: f64,
    pub seats_sxy: f64,
    pub api_sy: f64,
    pub api_sxy: f64,
}

impl UsageRow {
    pub fn into_summary(self) -> Result<UsageSummary> {
        Ok(UsageSummary {
            as_of: date_from_day(self.as_of)?,
            seats_used: self.seats_used,
            monthly_active_users: self.monthly_active_users,
            api_calls_last_30_days: self.api_30,
            api_window_days: self.api_days,
            moments: Moments {
                n: self.n,
                sx: self.sx,
                sxx: self.sxx,
                seats_sy: self.seats_sy,
                seats_sxy: self.seats_sxy,
                api_sy: self.api_sy,
                api_sxy: self.api_sxy,
            },
        })
    }
}

/// Recomputes `usage_summaries` ([`UsageSummary::from_days`] in SQL) for the customers that `{filter}`
/// selects (`c.workspace_id = … AND c.id IN (…)`). The windows match `API_WINDOW_DAYS` and
/// `TREND_WINDOW_DAYS`. `MATERIALIZED` keeps the latest-day lookup to once per customer.
pub(super) const REFRESH_SUMMARIES_SQL: (&str, &str) = (
    "WITH m AS MATERIALIZED (SELECT c.id, (SELECT MAX(x.day) FROM usage_daily x WHERE x.customer_id = c.id) AS as_of \
       FROM customers c WHERE ",
    ") INSERT INTO usage_summaries (customer_id, as_of, seats_used, monthly_active_users, api_30, api_days, \
       n, sx, sxx, seats_sy, seats_sxy, api_sy, api_sxy) \
     SELECT m.id, m.as_of, \
       MAX(CASE WHEN u.day = m.as_of THEN u.seats_used END), \
       MAX(CASE WHEN u.day = m.as_of THEN u.monthly_active_users END), \
       CAST(SUM(CASE WHEN u.day > m.as_of - 30 THEN u.api_calls ELSE 0 END) AS BIGINT), \
       CAST(SUM(CASE WHEN u.day > m.as_of - 30 THEN 1 ELSE 0 END) AS BIGINT), \
       CAST(COUNT(*) AS DOUBLE PRECISION), \
       CAST(SUM(u.day - m.as_of) AS DOUBLE PRECISION), \
       CAST(SUM((u.day - m.as_of) * (u.day - m.as_of)) AS DOUBLE PRECISION), \
       CAST(SUM(u.seats_used) AS DOUBLE PRECISION), \
       CAST(SUM((u.day - m.as_of) * u.seats_used) AS DOUBLE PRECISION), \
       CAST(SUM(CAST(u.api_calls AS DOUBLE PRECISION)) AS DOUBLE PRECISION), \
       CAST(SUM((u.day - m.as_of) * CAST(u.api_calls AS DOUBLE PRECISION)) AS DOUBLE PRECISION) \
     FROM m JOIN usage_daily u ON u.customer_id = m.id AND u.day > m.as_of - 90 \
     GROUP BY m.id, m.as_of",
);

pub(super) const SUMMARY_COLUMNS: &str = "s.customer_id, s.as_of, s.seats_used, s.monthly_active_users, s.api_30, \
     s.api_days, s.n, s.sx, s.sxx, s.seats_sy, s.seats_sxy, s.api_sy, s.api_sxy";

/// Customers of workspace $1 whose id is $2, external id is $3, or name is $3 in any case: three indexed
/// lookups, where one `OR` would scan the workspace.
pub(super) const MATCHING_IDS: &str = "c.id IN (SELECT id FROM customers WHERE workspace_id = $1 AND id = $2 \
     UNION SELECT id FROM customers WHERE workspace_id = $1 AND external_id = $3 \
     UNION SELECT id FROM customers WHERE workspace_id = $1 AND lower(name) = lower($3))";

pub(super) const OPEN_STATUSES: &str = "('identified', 'intro_sent', 'conversation')";

#[derive(sqlx::FromRow, Clone)]
pub(super) struct OpportunityStateRow {
    pub id: i64,
    pub customer_id: i64,
    pub kind: String,
    pub target_plan_key: String,
    pub seats: i64,
    pub annual_value: i64,
    pub rationale: String,
    pub main_signal: Option<String>,
    pub ae_recommended: bool,
    pub ae_reason: String,
    pub status: String,
}

#[derive(sqlx::FromRow)]
pub(super) struct OpportunityListRow {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub kind: String,
    pub target_plan_key: String,
    pub seats: i64,
    pub annual_value: i64,
    pub status: String,
    pub main_signal: Option<String>,
    pub ae_recommended: bool,
    pub approach: Option<String>,
    pub draft_id: Option<i64>,
    pub intro_sent_at: Option<OffsetDateTime>,
    pub intro_response: Option<String>,
    pub intro_responded_at: Option<OffsetDateTime>,
    pub response_note: Option<String>,
    pub follow_up_draft_id: Option<i64>,
    pub handed_off_at: Option<OffsetDateTime>,
    pub meeting_booked_at: Option<OffsetDateTime>,
    pub outcome_at: Option<OffsetDateTime>,
    pub outcome_note: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl OpportunityListRow {
    pub fn into_row(self) -> super::OpportunityRow {
        super::OpportunityRow {
            id: OpportunityId(self.id),
            customer_id: CustomerId(self.customer_id),
            customer_name: self.customer_name,
            kind: self.kind,
            target_plan: self.target_plan_key,
            seats: self.seats,
            annual_value: self.annual_value,
            status: self.status,
            main_signal: self.main_signal,
            ae_recommended: self.ae_recommended,
            approach: self.approach,
            draft_id: self.draft_id.map(crate::domain::DraftId),
            intro_sent_at: self.intro_sent_at,
            intro_response: self.intro_response,
            intro_responded_at: self.intro_responded_at,
            response_note: self.response_note,
            follow_up_draft_id: self.follow_up_draft_id.map(crate::domain::DraftId),
            handed_off_at: self.handed_off_at,
            meeting_booked_at: self.meeting_booked_at,
            outcome_at: self.outcome_at,
            outcome_note: self.outcome_note,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// One customer with everything the context needs, in one round trip: the summary and open
/// opportunity by LEFT JOIN, the lists as JSON arrays.
#[derive(sqlx::FromRow)]
pub(super) struct RecordRow {
    #[sqlx(flatten)]
    pub customer: CustomerRow,
    pub s_customer_id: Option<i64>,
    pub s_as_of: Option<i32>,
    pub s_seats_used: Option<i64>,
    pub s_monthly_active_users: Option<i64>,
    pub s_api_30: Option<i64>,
    pub s_api_days: Option<i64>,
    pub s_n: Option<f64>,
    pub s_sx: Option<f64>,
    pub s_sxx: Option<f64>,
    pub s_seats_sy: Option<f64>,
    pub s_seats_sxy: Option<f64>,
    pub s_api_sy: Option<f64>,
    pub s_api_sxy: Option<f64>,
    pub o_id: Option<i64>,
    pub o_status: Option<String>,
    pub o_approach: Option<String>,
    pub o_intro_sent_at: Option<OffsetDateTime>,
    pub o_intro_response: Option<String>,
    pub contacts_json: Option<String>,
    pub requests_json: Option<String>,
    pub milestones_json: Option<String>,
}

pub(super) const RECORD_SUMMARY_COLUMNS: &str = "s.customer_id AS s_customer_id, s.as_of AS s_as_of, \
     s.seats_used AS s_seats_used, s.monthly_active_users AS s_monthly_active_users, s.api_30 AS s_api_30, \
     s.api_days AS s_api_days, s.n AS s_n, s.sx AS s_sx, s.sxx AS s_sxx, s.seats_sy AS s_seats_sy, \
     s.seats_sxy AS s_seats_sxy, s.api_sy AS s_api_sy, s.api_sxy AS s_api_sxy, o.id AS o_id, \
     o.status AS o_status, o.approach AS o_approach, o.intro_sent_at AS o_intro_sent_at, \
     o.intro_response AS o_intro_response";

fn json_list<T: serde::de::DeserializeOwned>(json: Option<&str>, what: &str) -> Result<Vec<T>> {
    match json {
        None | Some("") => Ok(Vec::new()),
        Some(text) => serde_json::from_str(text).with_context(|| format!("decoding the {what} of a customer")),
    }
}

impl RecordRow {
    pub fn into_record(self) -> Result<crate::store::CustomerRecord> {
        let usage = match (self.s_customer_id, self.s_as_of) {
            (Some(customer_id), Some(as_of)) => Some(
                UsageRow {
                    customer_id,
                    as_of,
                    seats_used: self.s_seats_used.unwrap_or_default(),
                    monthly_active_users: self.s_monthly_active_users.unwrap_or_default(),
                    api_30: self.s_api_30.unwrap_or_default(),
                    api_days: self.s_api_days.unwrap_or_default(),
                    n: self.s_n.unwrap_or_default(),
                    sx: self.s_sx.unwrap_or_default(),
                    sxx: self.s_sxx.unwrap_or_default(),
                    seats_sy: self.s_seats_sy.unwrap_or_default(),
                    seats_sxy: self.s_seats_sxy.unwrap_or_default(),
                    api_sy: self.s_api_sy.unwrap_or_default(),
                    api_sxy: self.s_api_sxy.unwrap_or_default(),
                }
                .into_summary()?,
            ),
            _ => None,
        };
        let opportunity = match (self.o_id, self.o_status) {
            (Some(id), Some(status)) => Some(StoredOpportunity {
                id: OpportunityId(id),
                status,
                intro_sent_at: self.o_intro_sent_at,
                intro_response: self.o_intro_response,
                approach: self.o_approach.as_deref().and_then(|a| a.parse().ok()),
            }),
            _ => None,
        };
        Ok(crate::store::CustomerRecord {
            customer: self.customer.into(),
            contacts: json_list(self.contacts_json.as_deref(), "contacts")?,
            feature_requests: json_list(self.requests_json.as_deref(), "feature requests")?,
            milestones: json_list(self.milestones_json.as_deref(), "milestones")?,
            usage,
            opportunity,
        })
    }
}

pub(super) const DRAFT_COLUMNS: &str = "id, customer_id, opportunity_id, status, approach, tone, from_name, \
     from_email, to_json, cc_json, cc_ae, subject, body_text, body_html, checks_json, facts_json, created_at, \
     updated_at, sent_at, message_id, error, revision, \
     (SELECT m.email FROM team_members m WHERE m.id = drafts.approved_by) AS approved_by_email, approved_at, \
     approved_revision, thread_id, kind, in_reply_to, tracked, send_at";

#[derive(sqlx::FromRow)]
pub(super) struct DraftRow {
    pub id: i64,
    pub customer_id: i64,
    pub opportunity_id: Option<i64>,
    pub status: String,
    pub approach: String,
    pub tone: String,
    pub from_name: String,
    pub from_email: String,
    pub to_json: String,
    pub cc_json: String,
    pub cc_ae: bool,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub checks_json: String,
    pub facts_json: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
    pub message_id: Option<String>,
    pub error: Option<String>,
    pub revision: i64,
    pub approved_by_email: Option<String>,
    pub approved_at: Option<OffsetDateTime>,
    pub approved_revision: Option<i64>,
    pub thread_id: Option<String>,
    pub kind: String,
    pub in_reply_to: Option<String>,
    pub tracked: bool,
    pub send_at: Option<OffsetDateTime>,
}

impl DraftRow {
    pub fn into_draft(self) -> Result<crate::domain::Draft> {
        let json = |what: &str, text: &str| -> Result<serde_json::Value> {
            serde_json::from_str(text).with_context(|| format!("decoding the {what} of draft {}", self.id))
        };
        Ok(crate::domain::Draft {
            id: crate::domain::DraftId(self.id),
            customer_id: CustomerId(self.customer_id),
            opportunity_id: self.opportunity_id.map(OpportunityId),
            status: self.status.parse().map_err(anyhow::Error::msg)?,
            approach: self.approach.parse().map_err(anyhow::Error::msg)?,
            tone: self.tone.parse().map_err(anyhow::Error::msg)?,
            from: crate::domain::Mailbox { name: self.from_name, email: self.from_email },
            to: serde_json::from_value(json("recipients", &self.to_json)?)?,
            cc: serde_json::from_value(json("copies", &self.cc_json)?)?,
            cc_ae: self.cc_ae,
            subject: self.subject,
            text: self.body_text,
            html: self.body_html,
            checks: serde_json::from_value(json("checks", &self.checks_json)?)?,
            facts: serde_json::from_value(json("facts", &self.facts_json)?)?,
            created_at: self.created_at,
            updated_at: self.updated_at,
            sent_at: self.sent_at,
            message_id: self.message_id,
            error: self.error,
            revision: self.revision,
            approved_by: self.approved_by_email,
            approved_at: self.approved_at,
            approved_revision: self.approved_revision,
            thread_id: self.thread_id,
            kind: self.kind.parse().map_err(anyhow::Error::msg)?,
            in_reply_to: self.in_reply_to,
            tracked: self.tracked,
            send_at: self.send_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct RevisionRow {
    pub revision: i64,
    pub approach: String,
    pub tone: String,
    pub cc_json: String,
    pub subject: String,
    pub body_text: String,
    pub checks_json: String,
    pub edited_by: Option<String>,
    pub created_at: OffsetDateTime,
}

impl RevisionRow {
    pub fn into_revision(self) -> Result<crate::domain::DraftRevision> {
        Ok(crate::domain::DraftRevision {
            revision: self.revision,
            approach: self.approach.parse().map_err(anyhow::Error::msg)?,
            tone: self.tone.parse().map_err(anyhow::Error::msg)?,
            cc: serde_json::from_str(&self.cc_json).context("decoding a revision's copies")?,
            subject: self.subject,
            text: self.body_text,
            checks: serde_json::from_str(&self.checks_json).context("decoding a revision's checks")?,
            edited_by: self.edited_by,
            created_at: self.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct AuditRow {
    pub id: i64,
    pub at: OffsetDateTime,
    pub actor: Option<String>,
    pub action: String,
    pub draft_id: Option<i64>,
    pub detail: String,
}

impl AuditRow {
    pub fn into_entry(self) -> Result<crate::domain::AuditEntry> {
        Ok(crate::domain::AuditEntry {
            id: self.id,
            at: self.at,
            actor: self.actor,
            action: self.action,
            draft_id: self.draft_id.map(crate::domain::DraftId),
            detail: serde_json::from_str(&self.detail).context("decoding an audit entry")?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct JobRow {
    pub id: i64,
    pub workspace_id: Option<i64>,
    pub kind: String,
    pub payload: String,
    pub attempts: i64,
}

impl JobRow {
    pub fn into_job(self) -> Result<crate::store::Job> {
        Ok(crate::store::Job {
            id: self.id,
            workspace_id: self.workspace_id,
            kind: self.kind,
            payload: serde_json::from_str(&self.payload).context("decoding a job's payload")?,
            attempts: self.attempts,
        })
    }
}
