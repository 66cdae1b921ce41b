//! The workspace bundle of CONTRACT §2, as it arrives. Values are checked in `validate`, not here,
//! so that every problem of every record can be reported at once.

use schemars::JsonSchema;
use serde::Deserialize;

/// A whole workspace (or part of one) in one JSON document. Every section is optional.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Overture workspace bundle")]
pub struct Bundle {
    #[serde(default)]
    pub features: Vec<FeatureRecord>,
    #[serde(default)]
    pub plans: Vec<PlanRecord>,
    #[serde(default)]
    pub team: Vec<MemberRecord>,
    #[serde(default)]
    pub customers: Vec<CustomerRecord>,
    /// CRM results: a meeting, a win or a loss, recorded on the customer's latest introduced opportunity.
    #[serde(default)]
    pub outcomes: Vec<OutcomeRecord>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FeatureRecord {
    /// Stable key, e.g. `advanced_analytics`.
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// An http(s) link a customer can read about the feature.
    #[serde(default)]
    pub resource_url: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRecord {
    pub key: String,
    pub name: String,
    /// Higher rank = higher tier; ranks are unique in a workspace.
    pub rank: i64,
    pub annual_price_per_seat: i64,
    #[serde(default)]
    pub annual_base_price: i64,
    /// `null` for unlimited.
    #[serde(default)]
    pub seat_limit: Option<i64>,
    /// `null` for unlimited.
    #[serde(default)]
    pub api_calls_per_month: Option<i64>,
    /// Feature keys the plan includes.
    #[serde(default)]
    pub features: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberRecord {
    pub email: String,
    pub name: String,
    /// `admin`, `csm`, `ae` or `viewer`.
    pub role: String,
    #[serde(default)]
    pub title: Option<String>,
    /// An http(s) scheduling link, offered to customers in introductions.
    #[serde(default)]
    pub calendar_url: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerRecord {
    pub external_id: String,
    pub name: String,
    /// Key of the customer's plan.
    pub plan: String,
    pub seats_purchased: i64,
    /// Annual recurring revenue; defaults to the plan's price for the purchased seats.
    #[serde(default)]
    pub arr: Option<i64>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub renewal_date: Option<String>,
    /// 0 to 100.
    #[serde(default)]
    pub health_score: Option<i64>,
    #[serde(default)]
    pub industry: Option<String>,
    /// IANA time zone of the customer (e.g. `America/New_York`), for contacts that have none.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Email of the team member who is the customer's CSM.
    #[serde(default)]
    pub csm: Option<String>,
    /// Email of the team member who is the customer's Account Executive.
    #[serde(default)]
    pub ae: Option<String>,
    /// When present, replaces the customer's contacts.
    #[serde(default)]
    pub contacts: Option<Vec<ContactRecord>>,
    /// One row per day; rows replace stored rows of the same date.
    #[serde(default)]
    pub usage: Option<Vec<UsageRecord>>,
    /// When present, replaces the customer's feature requests.
    #[serde(default)]
    pub feature_requests: Option<Vec<RequestRecord>>,
    /// When present, replaces the customer's milestones.
    #[serde(default)]
    pub milestones: Option<Vec<MilestoneRecord>>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactRecord {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    /// Free text, e.g. `champion`.
    #[serde(default)]
    pub role: Option<String>,
    /// The default recipient; at most one per customer.
    #[serde(default)]
    pub primary: bool,
    /// Never track opens or clicks of mail to this contact.
    #[serde(default)]
    pub tracking_opt_out: bool,
    /// IANA time zone of this person (e.g. `Europe/Berlin`); the customer's when absent.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// `analytical`, `driver`, `amiable`, `expressive` or `unknown`. Absent keeps what the CSM set or the
    /// replies taught; `unknown` clears a style set before.
    #[serde(default)]
    pub buying_style: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageRecord {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Licences assigned that day.
    pub seats_used: i64,
    /// Distinct users active in the 30 days up to that day.
    pub monthly_active_users: i64,
    /// API calls made that day.
    pub api_calls: i64,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestRecord {
    /// Feature key.
    pub feature: String,
    /// `YYYY-MM-DD`.
    pub requested_at: String,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneRecord {
    pub title: String,
    /// `YYYY-MM-DD`.
    pub achieved_at: String,
}

/// A CRM result for a customer.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeRecord {
    /// The customer's external id.
    pub external_id: String,
    /// `meeting_booked`, `won` or `lost` (`closed_won` and `closed_lost` are understood too).
    pub outcome: String,
    /// When: `YYYY-MM-DD` or an RFC 3339 instant.
    pub at: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// The JSON Schema of the bundle, as published at `/api/schema/bundle.json`.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Bundle)).unwrap_or_default()
}
