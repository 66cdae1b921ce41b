//! Reading a reply the way a CSM would: drop the quoted history and the signature, then decide what the
//! customer said (positive, neutral, negative, or not a person at all: out of office, auto reply), with
//! the words that decided it. `wants_to_optimize` marks a reply that prefers the first option of the
//! introduction (get more from what they have) over growing.
//!
//! Rules, not a model: every decision can be traced to a phrase, and a CSM's correction becomes a test
//! case (see the corpus test and `GET /api/replies`).

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use time::{Date, Month};

/// What the reply says, in CS terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    Positive,
    Neutral,
    Negative,
    OutOfOffice,
    AutoReply,
}

impl Label {
    pub const ALL: [Label; 5] =
        [Label::Positive, Label::Neutral, Label::Negative, Label::OutOfOffice, Label::AutoReply];

    pub fn as_str(self) -> &'static str {
        match self {
            Label::Positive => "positive",
            Label::Neutral => "neutral",
            Label::Negative => "negative",
            Label::OutOfOffice => "out_of_office",
            Label::AutoReply => "auto_reply",
        }
    }

    /// Whether a person answered (out-of-office and auto replies are not responses).
    pub fn is_human(self) -> bool {
        matches!(self, Label::Positive | Label::Neutral | Label::Negative)
    }
}

impl std::str::FromStr for Label {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Label::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| format!("unknown label `{s}`: use positive, neutral, negative, out_of_office or auto_reply"))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    pub label: Label,
    /// Prefers option 1 (optimize what they have); only with positive or neutral.
    pub wants_to_optimize: bool,
    /// The words that decided the label, as the customer wrote them.
    pub phrase: Option<String>,
    /// The return date an out-of-office reply gave.
    pub ooo_until: Option<Date>,
    /// The words saying a meeting is booked ("I booked a slot", "see you Tuesday", an accepted invite),
    /// in a positive reply only.
    pub meeting: Option<String>,
}

/// Headers that mark machine-sent mail (RFC 3834 and the common vendor ones).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AutoHeaders {
    pub auto_submitted: Option<String>,
    pub precedence: Option<String>,
    pub x_autoreply: bool,
}

impl AutoHeaders {
    fn automatic(&self) -> bool {
        self.x_autoreply
            || self.auto_submitted.as_deref().is_some_and(|v| !v.trim().eq_ignore_ascii_case("no"))
            || self
                .precedence
                .as_deref()
                .is_some_and(|p| matches!(p.trim().to_ascii_lowercase().as_str(), "auto_reply" | "bulk" | "junk"))
    }
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| unreachable!("classifier pattern `{pattern}` is invalid: {e}"))
}

/// Lines where quoted history starts: attribution lines in several languages, Outlook's separators,
/// forwarded-message markers.
static QUOTE_START: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?im)^\s*(?:on\b.{0,200}\bwrote:|le\b.{0,200}\ba écrit\s?:|am\b.{0,200}\bschrieb\b.{0,100}:|el\b.{0,200}\bescribió:|il\b.{0,200}\bha scritto:|op\b.{0,200}\bschreef\b.{0,100}:|-{2,}\s*(?:original message|forwarded message|ursprüngliche nachricht|message d'origine|mensaje original)\s*-{2,}|_{8,}\s*$|begin forwarded message:|(?:from|von|de):\s.{1,200}\n(?:.*\n){0,3}?\s*(?:sent|date|gesendet|envoyé|enviado|datum):)",
    )
});
static SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?im)^(?:--\s*$|sent from my \w+|get outlook for \w+|von meinem \w+ gesendet|envoyé de mon \w+)")
});
static SIGN_OFF: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?im)^\s*(?:best|best regards|kind regards|regards|warm regards|many thanks|thanks|thank you|cheers|sincerely|all the best|talk soon|br|mit freundlichen grüßen|viele grüße|cordialement|saludos|un saludo)[,.!]?\s*$",
    )
});
/// The HTML of quoted history, where clients mark it.
static HTML_QUOTE: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"(?is)<(?:blockquote|div[^>]*class="[^"]*gmail_quote|div[^>]*id="(?:divRplyFwdMsg|appendonsend)"|hr\b)"#)
});

