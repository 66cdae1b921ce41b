//! Which framing fits this customer, and why, in words a CSM can read.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::{Approach, Detection, SignalKind};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Recommendation {
    pub approach: Approach,
    pub reasons: Vec<String>,
    /// Fit of every approach, 0..1; the rules' own choice scores highest.
    #[schema(value_type = Object)]
    pub scores: BTreeMap<String, f64>,
    /// What the workspace's outcomes added (absent when the recommendation is the rules' alone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub learning: Option<crate::learning::Learned>,
}

use crate::domain::round_unit;

/// Scores the four approaches from the detected signals and picks the best fit.
///
/// Ties go to the gentler framing, in the order educational, value-add, proactive, problem-solving.
/// A limit the growth line reaches within this many days is a problem now, not a plan for later.
const IMMINENT_DAYS: i64 = 30;

/// Days from the usage date to the earliest limit the growth signal projects, if any.
fn days_to_limit(detection: &Detection) -> Option<i64> {
    let growth = detection.signal(SignalKind::GrowthTrend)?;
    let parse = |v: &serde_json::Value| {
        v.as_str().and_then(|d| time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).ok())
    };
    let as_of = parse(&growth.evidence["as_of"])?;
    ["seats", "api_calls"]
        .iter()
        .filter_map(|k| parse(&growth.evidence[*k]["limit_reached_on"]))
        .map(|d| (d - as_of).whole_days())
        .min()
}

pub fn recommend(detection: &Detection, health_score: Option<i64>) -> Recommendation {
    let s = |k| detection.strength(k);
    let imminent = days_to_limit(detection).filter(|d| *d <= IMMINENT_DAYS);
    let limit = s(SignalKind::SeatLimit).max(s(SignalKind::ApiLimit)).max(if imminent.is_some() {
        s(SignalKind::GrowthTrend)
    } else {
        0.0
    });
    let healthy = health_score.map_or(0.7, |h| (h as f64 / 100.0).clamp(0.0, 1.0));
    let scores = [
        (Approach::ProblemSolving, limit),
        (Approach::Proactive, (s(SignalKind::GrowthTrend).max(s(SignalKind::RenewalWindow) * 0.8)) * 0.9),
        (Approach::ValueAdd, s(SignalKind::SuccessMilestone) * healthy * (1.0 - limit * 0.5)),
        (Approach::Educational, (s(SignalKind::FeatureRequest) * 0.85).max(0.2)),
    ];
    let gentleness = |a: Approach| match a {
        Approach::Educational => 0,
        Approach::ValueAdd => 1,
        Approach::Proactive => 2,
        Approach::ProblemSolving => 3,
    };
    let (approach, _) = scores
        .iter()
        .map(|(a, v)| (*a, round_unit(*v)))
        .max_by(|(a, x), (b, y)| x.total_cmp(y).then(gentleness(*b).cmp(&gentleness(*a))))
        .unwrap_or((Approach::Educational, 0.0));
    Recommendation {
        approach,
        reasons: reasons(approach, detection, imminent),
        scores: scores.iter().map(|(a, v)| (a.as_str().to_string(), round_unit(*v))).collect(),
        learning: None,
    }
}

/// Why `approach` fits what was detected, in the words of [`recommend`]'s reasons.
pub fn reasons_for(approach: Approach, detection: &Detection) -> Vec<String> {
    reasons(approach, detection, days_to_limit(detection).filter(|d| *d <= IMMINENT_DAYS))
}

fn reasons(approach: Approach, detection: &Detection, imminent: Option<i64>) -> Vec<String> {
    let because =
        |kind: SignalKind, meaning: &str| detection.signal(kind).map(|sig| format!("{}: {meaning}", sig.summary));
    let found: Vec<String> = match approach {
        Approach::ProblemSolving => vec![
            because(SignalKind::SeatLimit, "they are hitting a limit"),
            because(SignalKind::ApiLimit, "they are hitting a limit"),
            imminent.and_then(|d| because(SignalKind::GrowthTrend, &format!("a limit is {d} days away at this pace"))),
        ],
        Approach::Proactive => vec![
            because(SignalKind::GrowthTrend, "their growth is heading for a limit"),
            because(SignalKind::RenewalWindow, "a natural moment to plan the next year"),
        ],
        Approach::ValueAdd => {
            vec![because(SignalKind::SuccessMilestone, "recent success to build on")]
        }
        Approach::Educational => {
            vec![because(SignalKind::FeatureRequest, "they are curious about what a higher plan offers")]
        }
    }
    .into_iter()
    .flatten()
    .collect();
    if found.is_empty() {
        vec!["No pressing limit or request: sharing what is possible is the gentlest opening".to_string()]
    } else {
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AeInvolvement, Signal};
    use serde_json::json;

    fn detection(signals: Vec<Signal>) -> Detection {
        Detection {
            signals,
            opportunity: None,
            ae_involvement: AeInvolvement { recommended: false, reason: String::new() },
        }
    }

    fn signal(kind: SignalKind, strength: f64, summary: &str, evidence: serde_json::Value) -> Signal {
        Signal { kind, strength, summary: summary.into(), evidence }
    }

    fn growth(days: i64, strength: f64) -> Signal {
        let as_of = time::macros::date!(2026 - 11 - 24);
        let on = as_of + time::Duration::days(days);
        signal(
            SignalKind::GrowthTrend,
            strength,
            "Licences in use up 25% a month",
            json!({
                "as_of": as_of, "seats": {"monthly_growth": 0.25, "limit_reached_on": on}, "api_calls": null
            }),
        )
    }

    #[test]
    fn each_situation_gets_its_framing() {
        let limit = signal(SignalKind::SeatLimit, 0.95, "98 of 100 licences in use", json!({}));
        let r = recommend(&detection(vec![limit]), Some(87));
        assert_eq!(r.approach, Approach::ProblemSolving);
        assert_eq!(r.reasons, ["98 of 100 licences in use: they are hitting a limit"]);

        assert_eq!(recommend(&detection(vec![growth(90, 0.6)]), Some(80)).approach, Approach::Proactive);
        let soon = recommend(&detection(vec![growth(20, 0.89)]), Some(80));
        assert_eq!(soon.approach, Approach::ProblemSolving, "a limit within 30 days is a problem now");
        assert!(soon.reasons[0].contains("20 days away"), "{:?}", soon.reasons);

        let success = signal(SignalKind::SuccessMilestone, 0.9, "Rolled out", json!({}));
        assert_eq!(recommend(&detection(vec![success]), Some(92)).approach, Approach::ValueAdd);
        let asked = signal(SignalKind::FeatureRequest, 0.75, "Asked for SSO", json!({}));
        assert_eq!(recommend(&detection(vec![asked]), Some(70)).approach, Approach::Educational);
        let none = recommend(&detection(vec![]), None);
        assert_eq!(none.approach, Approach::Educational, "the fallback");
        assert_eq!(none.reasons.len(), 1);
    }
}
