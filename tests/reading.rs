//! The reply corpus (`tests/corpus/replies/`): replies written by people who never saw the rules, read
//! exactly as live replies are (parsed, our quoted email removed, classified). The frozen evaluation
//! split must stay at or above the floors below, which are the figures reached when it was frozen;
//! `overture evaluate-replies --misses` prints the whole report.

use overture::compose::Composer;
use overture::engagement::classify::Label;
use overture::engagement::corpus::{self, Case};
use overture::engagement::evaluate::{self, Rate};
use overture::engagement::model::Model;

fn split(eval: bool) -> Vec<Case> {
    corpus::builtin().iter().filter(|c| c.eval == eval).cloned().collect()
}

/// The floors: what the evaluation split reached (`overture evaluate-replies` prints it). Since session 7
/// the split holds two frozen batches: the first 227 replies and `eval2`, 150 more written blind to the
/// rules and never read case by case (356 of 377 right, positive recall 102 of 113, precision 102 of 106,
/// negative recall 70 of 73, return dates 39 of 40, quotes 281 of 282). Positive recall (target 92%) is
/// not reached on the larger split; raise these as the reader gets better, never lower them to let a
/// change through.
const ACCURACY: f64 = 0.944;
const POSITIVE_RECALL: f64 = 0.902;
const POSITIVE_PRECISION: f64 = 0.962;
const NEGATIVE_RECALL: f64 = 0.958;
const RETURN_DATES: f64 = 0.975;
const STRIPPING: f64 = 0.996;

fn at_least(name: &str, rate: Rate, floor: f64, failures: &mut Vec<String>) {
    if rate.value() < floor {
        failures.push(format!("{name} {rate} is below {:.1}%", floor * 100.0));
    }
}

#[test]
fn the_frozen_evaluation_set_meets_its_floors() {
    let cases = split(true);
    let outcomes = evaluate::run(&cases, &Model::builtin());
    println!("{}", evaluate::report("evaluation split", &outcomes, false));
    let f = evaluate::figures(&outcomes);
    let mut failures = Vec::new();
    at_least("accuracy", f.accuracy, ACCURACY, &mut failures);
    at_least("positive recall", f.positive_recall, POSITIVE_RECALL, &mut failures);
    at_least("positive precision", f.positive_precision, POSITIVE_PRECISION, &mut failures);
    at_least("negative recall", f.negative_recall, NEGATIVE_RECALL, &mut failures);
    at_least("out-of-office return dates", f.return_dates, RETURN_DATES, &mut failures);
    at_least("quote removal", f.stripping, STRIPPING, &mut failures);
    assert_eq!(f.emptied, 0, "no reply may be emptied");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_corpus_is_large_varied_and_frozen_apart() {
    let all = corpus::builtin();
    let written: Vec<&Case> = all.iter().filter(|c| c.client != "legacy").collect();
    assert!(written.len() >= 600, "{} replies written blind to the rules", written.len());
    assert!(all.iter().filter(|c| c.eval).count() >= 200, "the evaluation split has at least 200 replies");
    let languages: std::collections::BTreeSet<&str> =
        written.iter().filter(|c| c.label != Label::Bounce).map(|c| c.lang.as_str()).collect();
    assert!(languages.len() >= 7, "languages: {languages:?}");
    let clients: std::collections::BTreeSet<&str> =
        written.iter().map(|c| c.client.as_str()).filter(|c| !matches!(*c, "plain" | "server")).collect();
    assert!(clients.len() >= 12, "client formats: {clients:?}");
    let outlook: Vec<&&str> = clients.iter().filter(|c| c.starts_with("outlook-desktop-")).collect();
    assert!(outlook.len() >= 6, "Outlook desktop languages: {outlook:?}");
    // Names are unique, so a case cannot sit in both splits.
    let names: std::collections::HashSet<&str> = all.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), all.len(), "every case has its own name");
    for case in written.iter().filter(|c| c.sent.is_some() && c.label.is_human()) {
        assert!(
            !case.visible.is_empty() && !case.gone.is_empty(),
            "{}: a quoted case says what stays and goes",
            case.name
        );
    }
}

