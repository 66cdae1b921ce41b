//! What a CSM typed, as an intent (issue 6's chat). Pure: no I/O; customer names are resolved later
//! against the workspace, forgivingly.

use std::sync::LazyLock;

use regex::Regex;

use crate::domain::{Approach, Tone};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// Compose an introduction for the customer (the PRD's "Introduce upsell to Acme Corp").
    Introduce {
        customer: String,
    },
    /// Show the expansion context only.
    ShowContext {
        customer: String,
    },
    /// Recompose the current draft with another approach.
    UseApproach(Approach),
    /// Recompose the current draft in another tone.
    UseTone(Tone),
    /// Copy the AE in (`true`) or take them out.
    CcAe(bool),
    /// Approve and send the current draft.
    Send,
    /// The top opportunities with their main signal.
    WhoIsReady,
    /// The timeline of the customer's opportunity.
    WhatHappened {
        customer: String,
    },
    /// When to send: the timing insights, and the current draft's suggested send time.
    WhenToSend,
    /// What the outcomes say about approaches and buying styles.
    WhatWorks,
    /// The replies Overture was not sure about, waiting for a person's label.
    RepliesToReview,
    Help,
    /// Not understood; the answer lists what the chat can do.
    Unknown,
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| unreachable!("intent pattern `{pattern}` is invalid: {e}"))
}

/// Patterns that name a customer, in order; the customer is the `c` group.
/// A pattern and the intent it makes of the customer it captures.
type CustomerPattern = (Regex, fn(String) -> Intent);

static WITH_CUSTOMER: LazyLock<Vec<CustomerPattern>> = LazyLock::new(|| {
    let introduce = |customer| Intent::Introduce { customer };
    let context = |customer| Intent::ShowContext { customer };
    let happened = |customer| Intent::WhatHappened { customer };
    vec![
        (
            re(
                r"(?i)^(?:please\s+)?(?:show|get|open|pull up|display)\s+(?:me\s+)?(?:the\s+)?(?:expansion\s+)?(?:context|details|account|usage|signals)\s+(?:for|of|on)\s+(?P<c>.+)$",
            ),
            context,
        ),
        (re(r"(?i)^(?:what(?:'s| is)\s+the\s+)?(?:expansion\s+)?context\s+(?:for|of|on)\s+(?P<c>.+)$"), context),
        (re(r"(?i)^tell me about\s+(?P<c>.+)$"), context),
        (
            re(
                r"(?i)^(?:what\s+(?:happened|is happening|'s happening)|any news|any reply|did .+ reply)\s+(?:with|to|from|for|on)\s+(?P<c>.+)$",
            ),
            happened,
        ),
        (
            re(r"(?i)^(?:show\s+(?:me\s+)?)?(?:the\s+)?(?:timeline|history|status)\s+(?:for|of|on)\s+(?P<c>.+)$"),
            happened,
        ),
        (re(r"(?i)^did\s+(?P<c>.+?)\s+(?:reply|respond|answer|open it|open the email)$"), happened),
        (
            re(
                r"(?i)^(?:please\s+)?(?:introduce|pitch|suggest|propose|present)\s+(?:an?\s+|the\s+)?(?:upsell|upgrade|expansion|growth|more seats)(?:\s+(?:opportunity|option|idea))?\s+(?:to|for|with)\s+(?P<c>.+)$",
            ),
            introduce,
        ),
        (
            re(
                r"(?i)^(?:please\s+)?(?:send|write|draft|compose|prepare|create)\s+(?:an?\s+|the\s+)?(?:expansion|upsell|upgrade|introduction|intro)\s*(?:email|e-mail|message|note|draft)?\s+(?:to|for)\s+(?P<c>.+)$",
            ),
            introduce,
        ),
        (
            re(
                r"(?i)^(?:please\s+)?(?:write|draft|email|reach out)\s+(?:to\s+)?(?P<c>.+?)\s+about\s+(?:expanding|expansion|an?\s+upgrade|upgrading|growing|more seats)$",
            ),
            introduce,
        ),
        (re(r"(?i)^(?:draft|compose)\s+(?:an?\s+)?(?:email|intro|introduction)\s+(?:to|for)\s+(?P<c>.+)$"), introduce),
        (re(r"(?i)^(?:upsell|expand)\s+(?P<c>.+)$"), introduce),
    ]
});

