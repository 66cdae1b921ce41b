//! Checks run on every draft and after every edit: is it pushy, and is every figure grounded?

use std::collections::BTreeSet;

use aho_corasick::AhoCorasick;

use crate::domain::{Fact, Finding, GroundedFigure, Grounding, Pushiness};

/// Hard-sell phrases, with why they read that way and how much they weigh.
const PHRASES: &[(&str, &str, u32)] = &[
    ("act now", "urgency: pushes for a decision before they are ready", 3),
    ("limited time", "urgency: invents a deadline", 3),
    ("today only", "urgency: invents a deadline", 3),
    ("don't miss", "urgency: fear of missing out", 2),
    ("do not miss", "urgency: fear of missing out", 2),
    ("hurry", "urgency", 3),
    ("asap", "urgency", 2),
    ("as soon as possible", "urgency", 2),
    ("urgent", "urgency", 3),
    ("last chance", "urgency: invents a deadline", 3),
    ("before it's too late", "urgency: fear", 3),
    ("expires", "urgency: invents a deadline", 2),
    ("only a few", "scarcity", 3),
    ("while supplies last", "scarcity", 3),
    ("spots left", "scarcity", 3),
    ("exclusive offer", "scarcity: sales language", 3),
    ("you need to upgrade", "pressure: tells them what they must do", 3),
    ("you must", "pressure: tells them what they must do", 3),
    ("you have to", "pressure: tells them what they must do", 2),
    ("don't wait", "pressure", 2),
    ("final notice", "pressure", 3),
    ("discount", "discounts turn a conversation into a negotiation", 2),
    ("% off", "discounts turn a conversation into a negotiation", 2),
    ("special price", "discounts turn a conversation into a negotiation", 2),
    ("special offer", "sales language", 2),
    ("promo", "sales language", 2),
    ("deal", "sales language", 1),
    ("buy now", "asks for a purchase instead of a conversation", 3),
    ("purchase now", "asks for a purchase instead of a conversation", 3),
    ("upgrade now", "asks for a purchase instead of a conversation", 3),
    ("upgrade today", "asks for a purchase instead of a conversation", 3),
    ("sign today", "asks for a purchase instead of a conversation", 3),
    ("order now", "asks for a purchase instead of a conversation", 3),
    ("click here to upgrade", "asks for a purchase instead of a conversation", 3),
];

/// Upper-case words that are names, not shouting.
const ACRONYMS: &[&str] = &[
    "API", "APIS", "SSO", "SAML", "OIDC", "CSM", "QBR", "CRM", "SLA", "CEO", "CTO", "COO", "CFO", "VP", "IT", "HR",
    "USD", "EUR", "GBP", "PDF", "CSV", "SQL", "AI",
];

/// Wording constants of the built-in templates: grounded by the template, not by a fact.
pub const TEMPLATE_CONSTANTS: &[&str] = &["20 minutes", "30 days", "Option 1", "Option 2"];

#[derive(Clone)]
pub struct Checker {
    /// Every hard-sell phrase, found in one case-insensitive pass.
    phrases: AhoCorasick,
}

/// Figures: a digit, then digits and thousands commas, an optional decimal part, and an optional `%`
/// or `x` (as in "5x") that ends the word. Trailing commas belong to the sentence.
fn figure_tokens(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && !bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b',') {
            i += 1;
        }
        if i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
        }
        let mut end = i;
        while end > start && bytes[end - 1] == b',' {
            end -= 1;
        }
        let ends_word = |k: usize| k >= bytes.len() || !bytes[k].is_ascii_alphanumeric();
        if i < bytes.len() && (bytes[i] == b'%' || (bytes[i] == b'x' && ends_word(i + 1))) && end == i {
            i += 1;
            end = i;
        }
        Some(&text[start..end])
    })
}

/// Thousands separators do not matter: "1,000" and "1000" are the same figure.
fn normal(figure: &str) -> std::borrow::Cow<'_, str> {
    if figure.contains(',') {
        figure.replace(',', "").into()
    } else {
        figure.into()
    }
}

