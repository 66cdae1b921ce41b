//! What the outcomes say about each approach, and the choice among every approach the email can honestly
//! take. Pure.
//!
//! Rates are Beta-Binomial estimates, shrunk step by step for small samples: the workspace's rate over
//! every approach (a uniform Beta(1,1) prior) is the prior of each approach's workspace-wide rate, that is
//! the prior of the accounts with the same main signal, that the prior of the neighbourhood (same main
//! signal, plan and industry, any size), and that the prior of the full segment (plan, size band,
//! industry, main signal); each prior weighs as much as [`PRIOR_WEIGHT`] introductions, the last
//! [`SEGMENT_PRIOR_WEIGHT`]. A segment with few introductions therefore reads like its neighbours, those
//! like their signal's accounts, and those like the workspace, until their own outcomes outweigh them.
//!
//! The choice weighs every approach the email can honestly take ([`Candidate`]). The rules' scores are a
//! prior, not a gate: an approach the rules rank low starts some unanswered introductions behind
//! ([`RULE_PRIOR_WEIGHT`]), so it needs more evidence to win, and wins once the evidence is clear.
//!
//! When the recipient's buying style is known, one more step follows: the segment's estimate is scaled by
//! the style's lift for the approach, how much more (or less) often readers of that style answered it
//! than its readers overall, across the workspace (shrunk toward 1 with the weight of
//! [`STYLE_PRIOR_WEIGHT`] introductions). A lift travels across segments where a rate would not: analytical
//! readers may answer educational introductions twice as often whatever the segment's own rate.

use std::collections::HashMap;

use rand::Rng;
use rand_distr::{Beta, Distribution};
use serde::Serialize;

use super::beta;
use crate::domain::{Approach, BuyingStyle};

/// How many introductions' worth of weight a prior carries.
pub const PRIOR_WEIGHT: f64 = 4.0;
/// The weight of the main signal's rate as the prior of a segment: accounts with the same signal are
/// good evidence for each other, so a segment departs from them only on outcomes of its own.
pub const SEGMENT_PRIOR_WEIGHT: f64 = 12.0;
/// The weight of an approach's workspace rate as the prior of its rate with one buying style.
pub const STYLE_PRIOR_WEIGHT: f64 = 6.0;
/// Introductions with an outcome the workspace needs before evidence may change the rule's choice.
pub const MIN_EVIDENCE: u32 = 12;
/// An approach fits when the rules score it at least this share of the best approach's score.
pub const FIT_SHARE: f64 = 0.5;
/// Introductions of an approach needed at a level before its counts are quoted to the CSM.
const QUOTE_MIN: u32 = 5;
/// The weight of the rules' prior: an approach the rules score at share `r` of their favourite's score
/// starts `RULE_PRIOR_WEIGHT × (1 − r)` unanswered introductions behind it ([`Candidate::handicap`]). So
/// with thin evidence the rules' choice stands, and once the evidence is clear it wins: 3 positive of 8
/// against the favourite's 2 of 8 does not overrule it, 23 of 30 against 5 of 30 does.
pub const RULE_PRIOR_WEIGHT: f64 = 16.0;
/// With exploration on, the chance that an introduction tries a candidate never tried in the segment
/// (other than the rules' favourite), so the tool can find what the rules did not foresee.
pub const EXPLORE_FLOOR: f64 = 0.02;
/// The mass of the intervals quoted when evidence overrules the rules.
const INTERVAL: f64 = 0.9;

/// Licence counts that bound the size bands (inclusive upper bounds).
pub const SIZE_BANDS: [(i64, &str); 3] = [(25, "1-25"), (100, "26-100"), (500, "101-500")];
pub const LARGEST_BAND: &str = "500+";

pub fn size_band(seats: i64) -> &'static str {
    SIZE_BANDS.iter().find(|(max, _)| seats <= *max).map_or(LARGEST_BAND, |(_, name)| name)
}

/// The segment without its size band: the level between the main signal and the segment.
fn neighbourhood(segment: &Segment) -> Segment {
    Segment { size: String::new(), ..segment.clone() }
}

/// Accounts that are alike for learning.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
pub struct Segment {
    pub plan: String,
    /// `1-25`, `26-100`, `101-500` or `500+` licences.
    pub size: String,
    /// Empty when unknown.
    pub industry: String,
    /// The strongest signal, e.g. `seat_limit`; empty when none.
    pub signal: String,
}

/// What happened to the introductions of one approach in one segment. Only introductions with an
/// outcome count: replied, or sent long enough ago that silence is an answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Counts {
    pub sent: u32,
    /// A person replied (auto-replies and out-of-office never count).
    pub replied: u32,
    /// A positive reply, a meeting or a win.
    pub positive: u32,
    pub meetings: u32,
    pub won: u32,
    /// Won or lost.
    pub decided: u32,
}

impl Counts {
    pub fn add(&mut self, other: &Counts) {
        self.sent += other.sent;
        self.replied += other.replied;
        self.positive += other.positive;
        self.meetings += other.meetings;
        self.won += other.won;
        self.decided += other.decided;
    }
}

