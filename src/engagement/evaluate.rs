//! Measuring the reader on the corpus: accuracy per label, language and mail client with 90% intervals,
//! positive and negative recall and precision, the option chosen, return dates and quote removal.
//! `overture replies evaluate` prints it; the corpus test holds the figures to their floor.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use time::macros::date;

use super::classify::{Classification, Label};
use super::corpus::Case;
use super::model::Model;
use super::quotes::{SentMessage, Stripped};
use super::responses;

/// One case, read.
#[derive(Debug, Clone)]
pub struct Outcome<'a> {
    pub case: &'a Case,
    pub stripped: Stripped,
    pub got: Classification,
}

impl Outcome<'_> {
    pub fn right(&self) -> bool {
        self.got.label == self.case.label
    }

    /// Whether quote removal kept every `@visible` line and removed every `@gone` one.
    pub fn stripped_right(&self) -> bool {
        let text = squash(&self.stripped.text);
        !self.stripped.nothing_left
            && self.case.visible.iter().all(|v| text.contains(&squash(v)))
            && self.case.gone.iter().all(|g| !text.contains(&squash(g)))
    }
}

fn squash(s: &str) -> String {
    s.split_whitespace().map(|w| w.trim_start_matches(['>', '*'])).collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The day the corpus's replies arrive.
pub const RECEIVED: time::Date = date!(2026 - 11 - 26);

/// Reads every case as a live reply is read: parsed, stripped against the email it answers, classified.
pub fn run<'a>(cases: &'a [Case], model: &Model) -> Vec<Outcome<'a>> {
    cases
        .iter()
        .filter_map(|case| {
            let parsed = responses::parse(case.raw.as_bytes()).ok()?;
            let thread: Vec<SentMessage> = case.sent.as_deref().and_then(super::corpus::sent).into_iter().collect();
            let (stripped, got) = responses::read_message(&parsed, &thread, model, RECEIVED);
            Some(Outcome { case, stripped, got })
        })
        .collect()
}

/// A share with its 90% interval (Jeffreys: the Beta(k + ½, n − k + ½) 5% and 95% quantiles).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub hits: usize,
    pub n: usize,
}

impl Rate {
    pub fn of<T>(items: &[T], hit: impl Fn(&T) -> bool) -> Rate {
        Rate { hits: items.iter().filter(|i| hit(i)).count(), n: items.len() }
    }

    pub fn value(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.hits as f64 / self.n as f64
        }
    }

    pub fn interval(&self) -> (f64, f64) {
        if self.n == 0 {
            return (0.0, 1.0);
        }
        let (a, b) = (self.hits as f64 + 0.5, (self.n - self.hits) as f64 + 0.5);
        let lo = if self.hits == 0 { 0.0 } else { crate::learning::beta::quantile(a, b, 0.05) };
        let hi = if self.hits == self.n { 1.0 } else { crate::learning::beta::quantile(a, b, 0.95) };
        (lo, hi)
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (lo, hi) = self.interval();
        write!(
            f,
            "{:5.1}% ({:>3}/{:<3}; 90%: {:4.1}-{:5.1}%)",
            self.value() * 100.0,
            self.hits,
            self.n,
            lo * 100.0,
            hi * 100.0
        )
    }
}

/// The headline figures of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    pub accuracy: Rate,
    pub positive_recall: Rate,
    pub positive_precision: Rate,
    pub negative_recall: Rate,
    pub unclear: Rate,
    pub return_dates: Rate,
    pub stripping: Rate,
    pub emptied: usize,
    pub options: Rate,
}