/// Words: runs of ASCII letters and apostrophes.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphabetic() || c == '\''))
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
}

impl Default for Checker {
    fn default() -> Self {
        Checker::new()
    }
}

impl Checker {
    pub fn new() -> Checker {
        // The phrases are constants; a failure here is a programming error caught by every test.
        #[allow(clippy::expect_used)]
        Checker {
            phrases: AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(PHRASES.iter().map(|(p, _, _)| p))
                .expect("phrase automaton"),
        }
    }

    pub fn pushiness(&self, subject: &str, text: &str) -> Pushiness {
        let all = format!("{subject}\n{text}");
        let mut findings = Vec::new();
        let mut score = 0;
        let mut found = vec![false; PHRASES.len()];
        for m in self.phrases.find_overlapping_iter(&all) {
            if stands_alone(&all, m.start(), m.end()) {
                found[m.pattern().as_usize()] = true;
            }
        }
        for ((phrase, reason, weight), _) in PHRASES.iter().zip(&found).filter(|(_, hit)| **hit) {
            findings.push(Finding { phrase: phrase.to_string(), reason: reason.to_string() });
            score += weight;
        }
        let bangs = all.matches('!').count();
        if bangs > 0 {
            findings.push(Finding {
                phrase: "!".repeat(bangs.min(3)),
                reason: format!("{bangs} exclamation mark(s): calm sentences read as advice, not a pitch"),
            });
            score += bangs.min(5) as u32;
        }
        // One pass over the words: shouting, and whom the email talks about.
        let (mut ours, mut yours) = (0, 0);
        let mut shouted = BTreeSet::new();
        let any = |w: &str, list: &[&str]| list.iter().any(|x| w.eq_ignore_ascii_case(x));
        for w in words(&all) {
            if w.len() >= 3 && w.bytes().all(|b| b.is_ascii_uppercase()) && !ACRONYMS.contains(&w) {
                shouted.insert(w);
            } else if w.len() <= 6 && any(w, &["we", "our", "us", "ours", "we're", "we've"]) {
                ours += 1;
            } else if w.len() <= 6 && any(w, &["you", "your", "yours", "you're", "you've"]) {
                yours += 1;
            }
        }
        for w in shouted {
            findings.push(Finding { phrase: w.to_string(), reason: "capitals read as shouting".to_string() });
            score += 2;
        }
        if ours > yours {
            findings.push(Finding {
                phrase: format!("we/our ×{ours}"),
                reason: format!("more about us ({ours}) than about them ({yours}): put their situation first"),
            });
            score += 2;
        }
        Pushiness { score, findings }
    }