fn index(a: Approach) -> usize {
    match a {
        Approach::Educational => 0,
        Approach::ProblemSolving => 1,
        Approach::ValueAdd => 2,
        Approach::Proactive => 3,
    }
}

/// Outcome counts by segment, by main signal and for the workspace, per approach.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    segments: HashMap<Segment, [Counts; 4]>,
    /// By main signal, plan and industry: the segment without its size band.
    neighbours: HashMap<Segment, [Counts; 4]>,
    signals: HashMap<String, [Counts; 4]>,
    workspace: [Counts; 4],
    styles: HashMap<BuyingStyle, [Counts; 4]>,
}

impl Evidence {
    pub fn add(&mut self, segment: Segment, approach: Approach, counts: &Counts) {
        let i = index(approach);
        self.workspace[i].add(counts);
        self.signals.entry(segment.signal.clone()).or_default()[i].add(counts);
        self.neighbours.entry(neighbourhood(&segment)).or_default()[i].add(counts);
        self.segments.entry(segment).or_default()[i].add(counts);
    }

    /// Counts of an approach with readers of a known style (they are already in the segments).
    pub fn add_style(&mut self, style: BuyingStyle, approach: Approach, counts: &Counts) {
        if style != BuyingStyle::Unknown {
            self.styles.entry(style).or_default()[index(approach)].add(counts);
        }
    }

    pub fn style(&self, style: BuyingStyle, a: Approach) -> Counts {
        self.styles.get(&style).map_or_else(Counts::default, |c| c[index(a)])
    }

    /// How much more often readers of `style` answer approach `a` than its readers overall (1: no
    /// difference, or no data). The style's rate is shrunk toward the approach's workspace rate with the
    /// weight of [`STYLE_PRIOR_WEIGHT`] introductions, so a handful of introductions barely moves it.
    pub fn style_lift(&self, style: BuyingStyle, a: Approach) -> f64 {
        let c = self.style(style, a);
        if style == BuyingStyle::Unknown || c.sent == 0 {
            return 1.0;
        }
        let overall = self.levels(&Segment::default(), a, Rate::Positive)[0].mean();
        Posterior::from_prior(overall, STYLE_PRIOR_WEIGHT, c.positive, c.sent).mean() / overall.max(f64::EPSILON)
    }

    /// The positive-reply posterior of an approach in a segment, for a reader of `style`: the segment's,
    /// its mean scaled by the style's lift and its certainty kept.
    pub fn positive_rate_for(&self, segment: &Segment, style: BuyingStyle, a: Approach) -> Posterior {
        let segment_rate = self.positive_rate(segment, a);
        let lift = self.style_lift(style, a);
        if (lift - 1.0).abs() < f64::EPSILON {
            return segment_rate;
        }
        let n = segment_rate.alpha + segment_rate.beta;
        let mean = (segment_rate.mean() * lift).clamp(1e-6, 1.0 - 1e-6);
        Posterior { alpha: mean * n, beta: (1.0 - mean) * n }
    }

    pub fn total(&self) -> u32 {
        self.workspace.iter().map(|c| c.sent).sum()
    }

    pub fn workspace(&self, a: Approach) -> Counts {
        self.workspace[index(a)]
    }

    pub fn signal(&self, signal: &str, a: Approach) -> Counts {
        self.signals.get(signal).map_or_else(Counts::default, |c| c[index(a)])
    }

    /// Counts of accounts with the segment's main signal, plan and industry, whatever their size.
    pub fn neighbours(&self, segment: &Segment, a: Approach) -> Counts {
        self.neighbours.get(&neighbourhood(segment)).map_or_else(Counts::default, |c| c[index(a)])
    }

    pub fn segment(&self, segment: &Segment, a: Approach) -> Counts {
        self.segments.get(segment).map_or_else(Counts::default, |c| c[index(a)])
    }

    pub fn segments(&self) -> impl Iterator<Item = (&Segment, &[Counts; 4])> {
        self.segments.iter()
    }

    /// The positive-reply posterior of an approach in a segment.
    pub fn positive_rate(&self, segment: &Segment, a: Approach) -> Posterior {
        self.levels(segment, a, Rate::Positive)[3]
    }

    /// The win-rate posterior (won of decided) of an approach in a segment.
    pub fn win_rate(&self, segment: &Segment, a: Approach) -> Posterior {
        self.levels(segment, a, Rate::Won)[3]
    }

