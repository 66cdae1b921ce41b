//! Quote removal that does not depend on the mail client: Overture knows exactly what it sent in the
//! thread, so every reply line that repeats one of our messages goes, whatever its prefix (`>`, `|`,
//! none), its re-wrapping, its bullets or the client's HTML-to-text conversion. The attribution or
//! header block that introduces the quote goes with it, in any language, because it is the block of
//! short `Label: value` or "… wrote" lines that sits right above our own words. Lines the customer
//! wrote between our lines (an inline reply) stay, in order.
//!
//! When nothing of ours is known (an unmatched message), the client markers are used instead: quote
//! prefixes, attribution lines and header blocks in the languages of [`ATTRIBUTION`].

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use regex::Regex;

/// One message we sent in the thread, as the customer received it.
#[derive(Debug, Clone, Default)]
pub struct SentMessage {
    pub subject: String,
    pub text: String,
    /// The HTML part, when there was one: clients that quote HTML re-flow it differently.
    pub html: Option<String>,
    pub from_name: String,
    pub from_email: String,
}

/// The lines and word triples of what we sent, to recognise in a reply.
#[derive(Debug, Default)]
pub struct Ours {
    triples: HashSet<u64, Prehashed>,
    lines: HashSet<u64, Prehashed>,
    /// Names and addresses that appear in attribution lines ("Sarah Chen <sarah@…> wrote").
    senders: Vec<String>,
}

impl Ours {
    pub fn new(sent: &[SentMessage]) -> Ours {
        let mut ours = Ours::default();
        for m in sent {
            ours.add_text(&m.text);
            ours.add_text(&m.subject);
            if let Some(html) = &m.html {
                ours.add_text(&super::html::to_text(html));
            }
            for s in [&m.from_name, &m.from_email] {
                let s = s.trim().to_lowercase();
                if s.len() >= 3 {
                    ours.senders.push(s);
                }
            }
        }
        ours
    }

    pub fn is_empty(&self) -> bool {
        self.triples.is_empty()
    }

    fn add_text(&mut self, text: &str) {
        let words = word_hashes(text);
        for w in words.windows(3) {
            self.triples.insert(triple(w));
        }
        for line in text.lines() {
            if let Some(key) = line_key(line) {
                self.lines.insert(key);
            }
        }
    }

    /// Whether a reply line repeats our words: most of its word triples are ours, or (a short line)
    /// it is one of our lines exactly.
    fn covers(&self, line: &str) -> bool {
        let w = word_hashes(line);
        if w.len() >= 3 {
            let n = w.len() - 2;
            let hits = w.windows(3).filter(|t| self.triples.contains(&triple(t))).count();
            hits * 10 >= n * 6
        } else {
            line_key(line).is_some_and(|key| self.lines.contains(&key))
        }
    }

    fn names_sender(&self, line: &str) -> bool {
        let l = line.to_lowercase();
        self.senders.iter().any(|s| l.contains(s.as_str()))
    }
}

fn triple(w: &[u64]) -> u64 {
    w[0].wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(21)
        ^ w[1].wrapping_mul(0xC2B2_AE3D_27D4_EB4F).rotate_left(42)
        ^ w[2]
}

/// A hash of each word (letters and digits, lowercased), without allocating: quote removal compares
/// hundreds of words a reply.
fn word_hashes(text: &str) -> Vec<u64> {
    let mut out = Vec::with_capacity(text.len() / 5);
    const BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    let mut h = BASIS;
    let mut in_word = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                h = (h ^ l as u64).wrapping_mul(0x0000_0100_0000_01B3);
            }
            in_word = true;
        } else if in_word {
            out.push(h);
            h = BASIS;
            in_word = false;
        }
    }
    if in_word {
        out.push(h);
    }
    out
}

/// A line's words as one hash, `None` for a line without words.
fn line_key(line: &str) -> Option<u64> {
    let w = word_hashes(strip_markers(line));
    (!w.is_empty()).then(|| w.iter().fold(0x9E37_79B9_7F4A_7C15u64, |h, x| (h ^ x).wrapping_mul(0x0000_0100_0000_01B3)))
}

/// The keys are hashes already: a hasher that passes them through.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01B3);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type Prehashed = BuildHasherDefault<PassThrough>;

/// The line without quote markers (`>`, `|`), bullets and surrounding emphasis.
fn strip_markers(line: &str) -> &str {
    line.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '>' | '|' | '*' | '•' | '·' | '▪' | '◦' | '-'))
        .trim_end()
}

