//! Which approaches convert, for whom: counts, estimates with credible intervals, and the sentences a CS
//! leader would read out in a team meeting. Pure: built from [`Evidence`].

use serde::Serialize;

use super::estimate::{Counts, Evidence, Posterior, Rate, Segment, MIN_EVIDENCE};
use crate::domain::{lowercase_first, Approach};

/// The mass of the credible intervals reported.
pub const INTERVAL: f64 = 0.9;
/// Introductions an approach needs in a group before the summary names it the best there.
const SUMMARY_MIN: u32 = 5;

/// An estimated rate: the posterior mean and the central 90% credible interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Estimate {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

impl Estimate {
    pub fn of(p: Posterior) -> Self {
        let (low, high) = p.interval(INTERVAL);
        let round = |x: f64| (x * 1000.0).round() / 1000.0;
        Estimate { mean: round(p.mean()), low: round(low), high: round(high) }
    }
}

/// One approach in one group.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ApproachStats {
    pub approach: Approach,
    pub label: String,
    #[serde(flatten)]
    pub counts: Counts,
    /// Positive replies (a positive reply, a meeting or a win) per introduction with an outcome.
    pub positive_rate: Estimate,
    /// Wins per decided opportunity.
    pub win_rate: Estimate,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SignalStats {
    /// The main signal, e.g. `seat_limit` (empty: none).
    pub signal: String,
    pub approaches: Vec<ApproachStats>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SegmentStats {
    pub segment: Segment,
    pub approaches: Vec<ApproachStats>,
}

/// `GET /api/insights/approaches`.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ApproachInsights {
    /// Introductions with an outcome.
    pub outcomes: u32,
    /// An introduction with no reply counts as unanswered after this many days.
    pub maturity_days: i64,
    /// The mass of every interval (0.9: from the 5% to the 95% point).
    pub interval: f64,
    /// Outcomes the workspace needs before the recommendation weighs them.
    pub min_outcomes: u32,
    pub approaches: Vec<ApproachStats>,
    pub by_signal: Vec<SignalStats>,
    /// Segments (plan, size band, industry, main signal) with introductions, most introductions first.
    pub segments: Vec<SegmentStats>,
    /// Plain-language findings, most important first.
    pub summary: Vec<String>,
}

pub(crate) fn stats(approach: Approach, counts: Counts, positive: Posterior, won: Posterior) -> ApproachStats {
    ApproachStats {
        approach,
        label: approach.label().to_string(),
        counts,
        positive_rate: Estimate::of(positive),
        win_rate: Estimate::of(won),
    }
}

/// A count as the summaries write it: 12,502.
pub(crate) fn thousands(n: u32) -> String {
    crate::domain::group_thousands(i64::from(n))
}

pub(crate) fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn signal_words(signal: &str) -> String {
    match signal {
        "seat_limit" => "accounts near their licence limit".into(),
        "api_limit" => "accounts near their API limit".into(),
        "growth_trend" => "accounts growing toward a limit".into(),
        "feature_request" => "accounts asking for higher-plan features".into(),
        "success_milestone" => "accounts with a recent success".into(),
        "renewal_window" => "accounts close to renewal".into(),
        "" => "accounts with no main signal".into(),
        other => format!("accounts whose main signal is {}", other.replace('_', " ")),
    }
}

/// The best and the runner-up of a group, when the best has enough introductions to be named.
pub(crate) fn leader(group: &[ApproachStats]) -> Option<(&ApproachStats, Option<&ApproachStats>)> {
    let mut ranked: Vec<&ApproachStats> = group.iter().filter(|s| s.counts.sent >= SUMMARY_MIN).collect();
    ranked.sort_by(|a, b| b.positive_rate.mean.total_cmp(&a.positive_rate.mean));
    let best = *ranked.first()?;
    Some((best, ranked.get(1).copied()))
}

pub(crate) fn sentence(best: &ApproachStats, next: Option<&ApproachStats>) -> String {
    let b = &best.counts;
    let mut s = format!(
        "{} got a positive reply from {} of {} ({}, likely between {} and {})",
        best.label,
        thousands(b.positive),
        thousands(b.sent),
        pct(best.positive_rate.mean),
        pct(best.positive_rate.low),
        pct(best.positive_rate.high)
    );
    if let Some(n) = next {
        s.push_str(&format!(
            ", against {} of {} for {}",
            thousands(n.counts.positive),
            thousands(n.counts.sent),
            n.label.to_lowercase()
        ));
        if best.positive_rate.low > n.positive_rate.high {
            s.push_str(": a clear difference");
        } else {
            s.push_str(": not yet a sure difference");
        }
    }
    s
}