static APPROACH: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(educational|education|educate|problem[\s_-]?solving|problem|value[\s_-]?add(?:ed)?|value|proactive)\b")
});

fn approach_of(word: &str) -> Option<Approach> {
    let w = word.to_lowercase().replace(['_', '-', ' '], "");
    match w.as_str() {
        "educational" | "education" | "educate" => Some(Approach::Educational),
        "problemsolving" | "problem" => Some(Approach::ProblemSolving),
        "valueadd" | "valueadded" | "value" => Some(Approach::ValueAdd),
        "proactive" => Some(Approach::Proactive),
        _ => None,
    }
}

/// A customer name as typed, without trailing punctuation or quotes.
fn clean_customer(raw: &str) -> String {
    raw.trim().trim_matches(['"', '\'', '“', '”', '?', '!', '.', ' ']).trim().to_string()
}

// The single-pattern tests of `parse`, compiled once.
static WHO_IS_READY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:who(?:'s| is)?\s+(?:ready|ripe|a good fit)\b|which (?:customers|accounts)\s+(?:are|could|should)|show\s+(?:me\s+)?(?:the\s+)?(?:pipeline|opportunities|top opportunities)|(?:top|best)\s+opportunities|pipeline$|opportunities$)",
    )
});
static CC_AE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:cc|copy|loop|include|add)\b.*\b(?:ae|account executive|account exec)\b"));
static UNCC_AE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:remove|drop|uncc|un-cc|without|no)\b.*\b(?:ae|account executive|account exec)\b"));
static MORE_DIRECT: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b(?:more direct|be direct|direct tone|blunter|shorter and direct|get to the point|less soft)\b")
});
static SOFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b(?:softer|more soft|soft tone|gentler|more gentle|less pushy|less direct|warmer|tone it down)\b")
});
static RECOMPOSE: LazyLock<Regex> = LazyLock::new(|| re(r"\b(?:use|try|switch|change|go with|make it|rewrite|redo)\b"));
static WHEN_TO_SEND: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:when|what time|what day|which day)\b.*\b(?:send|email|reach out|write|get replies)\b|\b(?:best|right|good|suggested) (?:time|day|moment) to (?:send|email|reach out|write)\b|^(?:send time|timing)$",
    )
});
static WHAT_WORKS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:what|which)(?: approach| approaches| framing| style)? (?:works|converts|work best|works best|gets replies)\b|\b(?:what have we learn(?:ed|t)|insights)\b",
    )
});
static REPLIES_TO_REVIEW: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:which|what|any|show(?: me)?)\b.*\breplies\b.*\b(?:need|needs|waiting|wait|review|unclear|unsure|label)|\b(?:replies|emails|answers) (?:to|that need|needing|waiting for) (?:review|label|me|my label|a label)|^(?:review(?: the)? replies|unclear replies|replies to review|inbox to review)$",
    )
});
static SEND: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:ok(?:ay)?[, ]+|looks good[, ]+|great[, ]+|perfect[, ]+|yes[, ]+)?(?:please\s+)?(?:send|send it|send now|send the (?:email|draft|message)|ship it|approve(?: and send)?(?: it)?|go ahead and send(?: it)?)(?:\s+anyway)?(?:\s+please)?$",
    )
});