fn quote_depth(line: &str) -> usize {
    let t = line.trim_start();
    t.chars().take_while(|c| matches!(c, '>' | ' ' | '|')).filter(|c| matches!(c, '>' | '|')).count()
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| unreachable!("quote pattern `{pattern}` is invalid: {e}"))
}

/// Attribution lines and separators of the common clients, in EN, DE, FR, ES, IT, NL, PT, PL, SV, DA
/// and NO: "On … wrote:", "Am … schrieb …:", "Le … a écrit :", "El … escribió:", "Il … ha scritto:",
/// "Op … schreef …:", "Em … escreveu:", "W dniu … napisał(a):", "Den … skrev …:", "… wrote on …:",
/// "---- … wrote ----", "-----Original Message-----" and its translations, "Reply Message".
static ATTRIBUTION: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)(?:\b(?:wrote|writes|schrieb|schreef|escribió|escreveu|napisał\(?a?\)?|napisała|skrev|kirjoitti)\b\s*(?:on\b.*)?:?\s*$",
        r"|\ba écrit\s*:?\s*$|\bha scritto\s*:?\s*$|\bwrote on\b.*:\s*$",
        r"|\b(?:schrieb|schreef|skrev|napisał\(?a?\)?|escribió|escreveu)\b.{1,80}:\s*$",
        r"|^-{2,}\s*.*\b(?:wrote|schrieb|a écrit|escribió|ha scritto|schreef|escreveu)\b.*-{2,}\s*$",
        r"|^\s*-{2,}\s*(?:original message|forwarded message|reply message|ursprüngliche nachricht|original-nachricht",
        r"|weitergeleitete nachricht|message d'origine|message transféré|mensaje original|mensaje reenviado",
        r"|messaggio originale|messaggio inoltrato|oorspronkelijk bericht|doorgestuurd bericht|mensagem original",
        r"|mensagem encaminhada|wiadomość oryginalna|ursprungligt meddelande|oprindelig meddelelse|opprinnelig melding",
        r"|original meddelelse)\s*-{2,}\s*$",
        r"|^\s*begin forwarded message:?\s*$|^\s*_{8,}\s*$|^\s*-{8,}\s*$",
        ")"
    ))
});

/// A line of an Outlook-style header block: a label of a word or three, a colon, a value
/// ("From: …", "De :", "*Enviado el:* …", "Verzonden: …").
static HEADER_LINE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*[>|\s]*\**\s*(?:\p{L}[\p{L}.\-]*)(?:\s\p{L}[\p{L}.\-]*){0,2}\s?\**\s?:\**\s*\S"));

/// The header labels that start such a block, in the languages above.
static HEADER_START: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*[>|\s]*\**\s*(?:from|von|de|da|van|od|från|fra|sender|absender|expéditeur|remitente|mittente|afzender|remetente)\s?\**\s?:",
    )
});

/// A device or app footer, alone on its line.
static FOOTER: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)^\s*(?:sent from (?:my )?(?:iphone|ipad|android|mobile|samsung|galaxy|phone|smartphone|blackberry|yahoo mail|outlook|proton ?mail|mail for windows)",
        r"|sent from yahoo mail.*|sent with proton ?mail.*|get outlook for (?:ios|android)|obtener outlook para (?:ios|android)",
        r"|von meinem \w+(?: \w+)? gesendet|gesendet von meinem \w+|envoyé de mon \w+|enviado desde mi \w+",
        r"|inviato da(?:l mio)? \w+|verzonden (?:vanaf|met) mijn \w+|enviado do meu \w+|enviado de meu \w+",
        r"|télécharger outlook pour \w+|scarica outlook per \w+|outlook voor (?:ios|android) downloaden",
        r")[\s.!]*$"
    ))
});

/// A legal notice: from its first line to the end, it is not the customer speaking.
static DISCLAIMER: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)\b(?:confidential(?:ity)?|intended recipient|privileged|vertraulich|empfänger|confidentiel|destinataire",
        r"|confidencial|destinatario|riservat[oa]|destinatario|vertrouwelijk|geadresseerde|destinatário",
        r"|disclaimer|haftungsausschluss|avertissement|aviso legal|avviso di riservatezza)\b"
    ))
});

/// The reply's own words and what removing the quote did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stripped {
    pub text: String,
    /// Lines of our own messages were found and removed.
    pub removed_ours: bool,
    /// Nothing was left, so the original is kept (and the reading is flagged).
    pub nothing_left: bool,
}