/// The reply's own words: quoted history, quote markers and the signature removed.
pub fn reply_text(body: &str) -> String {
    let body = body.replace("\r\n", "\n");
    let mut text = match QUOTE_START.find(&body) {
        Some(m) => body[..m.start()].to_string(),
        None => body.clone(),
    };
    text = text.lines().filter(|l| !l.trim_start().starts_with('>')).collect::<Vec<_>>().join("\n");
    if let Some(m) = SIGNATURE.find(&text) {
        text.truncate(m.start());
    }
    // A sign-off ends the message when words come before it ("Thanks" alone is the message).
    if let Some(m) = SIGN_OFF.find_iter(&text).find(|m| !text[..m.start()].trim().is_empty()) {
        text.truncate(m.start());
    }
    text.trim().to_string()
}

/// The reply's own words from an HTML-only message.
pub fn reply_text_from_html(html: &str) -> String {
    let own = match HTML_QUOTE.find(html) {
        Some(m) => &html[..m.start()],
        None => html,
    };
    reply_text(&mail_parser::decoders::html::html_to_text(own))
}

struct Rule {
    pattern: Regex,
}

fn rules(patterns: &[&str]) -> Vec<Rule> {
    patterns.iter().map(|p| Rule { pattern: re(&format!("(?i){p}")) }).collect()
}

fn first_match(rules: &[Rule], text: &str) -> Option<String> {
    rules.iter().filter_map(|r| r.pattern.find(text)).min_by_key(|m| m.start()).map(|m| m.as_str().trim().to_string())
}

static OUT_OF_OFFICE: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    rules(&[
        r"\bout of (?:the )?office\b",
        r"\bout-of-office\b",
        r"\bI(?:'m| am) (?:currently )?(?:away|out|travell?ing|on (?:annual |parental |sick )?leave|on vacation|on holiday|off)\b[^.\n]{0,60}\b(?:until|through|till|returning|back)\b",
        r"\b(?:on|from) (?:annual |parental |maternity |paternity |sick )?leave\b",
        r"\blimited (?:access to|availability on) (?:e-?mail|my inbox)\b",
        r"\baway from (?:the office|my desk|my inbox)\b",
        r"\bwill be back (?:on|in the office)\b",
        r"\babwesen(?:d|heit)",
        r"\bnicht im büro\b",
        r"\babsent(?:e)? du bureau\b",
        r"\bje suis absente?\b",
        r"\ben congés?\b",
        r"\bfuera de la oficina\b",
        r"\bestoy de vacaciones\b",
        r"\bfuori (?:sede|ufficio)\b",
        r"\bsono in ferie\b",
        r"\bniet op kantoor\b",
        r"\bafwezig\b",
    ])
});

static AUTO_REPLY: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    rules(&[
        r"\bautomatic reply\b",
        r"\bauto-?reply\b",
        r"\bthis is an automated (?:message|response|reply|email)\b",
        r"\bdo not reply to this (?:e-?mail|message)\b",
        r"\b(?:we have|we've) received your (?:e-?mail|message|request)\b",
        r"\bthank you for contacting\b",
        r"\bticket (?:#|number|no\.?)\s*\w+",
        r"\byour (?:request|message) has been received\b",
        r"\bdelivery status notification\b",
        r"\bundeliverable\b",
        r"\bmail delivery (?:failed|subsystem)\b",
        r"\bno longer (?:with|at) (?:the company|\w+)\b",
    ])
});

static NEGATIVE: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    rules(&[
        r"\bnot (?:really |at all )?interested\b",
        r"\bno interest\b",
        r"\bno budget\b",
        r"\b(?:don't|do not|doesn't|does not) have (?:the |any )?budget\b",
        r"\bbudget (?:is|has been|was) (?:frozen|cut|spent|gone)\b",
        r"\bnot in (?:the|our|this year's) budget\b",
        r"\bnot a priority\b",
        r"\bnot (?:looking|planning) to (?:expand|upgrade|add|grow|spend)\b",
        r"\b(?:we're|we are) (?:all )?(?:set|good) (?:for now|with what we have|thanks)\b",
        r"\bplease (?:remove|unsubscribe|stop)\b",
        r"\bunsubscribe\b",
        r"\bstop (?:e-?mailing|contacting|sending)\b",
        r"\bno,? thanks?\b",
        r"\bno,? thank you\b",
        r"\b(?:we'll|we will|going to|i'll) pass\b",
        r"\bpass on (?:this|that|it)\b",
        r"\b(?:cutting|scaling) back\b",
        r"\b(?:reduce|reducing|cut|cutting) (?:our |the )?(?:seats|licen[cs]es|spend)\b",
        r"\bdowngrad",
        r"\bnot for us\b",
        r"\bnot something we need\b",
        r"\b(?:happy|fine|content) with (?:what we have|our current (?:plan|setup|tier))\b",
        r"\bno need\b",
        r"\bnot going to (?:upgrade|expand|move)\b",
        r"\bcan't justify\b",
    ])
});

