//! The reply corpus (`tests/corpus/replies.txt`): every case is parsed as a real message, stripped and
//! classified; the accuracy is printed with every miss, and must stay at or above the floor below.
//! Run `cargo test --test it classifier_corpus -- --nocapture` to see the report.

use overture::engagement::classify::{self, Label};
use overture::engagement::responses;
use time::macros::date;

struct Case {
    name: String,
    label: Label,
    optimize: bool,
    raw: String,
}

fn corpus() -> Vec<Case> {
    let text = include_str!("../corpus/replies.txt");
    let mut cases = Vec::new();
    for chunk in text.split("\n=== ").skip(1) {
        let (head, raw) = chunk.split_once('\n').expect("a case has a message");
        let (name, expect) = head.split_once('|').expect("name | label");
        let mut words = expect.split_whitespace();
        let label = words.next().expect("a label").parse().expect("a known label");
        let optimize = words.any(|w| w == "+optimize");
        cases.push(Case { name: name.trim().into(), label, optimize, raw: raw.trim_end().to_string() + "\n" });
    }
    cases
}

#[test]
fn the_corpus_is_classified_with_at_least_90_percent_accuracy() {
    let cases = corpus();
    assert!(cases.len() >= 60, "the corpus has {} cases", cases.len());
    let mut misses = Vec::new();
    for case in &cases {
        let parsed = responses::parse(case.raw.as_bytes()).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let got = classify::classify(&parsed.reply_text, &parsed.subject, &parsed.headers, date!(2026 - 11 - 26));
        if got.label != case.label || got.wants_to_optimize != case.optimize {
            misses.push(format!(
                "{}: expected {}{}, got {}{} (phrase {:?}; text {:?})",
                case.name,
                case.label.as_str(),
                if case.optimize { " +optimize" } else { "" },
                got.label.as_str(),
                if got.wants_to_optimize { " +optimize" } else { "" },
                got.phrase,
                parsed.reply_text,
            ));
        }
    }
    let accuracy = 1.0 - misses.len() as f64 / cases.len() as f64;
    println!("reply corpus: {} cases, accuracy {:.1}%", cases.len(), accuracy * 100.0);
    for m in &misses {
        println!("  miss: {m}");
    }
    assert!(accuracy >= 0.9, "accuracy {:.1}% is below 90%:\n{}", accuracy * 100.0, misses.join("\n"));
}

#[test]
fn out_of_office_return_dates_are_read_in_several_languages() {
    let expected = [
        ("ooo-english", date!(2026 - 12 - 07)),
        ("ooo-automatic-reply-outlook", date!(2026 - 12 - 02)),
        ("ooo-german", date!(2026 - 12 - 04)),
        ("ooo-french", date!(2026 - 12 - 03)),
        ("ooo-spanish", date!(2026 - 12 - 09)),
        ("ooo-parental-no-header", date!(2027 - 01 - 12)),
    ];
    let cases = corpus();
    for (name, date) in expected {
        let case = cases.iter().find(|c| c.name == name).expect("case exists");
        let parsed = responses::parse(case.raw.as_bytes()).expect("parses");
        let got = classify::classify(&parsed.reply_text, &parsed.subject, &parsed.headers, date!(2026 - 11 - 26));
        assert_eq!(got.ooo_until, Some(date), "{name}: {:?}", parsed.reply_text);
    }
}

#[test]
fn quoted_history_never_decides_the_label() {
    // Every case whose quote says "not interested" or "sounds great" is decided by its own words.
    for case in corpus().iter().filter(|c| c.raw.contains("> ") || c.raw.contains("wrote:")) {
        let parsed = responses::parse(case.raw.as_bytes()).expect("parses");
        assert!(!parsed.reply_text.contains("wrote:"), "{}: {:?}", case.name, parsed.reply_text);
        assert!(!parsed.reply_text.lines().any(|l| l.starts_with('>')), "{}: {:?}", case.name, parsed.reply_text);
    }
}