/// Removes from `body` every line of our own messages, the attribution or header block above them, quote
/// markers of the rest of a quoted block, device footers and legal notices; the customer's own lines stay
/// in order. Never returns an empty text for a non-empty body.
pub fn strip(body: &str, ours: &Ours) -> Stripped {
    let body = body.replace("\r\n", "\n").replace('\r', "\n").replace('\u{a0}', " ");
    let lines: Vec<&str> = body.lines().collect();
    let mut keep = vec![true; lines.len()];
    let mut removed_ours = false;
    if !ours.is_empty() {
        for (i, line) in lines.iter().enumerate() {
            if !strip_markers(line).is_empty() && ours.covers(line) {
                keep[i] = false;
                removed_ours = true;
            }
        }
        close_gaps(&lines, &mut keep, ours);
    }
    // Attribution and header blocks: above our words, or (without them) wherever a client marks them.
    let mut cut_from = None;
    for i in 0..lines.len() {
        if !keep[i] {
            continue;
        }
        if ATTRIBUTION.is_match(lines[i]) || is_attribution_start(&lines, i, ours) {
            let end = header_block_end(&lines, i);
            let before_ours = ours.is_empty() || (end..lines.len()).any(|j| !keep[j]) || end >= lines.len();
            if before_ours {
                for k in keep.iter_mut().take(end).skip(i) {
                    *k = false;
                }
                if ours.is_empty() || !removed_ours {
                    // Without knowing our words, everything below a quote header is history.
                    cut_from = Some(i);
                    break;
                }
            }
        }
    }
    if let Some(start) = cut_from {
        for k in keep.iter_mut().skip(start) {
            *k = false;
        }
    }
    // Quote-marked lines: ours are gone; the rest of a block that was mostly ours goes too, and
    // without our words every quoted line goes.
    drop_quoted(&lines, &mut keep, ours, removed_ours);
    let mut own: Vec<&str> = lines.iter().zip(&keep).filter(|(_, k)| **k).map(|(l, _)| *l).collect();
    cut_signature(&mut own);
    let text = tidy(&own);
    if text.is_empty() {
        let original = tidy(&lines.iter().map(|l| strip_markers(l)).collect::<Vec<_>>());
        return Stripped { text: original, removed_ours, nothing_left: !body.trim().is_empty() };
    }
    Stripped { text, removed_ours, nothing_left: false }
}

/// Short or blank lines inside a run of our lines (a "Hi Jennifer," a bullet of two words, a blank
/// line) belong to the quote too, when the line is one of ours or quote-marked like its neighbours.
fn close_gaps(lines: &[&str], keep: &mut [bool], ours: &Ours) {
    let n = lines.len();
    for i in 0..n {
        if !keep[i] {
            continue;
        }
        let prev = (0..i).rev().find(|&j| !lines[j].trim().is_empty() && !is_blank_marker(lines[j]));
        let next = (i + 1..n).find(|&j| !lines[j].trim().is_empty() && !is_blank_marker(lines[j]));
        let between = matches!((prev, next), (Some(p), Some(q)) if !keep[p] && !keep[q]);
        let blank = strip_markers(lines[i]).is_empty();
        let short = word_hashes(lines[i]).len() < 3;
        let marked = quote_depth(lines[i]) > 0;
        let one_of_ours = line_key(lines[i]).is_some_and(|k| ours.lines.contains(&k));
        if between && (blank || (short && (one_of_ours || marked))) {
            keep[i] = false;
        }
        // A quote-marked blank line right after our words belongs to the quote.
        if blank && marked && prev.is_some_and(|p| !keep[p]) {
            keep[i] = false;
        }
    }
    // Our trailing short lines (the sign-off: "Best,", the name, the title) after the last long match.
    for i in 0..n {
        if keep[i] && line_key(lines[i]).is_some_and(|k| ours.lines.contains(&k)) {
            let prev = (0..i).rev().find(|&j| !strip_markers(lines[j]).is_empty());
            if prev.is_some_and(|p| !keep[p]) {
                keep[i] = false;
            }
        }
    }
}

fn is_blank_marker(line: &str) -> bool {
    strip_markers(line).is_empty() && quote_depth(line) > 0
}

