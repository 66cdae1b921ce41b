//! Buying styles: what a reply's wording suggests about its writer, when the replies agree enough to
//! name a style, and which approaches convert with each style. Pure.

use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

use super::estimate::{Counts, Posterior, MIN_EVIDENCE, PRIOR_WEIGHT};
use super::insights::{leader, sentence, stats, thousands, ApproachStats, Estimate, INTERVAL};
use crate::domain::{lowercase_first, Approach, BuyingStyle};

/// Replies that must point to the same style before it is inferred.
pub const MIN_VOTES: u32 = 2;
/// The styles that replies can suggest, in the order the store keeps their votes.
pub const VOTED: [BuyingStyle; 4] =
    [BuyingStyle::Analytical, BuyingStyle::Driver, BuyingStyle::Amiable, BuyingStyle::Expressive];

struct Cues {
    analytical: Regex,
    driver: Regex,
    amiable: Regex,
    expressive: Regex,
    number: Regex,
}

fn cues() -> &'static Cues {
    static CUES: OnceLock<Cues> = OnceLock::new();
    CUES.get_or_init(|| {
        let re = |p: &str| Regex::new(p).unwrap_or_else(|e| unreachable!("cue pattern `{p}` is invalid: {e}"));
        let words = |w: &str| re(&format!(r"(?i)\b(?:{w})\b"));
        Cues {
            analytical: words(
                "data|numbers|figures|breakdown|compare|comparison|details?|metrics|roi|spreadsheet|benchmarks?|\
                 specifically|analysis|how exactly|how does|per seat|cost per|evaluate|trade-?offs?",
            ),
            driver: words(
                "bottom line|send (?:me|it|over)|go ahead|let'?s do it|asap|decide|decision|straight|next steps?|\
                 move forward|book it|sign|get it done|price\\?|what does it cost",
            ),
            amiable: words(
                "team|thanks so much|thank you so much|appreciate|hope you|together|comfortable|check with|\
                 colleagues|no rush|kind of you|grateful|everyone",
            ),
            expressive: words(
                "love|excited|amazing|awesome|fantastic|great idea|vision|big picture|can'?t wait|thrilled|wow|\
                 brilliant|incredible",
            ),
            number: re(r"\d[\d,.]*%?"),
        }
    })
}

/// The style a reply's wording suggests, when one clearly leads; `None` for a reply that says little.
pub fn cue(text: &str) -> Option<BuyingStyle> {
    let c = cues();
    let words = text.split_whitespace().count();
    if words == 0 {
        return None;
    }
    let count = |r: &Regex| u32::try_from(r.find_iter(text).count()).unwrap_or(u32::MAX);
    let numbers = count(&c.number);
    let questions = u32::try_from(text.matches('?').count()).unwrap_or(u32::MAX);
    let exclamations = u32::try_from(text.matches('!').count()).unwrap_or(u32::MAX);
    let scores = [
        count(&c.analytical) + numbers.min(3) + u32::from(questions >= 2),
        count(&c.driver) + u32::from(words <= 25) + u32::from(words <= 12),
        count(&c.amiable),
        count(&c.expressive) + exclamations.min(3),
    ];
    let top = *scores.iter().max()?;
    let leaders = scores.iter().filter(|s| **s == top).count();
    (top >= 2 && leaders == 1).then(|| VOTED[scores.iter().position(|s| *s == top).unwrap_or(0)])
}

/// The style the replies agree on: at least [`MIN_VOTES`] for it, and more than for all the others
/// together. `votes` are in [`VOTED`] order.
pub fn infer(votes: [u32; 4]) -> Option<BuyingStyle> {
    let total: u32 = votes.iter().sum();
    let (i, top) = votes.iter().enumerate().max_by_key(|(_, v)| **v)?;
    (*top >= MIN_VOTES && *top * 2 > total).then(|| VOTED[i])
}

