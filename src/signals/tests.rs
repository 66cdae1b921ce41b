use proptest::prelude::*;
use time::macros::date;
use time::{Date, Duration};

use super::*;
use crate::domain::{CustomerId, OpportunityKind, SignalKind, UsageDay};

const TODAY: Date = date!(2026 - 11 - 25);

fn plan(key: &str, rank: i64, per_seat: i64, seats: Option<i64>, api: Option<i64>, features: &[&str]) -> Plan {
    Plan {
        key: key.into(),
        name: crate::domain::humanize_key(key),
        rank,
        annual_price_per_seat: per_seat,
        annual_base_price: 0,
        seat_limit: seats,
        api_calls_per_month: api,
        features: features.iter().map(|f| f.to_string()).collect(),
    }
}

fn catalog() -> Vec<Plan> {
    vec![
        plan("starter", 1, 600, Some(25), Some(100_000), &["reports"]),
        plan("professional", 2, 1200, Some(100), Some(1_000_000), &["reports"]),
        plan("enterprise", 3, 1680, None, Some(5_000_000), &["reports", "advanced_analytics", "api_priority"]),
        plan("unlimited", 4, 2100, None, None, &["reports", "advanced_analytics", "api_priority", "sandbox"]),
    ]
}

fn customer(plan: &str, seats: i64, arr: i64) -> Customer {
    Customer {
        id: CustomerId(1),
        external_id: "c".into(),
        name: "Acme Corp".into(),
        plan_key: plan.into(),
        seats_purchased: seats,
        arr,
        renewal_date: None,
        health_score: Some(80),
        industry: None,
        csm_email: Some("sarah@vendor.example".into()),
        ae_email: Some("mike@vendor.example".into()),
        time_zone: None,
    }
}

/// 90 days ending yesterday, seats and daily API calls moving linearly from `from` to `to`.
fn usage(seats: (i64, i64), api_per_day: (i64, i64)) -> UsageSummary {
    let days: Vec<UsageDay> = (0..90)
        .map(|i| UsageDay {
            date: TODAY - Duration::days(90 - i),
            seats_used: seats.0 + (seats.1 - seats.0) * i / 89,
            monthly_active_users: seats.0 + (seats.1 - seats.0) * i / 89,
            api_calls: api_per_day.0 + (api_per_day.1 - api_per_day.0) * i / 89,
        })
        .collect();
    UsageSummary::from_days(&days).unwrap()
}

struct Case {
    customer: Customer,
    plans: Vec<Plan>,
    usage: Option<UsageSummary>,
    requests: Vec<FeatureRequest>,
    milestones: Vec<Milestone>,
}

impl Case {
    fn new(customer: Customer, usage: Option<UsageSummary>) -> Case {
        Case { customer, plans: catalog(), usage, requests: vec![], milestones: vec![] }
    }

    fn detect(&self) -> Detection {
        detect(&Snapshot {
            customer: &self.customer,
            plans: &self.plans,
            features: &[],
            usage: self.usage.as_ref(),
            feature_requests: &self.requests,
            milestones: &self.milestones,
            today: TODAY,
            settings: Settings::default(),
        })
    }
}

fn request(feature: &str, days_ago: i64) -> FeatureRequest {
    FeatureRequest { feature: feature.into(), requested_at: TODAY - Duration::days(days_ago), note: None }
}

#[test]
fn acme_hits_limits_and_enterprise_is_worth_48000() {
    let mut case = Case::new(customer("professional", 100, 120_000), Some(usage((98, 98), (28_333, 28_333))));
    case.requests = vec![request("advanced_analytics", 54), request("api_priority", 20)];
    let d = case.detect();
    let seat = d.signal(SignalKind::SeatLimit).unwrap();
    assert_eq!(seat.summary, "98 of 100 licences in use");
    assert_eq!(seat.strength, 0.95);
    let api = d.signal(SignalKind::ApiLimit).unwrap();
    assert!(api.summary.starts_with("85% of the monthly API allowance"), "{}", api.summary);
    assert_eq!(d.main_signal().unwrap().kind, SignalKind::SeatLimit);
    let o = d.opportunity.unwrap();
    assert_eq!((o.kind, o.target_plan.as_str(), o.annual_value), (OpportunityKind::PlanUpgrade, "enterprise", 48_000));
    assert!(d.ae_involvement.recommended);
    assert!(d.ae_involvement.reason.contains("Professional to Enterprise"), "{}", d.ae_involvement.reason);
}