/// The first line of a header block ("From: Sarah Chen …") or an attribution that names our sender
/// and ends with a colon, possibly wrapped over two lines.
fn is_attribution_start(lines: &[&str], i: usize, ours: &Ours) -> bool {
    let line = lines[i];
    if HEADER_START.is_match(line) {
        // A header block: this line and at least one more header line below.
        let next = (i + 1..lines.len()).take(2).any(|j| HEADER_LINE.is_match(lines[j]));
        return next || ours.names_sender(line);
    }
    if ours.names_sender(line) {
        if line.trim_end().ends_with(':') && has_date(line) {
            return true;
        }
        let joined = match lines.get(i + 1) {
            Some(next) => format!("{line} {next}"),
            None => line.to_string(),
        };
        return joined.trim_end().ends_with(':') || ATTRIBUTION.is_match(&joined) || line.contains("----");
    }
    // Gmail wraps a long attribution: "On Tue, 24 Nov 2026 at 10:14, Sarah Chen <" / "sarah@…> wrote:".
    lines.get(i + 1).is_some_and(|next| ATTRIBUTION.is_match(next) && ours.names_sender(next) && has_date(line))
}

static DATE_OR_TIME: LazyLock<Regex> =
    LazyLock::new(|| re(r"\d{1,2}[:.h]\d{2}|\b(?:19|20)\d{2}\b|\d{1,2}[./-]\d{1,2}"));

fn has_date(line: &str) -> bool {
    DATE_OR_TIME.is_match(line)
}

/// Where a header or attribution block starting at `i` ends: its own line, the wrapped remainder of
/// an attribution, and the `Label: value` lines (and their wrapped continuations) below it.
fn header_block_end(lines: &[&str], i: usize) -> usize {
    let mut end = i + 1;
    if !ATTRIBUTION.is_match(lines[i]) && !HEADER_START.is_match(lines[i]) {
        // A wrapped attribution: the next line ends it.
        if lines.get(i + 1).is_some_and(|l| ATTRIBUTION.is_match(l) || l.trim_end().ends_with(':')) {
            end = i + 2;
        }
    }
    if HEADER_START.is_match(lines[i]) || (ATTRIBUTION.is_match(lines[i]) && lines[i].trim_start().starts_with('-')) {
        let mut j = end;
        let mut budget = 8;
        while j < lines.len() && budget > 0 {
            let l = lines[j];
            if HEADER_LINE.is_match(l) {
                j += 1;
                budget -= 1;
            } else if !l.trim().is_empty()
                && j > end
                && HEADER_LINE.is_match(lines[j - 1])
                && l.starts_with([' ', '\t'])
            {
                // A wrapped header value (a long To: list).
                j += 1;
            } else {
                break;
            }
        }
        end = j;
    }
    end
}

/// Quote-marked lines are history: a block of them goes whole, except, inside a block of our own
/// quoted words, lines the customer marked differently (">>> Option 2 for us" between our "> " lines).
fn drop_quoted(lines: &[&str], keep: &mut [bool], ours: &Ours, removed_ours: bool) {
    let n = lines.len();
    let mut i = 0;
    while i < n {
        if quote_depth(lines[i]) == 0 {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && quote_depth(lines[i]) > 0 {
            i += 1;
        }
        let ours_depth: Vec<usize> = (start..i)
            .filter(|&j| !keep[j] && !strip_markers(lines[j]).is_empty())
            .map(|j| quote_depth(lines[j]))
            .collect();
        for j in start..i {
            let depth = quote_depth(lines[j]);
            let marked_apart =
                removed_ours && !ours.is_empty() && !ours_depth.is_empty() && !ours_depth.contains(&depth);
            if !marked_apart {
                keep[j] = false;
            }
        }
    }
}

/// Removes a signature's device footer and a legal notice (and all below it), and a `-- ` delimiter.
fn cut_signature(lines: &mut Vec<&str>) {
    if let Some(pos) = lines.iter().position(|l| l.trim_end() == "--" || l.trim_end() == "-- ") {
        lines.truncate(pos);
    }
    lines.retain(|l| !FOOTER.is_match(l));
    // A legal notice is a paragraph after the reply's first words.
    let first_words = lines.iter().position(|l| !l.trim().is_empty()).unwrap_or(0);
    if let Some(pos) = lines
        .iter()
        .enumerate()
        .skip(first_words + 1)
        .find(|(j, l)| DISCLAIMER.is_match(l) && (*j == 0 || lines[*j - 1].trim().is_empty() || l.len() > 60))
        .map(|(j, _)| j)
    {
        lines.truncate(pos);
    }
}

/// Lines joined, trailing spaces and runs of blank lines removed.
fn tidy(lines: &[&str]) -> String {
    let mut out = String::new();
    let mut blank = 0;
    for l in lines {
        let l = l.trim_end();
        if l.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(l);
    }
    out.trim().to_string()
}

/// The HTML of quoted history, where clients mark it: a blockquote, Gmail's quote div, Outlook's
/// reply header, a rule.
static HTML_QUOTE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?is)<(?:blockquote|div[^>]*class="[^"]*(?:gmail_quote|yahoo_quoted|protonmail_quote|moz-cite-prefix)|div[^>]*id="(?:divRplyFwdMsg|appendonsend|mail-editor-reference-message-container)"|hr\b)"#,
    )
});