/// Reads one message of the chat.
pub fn parse(message: &str) -> Intent {
    let text = message.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = text.trim().trim_end_matches(['?', '!', '.']).trim();
    let lower = text.to_lowercase();
    if lower.is_empty() {
        return Intent::Unknown;
    }
    if matches!(lower.as_str(), "help" | "?" | "what can you do" | "what can i do" | "commands" | "how does this work")
        || lower.starts_with("help ")
    {
        return Intent::Help;
    }
    if WHO_IS_READY.is_match(&lower) {
        return Intent::WhoIsReady;
    }
    if WHEN_TO_SEND.is_match(&lower) {
        return Intent::WhenToSend;
    }
    if REPLIES_TO_REVIEW.is_match(&lower) {
        return Intent::RepliesToReview;
    }
    if WHAT_WORKS.is_match(&lower) {
        return Intent::WhatWorks;
    }
    for (pattern, make) in WITH_CUSTOMER.iter() {
        if let Some(c) = pattern.captures(text).and_then(|c| c.name("c")) {
            let customer = clean_customer(c.as_str());
            if !customer.is_empty() {
                return make(customer);
            }
        }
    }
    let cc = CC_AE.is_match(&lower);
    let uncc = UNCC_AE.is_match(&lower);
    if uncc {
        return Intent::CcAe(false);
    }
    if cc {
        return Intent::CcAe(true);
    }
    if MORE_DIRECT.is_match(&lower) {
        return Intent::UseTone(Tone::Direct);
    }
    if SOFTER.is_match(&lower) {
        return Intent::UseTone(Tone::Soft);
    }
    if RECOMPOSE.is_match(&lower) || lower.ends_with("approach") {
        if let Some(a) = APPROACH.captures(&lower).and_then(|c| approach_of(&c[1])) {
            return Intent::UseApproach(a);
        }
    }
    if SEND.is_match(&lower) {
        return Intent::Send;
    }
    Intent::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn introduce(c: &str) -> Intent {
        Intent::Introduce { customer: c.into() }
    }

    #[test]
    fn fifty_and_more_phrasings() {
        let cases: Vec<(&str, Intent)> = vec![
            ("Introduce upsell to Acme Corp", introduce("Acme Corp")),
            ("introduce upsell to acme", introduce("acme")),
            ("Introduce an upsell to Acme Corp.", introduce("Acme Corp")),
            ("please introduce the expansion opportunity to Globex", introduce("Globex")),
            ("Pitch an upgrade to Initech", introduce("Initech")),
            ("suggest more seats to Umbrella", introduce("Umbrella")),
            ("Send expansion email to Acme Corp", introduce("Acme Corp")),
            ("send an expansion email to \"Acme Corp\"", introduce("Acme Corp")),
            ("Send upsell email to Hooli", introduce("Hooli")),
            ("Write an upsell email for Wayne Enterprises", introduce("Wayne Enterprises")),
            ("Draft an introduction for Stark Industries", introduce("Stark Industries")),
            ("draft intro for Soylent", introduce("Soylent")),
            ("compose an email to Tyrell", introduce("Tyrell")),
            ("Draft an email to Oscorp", introduce("Oscorp")),
            ("write to Massive Dynamic about expanding", introduce("Massive Dynamic")),
            ("Email Vandelay about an upgrade", introduce("Vandelay")),
            ("reach out to Cyberdyne about more seats", introduce("Cyberdyne")),
            ("prepare an expansion message for Acme", introduce("Acme")),
            ("upsell Acme Corp", introduce("Acme Corp")),
            ("  Introduce   upsell to   Acme   Corp  ", introduce("Acme Corp")),
            ("Show expansion context for Acme Corp", Intent::ShowContext { customer: "Acme Corp".into() }),
            ("show me the context for globex", Intent::ShowContext { customer: "globex".into() }),
            ("What's the expansion context for Initech?", Intent::ShowContext { customer: "Initech".into() }),
            ("context for Hooli", Intent::ShowContext { customer: "Hooli".into() }),
            ("pull up usage for Umbrella", Intent::ShowContext { customer: "Umbrella".into() }),
            ("tell me about Stark Industries", Intent::ShowContext { customer: "Stark Industries".into() }),
            ("Use the value-add approach", Intent::UseApproach(Approach::ValueAdd)),
            ("use value add", Intent::UseApproach(Approach::ValueAdd)),
            ("try the educational approach", Intent::UseApproach(Approach::Educational)),
            ("switch to problem solving", Intent::UseApproach(Approach::ProblemSolving)),
            ("change it to proactive", Intent::UseApproach(Approach::Proactive)),
            ("problem_solving approach", Intent::UseApproach(Approach::ProblemSolving)),
            ("rewrite it as educational", Intent::UseApproach(Approach::Educational)),
            ("Make it more direct", Intent::UseTone(Tone::Direct)),
            ("be direct", Intent::UseTone(Tone::Direct)),
            ("get to the point", Intent::UseTone(Tone::Direct)),
            ("Make it softer", Intent::UseTone(Tone::Soft)),
            ("less pushy please", Intent::UseTone(Tone::Soft)),
            ("tone it down", Intent::UseTone(Tone::Soft)),
            ("CC the AE", Intent::CcAe(true)),
            ("cc the account executive", Intent::CcAe(true)),
            ("copy in the AE", Intent::CcAe(true)),
            ("loop in the account exec", Intent::CcAe(true)),
            ("remove the AE", Intent::CcAe(false)),
            ("send it without the AE", Intent::CcAe(false)),
            ("Send", Intent::Send),
            ("send it", Intent::Send),
            ("send it anyway", Intent::Send),
            ("Looks good, send", Intent::Send),
            ("ok send it please", Intent::Send),
            ("approve and send", Intent::Send),
            ("ship it!", Intent::Send),
            ("Who is ready for expansion?", Intent::WhoIsReady),
            ("who's ready for an upgrade", Intent::WhoIsReady),
            ("show me the pipeline", Intent::WhoIsReady),
            ("top opportunities", Intent::WhoIsReady),
            ("which customers are ready to grow?", Intent::WhoIsReady),
            ("What happened with Acme Corp?", Intent::WhatHappened { customer: "Acme Corp".into() }),
            ("what happened with globex", Intent::WhatHappened { customer: "globex".into() }),
            ("any reply from Initech?", Intent::WhatHappened { customer: "Initech".into() }),
            ("timeline for Hooli", Intent::WhatHappened { customer: "Hooli".into() }),
            ("did Umbrella reply?", Intent::WhatHappened { customer: "Umbrella".into() }),
            ("When should I send it?", Intent::WhenToSend),
            ("what's the best time to send", Intent::WhenToSend),
            ("what day should I email Jennifer", Intent::WhenToSend),
            ("timing", Intent::WhenToSend),
            ("What works?", Intent::WhatWorks),
            ("Which replies need me?", Intent::RepliesToReview),
            ("any replies waiting for my label", Intent::RepliesToReview),
            ("show me the replies to review", Intent::RepliesToReview),
            ("review replies", Intent::RepliesToReview),
            ("which approach works best", Intent::WhatWorks),
            ("what have we learned", Intent::WhatWorks),
            ("show me the insights", Intent::WhatWorks),
            ("help", Intent::Help),
            ("What can you do?", Intent::Help),
            ("", Intent::Unknown),
            ("what's the weather", Intent::Unknown),
            ("asdf", Intent::Unknown),
            ("send", Intent::Send),
        ];
        assert!(cases.len() >= 50, "{} phrasings", cases.len());
        let misses: Vec<String> = cases
            .iter()
            .filter(|(text, want)| parse(text) != *want)
            .map(|(text, want)| format!("{text:?}: expected {want:?}, got {:?}", parse(text)))
            .collect();
        assert!(misses.is_empty(), "{}", misses.join("\n"));
    }
}
