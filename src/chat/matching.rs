//! Finding the customer a CSM means from what they typed: "acme", "Acme corp.", "Acme Crop" or
//! "globex" all find their customer; a name several customers share asks which one. Pure.

use crate::domain::CustomerId;

/// A customer as the matcher sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: CustomerId,
    pub external_id: String,
    pub name: String,
}

/// What a typed name matches.
#[derive(Debug, PartialEq, Eq)]
pub enum Matched<'a> {
    One(&'a Candidate),
    /// Equally good matches: ask which one.
    Several(Vec<&'a Candidate>),
    /// Nothing close enough; the nearest names, if any are near at all.
    Nothing {
        nearest: Vec<&'a Candidate>,
    },
}

/// Words that only say what kind of company it is; "Acme" and "Acme Corp." are the same customer.
const LEGAL_SUFFIXES: &[&str] = &[
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "ltd",
    "limited",
    "llc",
    "llp",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "oy",
    "ab",
    "as",
    "pty",
    "kk",
];

/// Lower case, letters and digits only, single spaces; `&` reads as "and", and dots and apostrophes
/// join ("A.C.M.E.", "O'Reilly").
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        match c {
            c if c.is_alphanumeric() => out.push(c),
            '.' | '\'' | '’' => {}
            '&' => out.push_str(" and "),
            _ => out.push(' '),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The name without a leading "the" and trailing legal suffixes.
pub fn core(normalized: &str) -> String {
    let mut words: Vec<&str> = normalized.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() > 1 && words[0] == "the" {
        words.remove(0);
    }
    while words.len() > 1 && words.last().is_some_and(|w| LEGAL_SUFFIXES.contains(w)) {
        words.pop();
    }
    words.join(" ")
}

/// Whether a candidate's normalized name and core name match, in one tier of [`find`].
type Tier<'a> = &'a dyn Fn(&str, &str) -> bool;

/// Edits tolerated as typos for a name of this many characters.
fn typo_budget(chars: usize) -> usize {
    match chars {
        0..=3 => 0,
        4..=5 => 1,
        6..=10 => 2,
        _ => 3,
    }
}

/// Every candidate that reaches the best tier: exact id, then the same name, the same core name, a
/// name the words start, and a name within a typo or two (the closest only).
pub fn find<'a>(typed: &str, candidates: &'a [Candidate]) -> Matched<'a> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Matched::Nothing { nearest: Vec::new() };
    }
    let by_id = typed.parse::<CustomerId>().ok();
    if let Some(c) = candidates.iter().find(|c| Some(c.id) == by_id || c.external_id.eq_ignore_ascii_case(typed)) {
        return Matched::One(c);
    }
    let name = normalize(typed);
    let typed_core = core(&name);
    if typed_core.is_empty() {
        return Matched::Nothing { nearest: Vec::new() };
    }
    let prepared: Vec<(&Candidate, String, String)> = candidates
        .iter()
        .map(|c| {
            let n = normalize(&c.name);
            let k = core(&n);
            (c, n, k)
        })
        .collect();
    // Tiers, best first: the same name, the same core name, a name the typed words start.
    let tiers: [Tier; 3] = [&|n, _| n == name, &|_, k| k == typed_core, &|n, k| {
        starts_with_words(k, &typed_core) || starts_with_words(n, &name)
    }];
    for tier in tiers {
        let hits: Vec<&Candidate> = prepared.iter().filter(|(_, n, k)| tier(n, k)).map(|(c, _, _)| *c).collect();
        if let Some(result) = decide(hits) {
            return result;
        }
    }
    // Typos: the closest core (or full) names within the budget.
    let budget = typo_budget(typed_core.chars().count());
    let distance = |n: &str, k: &str| {
        strsim::osa_distance(k, &typed_core).min(strsim::osa_distance(n, &name)).min(
            // A typo in the first words of a longer name: "globx" for "Globex Logistics".
            k.split(' ')
                .scan(String::new(), |acc, w| {
                    if !acc.is_empty() {
                        acc.push(' ');
                    }
                    acc.push_str(w);
                    Some(strsim::osa_distance(acc, &typed_core))
                })
                .min()
                .unwrap_or(usize::MAX),
        )
    };
    let scored: Vec<(usize, &Candidate)> = prepared.iter().map(|(c, n, k)| (distance(n, k), *c)).collect();
    if let Some(best) = scored.iter().map(|(d, _)| *d).min().filter(|d| *d <= budget) {
        let hits = scored.iter().filter(|(d, _)| *d == best).map(|(_, c)| *c).collect();
        if let Some(result) = decide(hits) {
            return result;
        }
    }
    let mut near: Vec<(f64, &Candidate)> = prepared
        .iter()
        .map(|(c, _, k)| (strsim::jaro_winkler(k, &typed_core), *c))
        .filter(|(score, _)| *score >= 0.75)
        .collect();
    near.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    Matched::Nothing { nearest: near.into_iter().take(3).map(|(_, c)| c).collect() }
}