/// The text of an HTML-only reply. Without our words to recognise, the client's quote markup ends it.
pub fn html_text(html: &str, ours: &Ours) -> String {
    let own = if ours.is_empty() {
        match HTML_QUOTE.find(html) {
            Some(m) => &html[..m.start()],
            None => html,
        }
    } else {
        html
    };
    super::html::to_text(own)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent() -> Vec<SentMessage> {
        vec![SentMessage {
            subject: "Acme Corp is close to its user and API limits: a few options".into(),
            text: "Hi Jennifer,\n\nI was reviewing the Acme Corp account this week and noticed your team is getting close to a few limits:\n\n- 98 of 100 licences in use\n- 85% of your monthly API allowance used in the last 30 days\n\nOption 1: Get more from what you have. 12 licences belong to people who have not been active in the last 30 days; I can help you review them and free some up.\n\nOption 2: Move to Enterprise.\n\nThere is no pressure at all. Would you have 20 minutes next week to talk about what makes sense for Acme Corp?\n\nBest,\nSarah Chen\nCustomer Success Manager\n".into(),
            html: None,
            from_name: "Sarah Chen".into(),
            from_email: "sarah@vendor.example".into(),
        }]
    }

    #[test]
    fn our_lines_go_whatever_the_client_did_to_them() {
        let ours = Ours::new(&sent());
        let body = "Nicht interessiert, danke.\n\nVon: Sarah Chen <sarah@vendor.example>\nGesendet: Dienstag, 24. November 2026 10:14\nAn: Jennifer Walsh\nBetreff: Acme Corp is close to its user and API limits: a few options\n\nHi Jennifer,\n\nI was reviewing the Acme Corp account this week and noticed your team\nis getting close to a few limits:\n\n• 98 of 100 licences in use\n\nOption 1: Get more from what you have. 12 licences belong to people who\nhave not been active in the last 30 days; I can help you review them and free some up.\n\nThere is no pressure at all. Would you have 20 minutes next week to talk about what makes sense for Acme Corp?\n\nBest,\nSarah Chen\n";
        let s = strip(body, &ours);
        assert_eq!(s.text, "Nicht interessiert, danke.");
        assert!(s.removed_ours);
    }

    #[test]
    fn a_reply_below_the_quote_and_inline_lines_stay_in_order() {
        let ours = Ours::new(&sent());
        let below = "On Tue, Nov 24, 2026 at 10:14 AM Sarah Chen <sarah@vendor.example>\nwrote:\n> Hi Jennifer,\n> Would you have 20 minutes next week to talk about what makes sense for Acme Corp?\n\nSure, Thursday works.\n\nSent from my desk at the lab";
        assert_eq!(strip(below, &ours).text, "Sure, Thursday works.\n\nSent from my desk at the lab");
        let inline = "> Option 1: Get more from what you have. 12 licences belong to people who have not been active in the last 30 days; I can help you review them and free some up.\nYes, please do that first.\n> Option 2: Move to Enterprise.\nNot this year.\n";
        assert_eq!(strip(inline, &ours).text, "Yes, please do that first.\nNot this year.");
    }

    #[test]
    fn nothing_left_keeps_the_original_and_says_so() {
        let ours = Ours::new(&sent());
        let s = strip("> Option 2: Move to Enterprise.\n", &ours);
        assert!(s.nothing_left);
        assert_eq!(s.text, "Option 2: Move to Enterprise.");
    }

    #[test]
    fn without_our_words_client_markers_still_end_the_reply() {
        let s = strip("Sounds good.\n\n*From:* Someone <x@y.example>\n*Sent:* Tuesday\nOld text", &Ours::default());
        assert_eq!(s.text, "Sounds good.");
        let s = strip("Ok\n\n-----Reply Message-----\nold", &Ours::default());
        assert_eq!(s.text, "Ok");
        assert_eq!(strip("Yes.\n\nSent from my iPhone", &Ours::default()).text, "Yes.");
    }
}