#[test]
fn seats_alone_under_the_plan_limit_mean_more_seats_on_the_same_plan() {
    let d = Case::new(customer("professional", 80, 96_000), Some(usage((76, 76), (1000, 1000)))).detect();
    let o = d.opportunity.unwrap();
    assert_eq!(o.kind, OpportunityKind::SeatExpansion);
    // 76 in use / 80% headroom = 95 seats, a multiple of 5: 15 more at 1,200.
    assert_eq!((o.seats, o.annual_value), (95, 18_000));
    assert!(!d.ae_involvement.recommended, "{}", d.ae_involvement.reason);
    assert!(d.ae_involvement.reason.contains("below the 25,000 threshold"));
}

#[test]
fn seats_beyond_the_plan_limit_need_a_bigger_plan() {
    // 23 of 20 starter seats: 29 with headroom is over Starter's 25.
    let d = Case::new(customer("starter", 20, 12_000), Some(usage((23, 23), (100, 100)))).detect();
    let seat = d.signal(SignalKind::SeatLimit).unwrap();
    assert_eq!(seat.summary, "23 licences in use, 3 more than the 20 purchased");
    assert_eq!(seat.strength, 1.0);
    let o = d.opportunity.unwrap();
    assert_eq!((o.kind, o.target_plan.as_str()), (OpportunityKind::PlanUpgrade, "professional"));
    assert_eq!(o.annual_value, 23 * 1200 - 12_000);
}

#[test]
fn the_lowest_plan_that_answers_the_requests_is_chosen() {
    let mut case = Case::new(customer("starter", 10, 6_000), Some(usage((5, 5), (10, 10))));
    case.requests = vec![request("api_priority", 10)];
    let d = case.detect();
    let signal = d.signal(SignalKind::FeatureRequest).unwrap();
    assert_eq!(signal.summary, "Asked for Api priority, which Enterprise includes");
    assert_eq!(d.opportunity.unwrap().target_plan, "enterprise");
}

#[test]
fn the_order_requests_arrive_in_does_not_change_the_signal() {
    let mut case = Case::new(customer("starter", 10, 6_000), None);
    case.requests = vec![request("api_priority", 10), request("advanced_analytics", 40)];
    let forward = case.detect();
    case.requests.reverse();
    assert_eq!(forward, case.detect());
    assert_eq!(
        forward.signal(SignalKind::FeatureRequest).unwrap().summary,
        "Asked for Advanced analytics and Api priority, which Enterprise includes",
        "oldest request first"
    );
}

#[test]
fn requests_the_plan_already_has_or_no_plan_has_are_not_signals() {
    let mut case = Case::new(customer("professional", 10, 12_000), None);
    case.requests = vec![request("reports", 5), request("time_travel", 5)];
    assert!(case.detect().signal(SignalKind::FeatureRequest).is_none());
}

#[test]
fn unlimited_limits_are_never_near() {
    let d = Case::new(customer("unlimited", 100, 210_000), Some(usage((50, 50), (9_000_000, 9_000_000)))).detect();
    assert!(d.signal(SignalKind::ApiLimit).is_none());
    assert!(d.signal(SignalKind::SeatLimit).is_none());
    assert_eq!(d.opportunity, None, "top plan without constraint has no expansion path");
    assert!(!d.ae_involvement.recommended);
}

#[test]
fn the_top_plan_can_still_grow_in_seats() {
    let d = Case::new(customer("unlimited", 100, 210_000), Some(usage((95, 95), (10, 10)))).detect();
    let o = d.opportunity.unwrap();
    assert_eq!((o.kind, o.target_plan.as_str(), o.seats), (OpportunityKind::SeatExpansion, "unlimited", 120));
}