    /// The posteriors of a rate at the workspace, main-signal, neighbourhood (main signal, plan and
    /// industry) and segment levels, each the prior of the next (see the module's documentation).
    pub fn levels(&self, segment: &Segment, a: Approach, rate: Rate) -> [Posterior; 4] {
        let of = |c: &Counts| rate.of(c);
        // Every approach together: how often introductions get there at all in this workspace.
        let (all_s, all_n) = self.workspace.iter().map(of).fold((0, 0), |(s, n), (x, y)| (s + x, n + y));
        let overall = Posterior::from_prior(0.5, 2.0, all_s, all_n);
        let (s, n) = of(&self.workspace(a));
        let workspace = Posterior::from_prior(overall.mean(), PRIOR_WEIGHT, s, n);
        let (s, n) = of(&self.signal(&segment.signal, a));
        let signal = Posterior::from_prior(workspace.mean(), PRIOR_WEIGHT, s, n);
        let (s, n) = of(&self.neighbours(segment, a));
        let neighbours = Posterior::from_prior(signal.mean(), PRIOR_WEIGHT, s, n);
        let (s, n) = of(&self.segment(segment, a));
        [workspace, signal, neighbours, Posterior::from_prior(neighbours.mean(), SEGMENT_PRIOR_WEIGHT, s, n)]
    }
}

/// Which rate: positive replies of introductions, or wins of decided opportunities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rate {
    Positive,
    Won,
}

impl Rate {
    /// (successes, trials).
    pub fn of(self, c: &Counts) -> (u32, u32) {
        match self {
            Rate::Positive => (c.positive, c.sent),
            Rate::Won => (c.won, c.decided),
        }
    }
}

/// A Beta posterior of a rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Posterior {
    pub alpha: f64,
    pub beta: f64,
}

impl Posterior {
    /// Beta(weight·mean + successes, weight·(1-mean) + failures).
    pub fn from_prior(mean: f64, weight: f64, successes: u32, trials: u32) -> Self {
        let failures = trials.saturating_sub(successes);
        Posterior { alpha: weight * mean + f64::from(successes), beta: weight * (1.0 - mean) + f64::from(failures) }
    }

    pub fn mean(&self) -> f64 {
        self.alpha / (self.alpha + self.beta)
    }

    /// The central credible interval holding `mass` of the posterior (0.9: from the 5% to the 95% point).
    pub fn interval(&self, mass: f64) -> (f64, f64) {
        let tail = (1.0 - mass) / 2.0;
        (beta::quantile(self.alpha, self.beta, tail), beta::quantile(self.alpha, self.beta, 1.0 - tail))
    }

    fn sample(&self, rng: &mut impl Rng) -> f64 {
        Beta::new(self.alpha.max(1e-6), self.beta.max(1e-6)).map_or_else(|_| self.mean(), |d| d.sample(rng))
    }
}

/// How the learning chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Too few outcomes yet: the rules' best fit.
    Rules,
    /// A draw from each candidate's posterior, the rules' prior included (explores a little, exploits what
    /// works).
    ThompsonSampling,
    /// The candidate with the best estimated rate, the rules' prior included (exploration off).
    BestEstimate,
    /// The exploration floor: a candidate never tried in the segment, tried once in a while.
    Exploration,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Rules => "rules",
            Method::ThompsonSampling => "thompson_sampling",
            Method::BestEstimate => "best_estimate",
            Method::Exploration => "exploration",
        }
    }
}

/// An approach the email can honestly take, and how strongly the rules favour it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Candidate {
    pub approach: Approach,
    /// The rules' score for it as a share of their favourite's score, 0 to 1 (the favourite: 1).
    pub rule_share: f64,
}

impl Candidate {
    /// The rules' prior, in unanswered introductions this approach starts behind the rules' favourite:
    /// [`RULE_PRIOR_WEIGHT`] × (1 − its share of the favourite's score).
    pub fn handicap(&self) -> f64 {
        RULE_PRIOR_WEIGHT * (1.0 - self.rule_share.clamp(0.0, 1.0))
    }
}

/// The rules' favourite and the approach the evidence chose instead, side by side at the narrowest level
/// where the chosen one has enough introductions to quote.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Overrule {
    /// "in similar accounts", "in accounts whose main signal is seat limit", "across the workspace".
    pub place: String,
    pub chosen: Side,
    pub rules: Side,
}

/// One side of an [`Overrule`]: the counts and the 90% credible interval of the positive-reply rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Side {
    pub approach: Approach,
    pub sent: u32,
    pub positive: u32,
    pub low: f64,
    pub high: f64,
}

/// The choice among the candidates, with what it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Choice {
    pub approach: Approach,
    pub method: Method,
    /// Every approach the email could honestly take, the rules' favourite first.
    pub candidates: Vec<Approach>,
    /// One sentence on the evidence, when there is any worth quoting.
    pub evidence: Option<String>,
    /// When the evidence overruled the rules: both sides' counts and intervals.
    pub overrule: Option<Overrule>,
}

/// The approaches that fit: those the rules score at least [`FIT_SHARE`] of the best, best first (ties to
/// the rules' own choice). What the rules alone consider; learning chooses among every [`Candidate`].
pub fn fitting(scores: &[(Approach, f64)], rules_choice: Approach) -> Vec<Approach> {
    let best = scores.iter().map(|(_, s)| *s).fold(0.0_f64, f64::max);
    let mut fit: Vec<(Approach, f64)> =
        scores.iter().filter(|(_, s)| *s > 0.0 && *s >= best * FIT_SHARE).copied().collect();
    fit.sort_by(|(a, x), (b, y)| y.total_cmp(x).then((*b == rules_choice).cmp(&(*a == rules_choice))));
    let mut approaches: Vec<Approach> = fit.into_iter().map(|(a, _)| a).collect();
    if !approaches.contains(&rules_choice) {
        approaches.insert(0, rules_choice);
    }
    approaches
}