/// The insights of a workspace's evidence.
pub fn approaches(evidence: &Evidence, maturity_days: i64) -> ApproachInsights {
    let any = Segment::default();
    let overall: Vec<ApproachStats> = Approach::ALL
        .iter()
        .map(|a| {
            let p = evidence.levels(&any, *a, Rate::Positive)[0];
            let w = evidence.levels(&any, *a, Rate::Won)[0];
            stats(*a, evidence.workspace(*a), p, w)
        })
        .collect();
    let mut signals: Vec<String> = evidence.segments().map(|(s, _)| s.signal.clone()).collect();
    signals.sort();
    signals.dedup();
    let by_signal: Vec<SignalStats> = signals
        .iter()
        .map(|signal| {
            let seg = Segment { signal: signal.clone(), ..any.clone() };
            let approaches = Approach::ALL
                .iter()
                .filter(|a| evidence.signal(signal, **a).sent > 0)
                .map(|a| {
                    let p = evidence.levels(&seg, *a, Rate::Positive)[1];
                    let w = evidence.levels(&seg, *a, Rate::Won)[1];
                    stats(*a, evidence.signal(signal, *a), p, w)
                })
                .collect();
            SignalStats { signal: signal.clone(), approaches }
        })
        .collect();
    let mut segments: Vec<SegmentStats> = evidence
        .segments()
        .map(|(segment, counts)| {
            let approaches = Approach::ALL
                .iter()
                .zip(counts.iter())
                .filter(|(_, c)| c.sent > 0)
                .map(|(a, c)| {
                    let p = evidence.positive_rate(segment, *a);
                    let w = evidence.win_rate(segment, *a);
                    stats(*a, *c, p, w)
                })
                .collect();
            SegmentStats { segment: segment.clone(), approaches }
        })
        .collect();
    let size = |s: &SegmentStats| s.approaches.iter().map(|a| a.counts.sent).sum::<u32>();
    segments.sort_by(|a, b| size(b).cmp(&size(a)).then(a.segment.cmp(&b.segment)));

    let outcomes = evidence.total();
    let mut summary = Vec::new();
    if outcomes < MIN_EVIDENCE {
        summary.push(format!(
            "Not enough data yet: {outcomes} introduction{} had an outcome. The recommendation follows the rules \
             until there are {MIN_EVIDENCE}, and the estimates firm up with every reply.",
            if outcomes == 1 { "" } else { "s" }
        ));
    }
    if let Some((best, next)) = leader(&overall) {
        summary.push(format!("Across the workspace, {}.", lowercase_first(&sentence(best, next))));
    }
    for s in &by_signal {
        if let Some((best, next)) = leader(&s.approaches) {
            summary.push(format!("For {}, {}.", signal_words(&s.signal), lowercase_first(&sentence(best, next))));
        }
    }
    let replied: u32 = overall.iter().map(|s| s.counts.replied).sum();
    if outcomes > 0 {
        summary.push(format!(
            "{} of {} introductions got a reply from a person ({}); opens are not counted, as mail privacy \
             features open every message.",
            thousands(replied),
            thousands(outcomes),
            pct(f64::from(replied) / f64::from(outcomes))
        ));
    }
    ApproachInsights {
        outcomes,
        maturity_days,
        interval: INTERVAL,
        min_outcomes: MIN_EVIDENCE,
        approaches: overall,
        by_signal,
        segments,
        summary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(sent: u32, positive: u32) -> Counts {
        Counts { sent, positive, replied: positive + 1, ..Counts::default() }
    }

    fn seg(signal: &str) -> Segment {
        Segment { plan: "p".into(), size: "26-100".into(), industry: String::new(), signal: signal.into() }
    }

    #[test]
    fn an_empty_workspace_says_it_has_not_enough_data() {
        let i = approaches(&Evidence::default(), 14);
        assert_eq!(i.outcomes, 0);
        assert!(i.summary[0].starts_with("Not enough data yet: 0 introductions had an outcome"), "{:?}", i.summary);
        assert_eq!(i.approaches.len(), 4);
        assert!(i.approaches.iter().all(|a| a.positive_rate.mean == 0.5 && a.positive_rate.low < 0.5));
    }

    #[test]
    fn the_summary_names_the_leader_and_whether_the_difference_is_sure() {
        let mut e = Evidence::default();
        e.add(seg("seat_limit"), Approach::ProblemSolving, &counts(40, 20));
        e.add(seg("seat_limit"), Approach::Educational, &counts(40, 4));
        e.add(seg("feature_request"), Approach::Educational, &counts(6, 2));
        e.add(seg("feature_request"), Approach::ValueAdd, &counts(6, 1));
        let i = approaches(&e, 14);
        assert_eq!(i.outcomes, 92);
        let first = &i.summary[0];
        assert!(
            first.starts_with("Across the workspace, problem-solving got a positive reply from 20 of 40"),
            "{first}"
        );
        // The runner-up is the next best estimate: value-add's 1 of 6 is shrunk toward the workspace rate,
        // so it ranks above educational's 6 of 46, and with 6 introductions nothing is sure yet.
        assert!(first.ends_with("against 1 of 6 for value-add: not yet a sure difference."), "{first}");
        let limit = i.summary.iter().find(|s| s.starts_with("For accounts near their licence limit")).unwrap();
        assert!(limit.contains("problem-solving got a positive reply from 20 of 40"), "{limit}");
        assert!(limit.ends_with("against 4 of 40 for educational: a clear difference."), "{limit}");
        let requests = i.summary.iter().find(|s| s.starts_with("For accounts asking")).unwrap();
        assert!(requests.ends_with("not yet a sure difference."), "{requests}");
        assert!(i.summary.last().unwrap().contains("got a reply from a person"));
        assert_eq!(i.segments[0].segment.signal, "seat_limit", "the biggest segment first");
        let ps = &i.approaches[1];
        assert_eq!((ps.approach, ps.counts.sent, ps.counts.positive), (Approach::ProblemSolving, 40, 20));
        assert!(ps.positive_rate.low < 0.5 && ps.positive_rate.high > 0.45, "{:?}", ps.positive_rate);
    }
}
