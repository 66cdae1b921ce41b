//! The expansion context: every figure a CSM needs before writing to the customer (CONTRACT §3).
//! Pure: built from a snapshot, the detection and what the store knows of the opportunity.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;

use crate::compose::{recommend, Recommendation};
use crate::domain::{
    AeInvolvement, Approach, BuyingStyle, Contact, CustomerId, Detection, OpportunityId, OpportunityKind, Signal,
    TeamMember,
};
use crate::signals::Snapshot;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ExpansionContext {
    pub customer: CustomerFacts,
    /// The person the introduction goes to: the primary contact with an email, else the first one.
    pub contact: Option<Person>,
    pub csm: Option<Person>,
    pub ae: Option<Person>,
    pub usage: UsageFacts,
    pub feature_requests: Vec<RequestFacts>,
    /// Strongest first.
    pub signals: Vec<Signal>,
    /// `null` when there is no expansion path.
    pub opportunity: Option<OpportunityFacts>,
    pub recommendation: Recommendation,
    pub ae_involvement: AeInvolvement,
    /// The day the figures are computed for (`OVERTURE_NOW`, else today).
    pub today: Date,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlanRef {
    pub key: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CustomerFacts {
    #[schema(value_type = String, example = "cus_1")]
    pub id: CustomerId,
    pub external_id: String,
    pub name: String,
    pub plan: PlanRef,
    pub arr: i64,
    pub health_score: Option<i64>,
    pub renewal_date: Option<Date>,
    /// Days from today to the renewal date; negative when it has passed.
    pub days_to_renewal: Option<i64>,
    pub seats_purchased: i64,
    pub industry: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Person {
    pub name: String,
    pub email: Option<String>,
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calendar_url: Option<String>,
    /// A contact's buying style (`unknown` when not known); absent for team members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buying_style: Option<BuyingStyle>,
    /// Where the style came from: `import`, `csm` or `inferred`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buying_style_source: Option<String>,
    /// A contact's IANA time zone, else the customer's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

impl Person {
    /// A customer's contact, in the customer's time zone unless they have their own.
    pub fn contact(c: &Contact, customer_zone: Option<&str>) -> Person {
        Person {
            name: c.name.clone(),
            email: c.email.clone(),
            title: c.title.clone(),
            calendar_url: None,
            buying_style: Some(c.buying_style),
            buying_style_source: c.buying_style_source.clone(),
            time_zone: c.time_zone.clone().or_else(|| customer_zone.map(str::to_string)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UsageFacts {
    /// The customer's latest usage date; `null` without usage data.
    pub as_of: Option<Date>,
    pub seats: SeatFacts,
    pub api_calls: ApiFacts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SeatFacts {
    pub used: Option<i64>,
    pub purchased: i64,
    /// `null` when the plan has no seat limit.
    pub plan_limit: Option<i64>,
    /// used / purchased; `null` when unknown or nothing is purchased.
    pub utilization: Option<f64>,
    pub monthly_active_users: Option<i64>,
    /// Assigned licences held by people not active in the last 30 days (used − monthly active).
    pub inactive: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ApiFacts {
    /// Calls in the 30 days up to and including `as_of`.
    pub last_30_days: Option<i64>,
    /// The plan's monthly allowance; `null` when unlimited.
    pub limit: Option<i64>,
    pub utilization: Option<f64>,
    /// Days of the 30-day window that have usage rows.
    pub days_with_data: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RequestFacts {
    pub feature: String,
    pub name: String,
    pub requested_at: Date,
    pub note: Option<String>,
    /// Plans above the customer's that include the feature, lowest first.
    pub available_in: Vec<String>,
    pub in_current_plan: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OpportunityFacts {
    #[schema(value_type = Option<String>, example = "opp_1")]
    pub id: Option<OpportunityId>,
    pub kind: OpportunityKind,
    pub target_plan: PlanRef,
    /// Seats after the change.
    pub seats: i64,
    pub annual_value: i64,
    pub status: String,
    pub rationale: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub intro_sent_at: Option<OffsetDateTime>,
    pub intro_response: Option<String>,
    pub approach: Option<Approach>,
}

/// What the store holds of the customer's current opportunity.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredOpportunity {
    pub id: OpportunityId,
    pub status: String,
    pub intro_sent_at: Option<OffsetDateTime>,
    pub intro_response: Option<String>,
    pub approach: Option<Approach>,
}

/// The people and records around the customer that the snapshot does not carry.
pub struct Surroundings<'a> {
    pub contacts: &'a [Contact],
    pub csm: Option<&'a TeamMember>,
    pub ae: Option<&'a TeamMember>,
    pub opportunity: Option<StoredOpportunity>,
}

fn plan_ref(s: &Snapshot<'_>, key: &str) -> PlanRef {
    PlanRef {
        key: key.to_string(),
        name: s.plan_named(key).map_or_else(|| crate::domain::humanize_key(key), |p| p.name.clone()),
    }
}

fn member(m: &TeamMember) -> Person {
    Person {
        name: m.name.clone(),
        email: Some(m.email.clone()),
        title: m.title.clone(),
        calendar_url: m.calendar_url.clone(),
        buying_style: None,
        buying_style_source: None,
        time_zone: None,
    }
}

/// Picks who the introduction goes to.
pub fn main_contact(contacts: &[Contact]) -> Option<&Contact> {
    contacts
        .iter()
        .find(|c| c.primary && c.email.is_some())
        .or_else(|| contacts.iter().find(|c| c.email.is_some()))
        .or_else(|| contacts.first())
}

fn usage_facts(s: &Snapshot<'_>) -> UsageFacts {
    let plan = s.plan();
    let purchased = s.customer.seats_purchased;
    let limit = plan.and_then(|p| p.api_calls_per_month);
    let u = s.usage;
    let used = u.map(|u| u.seats_used);
    let calls = u.map(|u| u.api_calls_last_30_days);
    UsageFacts {
        as_of: u.map(|u| u.as_of),
        seats: SeatFacts {
            used,
            purchased,
            plan_limit: plan.and_then(|p| p.seat_limit),
            utilization: used.filter(|_| purchased > 0).map(|used| used as f64 / purchased as f64),
            monthly_active_users: u.map(|u| u.monthly_active_users),
            inactive: u.map(|u| (u.seats_used - u.monthly_active_users).max(0)),
        },
        api_calls: ApiFacts {
            last_30_days: calls,
            limit,
            utilization: calls.zip(limit.filter(|l| *l > 0)).map(|(c, l)| c as f64 / l as f64),
            days_with_data: u.map_or(0, |u| u.api_window_days),
        },
    }
}

fn requests(s: &Snapshot<'_>) -> Vec<RequestFacts> {
    let current = s.plan();
    let higher = s.higher_plans();
    let mut sorted: Vec<_> = s.feature_requests.iter().collect();
    sorted.sort_by_key(|r| std::cmp::Reverse(r.requested_at));
    sorted
        .into_iter()
        .map(|r| RequestFacts {
            feature: r.feature.clone(),
            name: s.feature_name(&r.feature),
            requested_at: r.requested_at,
            note: r.note.clone(),
            available_in: higher.iter().filter(|p| p.includes(&r.feature)).map(|p| p.key.clone()).collect(),
            in_current_plan: current.is_some_and(|p| p.includes(&r.feature)),
            resource_url: s.features.iter().find(|f| f.key == r.feature).and_then(|f| f.resource_url.clone()),
        })
        .collect()
}

/// Builds the context. `detection` must come from the same snapshot.
pub fn build(s: &Snapshot<'_>, detection: &Detection, around: Surroundings<'_>) -> ExpansionContext {
    let c = s.customer;
    let opportunity = detection.opportunity.as_ref().map(|o| {
        let stored = around.opportunity.as_ref();
        OpportunityFacts {
            id: stored.map(|st| st.id),
            kind: o.kind,
            target_plan: plan_ref(s, &o.target_plan),
            seats: o.seats,
            annual_value: o.annual_value,
            status: stored.map_or_else(|| "identified".to_string(), |st| st.status.clone()),
            rationale: o.rationale.clone(),
            intro_sent_at: stored.and_then(|st| st.intro_sent_at),
            intro_response: stored.and_then(|st| st.intro_response.clone()),
            approach: stored.and_then(|st| st.approach),
        }
    });
    ExpansionContext {
        customer: CustomerFacts {
            id: c.id,
            external_id: c.external_id.clone(),
            name: c.name.clone(),
            plan: plan_ref(s, &c.plan_key),
            arr: c.arr,
            health_score: c.health_score,
            renewal_date: c.renewal_date,
            days_to_renewal: c.renewal_date.map(|d| (d - s.today).whole_days()),
            seats_purchased: c.seats_purchased,
            industry: c.industry.clone(),
        },
        contact: main_contact(around.contacts).map(|ct| Person::contact(ct, c.time_zone.as_deref())),
        csm: around.csm.map(member),
        ae: around.ae.map(member),
        usage: usage_facts(s),
        feature_requests: requests(s),
        signals: detection.signals.clone(),
        opportunity,
        recommendation: recommend(detection, c.health_score),
        ae_involvement: detection.ae_involvement.clone(),
        today: s.today,
    }
}
