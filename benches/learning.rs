//! Learning, per draft and per workspace: the recommendation with learning (rules, then Thompson sampling
//! or the best estimate) against the evidence of 100,000 introductions, and the approach insights built
//! from that evidence. Run with `cargo bench --bench learning`.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

use overture::compose::recommend;
use overture::domain::{AeInvolvement, Approach, BuyingStyle, Detection, Signal, SignalKind};
use overture::learning::timing::{self, ClockCounts, RenewalCounts};
use overture::learning::{self, insights, styles, Counts, Evidence, Segment};

const PLANS: [&str; 3] = ["starter", "professional", "enterprise"];
const SIZES: [&str; 4] = ["1-25", "26-100", "101-500", "500+"];
const INDUSTRIES: [&str; 8] =
    ["software", "healthcare", "finance", "retail", "education", "media", "logistics", "energy"];
const SIGNALS: [&str; 6] =
    ["seat_limit", "api_limit", "growth_trend", "feature_request", "success_milestone", "renewal_window"];

/// The evidence of `n` introductions spread over every segment (576 of them) and approach.
fn evidence(n: usize) -> Evidence {
    let mut rng = StdRng::seed_from_u64(1);
    let mut e = Evidence::default();
    for _ in 0..n {
        let segment = Segment {
            plan: PLANS[rng.random_range(0..PLANS.len())].into(),
            size: SIZES[rng.random_range(0..SIZES.len())].into(),
            industry: INDUSTRIES[rng.random_range(0..INDUSTRIES.len())].into(),
            signal: SIGNALS[rng.random_range(0..SIGNALS.len())].into(),
        };
        let approach = Approach::ALL[rng.random_range(0..4)];
        let positive = rng.random_bool(0.25);
        let decided = rng.random_bool(0.3);
        let counts = Counts {
            sent: 1,
            replied: u32::from(positive || rng.random_bool(0.2)),
            positive: u32::from(positive),
            meetings: u32::from(positive && rng.random_bool(0.5)),
            won: u32::from(decided && positive),
            decided: u32::from(decided),
        };
        e.add(segment, approach, &counts);
        e.add_style(BuyingStyle::ALL[rng.random_range(0..5)], approach, &counts);
    }
    e
}

fn acme() -> Detection {
    let signal =
        |kind, strength, summary: &str| Signal { kind, strength, summary: summary.into(), evidence: json!({}) };
    Detection {
        signals: vec![
            signal(SignalKind::SeatLimit, 0.95, "98 of 100 licences in use"),
            signal(SignalKind::FeatureRequest, 0.75, "Asked for Advanced analytics"),
            signal(SignalKind::SuccessMilestone, 0.7, "Cut onboarding time"),
        ],
        opportunity: None,
        ae_involvement: AeInvolvement { recommended: true, reason: String::new() },
    }
}

fn bench(c: &mut Criterion) {
    let evidence = evidence(100_000);
    let detection = acme();
    let segment = Segment {
        plan: "professional".into(),
        size: "26-100".into(),
        industry: "software".into(),
        signal: "seat_limit".into(),
    };
    let mut rng = StdRng::seed_from_u64(7);
    c.bench_function("recommend + learning (Thompson sampling), 100k introductions of evidence", |b| {
        b.iter(|| {
            let mut rec = recommend(black_box(&detection), Some(87));
            learning::apply(&mut rec, &detection, &segment, BuyingStyle::Analytical, &evidence, true, &mut rng);
            rec
        })
    });
    c.bench_function("recommend + learning (best estimate)", |b| {
        b.iter(|| {
            let mut rec = recommend(black_box(&detection), Some(87));
            learning::apply(&mut rec, &detection, &segment, BuyingStyle::Analytical, &evidence, false, &mut rng);
            rec
        })
    });
    // The issue-21 case: the evidence overrules the rules, so the reasons quote both sides' intervals.
    let mut overruled = evidence.clone();
    let logistics = Segment { industry: "logistics".into(), ..segment.clone() };
    let counts = |sent, positive| Counts { sent, replied: sent, positive, ..Counts::default() };
    overruled.add(logistics.clone(), Approach::ProblemSolving, &counts(30, 5));
    overruled.add(logistics.clone(), Approach::Educational, &counts(30, 23));
    let at_limit = Detection { signals: detection.signals[..1].to_vec(), ..detection.clone() };
    c.bench_function("recommend + learning, evidence overrules the rules (reasons with intervals)", |b| {
        b.iter(|| {
            let mut rec = recommend(black_box(&at_limit), Some(87));
            learning::apply(&mut rec, &at_limit, &logistics, BuyingStyle::Unknown, &overruled, true, &mut rng);
            rec
        })
    });
    c.bench_function("recommend alone (rules)", |b| b.iter(|| recommend(black_box(&detection), Some(87))));
    c.bench_function("insights::approaches over 100k introductions (576 segments)", |b| {
        b.iter(|| insights::approaches(black_box(&evidence), 14))
    });
    // The timing of 100,000 introductions as the store hands it over: a row per weekday and hour, and a
    // row per distinct number of days to renewal.
    let counts = |i: u32| Counts { sent: 600, replied: 200 + i % 50, positive: 100 + i % 40, ..Counts::default() };
    let clock: Vec<ClockCounts> = (0..168u32)
        .map(|i| ClockCounts { weekday: u8::try_from(i / 24).ok(), hour: u8::try_from(i % 24).ok(), counts: counts(i) })
        .collect();
    let renewal: Vec<RenewalCounts> =
        (0..400).map(|d| RenewalCounts { days: Some(i64::from(d) - 20), counts: counts(d) }).collect();
    c.bench_function("timing::insights (168 clock rows, 400 renewal rows)", |b| {
        b.iter(|| timing::insights(black_box(&clock), black_box(&renewal)))
    });
    let reply = "Thanks Sarah. Could you send a breakdown of the cost per seat? We are at 98 of 100 and I'd like to \
                 compare the Business plan against adding 20 seats before our budget review next month.";
    c.bench_function("styles::cue of a reply", |b| b.iter(|| styles::cue(black_box(reply))));
}

criterion_group!(benches, bench);
criterion_main!(benches);