#[test]
fn no_usage_means_no_usage_signals_but_a_renewal_still_counts() {
    let mut c = customer("professional", 50, 60_000);
    c.renewal_date = Some(TODAY + Duration::days(30));
    let d = Case::new(c, None).detect();
    assert_eq!(d.signals.len(), 1);
    let renewal = &d.signals[0];
    assert_eq!(
        (renewal.kind, renewal.summary.as_str()),
        (SignalKind::RenewalWindow, "Renewal in 30 days (2026-12-25)")
    );
    let o = d.opportunity.unwrap();
    assert_eq!((o.kind, o.target_plan.as_str()), (OpportunityKind::PlanUpgrade, "enterprise"));
}

#[test]
fn renewal_window_edges() {
    let at = |days: i64| {
        let mut c = customer("professional", 50, 60_000);
        c.renewal_date = Some(TODAY + Duration::days(days));
        Case::new(c, None).detect().signal(SignalKind::RenewalWindow).map(|s| s.strength)
    };
    assert_eq!(at(0), Some(1.0));
    assert_eq!(at(120), Some(0.3));
    assert_eq!(at(121), None);
    assert_eq!(at(-1), None, "a renewal in the past is stale data, not a window");
    assert!(at(10) > at(90));
}

#[test]
fn growth_projects_when_the_purchased_seats_run_out() {
    // 40 → 70 of 100 seats over 90 days: a third of a seat a day; 100 in about 90 days.
    let d = Case::new(customer("professional", 100, 120_000), Some(usage((40, 70), (100, 100)))).detect();
    let g = d.signal(SignalKind::GrowthTrend).unwrap();
    assert!(g.summary.starts_with("Licences in use up"), "{}", g.summary);
    let on = g.evidence["seats"]["limit_reached_on"].as_str().unwrap();
    let on = Date::parse(on, time::macros::format_description!("[year]-[month]-[day]")).unwrap();
    let days = (on - TODAY).whole_days();
    assert!((85..=95).contains(&days), "projected {days} days out");
    assert!(g.summary.contains(&on.to_string()));
}

#[test]
fn flat_usage_is_not_growth() {
    let d = Case::new(customer("professional", 100, 120_000), Some(usage((50, 50), (100, 100)))).detect();
    assert!(d.signal(SignalKind::GrowthTrend).is_none());
}

#[test]
fn milestones_count_when_recent_and_past() {
    let mut case = Case::new(customer("professional", 100, 120_000), None);
    case.milestones = vec![
        Milestone { title: "Old news".into(), achieved_at: TODAY - Duration::days(400) },
        Milestone { title: "Next quarter".into(), achieved_at: TODAY + Duration::days(10) },
    ];
    assert!(case.detect().signal(SignalKind::SuccessMilestone).is_none());
    case.milestones
        .push(Milestone { title: "Cut onboarding to 5 days".into(), achieved_at: TODAY - Duration::days(20) });
    let s = case.detect();
    let m = s.signal(SignalKind::SuccessMilestone).unwrap();
    assert_eq!(m.summary, "Cut onboarding to 5 days (2026-11-05)");
}

#[test]
fn zero_seats_and_unknown_plans_do_not_panic() {
    let d = Case::new(customer("starter", 0, 0), Some(usage((0, 0), (0, 0)))).detect();
    assert!(d.signal(SignalKind::SeatLimit).is_none());
    let d = Case::new(customer("starter", 0, 0), Some(usage((3, 3), (0, 0)))).detect();
    assert_eq!(d.signal(SignalKind::SeatLimit).unwrap().summary, "3 licences in use with none purchased");
    let d = Case::new(customer("vanished", 10, 0), Some(usage((10, 10), (0, 0)))).detect();
    assert_eq!(d.opportunity, None);
}

#[test]
fn signals_are_ordered_strongest_first() {
    let mut c = customer("professional", 100, 120_000);
    c.renewal_date = Some(TODAY + Duration::days(100));
    let d = Case::new(c, Some(usage((98, 98), (28_333, 28_333)))).detect();
    assert!(d.signals.windows(2).all(|w| w[0].strength >= w[1].strength));
}

