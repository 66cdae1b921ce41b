//! Pure judgement, per customer: usage summary, detection, and the whole expansion context for Acme.
//! Run with `cargo bench --bench signals`.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use time::macros::date;
use time::Duration;

use overture::context::{self, Surroundings};
use overture::domain::{Contact, Customer, CustomerId, FeatureRequest, Milestone, Plan, UsageDay, UsageSummary};
use overture::signals::{self, Settings, Snapshot};

fn plans() -> Vec<Plan> {
    let plan = |key: &str, rank, price, seats, api, features: &[&str]| Plan {
        key: key.into(),
        name: key.into(),
        rank,
        annual_price_per_seat: price,
        annual_base_price: 0,
        seat_limit: seats,
        api_calls_per_month: api,
        features: features.iter().map(|f| f.to_string()).collect(),
    };
    vec![
        plan("starter", 1, 600, Some(25), Some(100_000), &["reports"]),
        plan("professional", 2, 1200, Some(100), Some(1_000_000), &["reports", "integrations"]),
        plan(
            "enterprise",
            3,
            1680,
            None,
            Some(5_000_000),
            &["reports", "integrations", "advanced_analytics", "api_priority"],
        ),
        plan(
            "enterprise_unlimited",
            4,
            2100,
            None,
            None,
            &["reports", "integrations", "advanced_analytics", "api_priority"],
        ),
    ]
}

fn bench(c: &mut Criterion) {
    let today = date!(2026 - 11 - 25);
    let days: Vec<UsageDay> = (0..90)
        .map(|i| UsageDay {
            date: today - Duration::days(90 - i),
            seats_used: 94 + i * 4 / 89,
            monthly_active_users: 86,
            api_calls: 28_333,
        })
        .collect();
    let customer = Customer {
        id: CustomerId(1),
        external_id: "acme".into(),
        name: "Acme Corp".into(),
        plan_key: "professional".into(),
        seats_purchased: 100,
        arr: 120_000,
        renewal_date: Some(date!(2027 - 03 - 01)),
        health_score: Some(87),
        industry: Some("Manufacturing".into()),
        csm_email: Some("sarah@vendor.example".into()),
        ae_email: Some("mike@vendor.example".into()),
        time_zone: Some("America/New_York".into()),
    };
    let plans = plans();
    let requests = vec![
        FeatureRequest { feature: "advanced_analytics".into(), requested_at: date!(2026 - 10 - 02), note: None },
        FeatureRequest { feature: "api_priority".into(), requested_at: date!(2026 - 11 - 05), note: None },
    ];
    let milestones = vec![Milestone { title: "Cut onboarding time".into(), achieved_at: date!(2026 - 09 - 15) }];
    let contacts = vec![Contact {
        name: "Jennifer Walsh".into(),
        email: Some("jennifer@acme.example".into()),
        title: None,
        role: None,
        primary: true,
        ..Contact::default()
    }];

    c.bench_function("usage_summary_90_days", |b| b.iter(|| UsageSummary::from_days(black_box(&days))));
    let usage = UsageSummary::from_days(&days);
    let snapshot = Snapshot {
        customer: &customer,
        plans: &plans,
        features: &[],
        usage: usage.as_ref(),
        feature_requests: &requests,
        milestones: &milestones,
        today,
        settings: Settings::default(),
    };
    c.bench_function("detect_acme", |b| b.iter(|| signals::detect(black_box(&snapshot))));
    let detection = signals::detect(&snapshot);
    c.bench_function("recommend_acme", |b| b.iter(|| overture::compose::recommend(black_box(&detection), Some(87))));
    c.bench_function("detect_and_build_context_acme", |b| {
        b.iter(|| {
            let detection = signals::detect(black_box(&snapshot));
            let around = Surroundings { contacts: &contacts, csm: None, ae: None, opportunity: None };
            context::build(&snapshot, &detection, around)
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
