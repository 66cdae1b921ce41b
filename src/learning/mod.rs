//! Learning which framing works (issues 7 and 21): outcome counts by segment and approach, Beta-Binomial
//! estimates shrunk toward wider groups for small samples, and Thompson sampling over every approach the
//! email can honestly take, with the rules' scores as a prior rather than a gate. Pure: the caller brings
//! the evidence and the random source.

pub mod beta;
pub mod estimate;
pub mod insights;
pub mod simulate;
pub mod styles;
pub mod timing;

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::compose::{reasons_for, Recommendation};
use crate::domain::{Approach, BuyingStyle, Detection, SignalKind};
pub use estimate::{
    chances, choose, fitting, score, size_band, Candidate, Choice, Counts, Evidence, Method, Overrule, Posterior, Rate,
    Segment, Side,
};

/// What learning added to a recommendation, for the CSM and the API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Learned {
    /// `rules`, `thompson_sampling`, `best_estimate` or `exploration`.
    pub method: String,
    /// The approach the rules alone would have picked.
    pub rules_choice: Approach,
    /// The approaches the rules consider fitting (scored at least half of their favourite).
    pub fitting: Vec<Approach>,
    /// Every approach the email could honestly take, which learning chose among; the rules' favourite
    /// first.
    #[serde(default)]
    pub candidates: Vec<Approach>,
    /// The evidence overruled the rules' favourite.
    #[serde(default)]
    pub overruled: bool,
    /// Introductions with an outcome in the workspace.
    pub outcomes: u32,
}

/// Every approach the email can honestly take, the rules' favourite first: educational and value-add
/// always have something to say; proactive needs growth or a renewal; problem-solving needs a limit.
/// Each carries its rules' score as a share of the favourite's, the prior of [`choose`].
pub fn candidates(recommendation: &Recommendation, detection: &Detection) -> Vec<Candidate> {
    let score = |a: Approach| recommendation.scores.get(a.as_str()).copied().unwrap_or(0.0);
    let has = |k: SignalKind| detection.signal(k).is_some();
    let honest = |a: Approach| match a {
        Approach::Educational | Approach::ValueAdd => true,
        Approach::Proactive => has(SignalKind::GrowthTrend) || has(SignalKind::RenewalWindow),
        Approach::ProblemSolving => score(a) > 0.0,
    };
    let favourite = recommendation.approach;
    let top = score(favourite).max(f64::EPSILON);
    let mut list: Vec<Candidate> = Approach::ALL
        .iter()
        .filter(|a| **a == favourite || honest(**a))
        .map(|a| Candidate { approach: *a, rule_share: if *a == favourite { 1.0 } else { (score(*a) / top).min(1.0) } })
        .collect();
    list.sort_by(|x, y| {
        (y.approach == favourite).cmp(&(x.approach == favourite)).then(y.rule_share.total_cmp(&x.rule_share))
    });
    list
}

/// Lets the workspace's outcomes choose among the candidates; rewrites the reasons to say why the approach
/// fits, what the evidence says and, when it overrules the rules, both sides.
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
    let choice = choose(&candidates(recommendation, detection), segment, style, evidence, explore, rng);
    if choice.approach != rules_choice || choice.evidence.is_some() {
        let mut reasons = Vec::new();
        if let Some(o) = &choice.overrule {
            reasons.push(overrule_sentence(o, detection));
        }
        reasons.extend(reasons_for(choice.approach, detection).into_iter().map(|r| format!("Fits: {r}")));
        if let (Some(e), None) = (&choice.evidence, &choice.overrule) {
            reasons.push(crate::domain::capitalize_first(e));
        }
        if choice.method == Method::Exploration {
            reasons.push(format!(
                "Trying {}: it has never been tried with accounts like this one, and every so often an untried \
                 approach is, so the team can find what the rules do not foresee",
                choice.approach.label().to_lowercase()
            ));
        }
        if let Some(sentence) = style_quote(style, choice.approach, evidence) {
            reasons.push(sentence);
        }
        recommendation.approach = choice.approach;
        recommendation.reasons = reasons;
    }
    recommendation.learning = Some(Learned {
        method: choice.method.as_str().to_string(),
        rules_choice,
        fitting: fit,
        overruled: choice.overrule.is_some(),
        candidates: choice.candidates,
        outcomes: evidence.total(),
    });
}

