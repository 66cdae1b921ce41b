//! From signals to an expansion path, its value, and whether the AE should lead.

use super::rules::{upgrade_features, LIMIT_THRESHOLD};
use super::Snapshot;
use crate::domain::{group_thousands, AeInvolvement, OpportunityKind, Plan, ProposedOpportunity, Signal, SignalKind};

/// After an expansion, usage should sit at or below this share of capacity (room to grow).
pub const HEADROOM_UTILIZATION: f64 = LIMIT_THRESHOLD;

/// Rounds `n` up to a multiple of `step` (seat packs are sold in fives).
pub fn round_up_to(n: i64, step: i64) -> i64 {
    if n <= 0 {
        return 0;
    }
    n.saturating_add(step - 1) / step * step
}

/// What the customer's situation asks of a plan.
struct Needs {
    /// Seats the customer holds now: max(purchased, used).
    seats_now: i64,
    /// Seats that leave headroom above usage (and above projected usage when seats are growing).
    seats_with_headroom: Option<i64>,
    /// Monthly API allowance that leaves headroom above the last 30 days.
    api_with_headroom: Option<i64>,
    features: Vec<String>,
}

fn needs(s: &Snapshot<'_>, signals: &[Signal]) -> Needs {
    let has = |k: SignalKind| signals.iter().any(|sig| sig.kind == k);
    let used = s.usage.map_or(0, |u| u.seats_used);
    let seats_now = s.customer.seats_purchased.max(used).max(0);
    let growth = signals.iter().find(|sig| sig.kind == SignalKind::GrowthTrend);
    let seats_projected = growth.is_some_and(|g| !g.evidence["seats"]["limit_reached_on"].is_null());
    let api_projected = growth.is_some_and(|g| !g.evidence["api_calls"]["limit_reached_on"].is_null());

    let seats_with_headroom = (has(SignalKind::SeatLimit) || seats_projected).then(|| {
        // Three months ahead at the current pace, when seats are growing.
        let ahead = s
            .usage
            .and_then(|u| u.seats_trend())
            .map_or(0.0, |t| (t.fitted_now + t.slope_per_day.max(0.0) * 90.0).max(0.0));
        let basis = (used as f64).max(ahead);
        round_up_to((basis / HEADROOM_UTILIZATION).ceil() as i64, 5).max(seats_now)
    });
    let api_with_headroom = (has(SignalKind::ApiLimit) || api_projected).then(|| {
        let calls = s.usage.map_or(0, |u| u.api_calls_last_30_days) as f64;
        (calls / HEADROOM_UTILIZATION).ceil() as i64
    });
    let features = upgrade_features(s).into_iter().map(|(r, _)| r.feature.clone()).collect();
    Needs { seats_now, seats_with_headroom, api_with_headroom, features }
}

fn satisfies(plan: &Plan, needs: &Needs) -> bool {
    plan.allows_seats(needs.seats_with_headroom.unwrap_or(needs.seats_now))
        && needs.api_with_headroom.is_none_or(|need| plan.api_calls_per_month.is_none_or(|l| l >= need))
        && needs.features.iter().all(|f| plan.includes(f))
}

fn upgrade(s: &Snapshot<'_>, target: &Plan, needs: &Needs, why: String) -> ProposedOpportunity {
    let seats = needs.seats_now;
    ProposedOpportunity {
        kind: OpportunityKind::PlanUpgrade,
        target_plan: target.key.clone(),
        seats,
        annual_value: target.annual_price(seats).saturating_sub(s.customer.arr).max(0),
        rationale: why,
    }
}

pub(super) fn propose(s: &Snapshot<'_>, signals: &[Signal]) -> Option<ProposedOpportunity> {
    if signals.is_empty() {
        return None;
    }
    let current = s.plan()?;
    let needs = needs(s, signals);
    let higher = s.higher_plans();
    let pressing = needs.api_with_headroom.is_some() || !needs.features.is_empty();

    // Seats alone: more seats on the same plan when the plan allows them.
    if let (Some(seats), false) = (needs.seats_with_headroom, pressing) {
        if current.allows_seats(seats) && seats > s.customer.seats_purchased {
            let added = seats - s.customer.seats_purchased.max(0);
            return Some(ProposedOpportunity {
                kind: OpportunityKind::SeatExpansion,
                target_plan: current.key.clone(),
                seats,
                annual_value: current.annual_price_per_seat.saturating_mul(added).max(0),
                rationale: format!(
                    "{added} more {} seats bring the total to {seats}, keeping usage under {}% of capacity",
                    current.name,
                    (HEADROOM_UTILIZATION * 100.0) as i64
                ),
            });
        }
    }

    if needs.seats_with_headroom.is_some() || pressing {
        if let Some(target) = higher.iter().find(|p| satisfies(p, &needs)) {
            let why =
                format!("{} is the lowest plan that removes the limits and includes what they asked for", target.name);
            return Some(upgrade(s, target, &needs, why));
        }
        if let Some(top) = higher.last() {
            let why = format!("{} is the highest plan; it eases but may not remove every limit", top.name);
            return Some(upgrade(s, top, &needs, why));
        }
        return None;
    }

    // Growth, success or a renewal without a limit in sight: the next plan up, when there is one.
    let next = higher.first()?;
    let why = format!("No limit in sight; {} is the next step up from {}", next.name, current.name);
    Some(upgrade(s, next, &needs, why))
}

pub(super) fn ae_involvement(s: &Snapshot<'_>, opportunity: Option<&ProposedOpportunity>) -> AeInvolvement {
    let Some(opportunity) = opportunity else {
        return AeInvolvement { recommended: false, reason: "No expansion path yet".to_string() };
    };
    let threshold = s.settings.ae_value_threshold;
    let mut reasons = Vec::new();
    if opportunity.kind == OpportunityKind::PlanUpgrade {
        let from = s.plan().map_or(s.customer.plan_key.as_str(), |p| p.name.as_str());
        let to = s.plan_named(&opportunity.target_plan).map_or(opportunity.target_plan.as_str(), |p| p.name.as_str());
        reasons.push(format!("a plan change ({from} to {to}) is a commercial conversation"));
    }
    if opportunity.annual_value >= threshold {
        reasons.push(format!(
            "worth {} a year, at or above the {} threshold",
            group_thousands(opportunity.annual_value),
            group_thousands(threshold)
        ));
    }
    if reasons.is_empty() {
        return AeInvolvement {
            recommended: false,
            reason: format!(
                "A {} worth {} a year is below the {} threshold: the CSM can lead",
                opportunity.kind.as_str().replace('_', " "),
                group_thousands(opportunity.annual_value),
                group_thousands(threshold)
            ),
        };
    }
    let mut reason = crate::domain::capitalize_first(&reasons.join("; "));
    if s.customer.ae_email.is_none() {
        reason.push_str(" (no AE is assigned to this customer yet)");
    }
    AeInvolvement { recommended: true, reason }
}