/// The outcome counts of one approach with readers of one buying style.
#[derive(Debug, Clone, PartialEq)]
pub struct StyleCounts {
    pub style: BuyingStyle,
    pub approach: Approach,
    pub counts: Counts,
}

/// One buying style: its introductions, and each approach's results with it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StyleStats {
    pub style: BuyingStyle,
    #[serde(flatten)]
    pub counts: Counts,
    pub positive_rate: Estimate,
    /// Each approach's positive-reply rate with this style, shrunk toward the approach's workspace rate.
    pub approaches: Vec<ApproachStats>,
}

/// `GET /api/insights/styles`.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StyleInsights {
    pub outcomes: u32,
    /// Of those, to a recipient with a known style.
    pub with_style: u32,
    pub min_outcomes: u32,
    pub interval: f64,
    /// Every style with introductions, `unknown` last.
    pub styles: Vec<StyleStats>,
    pub summary: Vec<String>,
}

fn style_words(style: BuyingStyle) -> &'static str {
    match style {
        BuyingStyle::Analytical => "analytical readers (the email adds figures and a comparison)",
        BuyingStyle::Driver => "drivers (the email is three lines and a direct question)",
        BuyingStyle::Amiable => "amiable readers",
        BuyingStyle::Expressive => "expressive readers",
        BuyingStyle::Unknown => "readers of unknown style",
    }
}