#[test]
fn quoting_our_introduction_never_changes_a_label() {
    let composer = Composer::new().expect("templates");
    let cases = corpus::builtin();
    let mut checked = 0;
    let mut changes = Vec::new();
    for name in ["acme-problem_solving-soft", "umbrella-problem_solving-direct", "massive-value_add-soft"] {
        let sent = corpus::sent(name).expect("a sent email");
        let html = composer.html(&sent.subject, &sent.text).expect("html");
        let (n, c) = evaluate::quote_changes(cases, &sent, &html, &Model::builtin());
        checked += n;
        changes.extend(
            c.into_iter().map(|(case, client, bare, quoted)| format!("{case} under {client}: {bare} -> {quoted}")),
        );
    }
    println!("{checked} quoted variants read, {} changed label", changes.len());
    assert!(checked > 5000, "only {checked} variants");
    assert!(changes.is_empty(), "{}", changes.join("\n"));
}

/// Replies in a workspace's own idiom, which no rule knows: each line is (reply, what it means).
const HOUSE_STYLE: [(&str, Label); 24] = [
    ("Green light from our side.", Label::Positive),
    ("Green light, book it in.", Label::Positive),
    ("Consider it a green light from procurement.", Label::Positive),
    ("Green light from me, pencil us in.", Label::Positive),
    ("Pencil us in for the walkthrough.", Label::Positive),
    ("Pencil me in whenever suits.", Label::Positive),
    ("Parking this one.", Label::Negative),
    ("We're parking this for good.", Label::Negative),
    ("Parking it, this is a pass from the board.", Label::Negative),
    ("Board says park it.", Label::Negative),
    ("Hard pass from the board.", Label::Negative),
    ("The board parked it.", Label::Negative),
    ("Bouncing this to procurement.", Label::Neutral),
    ("Bouncing it over to procurement for a look.", Label::Neutral),
    ("Procurement has it now.", Label::Neutral),
    ("Over to procurement on this one.", Label::Neutral),
    ("Procurement will take a look.", Label::Neutral),
    ("Bouncing to procurement, they own it.", Label::Neutral),
    ("Green light, go for it.", Label::Positive),
    ("Green light here too.", Label::Positive),
    ("Parking this until further notice.", Label::Negative),
    ("Parked by the board.", Label::Negative),
    ("Procurement owns this, bouncing it along.", Label::Neutral),
    ("Bouncing this one over to procurement.", Label::Neutral),
];

#[test]
fn corrections_teach_a_workspace_its_own_idiom() {
    // Corrections from every other line; accuracy measured on the rest, which none of them names.
    let teach: Vec<(&str, Label)> = HOUSE_STYLE.iter().step_by(2).copied().collect();
    let measure: Vec<(&str, Label)> = HOUSE_STYLE.iter().skip(1).step_by(2).copied().collect();
    let accuracy = |model: &Model| {
        let reading = |text: &str| {
            let headers = Default::default();
            let reply = overture::engagement::classify::Reply {
                text,
                subject: "Re: your licences",
                from_email: "a@customer.example",
                headers: &headers,
                received: evaluate::RECEIVED,
                nothing_left: false,
                bounce: None,
            };
            overture::engagement::classify::read(&reply, model).label
        };
        measure.iter().filter(|(text, label)| reading(text) == *label).count() as f64 / measure.len() as f64
    };
    let mut model = Model::builtin();
    let mut curve = vec![accuracy(&model)];
    for chunk in teach.chunks(4) {
        for (text, label) in chunk {
            model.learn(text, *label);
        }
        curve.push(accuracy(&model));
    }
    println!("accuracy on the held-out idiom as corrections arrive (0, 4, 8, 12): {curve:?}");
    // Four corrections can tip a word the wrong way for a moment ("a green light from procurement"
    // makes "procurement" sound like a yes until "bouncing this to procurement" is corrected too): at
    // most two of the twelve held-out replies may be lost on the way.
    let two = 2.0 / measure.len() as f64 + 1e-9;
    assert!(curve.windows(2).all(|w| w[1] >= w[0] - two), "accuracy never falls by more than two replies: {curve:?}");
    let (first, last) = (curve[0], curve[curve.len() - 1]);
    assert!(1.0 - last <= (1.0 - first) / 2.0, "corrections at least halve the errors: {curve:?}");
    assert!(curve[curve.len() - 1] >= 0.8, "{curve:?}");
}