static LATER: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    rules(&[
        r"\blater (?:this|next) (?:year|quarter|month)\b",
        r"\bnext (?:quarter|year|month|fiscal)\b",
        r"\bin (?:a few|a couple of|two|three|2|3|6|six) (?:weeks|months)\b",
        r"\b(?:after|once) (?:the|our) (?:renewal|holidays|budget|planning|reorg|migration|launch|quarter)\b",
        r"\bnot (?:right )?now\b",
        r"\bnot the right time\b",
        r"\bcircle back\b",
        r"\brevisit\b",
        r"\bcheck back\b",
        r"\bfollow up (?:in|after|next)\b",
        r"\b(?:talk|revisit|reconnect|pick (?:this|it) up|come back to (?:this|it)|look at (?:this|it)|discuss) (?:again )?in (?:q[1-4]|january|february|march|april|may|june|july|august|september|october|november|december)\b",
        r"\bmaybe later\b",
        r"\btoo (?:busy|swamped)\b",
    ])
});

static FORWARD: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    rules(&[
        r"\b(?:forwarded|forwarding) (?:this |it |your (?:note|email) )?(?:on )?to\b",
        r"\b(?:i'll|i will|will) forward (?:this|it)\b",
        r"\bloop(?:ed|ing)? in\b",
        r"\bcc['’]?(?:ing|ed|'d)\b",
        r"\badding (?:my colleague|\w+ from|our)\b",
        r"\b(?:he|she|they)(?:'ll| will) (?:reach out|get back|be in touch|follow up)\b",
        r"\bpassing (?:this|it) (?:along|on) to\b",
        r"\bthe right person (?:is|would be)\b",
        r"\b(?:is|would be) the (?:right|best) person\b",
        r"\bowns (?:the )?(?:budget|this|that decision)\b",
    ])
});

static OPTIMIZE: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    rules(&[
        r"\boption (?:1|one|a)\b",
        r"\b(?:the )?first option\b",
        r"\boptimi[sz](?:e|ing|ation)\b",
        r"\bget more (?:value )?out of\b",
        r"\bmake (?:the most|better use|full use) of\b",
        r"\b(?:training|enablement|onboarding session)\b",
        r"\b(?:clean|cleaning) up (?:unused|inactive|idle) (?:seats|licen[cs]es|accounts)\b",
        r"\b(?:reclaim|reassign|free up) (?:unused |inactive |some )?(?:seats|licen[cs]es)\b",
        r"\bbefore (?:we )?(?:add|expand|upgrad|grow|buy)",
        r"\bwhat we (?:already )?have first\b",
        r"\b(?:current|existing) (?:plan|seats|setup|licen[cs]es) first\b",
        r"\bwalk(?: us)? through (?:what|how)\b",
    ])
});