fn arb_plans() -> impl Strategy<Value = Vec<Plan>> {
    prop::collection::vec(
        (0i64..3000, prop::option::of(0i64..500), prop::option::of(0i64..2_000_000), prop::bool::ANY),
        1..5,
    )
    .prop_map(|specs| {
        specs
            .into_iter()
            .enumerate()
            .map(|(i, (price, seats, api, analytics))| {
                let features: &[&str] = if analytics { &["analytics"] } else { &[] };
                plan(&format!("p{i}"), i as i64, price, seats, api, features)
            })
            .collect()
    })
}

fn arb_days() -> impl Strategy<Value = Vec<UsageDay>> {
    prop::collection::vec((0i64..200, 0i64..600, 0i64..600, 0i64..200_000), 0..120).prop_map(|rows| {
        let mut seen = std::collections::HashSet::new();
        rows.into_iter()
            .filter(|(d, ..)| seen.insert(*d))
            .map(|(d, seats, mau, api)| UsageDay {
                date: TODAY - Duration::days(d),
                seats_used: seats,
                monthly_active_users: mau,
                api_calls: api,
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn detection_never_panics_and_stays_in_range(
        plans in arb_plans(),
        plan_index in 0usize..5,
        seats in 0i64..600,
        arr in 0i64..1_000_000,
        health in prop::option::of(0i64..=100),
        renewal in prop::option::of(-400i64..400),
        days in arb_days(),
        requested in prop::bool::ANY,
    ) {
        let key = plans.get(plan_index).map_or("missing".to_string(), |p| p.key.clone());
        let mut c = customer(&key, seats, arr);
        c.health_score = health;
        c.renewal_date = renewal.map(|d| TODAY + Duration::days(d));
        let mut case = Case::new(c, UsageSummary::from_days(&days));
        case.plans = plans;
        if requested {
            case.requests = vec![request("analytics", 3)];
        }
        let d = case.detect();
        for s in &d.signals {
            prop_assert!((0.0..=1.0).contains(&s.strength), "{:?}", s);
            prop_assert!(!s.summary.is_empty());
        }
        if let Some(o) = &d.opportunity {
            prop_assert!(o.annual_value >= 0);
            prop_assert!(case.plans.iter().any(|p| p.key == o.target_plan));
        }
    }

    #[test]
    fn seat_pressure_and_upgrade_value_grow_with_usage(purchased in 1i64..100, used in 0i64..150, more in 1i64..50) {
        // A sane catalog: price rises with rank; ARR is what the current plan costs.
        let arr = purchased * 1200;
        let run = |used: i64| Case::new(customer("professional", purchased, arr), Some(usage((used, used), (0, 0)))).detect();
        let (low, high) = (run(used), run(used + more));
        let strength = |d: &Detection| d.strength(SignalKind::SeatLimit);
        prop_assert!(strength(&high) >= strength(&low));
        if let (Some(a), Some(b)) = (&low.opportunity, &high.opportunity) {
            let same_path = a.kind == b.kind && a.target_plan == b.target_plan;
            let both_upgrades = a.kind == OpportunityKind::PlanUpgrade && b.kind == OpportunityKind::PlanUpgrade;
            if same_path || both_upgrades {
                prop_assert!(b.annual_value >= a.annual_value, "{a:?} then {b:?}");
            }
        }
    }

    #[test]
    fn sql_style_moments_match_a_direct_regression(days in arb_days()) {
        // The least-squares slope from the summed moments equals one computed point by point.
        if let Some(s) = UsageSummary::from_days(&days) {
            if let Some(t) = s.seats_trend() {
                let window: Vec<(f64, f64)> = days.iter()
                    .filter(|d| (s.as_of - d.date).whole_days() < 90)
                    .map(|d| ((d.date - s.as_of).whole_days() as f64, d.seats_used as f64))
                    .collect();
                let n = window.len() as f64;
                let mx = window.iter().map(|p| p.0).sum::<f64>() / n;
                let my = window.iter().map(|p| p.1).sum::<f64>() / n;
                let cov: f64 = window.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
                let var: f64 = window.iter().map(|p| (p.0 - mx).powi(2)).sum();
                prop_assert!((t.slope_per_day - cov / var).abs() < 1e-6 * (1.0 + t.slope_per_day.abs()));
            }
        }
    }
}
