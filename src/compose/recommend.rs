//! Which framing fits this customer, and why, in words a CSM can read.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::{Approach, Detection, SignalKind};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Recommendation {
    pub approach: Approach,
    pub reasons: Vec<String>,
    /// Fit of every approach, 0..1; the recommended one scores highest.
    #[schema(value_type = Object)]
    pub scores: BTreeMap<String, f64>,
}

fn round2(x: f64) -> f64 {
    (x.clamp(0.0, 1.0) * 100.0).round() / 100.0
}

/// Scores the four approaches from the detected signals and picks the best fit.
///
/// Ties go to the gentler framing, in the order educational, value-add, proactive, problem-solving.
pub fn recommend(detection: &Detection, health_score: Option<i64>) -> Recommendation {
    let s = |k| detection.strength(k);
    let limit = s(SignalKind::SeatLimit).max(s(SignalKind::ApiLimit));
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
        .map(|(a, v)| (*a, round2(*v)))
        .max_by(|(a, x), (b, y)| x.total_cmp(y).then(gentleness(*b).cmp(&gentleness(*a))))
        .unwrap_or((Approach::Educational, 0.0));
    Recommendation {
        approach,
        reasons: reasons(approach, detection),
        scores: scores.iter().map(|(a, v)| (a.as_str().to_string(), round2(*v))).collect(),
    }
}

fn reasons(approach: Approach, detection: &Detection) -> Vec<String> {
    let because =
        |kind: SignalKind, meaning: &str| detection.signal(kind).map(|sig| format!("{}: {meaning}", sig.summary));
    let found: Vec<String> = match approach {
        Approach::ProblemSolving => vec![
            because(SignalKind::SeatLimit, "they are hitting a limit"),
            because(SignalKind::ApiLimit, "they are hitting a limit"),
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