pub fn figures(outcomes: &[Outcome<'_>]) -> Figures {
    let with = |l: Label| outcomes.iter().filter(|o| o.case.label == l).cloned().collect::<Vec<_>>();
    let said_positive: Vec<_> = outcomes.iter().filter(|o| o.got.label == Label::Positive).cloned().collect();
    let dated: Vec<_> = outcomes.iter().filter(|o| o.case.ooo_until.is_some()).cloned().collect();
    let quoted: Vec<_> =
        outcomes.iter().filter(|o| !o.case.visible.is_empty() || !o.case.gone.is_empty()).cloned().collect();
    let chose: Vec<_> = outcomes
        .iter()
        .filter(|o| o.case.label == Label::Positive && (o.case.has("+optimize") || o.case.has("+upgrade")))
        .cloned()
        .collect();
    Figures {
        accuracy: Rate::of(outcomes, Outcome::right),
        positive_recall: Rate::of(&with(Label::Positive), Outcome::right),
        positive_precision: Rate::of(&said_positive, Outcome::right),
        negative_recall: Rate::of(&with(Label::Negative), Outcome::right),
        unclear: Rate::of(outcomes, |o| o.got.label == Label::Unclear),
        return_dates: Rate::of(&dated, |o| o.got.ooo_until == o.case.ooo_until),
        stripping: Rate::of(&quoted, Outcome::stripped_right),
        emptied: outcomes.iter().filter(|o| o.stripped.text.trim().is_empty()).count(),
        options: Rate::of(&chose, |o| {
            o.got.wants_to_optimize == o.case.has("+optimize") && o.got.wants_upgrade == o.case.has("+upgrade")
        }),
    }
}

/// The whole report, as printed.
pub fn report(title: &str, outcomes: &[Outcome<'_>], misses: bool) -> String {
    let f = figures(outcomes);
    let mut out = String::new();
    let _ = writeln!(out, "{title}: {} replies", outcomes.len());
    for (name, rate) in [
        ("accuracy", f.accuracy),
        ("positive recall", f.positive_recall),
        ("positive precision", f.positive_precision),
        ("negative recall", f.negative_recall),
        ("unclear (sent to review)", f.unclear),
        ("out-of-office return date", f.return_dates),
        ("quote removed, reply kept", f.stripping),
        ("option chosen", f.options),
    ] {
        let _ = writeln!(out, "  {name:<28} {rate}");
    }
    let _ = writeln!(out, "  {:<28} {}", "replies emptied", f.emptied);
    for (heading, key) in [
        ("by label", (|o: &Outcome<'_>| o.case.label.as_str().to_string()) as fn(&Outcome<'_>) -> String),
        ("by language", |o| o.case.lang.clone()),
        ("by client", |o| o.case.client.clone()),
    ] {
        let _ = writeln!(out, "  {heading}:");
        let mut groups: BTreeMap<String, Vec<Outcome<'_>>> = BTreeMap::new();
        for o in outcomes {
            groups.entry(key(o)).or_default().push(o.clone());
        }
        for (k, group) in groups {
            let _ = writeln!(out, "    {k:<22} {}", Rate::of(&group, Outcome::right));
        }
    }
    if misses {
        for o in outcomes.iter().filter(|o| o.case.ooo_until.is_some() && o.got.ooo_until != o.case.ooo_until) {
            let _ = writeln!(
                out,
                "  date miss {}: expected {:?}, got {:?} {:?}",
                o.case.name,
                o.case.ooo_until,
                o.got.ooo_until,
                o.stripped.text.chars().take(200).collect::<String>()
            );
        }
        for o in outcomes.iter().filter(|o| !o.right()) {
            let _ = writeln!(
                out,
                "  miss {}: expected {}, got {} (suggested {}, {:.2}; {:?}) {:?}",
                o.case.name,
                o.case.label,
                o.got.label,
                o.got.suggested,
                o.got.confidence,
                o.got.phrase,
                o.stripped.text.chars().take(160).collect::<String>()
            );
        }
    }
    out
}

/// The ways mail clients quote our email under (or above) a reply: the attribution or header block in
/// many languages, with and without `>`, re-wrapped, bulleted differently, HTML. `reply` is the reply's
/// own text; each variant is a whole raw message.
pub fn quoted_variants(reply: &str, sent: &SentMessage, html: &str) -> Vec<(&'static str, String)> {
    let prefixed = |p: &str| sent.text.lines().map(|l| format!("{p}{l}")).collect::<Vec<_>>().join("\n");
    let rewrapped = rewrap(&sent.text.replace("\n- ", "\n• "), 72);
    let header = |from: &str, sent_l: &str, to: &str, subject: &str, bold: bool| {
        let b = if bold { "*" } else { "" };
        format!(
            "{b}{from}{b} Sarah Chen <sarah@vendor.example>\n{b}{sent_l}{b} Tuesday, November 24, 2026 10:14 AM\n\
             {b}{to}{b} Jennifer Walsh <jennifer@acme.example>\n{b}{subject}{b} {}\n",
            sent.subject
        )
    };
    let outlook = |labels: (&str, &str, &str, &str), bold: bool| {
        format!(
            "{reply}\n\n________________________________\n{}\n{rewrapped}\n",
            header(labels.0, labels.1, labels.2, labels.3, bold)
        )
    };
    let mut v: Vec<(&'static str, String)> = vec![
        ("gmail-web", format!("{reply}\n\nOn Tue, Nov 24, 2026 at 10:14 AM Sarah Chen <sarah@vendor.example> wrote:\n\n{}\n", prefixed("> "))),
        ("gmail-wrapped", format!("{reply}\n\nOn Tue, Nov 24, 2026 at 10:14 AM Sarah Chen <\nsarah@vendor.example> wrote:\n\n{}\n", prefixed("> "))),
        ("gmail-de", format!("{reply}\n\nAm Di., 24. Nov. 2026 um 10:14 Uhr schrieb Sarah Chen <\nsarah@vendor.example>:\n\n{}\n", prefixed("> "))),
        ("gmail-fr", format!("{reply}\n\nLe mar. 24 nov. 2026 à 10:14, Sarah Chen <sarah@vendor.example> a\nécrit :\n\n{}\n", prefixed("> "))),
        ("gmail-pt", format!("{reply}\n\nEm ter., 24 de nov. de 2026 às 10:14, Sarah Chen <\nsarah@vendor.example> escreveu:\n\n{}\n", prefixed("> "))),
        ("outlook-en", outlook(("From:", "Sent:", "To:", "Subject:"), false)),
        ("outlook-en-bold", outlook(("From:", "Sent:", "To:", "Subject:"), true)),
        ("outlook-de", outlook(("Von:", "Gesendet:", "An:", "Betreff:"), false)),
        ("outlook-fr", outlook(("De :", "Envoyé :", "À :", "Objet :"), false)),
        ("outlook-es", outlook(("De:", "Enviado el:", "Para:", "Asunto:"), true)),
        ("outlook-it", outlook(("Da:", "Inviato:", "A:", "Oggetto:"), false)),
        ("outlook-nl", outlook(("Van:", "Verzonden:", "Aan:", "Onderwerp:"), false)),
        ("outlook-pt", outlook(("De:", "Enviada em:", "Para:", "Assunto:"), false)),
        ("outlook-pl", outlook(("Od:", "Wysłano:", "Do:", "Temat:"), false)),
        ("outlook-sv", outlook(("Från:", "Skickat:", "Till:", "Ämne:"), false)),
        ("outlook-da", outlook(("Fra:", "Sendt:", "Til:", "Emne:"), false)),
        ("outlook-no", outlook(("Fra:", "Sendt:", "Til:", "Emne:"), true)),
        ("reply-message", format!("{reply}\n\n-----Reply Message-----\nFrom: Sarah Chen <sarah@vendor.example>\nDate: 24.11.2026 10:14\n\n{}\n", sent.text)),
        ("mobile-dashes", format!("{reply}\n\n---- On Tue, 24 Nov 2026 10:14:05 +0100 Sarah Chen <sarah@vendor.example> wrote ----\n\n{}\n", sent.text)),
        ("apple-mail", format!("{reply}\n\nSent from my iPhone\n\n> On 24 Nov 2026, at 10:14, Sarah Chen <sarah@vendor.example> wrote:\n> \n{}\n", prefixed("> "))),
        ("thunderbird", format!("{reply}\n\nAm 24.11.26 um 10:14 schrieb Sarah Chen:\n{}\n", prefixed("> "))),
        ("yahoo", format!("{reply}\n\n\nOn Tuesday, November 24, 2026 at 09:14:02 AM GMT, Sarah Chen <sarah@vendor.example> wrote:\n\n\n{rewrapped}\n")),
        ("hcl-notes", format!("{reply}\n\n\n\nFrom:        Sarah Chen <sarah@vendor.example>\nTo:        Jennifer Walsh <jennifer@acme.example>\nDate:        24.11.2026 10:14\nSubject:        {}\n\n\n\n{}\n", sent.subject, sent.text)),
        ("proton", format!("{reply}\n\n------- Original Message -------\nOn Tuesday, November 24th, 2026 at 10:14, Sarah Chen <sarah@vendor.example> wrote:\n\n\n{}\n", prefixed("> "))),
        ("nested", format!("{reply}\n\n>> {}\n", sent.text.lines().collect::<Vec<_>>().join("\n>> "))),
        ("bottom-posted", format!("On Tue, Nov 24, 2026 at 10:14 AM Sarah Chen <sarah@vendor.example> wrote:\n{}\n\n{reply}\n", prefixed("> "))),
    ];
    let wrap_headers = |body: String| {
        format!(
            "From: Jennifer Walsh <jennifer@acme.example>\nTo: Sarah Chen <sarah@vendor.example>\nSubject: Re: {}\n\
             Content-Type: text/plain; charset=utf-8\n\n{body}",
            sent.subject
        )
    };
    v = v.into_iter().map(|(n, body)| (n, wrap_headers(body))).collect();
    let escaped = reply.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('\n', "<br>");
    for (name, quote) in [
        ("html-gmail", format!("<div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">On Tue, Nov 24, 2026 at 10:14 AM Sarah Chen &lt;sarah@vendor.example&gt; wrote:<br></div><blockquote class=\"gmail_quote\">{html}</blockquote></div>")),
        ("html-outlook", format!("<hr style=\"display:inline-block;width:98%\"><div id=\"divRplyFwdMsg\" dir=\"ltr\"><b>From:</b> Sarah Chen &lt;sarah@vendor.example&gt;<br><b>Sent:</b> Tuesday, November 24, 2026 10:14 AM<br><b>To:</b> Jennifer Walsh<br><b>Subject:</b> {}</div><div>{html}</div>", sent.subject)),
        ("html-unmarked", format!("<div><br></div><div>Von: Sarah Chen &lt;sarah@vendor.example&gt;<br>Gesendet: Dienstag, 24. November 2026 10:14<br>An: Jennifer Walsh<br>Betreff: {}</div><div>{html}</div>", sent.subject)),
    ] {
        v.push((
            name,
            format!(
                "From: Jennifer Walsh <jennifer@acme.example>\nTo: Sarah Chen <sarah@vendor.example>\nSubject: Re: {}\n\
                 Content-Type: text/html; charset=utf-8\n\n<html><body><div dir=\"ltr\">{escaped}</div>{quote}</body></html>\n",
                sent.subject
            ),
        ));
    }
    v
}

/// Words re-flowed to lines of at most `width` characters, as clients that re-wrap quotes do.
fn rewrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            if !line.is_empty() && line.len() + word.len() + 1 > width {
                out.push_str(&line);
                out.push('\n');
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The label of every short reply of the corpus (no quote of its own), bare and under each client's
/// quote of our introduction: the cases whose label changed, as (case, client, bare, quoted).
pub fn quote_changes(
    cases: &[Case],
    sent: &SentMessage,
    html: &str,
    model: &Model,
) -> (usize, Vec<(String, &'static str, Label, Label)>) {
    let thread = std::slice::from_ref(sent);
    let mut checked = 0;
    let mut changes = Vec::new();
    for case in cases.iter().filter(|c| c.sent.is_none() && c.gone.is_empty() && !matches!(c.label, Label::Bounce)) {
        let Ok(parsed) = responses::parse(case.raw.as_bytes()) else { continue };
        if parsed.html.is_some() || case.raw.to_lowercase().contains("multipart/") {
            continue;
        }
        let (bare, c) = responses::read_message(&parsed, thread, model, RECEIVED);
        // The bare reply as the client sent it, its own signature and all.
        let body = parsed.body.trim_end().to_string();
        let headers = &parsed.headers;
        for (client, raw) in quoted_variants(&body, sent, html) {
            let Ok(mut quoted) = responses::parse(raw.as_bytes()) else { continue };
            quoted.headers = headers.clone();
            quoted.from_email = parsed.from_email.clone();
            quoted.subject = parsed.subject.clone();
            quoted.bounce = parsed.bounce.clone();
            let (_, q) = responses::read_message(&quoted, thread, model, RECEIVED);
            checked += 1;
            if q.label != c.label {
                changes.push((
                    format!("{} ({:?})", case.name, bare.text.chars().take(60).collect::<String>()),
                    client,
                    c.label,
                    q.label,
                ));
            }
        }
    }
    (checked, changes)
}