/// The estimate a candidate is chosen on: its positive-reply posterior in the segment (for a reader of
/// `style`), with the rules' prior added as [`Candidate::handicap`] unanswered introductions.
pub fn score(candidate: &Candidate, segment: &Segment, style: BuyingStyle, evidence: &Evidence) -> Posterior {
    let p = evidence.positive_rate_for(segment, style, candidate.approach);
    Posterior { alpha: p.alpha, beta: p.beta + candidate.handicap() }
}

/// Chooses among the candidates (the rules' favourite first): the favourite until the workspace has
/// [`MIN_EVIDENCE`] outcomes among them; then Thompson sampling on [`score`], with an
/// [`EXPLORE_FLOOR`] for candidates never tried in the segment, or, with `explore` off, the best
/// [`score`] mean.
pub fn choose(
    candidates: &[Candidate],
    segment: &Segment,
    style: BuyingStyle,
    evidence: &Evidence,
    explore: bool,
    rng: &mut impl Rng,
) -> Choice {
    let rules = candidates.first().map_or(Approach::Educational, |c| c.approach);
    let total: u32 = candidates.iter().map(|c| evidence.workspace(c.approach).sent).sum();
    let best = |value: &mut dyn FnMut(&Candidate) -> f64| {
        // Ties go to the earlier candidate: the rules' order.
        let mut best: Option<(Approach, f64)> = None;
        for c in candidates {
            let v = value(c);
            if best.is_none_or(|(_, b)| v > b) {
                best = Some((c.approach, v));
            }
        }
        best.map_or(rules, |(a, _)| a)
    };
    let (approach, method) = if candidates.len() < 2 || total < MIN_EVIDENCE {
        (rules, Method::Rules)
    } else if explore {
        let untried: Vec<Approach> = candidates
            .iter()
            .map(|c| c.approach)
            .filter(|a| *a != rules && evidence.segment(segment, *a).sent == 0)
            .collect();
        if !untried.is_empty() && rng.random::<f64>() < EXPLORE_FLOOR {
            (untried[rng.random_range(0..untried.len())], Method::Exploration)
        } else {
            (best(&mut |c| score(c, segment, style, evidence).sample(rng)), Method::ThompsonSampling)
        }
    } else {
        (best(&mut |c| score(c, segment, style, evidence).mean()), Method::BestEstimate)
    };
    let others: Vec<Approach> = candidates.iter().map(|c| c.approach).collect();
    let overruled = approach != rules && matches!(method, Method::ThompsonSampling | Method::BestEstimate);
    Choice {
        approach,
        method,
        evidence: quote(approach, &others, segment, evidence),
        overrule: if overruled { overrule(approach, rules, segment, evidence) } else { None },
        candidates: others,
    }
}

/// How likely each estimate is the best: the chance Thompson sampling picks it (the exploration floor
/// aside), by numerical integration. P(i is best) = 1 − Σ F_i(x) ΔG(x), where G is the product of the
/// others' distribution functions, summed over a fine grid (trapezoids): a form that can only grow when
/// `i`'s distribution moves up.
pub fn chances(estimates: &[Posterior]) -> Vec<f64> {
    const STEPS: usize = 1000;
    let grid: Vec<f64> = (0..=STEPS).map(|k| k as f64 / STEPS as f64).collect();
    let cdfs: Vec<Vec<f64>> =
        estimates.iter().map(|p| grid.iter().map(|x| beta::cdf(p.alpha, p.beta, *x)).collect()).collect();
    (0..estimates.len())
        .map(|i| {
            let others = |k: usize| (0..estimates.len()).filter(|j| *j != i).map(|j| cdfs[j][k]).product::<f64>();
            let below: f64 =
                (1..=STEPS).map(|k| (cdfs[i][k] + cdfs[i][k - 1]) / 2.0 * (others(k) - others(k - 1))).sum();
            (1.0 - below).clamp(0.0, 1.0)
        })
        .collect()
}

fn plural(n: u32, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// The counts of an approach at one level of the hierarchy, and the level's index in [`Evidence::levels`].
type CountsOf<'a> = Box<dyn Fn(Approach) -> Counts + 'a>;

fn places<'a>(segment: &'a Segment, evidence: &'a Evidence) -> [(String, CountsOf<'a>, usize); 3] {
    [
        ("in similar accounts".into(), Box::new(|a| evidence.segment(segment, a)), 3),
        (
            format!("in accounts whose main signal is {}", segment.signal.replace('_', " ")),
            Box::new(|a| evidence.signal(&segment.signal, a)),
            1,
        ),
        ("across the workspace".into(), Box::new(|a| evidence.workspace(a)), 0),
    ]
}

