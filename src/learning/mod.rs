//! Learning which framing works (issue 7): outcome counts by segment and approach, Beta-Binomial
//! estimates shrunk toward wider groups for small samples, and Thompson sampling among the approaches
//! the rules consider fitting. Pure: the caller brings the evidence and the random source.

pub mod beta;
pub mod estimate;
pub mod insights;
pub mod simulate;
pub mod styles;
pub mod timing;

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::compose::{reasons_for, Recommendation};
use crate::domain::{Approach, BuyingStyle, Detection};
pub use estimate::{choose, fitting, size_band, Choice, Counts, Evidence, Method, Posterior, Rate, Segment};

/// What learning added to a recommendation, for the CSM and the API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Learned {
    /// `rules`, `thompson_sampling` or `best_estimate`.
    pub method: String,
    /// The approach the rules alone would have picked.
    pub rules_choice: Approach,
    /// The approaches the rules consider fitting.
    pub fitting: Vec<Approach>,
    /// Introductions with an outcome in the workspace.
    pub outcomes: u32,
}

/// Lets the workspace's outcomes choose among the approaches that fit; rewrites the reasons to say both
/// why the approach fits and what the evidence says.
pub fn apply(
    recommendation: &mut Recommendation,
    detection: &Detection,
    segment: &Segment,
    style: BuyingStyle,
    evidence: &Evidence,
    explore: bool,
    rng: &mut impl Rng,
) {
    let scores: Vec<(Approach, f64)> =
        Approach::ALL.iter().map(|a| (*a, recommendation.scores.get(a.as_str()).copied().unwrap_or(0.0))).collect();
    let rules_choice = recommendation.approach;
    let fit = fitting(&scores, rules_choice);
    let choice = choose(&fit, segment, style, evidence, explore, rng);
    let method = match choice.method {
        Method::Rules => "rules",
        Method::ThompsonSampling => "thompson_sampling",
        Method::BestEstimate => "best_estimate",
    };
    if choice.approach != rules_choice || choice.evidence.is_some() {
        let mut reasons: Vec<String> =
            reasons_for(choice.approach, detection).into_iter().map(|r| format!("Fits: {r}")).collect();
        if let Some(e) = &choice.evidence {
            reasons.push(crate::domain::capitalize_first(e));
        }
        if let Some(sentence) = style_quote(style, choice.approach, evidence) {
            reasons.push(sentence);
        }
        recommendation.approach = choice.approach;
        recommendation.reasons = reasons;
    }
    recommendation.learning =
        Some(Learned { method: method.to_string(), rules_choice, fitting: choice.fitting, outcomes: evidence.total() });
}

/// "With analytical readers, 6 of 9 problem-solving introductions got a positive reply", once the
/// recipient's style has enough introductions of the chosen approach.
fn style_quote(style: BuyingStyle, approach: Approach, evidence: &Evidence) -> Option<String> {
    let c = evidence.style(style, approach);
    let readers = match style {
        BuyingStyle::Analytical => "analytical readers",
        BuyingStyle::Driver => "drivers",
        BuyingStyle::Amiable => "amiable readers",
        BuyingStyle::Expressive => "expressive readers",
        BuyingStyle::Unknown => return None,
    };
    (c.sent >= 5).then(|| {
        format!(
            "With {readers}, {} of {} {} introductions got a positive reply",
            c.positive,
            c.sent,
            approach.label().to_lowercase()
        )
    })
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;
    use crate::domain::{AeInvolvement, Signal, SignalKind};

    #[test]
    fn the_reasons_quote_the_readers_style_once_it_has_enough_introductions() {
        let signal = Signal {
            kind: SignalKind::SeatLimit,
            strength: 0.95,
            summary: "98 of 100 licences in use".into(),
            evidence: serde_json::json!({}),
        };
        let detection = Detection {
            signals: vec![signal],
            opportunity: None,
            ae_involvement: AeInvolvement { recommended: false, reason: String::new() },
        };
        let seg =
            Segment { plan: "p".into(), size: "26-100".into(), industry: String::new(), signal: "seat_limit".into() };
        let c = |sent, positive| Counts { sent, replied: positive, positive, ..Counts::default() };
        let mut e = Evidence::default();
        e.add(seg.clone(), Approach::ProblemSolving, &c(30, 12));
        e.add_style(BuyingStyle::Analytical, Approach::ProblemSolving, &c(6, 4));
        e.add_style(BuyingStyle::Driver, Approach::ProblemSolving, &c(4, 4));
        let reasons = |style| {
            let mut rec = crate::compose::recommend(&detection, Some(80));
            apply(&mut rec, &detection, &seg, style, &e, false, &mut rand::rngs::StdRng::seed_from_u64(1));
            assert_eq!(rec.approach, Approach::ProblemSolving);
            rec.reasons
        };
        let analytical = reasons(BuyingStyle::Analytical);
        assert!(
            analytical
                .iter()
                .any(|r| r == "With analytical readers, 4 of 6 problem-solving introductions got a positive reply"),
            "{analytical:?}"
        );
        assert!(analytical.iter().any(|r| r.starts_with("Fits: ")), "{analytical:?}");
        // Four introductions to drivers are too few to quote; an unknown style has nothing to quote.
        for style in [BuyingStyle::Driver, BuyingStyle::Unknown] {
            assert!(!reasons(style).iter().any(|r| r.starts_with("With ")), "{style}");
        }
    }
}