static POSITIVE: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    rules(&[
        r"\blet['’]?s (?:talk|chat|connect|set (?:up )?(?:a )?(?:time|call|meeting)|schedule|find a time|do it|discuss|book|go|get (?:a|something) on the calendar|move forward|set something up)\b",
        r"\b(?:set|setting) up a (?:call|meeting|time|demo)\b",
        r"\bschedule (?:a|some) (?:call|meeting|time|demo)\b",
        r"\b(?:i(?:'ve| have)? |just )?(?:booked|grabbed|picked) (?:a |some )?(?:time|slot|call|meeting)\b",
        r"\bsent (?:you )?(?:a |an )?(?:calendar )?invite\b",
        r"\bsounds (?:good|great|interesting|promising|like a plan)\b",
        r"\b(?:we(?:'re| are)|i(?:'m| am)|definitely|very) interested\b",
        r"\binterested in (?:learning|hearing|talking|the|a|more|enterprise|upgrading|adding)\b",
        r"\b(?:send|share)(?: me| us| over)*(?: the| a| some)? (?:pricing|quote|proposal|numbers|costs?)\b",
        r"\bwhat (?:would|does|will) (?:it|that|this|the upgrade|enterprise|the \w+ plan) cost\b",
        r"\bhow much (?:would|does|will|is)\b",
        r"\bpricing\b",
        r"\bhappy to (?:chat|talk|meet|discuss|hop on|connect|set up)\b",
        r"\bwould love to\b",
        r"\b(?:yes|yep|yeah|absolutely|definitely)(?: please)?\b[.!]?",
        r"\bcount (?:me|us) in\b",
        r"\bgo ahead\b",
        r"\bkeen to\b",
        r"\b(?:tell me|learn) more\b",
        r"\b(?:are you|you) (?:free|available)\b",
        r"\b(?:does|would) (?:monday|tuesday|wednesday|thursday|friday|tomorrow|next week)\b[^?\n]{0,40}\bwork\b",
        r"\bworks for (?:me|us)\b",
        r"\bsign us up\b",
        r"\bready to (?:upgrade|move|expand|add)\b",
        r"\b(?:upgrade|move) us\b",
        r"\bcan we (?:get|add|upgrade|move)\b",
        r"\bmakes (?:a lot of |total )?sense\b",
        r"\bgreat timing\b",
        r"\bperfect timing\b",
        r"\bthat would help\b",
    ])
});

/// Decides the label of a reply's own words (see [`reply_text`]). `subject` helps recognise automatic
/// replies; `received` anchors a return date written without a year.
pub fn classify(text: &str, subject: &str, headers: &AutoHeaders, received: Date) -> Classification {
    let both = format!("{subject}\n{text}");
    let ooo = first_match(&OUT_OF_OFFICE, &both);
    if ooo.is_some() {
        return Classification {
            label: Label::OutOfOffice,
            wants_to_optimize: false,
            phrase: ooo,
            ooo_until: return_date(&both, received),
            meeting: None,
        };
    }
    let auto = first_match(&AUTO_REPLY, &both);
    if auto.is_some() || headers.automatic() {
        let phrase = auto.or_else(|| Some("Auto-Submitted header".to_string()));
        return Classification {
            label: Label::AutoReply,
            wants_to_optimize: false,
            phrase,
            ooo_until: None,
            meeting: None,
        };
    }
    let optimize = first_match(&OPTIMIZE, text);
    let negative = first_match(&NEGATIVE, text);
    let later = first_match(&LATER, text);
    let forward = first_match(&FORWARD, text);
    let positive = first_match(&POSITIVE, text);
    let (label, phrase) = match (negative, optimize.clone()) {
        // "No budget for more seats, but help us use what we have": a preference, not a no.
        (Some(_), Some(o)) => (Label::Neutral, Some(o)),
        (Some(n), None) => (Label::Negative, Some(n)),
        (None, _) => match (later, forward, positive) {
            (Some(l), _, _) => (Label::Neutral, Some(l)),
            (None, Some(f), _) => (Label::Neutral, Some(f)),
            (None, None, Some(p)) => (Label::Positive, Some(p)),
            (None, None, None) => match optimize.clone() {
                Some(o) => (Label::Neutral, Some(o)),
                None if text.contains('?') => {
                    (Label::Neutral, text.split_inclusive('?').next().map(|q| q.trim().to_string()))
                }
                None => (Label::Neutral, None),
            },
        },
    };
    let meeting = if label == Label::Positive {
        first_match(&MEETING, text).or_else(|| first_match(&ACCEPTED_INVITE, subject))
    } else {
        None
    };
    Classification { label, wants_to_optimize: optimize.is_some(), phrase, ooo_until: None, meeting }
}

/// A meeting that is booked, not just wished for.
static MEETING: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    rules(&[
        r"\b(?:i(?:'ve| have)? |just |we(?:'ve| have)? )?(?:booked|grabbed|picked|scheduled|reserved) (?:a |some |the )?(?:time|slot|call|meeting|demo)\b",
        r"\bsent (?:you )?(?:a |an )?(?:calendar )?invite\b",
        r"\bsee you (?:on |next |this )?(?:mon|tues|wednes|thurs|fri|satur|sun)day\b",
        r"\bsee you (?:tomorrow|next week|then)\b",
        r"\b(?:confirmed|booked|locked in) for (?:mon|tues|wednes|thurs|fri)day\b",
        r"\blooking forward to (?:our|the) (?:call|meeting|chat|demo) on\b",
    ])
});