/// "In similar accounts, 9 of 21 problem-solving introductions got a positive reply, against 3 of 17
/// educational", at the narrowest level where the chosen approach has enough introductions.
fn quote(chosen: Approach, candidates: &[Approach], segment: &Segment, evidence: &Evidence) -> Option<String> {
    for (place, counts, _) in &places(segment, evidence) {
        let mine = counts(chosen);
        if mine.sent < QUOTE_MIN {
            continue;
        }
        let others: Vec<String> = candidates
            .iter()
            .filter(|a| **a != chosen)
            .map(|a| (*a, counts(*a)))
            .filter(|(_, c)| c.sent >= QUOTE_MIN)
            .map(|(a, c)| format!("{} of {} {}", c.positive, c.sent, a.label().to_lowercase()))
            .collect();
        let against = if others.is_empty() { String::new() } else { format!(", against {}", others.join(" and ")) };
        return Some(format!(
            "{place}, {} of {} got a positive reply{against}",
            mine.positive,
            plural(mine.sent, &format!("{} introduction", chosen.label().to_lowercase())),
        ));
    }
    None
}

/// Both sides of an overrule at the narrowest level where the chosen approach has enough introductions.
fn overrule(chosen: Approach, rules: Approach, segment: &Segment, evidence: &Evidence) -> Option<Overrule> {
    let (place, counts, level) = places(segment, evidence).into_iter().find(|(_, c, _)| c(chosen).sent >= QUOTE_MIN)?;
    let side = |a: Approach| {
        let c = counts(a);
        // Printed as whole percents: a quantile to 1e-4 is enough.
        let p = evidence.levels(segment, a, Rate::Positive)[level];
        let tail = (1.0 - INTERVAL) / 2.0;
        let (low, high) = (
            beta::quantile_within(p.alpha, p.beta, tail, 1e-4),
            beta::quantile_within(p.alpha, p.beta, 1.0 - tail, 1e-4),
        );
        Side { approach: a, sent: c.sent, positive: c.positive, low, high }
    };
    Some(Overrule { place, chosen: side(chosen), rules: side(rules) })
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    use super::*;

    fn segment(signal: &str, industry: &str) -> Segment {
        Segment { plan: "professional".into(), size: "26-100".into(), industry: industry.into(), signal: signal.into() }
    }

    fn counts(sent: u32, positive: u32) -> Counts {
        Counts { sent, positive, replied: positive, ..Counts::default() }
    }

    /// Candidates the rules score alike (no prior between them).
    fn even(approaches: &[Approach]) -> Vec<Candidate> {
        approaches.iter().map(|a| Candidate { approach: *a, rule_share: 1.0 }).collect()
    }

    /// The segment: at the licence limit, no feature request. The rules score problem-solving
    /// 0.95 and educational 0.2 (a share of 0.21); value-add has nothing to build on (0).
    fn at_the_limit() -> Vec<Candidate> {
        vec![
            Candidate { approach: Approach::ProblemSolving, rule_share: 1.0 },
            Candidate { approach: Approach::Educational, rule_share: 0.2 / 0.95 },
            Candidate { approach: Approach::ValueAdd, rule_share: 0.0 },
        ]
    }

    #[test]
    fn clear_evidence_overrules_the_rules_and_thin_evidence_does_not() {
        let seg = segment("seat_limit", "logistics");
        let mut rng = StdRng::seed_from_u64(11);
        let mut clear = Evidence::default();
        clear.add(seg.clone(), Approach::ProblemSolving, &counts(30, 5));
        clear.add(seg.clone(), Approach::Educational, &counts(30, 23));
        let c = choose(&at_the_limit(), &seg, BuyingStyle::Unknown, &clear, false, &mut rng);
        assert_eq!((c.approach, c.method), (Approach::Educational, Method::BestEstimate));
        let o = c.overrule.expect("both sides are quoted");
        assert_eq!((o.chosen.positive, o.chosen.sent, o.rules.positive, o.rules.sent), (23, 30, 5, 30));
        assert_eq!(o.place, "in similar accounts");
        assert!(o.chosen.low > o.rules.high, "{o:?}");
        let picks = (0..200)
            .filter(|_| {
                choose(&at_the_limit(), &seg, BuyingStyle::Unknown, &clear, true, &mut rng).approach
                    == Approach::Educational
            })
            .count();
        assert!(picks >= 180, "Thompson sampling follows clear evidence: {picks} of 200");

        // 3 of 8 against the favourite's 2 of 8: not enough to overrule it, with or without exploration.
        let mut thin = Evidence::default();
        thin.add(seg.clone(), Approach::ProblemSolving, &counts(8, 2));
        thin.add(seg.clone(), Approach::Educational, &counts(8, 3));
        let c = choose(&at_the_limit(), &seg, BuyingStyle::Unknown, &thin, false, &mut rng);
        assert_eq!((c.approach, c.overrule), (Approach::ProblemSolving, None));
        // Without the prior, the same evidence would switch.
        let c = choose(
            &even(&[Approach::ProblemSolving, Approach::Educational]),
            &seg,
            BuyingStyle::Unknown,
            &thin,
            false,
            &mut rng,
        );
        assert_eq!(c.approach, Approach::Educational);
    }

    #[test]
    fn the_prior_weighs_as_many_unanswered_introductions_as_documented() {
        let seg = segment("seat_limit", "a");
        let mut e = Evidence::default();
        e.add(seg.clone(), Approach::Educational, &counts(20, 8));
        let low = Candidate { approach: Approach::Educational, rule_share: 0.25 };
        assert!((low.handicap() - RULE_PRIOR_WEIGHT * 0.75).abs() < 1e-12);
        let plain = e.positive_rate(&seg, Approach::Educational);
        let scored = score(&low, &seg, BuyingStyle::Unknown, &e);
        assert_eq!(scored.alpha, plain.alpha, "the prior adds no positive reply");
        assert!((scored.beta - plain.beta - 12.0).abs() < 1e-12, "it adds 12 unanswered introductions");
        let favourite = Candidate { approach: Approach::Educational, rule_share: 1.0 };
        assert_eq!(score(&favourite, &seg, BuyingStyle::Unknown, &e), plain, "the favourite starts level");
        // The prior's pull fades as evidence grows: the same 40% rate with 10 times the introductions.
        let mut more = Evidence::default();
        more.add(seg.clone(), Approach::Educational, &counts(200, 80));
        let pulled = |e: &Evidence| {
            e.positive_rate(&seg, Approach::Educational).mean() - score(&low, &seg, BuyingStyle::Unknown, e).mean()
        };
        assert!(pulled(&more) < pulled(&e) / 4.0, "{} vs {}", pulled(&more), pulled(&e));
    }

    #[test]
    fn an_untried_candidate_is_explored_at_the_floor_and_never_with_exploration_off() {
        let seg = segment("seat_limit", "a");
        let mut e = Evidence::default();
        e.add(seg.clone(), Approach::ProblemSolving, &counts(40, 30));
        e.add(seg.clone(), Approach::Educational, &counts(40, 4));
        let mut rng = StdRng::seed_from_u64(5);
        let runs = 4000;
        let tried = (0..runs)
            .map(|_| choose(&at_the_limit(), &seg, BuyingStyle::Unknown, &e, true, &mut rng))
            .filter(|c| c.approach == Approach::ValueAdd)
            .inspect(|c| assert_eq!(c.method, Method::Exploration))
            .count();
        let share = tried as f64 / runs as f64;
        assert!((share - EXPLORE_FLOOR).abs() < 0.015, "value-add, never tried here, is tried {share:.3} of the time");
        assert!((0..200).all(|_| choose(&at_the_limit(), &seg, BuyingStyle::Unknown, &e, false, &mut rng).approach
            == Approach::ProblemSolving));
    }

    #[test]
    fn chances_add_up_and_follow_the_estimates() {
        let p = |a, b| Posterior { alpha: a, beta: b };
        let c = chances(&[p(30.0, 10.0), p(10.0, 30.0), p(2.0, 2.0)]);
        assert!((c.iter().sum::<f64>() - 1.0).abs() < 1e-3, "{c:?}");
        assert!(c[0] > 0.8 && c[1] < 0.01 && c[2] > 0.1, "the wide one has its chance: {c:?}");
        let same = chances(&[p(5.0, 5.0), p(5.0, 5.0)]);
        assert!((same[0] - 0.5).abs() < 1e-3, "{same:?}");
    }

    proptest::proptest! {
        /// More positive outcomes for an approach never lower its chance of being chosen (the others'
        /// estimates fixed), whatever its prior; and in a segment, turning one of its unanswered
        /// introductions into a positive reply never lowers its estimate.
        #[test]
        fn more_positive_outcomes_never_lower_an_approachs_chance(
            mine in (0u32..60, 0u32..60),
            rivals in proptest::collection::vec((0u32..60, 0u32..60), 1..4),
            share in 0.0f64..=1.0,
        ) {
            let (sent, positive) = (mine.0.max(mine.1) + 1, mine.0.min(mine.1));
            let seg = segment("seat_limit", "a");
            let all = [Approach::ProblemSolving, Approach::Educational, Approach::ValueAdd, Approach::Proactive];
            let build = |positive: u32| {
                let mut e = Evidence::default();
                e.add(seg.clone(), all[0], &counts(sent, positive));
                for (i, (a, b)) in rivals.iter().enumerate() {
                    e.add(seg.clone(), all[i + 1], &counts(*a.max(b), *a.min(b)));
                }
                e
            };
            let me = Candidate { approach: all[0], rule_share: share };
            let before = build(positive);
            let after = build(positive + 1);
            let (b, a) = (score(&me, &seg, BuyingStyle::Unknown, &before), score(&me, &seg, BuyingStyle::Unknown, &after));
            proptest::prop_assert!(a.mean() >= b.mean(), "{b:?} -> {a:?}");
            let others: Vec<Posterior> = (1..=rivals.len())
                .map(|i| score(&Candidate { approach: all[i], rule_share: 1.0 }, &seg, BuyingStyle::Unknown, &before))
                .collect();
            let chance = |p: Posterior| {
                let mut list = vec![p];
                list.extend(others.iter().copied());
                chances(&list)[0]
            };
            let raised = Posterior { alpha: b.alpha + 1.0, beta: (b.beta - 1.0).max(0.5) };
            proptest::prop_assert!(chance(raised) >= chance(b) - 1e-12, "{} < {}", chance(raised), chance(b));
        }
    }

    #[test]
    fn posteriors_are_the_textbook_ones() {
        // No data: a uniform prior whose mean every level passes on, with the segment's own weight.
        let empty = Evidence::default();
        let p = empty.positive_rate(&segment("seat_limit", "x"), Approach::Educational);
        assert!((p.mean() - 0.5).abs() < 1e-12);
        let half = SEGMENT_PRIOR_WEIGHT / 2.0;
        assert!((p.alpha - half).abs() < 1e-12 && (p.beta - half).abs() < 1e-12, "{p:?}");

        // 9 of 21 problem-solving introductions, all in one segment.
        let mut e = Evidence::default();
        e.add(segment("seat_limit", "a"), Approach::ProblemSolving, &counts(21, 9));
        // Overall: Beta(1 + 9, 1 + 12).
        let overall = Posterior::from_prior(0.5, 2.0, 9, 21);
        assert_eq!((overall.alpha, overall.beta), (10.0, 13.0));
        // Each level: the level above's mean with its weight, plus the same 9 of 21.
        let workspace = Posterior::from_prior(10.0 / 23.0, PRIOR_WEIGHT, 9, 21);
        assert!((workspace.alpha - (4.0 * 10.0 / 23.0 + 9.0)).abs() < 1e-12);
        let signal = Posterior::from_prior(workspace.mean(), PRIOR_WEIGHT, 9, 21);
        let neighbours = Posterior::from_prior(signal.mean(), PRIOR_WEIGHT, 9, 21);
        let s = Posterior::from_prior(neighbours.mean(), SEGMENT_PRIOR_WEIGHT, 9, 21);
        let got = e.positive_rate(&segment("seat_limit", "a"), Approach::ProblemSolving);
        assert!((got.alpha - s.alpha).abs() < 1e-12 && (got.beta - s.beta).abs() < 1e-12);
        assert!((got.mean() - 9.0 / 21.0).abs() < 0.01, "all levels agree on 9/21: {}", got.mean());
        let (lo, hi) = got.interval(0.9);
        assert!(lo < got.mean() && got.mean() < hi && lo > 0.25 && hi < 0.6, "{lo}..{hi}");
        // Another approach with no data reads like the workspace's overall rate.
        let other = e.positive_rate(&segment("seat_limit", "a"), Approach::Proactive).mean();
        assert!((other - 10.0 / 23.0).abs() < 1e-12, "{other}");
    }

    #[test]
    fn a_tiny_segment_is_shrunk_toward_the_wider_rate() {
        let mut e = Evidence::default();
        // Across the workspace, value-add works 1 time in 10 (over 200 introductions)...
        e.add(segment("success_milestone", "big"), Approach::ValueAdd, &counts(200, 20));
        // ...and one small segment had 2 of 2.
        e.add(segment("success_milestone", "tiny"), Approach::ValueAdd, &counts(2, 2));
        let tiny = e.positive_rate(&segment("success_milestone", "tiny"), Approach::ValueAdd).mean();
        assert!(tiny < 0.5, "two lucky replies do not make a 100% rate: {tiny}");
        assert!(tiny > 0.11, "but they do move it up: {tiny}");
        // With 40 of 40 the segment's own evidence dominates.
        e.add(segment("success_milestone", "tiny"), Approach::ValueAdd, &counts(38, 38));
        let big = e.positive_rate(&segment("success_milestone", "tiny"), Approach::ValueAdd).mean();
        assert!(big > 0.75, "{big}");
        // A segment never seen reads like its signal's accounts.
        let unseen = e.positive_rate(&segment("success_milestone", "new"), Approach::ValueAdd).mean();
        let signal = e.signal("success_milestone", Approach::ValueAdd);
        let raw = f64::from(signal.positive) / f64::from(signal.sent);
        assert!((unseen - raw).abs() < 0.05, "{unseen} vs {raw}");
    }

    #[test]
    fn fitting_keeps_the_rules_choice_first_and_drops_poor_fits() {
        let scores = [
            (Approach::ProblemSolving, 0.95),
            (Approach::Proactive, 0.5),
            (Approach::ValueAdd, 0.3),
            (Approach::Educational, 0.2),
        ];
        assert_eq!(fitting(&scores, Approach::ProblemSolving), [Approach::ProblemSolving, Approach::Proactive]);
        let flat = [(Approach::Educational, 0.2), (Approach::ValueAdd, 0.0)];
        assert_eq!(fitting(&flat, Approach::Educational), [Approach::Educational]);
    }

    #[test]
    fn the_rules_decide_until_there_is_evidence_then_the_evidence_does() {
        let fit = even(&[Approach::Educational, Approach::ValueAdd]);
        let seg = segment("feature_request", "a");
        let mut rng = StdRng::seed_from_u64(7);
        let mut e = Evidence::default();
        e.add(seg.clone(), Approach::ValueAdd, &counts(5, 4));
        let c = choose(&fit, &seg, BuyingStyle::Unknown, &e, true, &mut rng);
        assert_eq!((c.approach, c.method), (Approach::Educational, Method::Rules), "5 outcomes are not enough");
        e.add(seg.clone(), Approach::Educational, &counts(17, 3));
        e.add(seg.clone(), Approach::ValueAdd, &counts(16, 5));
        let c = choose(&fit, &seg, BuyingStyle::Unknown, &e, false, &mut rng);
        assert_eq!((c.approach, c.method), (Approach::ValueAdd, Method::BestEstimate));
        assert_eq!(
            c.evidence.as_deref(),
            Some("in similar accounts, 9 of 21 value-add introductions got a positive reply, against 3 of 17 educational")
        );
        // Thompson sampling mostly exploits, sometimes explores.
        let picks: Vec<Approach> =
            (0..400).map(|_| choose(&fit, &seg, BuyingStyle::Unknown, &e, true, &mut rng).approach).collect();
        let value = picks.iter().filter(|a| **a == Approach::ValueAdd).count();
        assert!((300..400).contains(&value), "value-add {value} of 400");
    }

    #[test]
    fn the_readers_style_is_learned_like_the_approach() {
        let fit = even(&[Approach::ProblemSolving, Approach::Educational]);
        let seg = segment("seat_limit", "a");
        let mut e = Evidence::default();
        // In the segment, problem-solving wins overall...
        e.add(seg.clone(), Approach::ProblemSolving, &counts(40, 16));
        e.add(seg.clone(), Approach::Educational, &counts(40, 8));
        // ...but analytical readers (across the workspace) answer educational introductions far better.
        e.add_style(BuyingStyle::Analytical, Approach::ProblemSolving, &counts(20, 2));
        e.add_style(BuyingStyle::Analytical, Approach::Educational, &counts(20, 14));
        e.add_style(BuyingStyle::Unknown, Approach::ProblemSolving, &counts(20, 14));
        let mut rng = StdRng::seed_from_u64(3);
        let pick = |style, rng: &mut StdRng| choose(&fit, &seg, style, &e, false, rng).approach;
        assert_eq!(pick(BuyingStyle::Unknown, &mut rng), Approach::ProblemSolving, "unknown readers add nothing");
        assert_eq!(pick(BuyingStyle::Analytical, &mut rng), Approach::Educational);
        assert_eq!(
            pick(BuyingStyle::Driver, &mut rng),
            Approach::ProblemSolving,
            "no driver data: the segment decides"
        );
        // Two silent amiable readers move the estimate a quarter of the way down, not to zero; twenty
        // silences take it most of the way; the segment's certainty is kept.
        let mut small = Evidence::default();
        small.add(seg.clone(), Approach::ProblemSolving, &counts(40, 16));
        small.add_style(BuyingStyle::Amiable, Approach::ProblemSolving, &counts(2, 0));
        let nudged = small.positive_rate_for(&seg, BuyingStyle::Amiable, Approach::ProblemSolving);
        let plain = small.positive_rate(&seg, Approach::ProblemSolving);
        assert!((nudged.mean() / plain.mean() - 0.75).abs() < 0.01, "{nudged:?} vs {plain:?}");
        assert!((nudged.alpha + nudged.beta - plain.alpha - plain.beta).abs() < 1e-9);
        small.add_style(BuyingStyle::Amiable, Approach::ProblemSolving, &counts(18, 0));
        let many = small.positive_rate_for(&seg, BuyingStyle::Amiable, Approach::ProblemSolving).mean();
        assert!(many < plain.mean() * 0.3, "{many}");
    }

    #[test]
    fn the_same_seed_makes_the_same_choices() {
        let fit = even(&[Approach::ProblemSolving, Approach::Proactive, Approach::Educational]);
        let seg = segment("seat_limit", "a");
        let mut e = Evidence::default();
        for (a, n, p) in
            [(Approach::ProblemSolving, 10, 4), (Approach::Proactive, 10, 3), (Approach::Educational, 10, 3)]
        {
            e.add(seg.clone(), a, &counts(n, p));
        }
        let run = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            (0..50).map(|_| choose(&fit, &seg, BuyingStyle::Unknown, &e, true, &mut rng).approach).collect::<Vec<_>>()
        };
        assert_eq!(run(42), run(42));
        assert_ne!(run(42), run(43), "another seed explores differently");
    }

    #[test]
    fn size_bands() {
        assert_eq!(
            [size_band(1), size_band(25), size_band(26), size_band(500), size_band(501)],
            ["1-25", "1-25", "26-100", "101-500", "500+"]
        );
    }
}