/// The style insights of a workspace's send counts.
pub fn insights(rows: &[StyleCounts]) -> StyleInsights {
    let mut by_style: Vec<(BuyingStyle, [Counts; 4])> = Vec::new();
    let mut workspace = [Counts::default(); 4];
    for r in rows {
        let i = Approach::ALL.iter().position(|a| *a == r.approach).unwrap_or(0);
        workspace[i].add(&r.counts);
        match by_style.iter_mut().find(|(s, _)| *s == r.style) {
            Some((_, c)) => c[i].add(&r.counts),
            None => {
                let mut c = [Counts::default(); 4];
                c[i].add(&r.counts);
                by_style.push((r.style, c));
            }
        }
    }
    by_style.sort_by_key(|(s, _)| *s);
    let total = workspace.iter().fold(Counts::default(), |mut t, c| {
        t.add(c);
        t
    });
    let overall = (f64::from(total.positive) + 1.0) / (f64::from(total.sent) + 2.0);
    let styles: Vec<StyleStats> = by_style
        .iter()
        .map(|(style, per)| {
            let counts = per.iter().fold(Counts::default(), |mut t, c| {
                t.add(c);
                t
            });
            let approaches = Approach::ALL
                .iter()
                .zip(per.iter().zip(workspace.iter()))
                .filter(|(_, (c, _))| c.sent > 0)
                .map(|(a, (c, ws))| {
                    let approach_rate = Posterior::from_prior(overall, PRIOR_WEIGHT, ws.positive, ws.sent);
                    let won_rate = Posterior::from_prior(0.5, 2.0, ws.won, ws.decided);
                    stats(
                        *a,
                        *c,
                        Posterior::from_prior(approach_rate.mean(), PRIOR_WEIGHT, c.positive, c.sent),
                        Posterior::from_prior(won_rate.mean(), PRIOR_WEIGHT, c.won, c.decided),
                    )
                })
                .collect();
            StyleStats {
                style: *style,
                counts,
                positive_rate: Estimate::of(Posterior::from_prior(overall, PRIOR_WEIGHT, counts.positive, counts.sent)),
                approaches,
            }
        })
        .collect();
    let with_style: u32 = styles.iter().filter(|s| s.style != BuyingStyle::Unknown).map(|s| s.counts.sent).sum();
    let mut summary = Vec::new();
    if total.sent < MIN_EVIDENCE {
        summary.push(format!(
            "Not enough data yet: {} introduction{} had an outcome; styles are compared from {MIN_EVIDENCE}.",
            total.sent,
            if total.sent == 1 { "" } else { "s" }
        ));
    }
    for s in styles.iter().filter(|s| s.style != BuyingStyle::Unknown) {
        if let Some((best, next)) = leader(&s.approaches) {
            summary.push(format!("With {}, {}.", style_words(s.style), lowercase_first(&sentence(best, next))));
        }
    }
    if total.sent > 0 {
        summary.push(format!(
            "{} of {} introductions went to a reader whose buying style was known (imported, set by the CSM or \
             inferred from at least {MIN_VOTES} replies).",
            thousands(with_style),
            thousands(total.sent)
        ));
    }
    StyleInsights { outcomes: total.sent, with_style, min_outcomes: MIN_EVIDENCE, interval: INTERVAL, styles, summary }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_suggest_the_style_their_wording_shows() {
        let analytical = "Thanks. Could you send a breakdown of the cost per seat? We are at 98 of 100 and \
                          I'd like to compare the Business plan against adding 20 seats. What does the data say?";
        assert_eq!(cue(analytical), Some(BuyingStyle::Analytical));
        assert_eq!(cue("Send me the proposal. Let's do it."), Some(BuyingStyle::Driver));
        assert_eq!(
            cue("Thank you so much for thinking of us. I'll check with the team and my colleagues, no rush on \
                 your side; we appreciate how you have supported everyone here over the past year and more."),
            Some(BuyingStyle::Amiable)
        );
        assert_eq!(cue("Love this! The team is so excited about what comes next!"), Some(BuyingStyle::Expressive));
        // A reply with nothing telling suggests nothing.
        assert_eq!(cue("Got it, I will get back to you about this at some point later in the month when I can."), None);
        assert_eq!(cue(""), None);
    }

    #[test]
    fn a_style_is_inferred_only_when_enough_replies_agree() {
        assert_eq!(infer([1, 0, 0, 0]), None, "one reply is not enough");
        assert_eq!(infer([2, 0, 0, 0]), Some(BuyingStyle::Analytical));
        assert_eq!(infer([2, 2, 0, 0]), None, "a tie says nothing");
        assert_eq!(infer([0, 3, 1, 1]), Some(BuyingStyle::Driver));
        assert_eq!(infer([0, 2, 1, 1]), None, "not a majority");
    }

    fn row(style: BuyingStyle, approach: Approach, sent: u32, positive: u32) -> StyleCounts {
        StyleCounts { style, approach, counts: Counts { sent, replied: positive, positive, ..Counts::default() } }
    }

    #[test]
    fn the_summary_compares_approaches_within_each_style() {
        let rows = [
            row(BuyingStyle::Analytical, Approach::ProblemSolving, 20, 12),
            row(BuyingStyle::Analytical, Approach::ValueAdd, 20, 2),
            row(BuyingStyle::Driver, Approach::ValueAdd, 6, 3),
            row(BuyingStyle::Unknown, Approach::ProblemSolving, 30, 9),
        ];
        let i = insights(&rows);
        assert_eq!((i.outcomes, i.with_style), (76, 46));
        assert_eq!(
            i.styles.iter().map(|s| s.style).collect::<Vec<_>>(),
            [BuyingStyle::Analytical, BuyingStyle::Driver, BuyingStyle::Unknown]
        );
        let first = &i.summary[0];
        assert!(first.starts_with("With analytical readers (the email adds figures and a comparison), problem-solving got a positive reply from 12 of 20"), "{first}");
        assert!(first.ends_with("against 2 of 20 for value-add: a clear difference."), "{first}");
        assert!(i.summary[1].starts_with("With drivers"), "{:?}", i.summary);
        assert!(i.summary.last().unwrap().starts_with("46 of 76 introductions went to a reader"), "{:?}", i.summary);
        let empty = insights(&[]);
        assert!(empty.summary[0].starts_with("Not enough data yet: 0 introductions"));
        assert!(empty.styles.is_empty());
    }
}