/// "Rules suggest problem-solving (98 of 100 licences in use), but in similar accounts educational
/// introductions got 23 of 30 positive replies (likely 60–85%) against 5 of 30 for problem-solving
/// (likely 10–32%)": the counts where the chosen approach has enough introductions, and the 90% credible
/// intervals of the two rates there.
fn overrule_sentence(o: &Overrule, detection: &Detection) -> String {
    let why = reasons_for(o.rules.approach, detection)
        .first()
        .and_then(|r| r.split_once(": ").map(|(fact, _)| format!(" ({fact})")))
        .unwrap_or_default();
    let pct = |x: f64| format!("{:.0}", x * 100.0);
    format!(
        "Rules suggest {}{why}, but {} {} introductions got {} of {} positive replies (likely {}–{}%) against {} of {} \
         for {} (likely {}–{}%)",
        o.rules.approach.label().to_lowercase(),
        o.place,
        o.chosen.approach.label().to_lowercase(),
        o.chosen.positive,
        o.chosen.sent,
        pct(o.chosen.low),
        pct(o.chosen.high),
        o.rules.positive,
        o.rules.sent,
        o.rules.approach.label().to_lowercase(),
        pct(o.rules.low),
        pct(o.rules.high),
    )
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

    /// 98 of 100 licences in use, nothing else detected.
    fn at_the_licence_limit() -> Detection {
        let signal = Signal {
            kind: SignalKind::SeatLimit,
            strength: 0.95,
            summary: "98 of 100 licences in use".into(),
            evidence: serde_json::json!({}),
        };
        Detection {
            signals: vec![signal],
            opportunity: None,
            ae_involvement: AeInvolvement { recommended: false, reason: String::new() },
        }
    }

    #[test]
    fn an_overrule_names_the_rules_choice_and_both_sides() {
        let detection = at_the_licence_limit();
        let seg = Segment {
            plan: "growth".into(),
            size: "26-100".into(),
            industry: "logistics".into(),
            signal: "seat_limit".into(),
        };
        let c = |sent, positive| Counts { sent, replied: sent, positive, ..Counts::default() };
        let mut e = Evidence::default();
        e.add(seg.clone(), Approach::ProblemSolving, &c(30, 5));
        e.add(seg.clone(), Approach::Educational, &c(30, 23));
        let mut rec = crate::compose::recommend(&detection, Some(80));
        let listed: Vec<Approach> = candidates(&rec, &detection).iter().map(|c| c.approach).collect();
        assert_eq!(
            listed,
            [Approach::ProblemSolving, Approach::Educational, Approach::ValueAdd],
            "no proactive without growth"
        );
        apply(&mut rec, &detection, &seg, BuyingStyle::Unknown, &e, false, &mut rand::rngs::StdRng::seed_from_u64(1));
        assert_eq!(rec.approach, Approach::Educational);
        assert_eq!(
            rec.reasons[0],
            "Rules suggest problem-solving (98 of 100 licences in use), but in similar accounts educational \
             introductions got 23 of 30 positive replies (likely 65–87%) against 5 of 30 for problem-solving (likely 8–27%)"
        );
        let learned = rec.learning.expect("learning");
        assert!(learned.overruled);
        assert_eq!((learned.method.as_str(), learned.rules_choice), ("best_estimate", Approach::ProblemSolving));
    }

    #[test]
    fn the_reasons_quote_the_readers_style_once_it_has_enough_introductions() {
        let detection = at_the_licence_limit();
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
