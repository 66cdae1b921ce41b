use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Why a customer may be ready for more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    /// Assigned licences close to (or above) what was purchased.
    SeatLimit,
    /// API calls over the last 30 days close to the plan's monthly allowance.
    ApiLimit,
    /// Seats or API calls growing; with a projected date a limit is reached when there is one.
    GrowthTrend,
    /// Requests for features that only a higher plan includes.
    FeatureRequest,
    /// Recent success worth building on.
    SuccessMilestone,
    /// A renewal coming up.
    RenewalWindow,
}

impl SignalKind {
    pub const ALL: [SignalKind; 6] = [
        SignalKind::SeatLimit,
        SignalKind::ApiLimit,
        SignalKind::GrowthTrend,
        SignalKind::FeatureRequest,
        SignalKind::SuccessMilestone,
        SignalKind::RenewalWindow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SignalKind::SeatLimit => "seat_limit",
            SignalKind::ApiLimit => "api_limit",
            SignalKind::GrowthTrend => "growth_trend",
            SignalKind::FeatureRequest => "feature_request",
            SignalKind::SuccessMilestone => "success_milestone",
            SignalKind::RenewalWindow => "renewal_window",
        }
    }

    /// A limit they are up against now (as opposed to growth, wishes, success or timing).
    pub fn is_constraint(self) -> bool {
        matches!(self, SignalKind::SeatLimit | SignalKind::ApiLimit)
    }
}

impl fmt::Display for SignalKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SignalKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SignalKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| format!("unknown signal kind `{s}`"))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Signal {
    pub kind: SignalKind,
    /// 0 (barely there) to 1 (unmistakable).
    pub strength: f64,
    /// One line in plain words with the real figures.
    pub summary: String,
    /// The figures behind the summary.
    #[schema(value_type = Object)]
    pub evidence: serde_json::Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OpportunityKind {
    /// Move to a higher plan.
    PlanUpgrade,
    /// More seats on the same plan.
    SeatExpansion,
}

impl OpportunityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OpportunityKind::PlanUpgrade => "plan_upgrade",
            OpportunityKind::SeatExpansion => "seat_expansion",
        }
    }
}

impl FromStr for OpportunityKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "plan_upgrade" => Ok(OpportunityKind::PlanUpgrade),
            "seat_expansion" => Ok(OpportunityKind::SeatExpansion),
            _ => Err(format!("unknown opportunity kind `{s}`")),
        }
    }
}

/// The expansion path detection found, before it is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposedOpportunity {
    pub kind: OpportunityKind,
    pub target_plan: String,
    /// Seats the customer would hold after the change.
    pub seats: i64,
    /// Added annual revenue (whole currency units, never negative).
    pub annual_value: i64,
    /// Why this path, in plain words.
    pub rationale: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AeInvolvement {
    pub recommended: bool,
    pub reason: String,
}

/// Everything detection concludes about one customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    /// Strongest first.
    pub signals: Vec<Signal>,
    pub opportunity: Option<ProposedOpportunity>,
    pub ae_involvement: AeInvolvement,
}

impl Detection {
    pub fn signal(&self, kind: SignalKind) -> Option<&Signal> {
        self.signals.iter().find(|s| s.kind == kind)
    }

    pub fn strength(&self, kind: SignalKind) -> f64 {
        self.signal(kind).map_or(0.0, |s| s.strength)
    }

    /// The strongest signal, which names the opportunity in lists.
    pub fn main_signal(&self) -> Option<&Signal> {
        self.signals.first()
    }
}