fn decide(mut hits: Vec<&Candidate>) -> Option<Matched<'_>> {
    match hits.len() {
        0 => None,
        1 => hits.pop().map(Matched::One),
        _ => {
            hits.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.0.cmp(&b.id.0)));
            Some(Matched::Several(hits))
        }
    }
}

/// Whether `name`'s words begin with all of `prefix`'s words ("wayne" starts "wayne enterprises").
fn starts_with_words(name: &str, prefix: &str) -> bool {
    name.len() > prefix.len() && name.starts_with(prefix) && name.as_bytes().get(prefix.len()) == Some(&b' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Vec<Candidate> {
        [
            (1, "acme", "Acme Corp"),
            (2, "globex", "Globex Logistics"),
            (3, "initech", "Initech"),
            (4, "wayne", "Wayne Enterprises"),
            (5, "nw-1", "Northwind"),
            (6, "nw-2", "Northwind"),
            (7, "tyrell", "Tyrell Corp"),
            (8, "monsters", "Monsters Inc"),
            (9, "stark", "Stark Industries"),
            (10, "starkly", "Starkly"),
            (11, "ps", "Pied Piper"),
            (12, "dm", "Dunder Mifflin"),
        ]
        .into_iter()
        .map(|(id, ext, name)| Candidate { id: CustomerId(id), external_id: ext.into(), name: name.into() })
        .collect()
    }

    fn one(typed: &str) -> Option<i64> {
        match find(typed, &demo()) {
            Matched::One(c) => Some(c.id.0),
            _ => None,
        }
    }

    #[test]
    fn forgiving_names_find_their_customer() {
        for (typed, id) in [
            ("Acme Corp", 1),
            ("acme", 1),
            ("Acme corp.", 1),
            ("ACME Corporation", 1),
            ("acme inc", 1),
            ("Acme Crop", 1),
            ("Acme Cor", 1),
            ("cus_3", 3),
            ("initech", 3),
            ("Initec", 3),
            ("the Initech company", 3),
            ("globex", 2),
            ("Globx", 2),
            ("globex logistic", 2),
            ("wayne", 4),
            ("Wayne Enterprise", 4),
            ("Tyrel", 7),
            ("tyrell corporation", 7),
            ("monsters, inc.", 8),
            ("Pied Pipr", 11),
            ("dunder-mifflin", 12),
            ("nw-2", 6),
        ] {
            assert_eq!(one(typed), Some(id), "`{typed}` should find customer {id}");
        }
    }

    #[test]
    fn a_shared_name_asks_which() {
        match find("northwind", &demo()) {
            Matched::Several(c) => assert_eq!(c.iter().map(|c| c.id.0).collect::<Vec<_>>(), vec![5, 6]),
            other => panic!("expected a question, got {other:?}"),
        }
        match find("Northwnd", &demo()) {
            Matched::Several(c) => assert_eq!(c.len(), 2),
            other => panic!("a typo of a shared name also asks, got {other:?}"),
        }
    }

    #[test]
    fn an_exact_name_beats_a_longer_one_that_starts_with_it() {
        // "Stark" is the core of neither; "Starkly" is a typo away but "Stark Industries" starts with it.
        assert_eq!(one("stark"), Some(9));
        assert_eq!(one("starkly"), Some(10));
    }

    #[test]
    fn strangers_are_not_guessed() {
        for typed in ["Umbrella", "Zorg Industries", "x", "", "corp", "inc."] {
            assert!(matches!(find(typed, &demo()), Matched::Nothing { .. }), "`{typed}` should match nothing");
        }
        match find("Acme Industries Worldwide", &demo()) {
            Matched::Nothing { nearest } => assert!(nearest.iter().any(|c| c.id.0 == 1)),
            other => panic!("expected no match, got {other:?}"),
        }
    }

    #[test]
    fn normalizing_drops_punctuation_and_suffixes() {
        assert_eq!(normalize("  Acme   Corp. "), "acme corp");
        assert_eq!(core(&normalize("The Acme Co., Ltd.")), "acme");
        assert_eq!(core(&normalize("Co")), "co");
        assert_eq!(normalize("O’Reilly & Sons"), "oreilly and sons");
    }
}