/// The subject of a calendar acceptance.
static ACCEPTED_INVITE: LazyLock<Vec<Rule>> = LazyLock::new(|| rules(&[r"^(?:accepted|angenommen|accepté)\s*:"]));

static ISO_DATE: LazyLock<Regex> = LazyLock::new(|| re(r"\b(\d{4})-(\d{2})-(\d{2})\b"));
static NUMERIC_DATE: LazyLock<Regex> = LazyLock::new(|| re(r"\b(\d{1,2})([./])(\d{1,2})(?:[./](\d{2,4}))?\b"));
static MONTH_FIRST: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b([a-zéèûä]{3,10})\.? (\d{1,2})(?:st|nd|rd|th)?\b(?:,? (\d{4}))?"));
static DAY_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(\d{1,2})(?:st|nd|rd|th|er|\.|º)? (?:de |di )?([a-zéèûä]{3,10})\.?(?: (?:de )?(\d{4}))?\b")
});

fn month(name: &str) -> Option<Month> {
    let n = name.to_lowercase();
    let table: [(&[&str], Month); 12] = [
        (&["jan", "january", "januar", "janvier", "enero", "gennaio", "januari"], Month::January),
        (&["feb", "february", "februar", "février", "febrero", "febbraio", "februari"], Month::February),
        (&["mar", "march", "märz", "mars", "marzo", "maart"], Month::March),
        (&["apr", "april", "avril", "abril", "aprile"], Month::April),
        (&["may", "mai", "mayo", "maggio", "mei"], Month::May),
        (&["jun", "june", "juni", "juin", "junio", "giugno"], Month::June),
        (&["jul", "july", "juli", "juillet", "julio", "luglio"], Month::July),
        (&["aug", "august", "août", "agosto", "augustus"], Month::August),
        (&["sep", "sept", "september", "septembre", "septiembre", "settembre"], Month::September),
        (&["oct", "october", "oktober", "octobre", "octubre", "ottobre"], Month::October),
        (&["nov", "november", "novembre", "noviembre"], Month::November),
        (&["dec", "december", "dezember", "décembre", "diciembre", "dicembre"], Month::December),
    ];
    table.iter().find(|(names, _)| names.contains(&n.as_str())).map(|(_, m)| *m)
}

/// A date without a year is this year's, unless that is months past (then next year's): "back
/// January 8" written in November is next year, "out from 11/24" written on the 26th is this year.
fn dated(year: Option<i32>, month: Month, day: u8, received: Date) -> Option<Date> {
    match year {
        Some(y) => Date::from_calendar_date(if y < 100 { 2000 + y } else { y }, month, day).ok(),
        None => {
            let this = Date::from_calendar_date(received.year(), month, day).ok()?;
            if this >= received - time::Duration::days(60) {
                Some(this)
            } else {
                Date::from_calendar_date(received.year() + 1, month, day).ok()
            }
        }
    }
}

