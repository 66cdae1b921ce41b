//! Expansion signal detection: pure functions from a customer snapshot to signals, an opportunity and
//! whether the Account Executive should be involved. No I/O; `today` is passed in.

mod opportunity;
mod rules;

use time::Date;

use crate::domain::{Customer, Detection, Feature, FeatureRequest, Milestone, Plan, UsageSummary};

pub use opportunity::{round_up_to, HEADROOM_UTILIZATION};
pub use rules::{limit_strength, LIMIT_THRESHOLD, PROJECTION_HORIZON_DAYS, RENEWAL_WINDOW_DAYS};

/// Workspace-level knobs of detection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Opportunities worth at least this much a year involve the AE.
    pub ae_value_threshold: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { ae_value_threshold: 25_000 }
    }
}

/// Everything detection reads about one customer.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot<'a> {
    pub customer: &'a Customer,
    /// The workspace's whole plan catalog (any order).
    pub plans: &'a [Plan],
    pub features: &'a [Feature],
    pub usage: Option<&'a UsageSummary>,
    pub feature_requests: &'a [FeatureRequest],
    pub milestones: &'a [Milestone],
    pub today: Date,
    pub settings: Settings,
}

impl<'a> Snapshot<'a> {
    pub fn plan(&self) -> Option<&'a Plan> {
        self.plans.iter().find(|p| p.key == self.customer.plan_key)
    }

    pub fn plan_named(&self, key: &str) -> Option<&'a Plan> {
        self.plans.iter().find(|p| p.key == key)
    }

    pub fn feature_name(&self, key: &str) -> String {
        self.features.iter().find(|f| f.key == key).map_or_else(|| crate::domain::humanize_key(key), |f| f.name.clone())
    }

    /// Plans ranked above the customer's, lowest first.
    pub fn higher_plans(&self) -> Vec<&'a Plan> {
        let rank = self.plan().map_or(i64::MAX, |p| p.rank);
        let mut higher: Vec<&Plan> = self.plans.iter().filter(|p| p.rank > rank).collect();
        higher.sort_by_key(|p| (p.rank, p.key.as_str()));
        higher
    }
}

/// Detects signals, proposes an opportunity and says whether the AE should be involved.
pub fn detect(snapshot: &Snapshot<'_>) -> Detection {
    let mut signals = rules::all(snapshot);
    signals.sort_by(|a, b| b.strength.total_cmp(&a.strength).then(a.kind.cmp(&b.kind)));
    let opportunity = opportunity::propose(snapshot, &signals);
    let ae_involvement = opportunity::ae_involvement(snapshot, opportunity.as_ref());
    Detection { signals, opportunity, ae_involvement }
}

#[cfg(test)]
mod tests;