    /// Traces every figure, and every plan or feature name of the catalog, to a fact.
    pub fn grounding(&self, subject: &str, text: &str, facts: &[Fact], catalog_names: &[&str]) -> Grounding {
        let mut figures = Vec::new();
        // Links are checked as links, not as figures; wording constants are the template's own.
        let mut without_links = String::with_capacity(subject.len() + text.len() + 1);
        for word in subject.split_whitespace().chain(text.split_whitespace()).filter(|w| !w.contains("://")) {
            without_links.push_str(word);
            without_links.push(' ');
        }
        for constant in TEMPLATE_CONSTANTS {
            if without_links.contains(constant) {
                figures.push(GroundedFigure { text: constant.to_string(), fact: "template".into() });
                without_links = without_links.replace(constant, " ");
            }
        }
        let fact_tokens: Vec<(std::borrow::Cow<'_, str>, &Fact)> =
            facts.iter().flat_map(|f| figure_tokens(&f.value).map(move |m| (normal(m), f))).collect();
        let mut ungrounded = Vec::new();
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for token in figure_tokens(&without_links) {
            if !seen.insert(token) {
                continue;
            }
            let wanted = normal(token);
            match fact_tokens.iter().find(|(t, _)| *t == wanted) {
                Some((_, f)) => figures.push(GroundedFigure { text: token.to_string(), fact: f.name.clone() }),
                None => ungrounded.push(token.to_string()),
            }
        }
        for name in catalog_names.iter().copied() {
            if name.len() < 3 || !contains_word(&without_links, name) || !seen.insert(name) {
                continue;
            }
            match facts.iter().find(|f| contains_word(&f.value, name)) {
                Some(f) => figures.push(GroundedFigure { text: name.to_string(), fact: f.name.clone() }),
                None => ungrounded.push(name.to_string()),
            }
        }
        Grounding { figures, ungrounded }
    }
}

/// Whether `haystack[start..end]` stands as whole words: a side that is a letter or digit must not
/// continue into one ("deal" is not in "ideal"; "% off" is in "20% off").
fn stands_alone(haystack: &str, start: usize, end: usize) -> bool {
    let needle = &haystack[start..end];
    let joins_before = needle.chars().next().is_some_and(char::is_alphanumeric)
        && haystack[..start].chars().next_back().is_some_and(char::is_alphanumeric);
    let joins_after = needle.chars().next_back().is_some_and(char::is_alphanumeric)
        && haystack[end..].chars().next().is_some_and(char::is_alphanumeric);
    !joins_before && !joins_after
}

/// Whether `needle` occurs in `haystack` as whole words.
fn contains_word(haystack: &str, needle: &str) -> bool {
    haystack.match_indices(needle).any(|(i, _)| stands_alone(haystack, i, i + needle.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(name: &str, value: &str) -> Fact {
        Fact { name: name.into(), value: value.into() }
    }

    #[test]
    fn hard_sell_language_is_found_and_explained() {
        let c = Checker::new();
        let calm =
            c.pushiness("A few options", "Hi Jen,\n\nWould you have 20 minutes next week? Your team might like it.");
        assert_eq!(calm.score, 0, "{calm:?}");
        let loud = c.pushiness(
            "ACT NOW: 20% off!!",
            "Hurry, this exclusive offer expires. You must upgrade now. We think our product is our best.",
        );
        let phrases: Vec<&str> = loud.findings.iter().map(|f| f.phrase.as_str()).collect();
        for p in
            ["act now", "hurry", "exclusive offer", "expires", "you must", "upgrade now", "% off", "!!", "ACT", "NOW"]
        {
            assert!(phrases.contains(&p), "{p} not found in {phrases:?}");
        }
        assert!(phrases.iter().any(|p| p.starts_with("we/our")), "{phrases:?}");
        assert!(loud.score > 20);
        assert!(c.pushiness("", "Our API and SSO are ready.").findings.iter().all(|f| f.phrase != "API"));
        assert!(c.pushiness("", "the ideal plan").findings.is_empty(), "deal inside ideal is not a finding");
    }

    #[test]
    fn figures_are_numbers_percentages_and_multiples() {
        let found: Vec<&str> =
            figure_tokens("98 of 100, 85% used; 1,000,000 calls, 5x API, 2.5 hours, 3xl, v2, 12,").collect();
        assert_eq!(found, ["98", "100", "85%", "1,000,000", "5x", "2.5", "3", "2", "12"]);
    }

    #[test]
    fn every_figure_must_come_from_a_fact() {
        let c = Checker::new();
        let facts = [
            fact("usage.seats.used", "98"),
            fact("usage.api_calls.limit", "1,000,000"),
            fact("opportunity.target_plan", "Enterprise"),
        ];
        let names = ["Enterprise", "Starter"];
        let g = c.grounding("98 of 100", "You have 98 users and 1000000 calls. Enterprise or Starter? Talk for 20 minutes at https://cal.example/a1?x=7.", &facts, &names);
        assert_eq!(g.ungrounded, ["100", "Starter"]);
        let grounded: Vec<(&str, &str)> = g.figures.iter().map(|f| (f.text.as_str(), f.fact.as_str())).collect();
        assert!(grounded.contains(&("98", "usage.seats.used")));
        assert!(grounded.contains(&("1000000", "usage.api_calls.limit")), "commas do not matter");
        assert!(grounded.contains(&("20 minutes", "template")));
        assert!(grounded.contains(&("Enterprise", "opportunity.target_plan")));
    }
}