/// The return date of an out-of-office reply: the latest date it mentions that is not in the past.
pub fn return_date(text: &str, received: Date) -> Option<Date> {
    let mut dates = Vec::new();
    for c in ISO_DATE.captures_iter(text) {
        let (y, m, d) = (c[1].parse().ok(), c[2].parse::<u8>().ok(), c[3].parse::<u8>().ok());
        if let (Some(y), Some(m), Some(d)) = (y, m.and_then(|m| Month::try_from(m).ok()), d) {
            dates.extend(dated(Some(y), m, d, received));
        }
    }
    for c in NUMERIC_DATE.captures_iter(text) {
        let (a, sep, b) = (c[1].parse::<u8>().ok(), &c[2], c[3].parse::<u8>().ok());
        let year = c.get(4).and_then(|y| y.as_str().parse().ok());
        // "12/03" is American (month first); "03.12." is European (day first).
        let (m, d) = if sep == "/" { (a, b) } else { (b, a) };
        if let (Some(m), Some(d)) = (m.and_then(|m| Month::try_from(m).ok()), d) {
            dates.extend(dated(year, m, d, received));
        }
    }
    for c in MONTH_FIRST.captures_iter(text) {
        if let (Some(m), Ok(d)) = (month(&c[1]), c[2].parse::<u8>()) {
            dates.extend(dated(c.get(3).and_then(|y| y.as_str().parse().ok()), m, d, received));
        }
    }
    for c in DAY_FIRST.captures_iter(text) {
        if let (Ok(d), Some(m)) = (c[1].parse::<u8>(), month(&c[2])) {
            dates.extend(dated(c.get(3).and_then(|y| y.as_str().parse().ok()), m, d, received));
        }
    }
    dates.into_iter().filter(|d| *d >= received).max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_booked_meeting_is_told_from_a_wished_for_one() {
        let at = |text: &str, subject: &str| classify(text, subject, &AutoHeaders::default(), date!(2026 - 11 - 26));
        for (text, subject, words) in [
            ("Great, I booked a slot for Tuesday.", "Re: your licences", "I booked a slot"),
            ("Sounds good, see you Thursday!", "Re: x", "see you Thursday"),
            ("Let's talk. I've sent you an invite.", "Re: x", "sent you an invite"),
            ("Sounds great, looking forward to it.", "Accepted: Overture / Acme", "Accepted:"),
        ] {
            let c = at(text, subject);
            assert_eq!(c.label, Label::Positive, "{text}");
            assert_eq!(c.meeting.as_deref(), Some(words), "{text}");
        }
        for text in ["Let's find a time next week.", "Sounds good, send me some slots?", "Not now, see you next year."]
        {
            assert_eq!(at(text, "Re: x").meeting, None, "{text}: not booked yet, or not positive");
        }
    }

    #[test]
    fn quoted_history_and_signatures_are_removed() {
        let body = "Yes, let's talk next week.\n\nBest,\nJennifer\nVP Operations\n\nOn Tue, Nov 25, 2026 at 9:00 AM Sarah Chen <sarah@vendor.example> wrote:\n> Hi Jennifer,\n> not interested?";
        assert_eq!(reply_text(body), "Yes, let's talk next week.");
        let outlook = "Not now, thanks.\r\n\r\n________________________________\r\nFrom: Sarah Chen <sarah@vendor.example>\r\nSent: Tuesday\r\nSubject: Re: seats";
        assert_eq!(reply_text(outlook), "Not now, thanks.");
        assert_eq!(reply_text("Thanks!\n-- \nJ"), "Thanks!");
        let html = r#"<div dir="ltr">Sounds great &mdash; send pricing</div><div class="gmail_quote">On Tue wrote: not interested</div>"#;
        assert!(reply_text_from_html(html).starts_with("Sounds great"), "{}", reply_text_from_html(html));
        assert!(!reply_text_from_html(html).contains("interested"));
    }

    #[test]
    fn return_dates_in_several_forms() {
        let r = date!(2026 - 11 - 26);
        assert_eq!(return_date("I'm back on December 3rd.", r), Some(date!(2026 - 12 - 03)));
        assert_eq!(return_date("Zurück am 8. Januar", r), Some(date!(2027 - 01 - 08)));
        assert_eq!(return_date("de retour le 2 décembre 2026", r), Some(date!(2026 - 12 - 02)));
        assert_eq!(return_date("back 2026-12-10", r), Some(date!(2026 - 12 - 10)));
        assert_eq!(return_date("out from 11/24 to 12/01", r), Some(date!(2026 - 12 - 01)));
        assert_eq!(return_date("no date here", r), None);
    }

    #[test]
    fn labels_follow_the_deciding_phrase() {
        let d = date!(2026 - 11 - 26);
        let h = AutoHeaders::default();
        let c = classify("Not interested, thanks.", "Re: seats", &h, d);
        assert_eq!((c.label, c.phrase.as_deref()), (Label::Negative, Some("Not interested")));
        let c = classify("Option 1 sounds great, let's set up a call.", "Re: seats", &h, d);
        assert_eq!((c.label, c.wants_to_optimize), (Label::Positive, true));
        let c = classify("No budget for more seats, but can you help us reclaim unused seats?", "Re", &h, d);
        assert_eq!((c.label, c.wants_to_optimize), (Label::Neutral, true));
        let auto = AutoHeaders { auto_submitted: Some("auto-replied".into()), ..Default::default() };
        assert_eq!(classify("Thanks for your message.", "Re", &auto, d).label, Label::AutoReply);
        assert_eq!(classify("", "Out of Office: back Dec 3", &auto, d).ooo_until, Some(date!(2026 - 12 - 03)));
    }
}
