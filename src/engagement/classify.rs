//! Reading a reply the way a CSM would. By the time a reply reaches [`read`], its quoted history is gone
//! (see `quotes`: our own lines are removed by what we sent). Then, in order:
//!
//! 1. **Machines.** A bounce (a delivery status notification) is never a response. Headers
//!    (`Auto-Submitted`, `Precedence`, `X-Autoreply`), no-reply senders and the words of absence notices,
//!    ticket systems, unmonitored mailboxes and read receipts mark the rest, in seven languages.
//! 2. **Rules.** The lexicons (`lexicon`) find the meaning: "no problem" and "not against" are yes;
//!    a yes-word within reach of a negator is not; an unsubscribe is a refusal; a refusal that mentions a
//!    future time stays a refusal; with "but", what follows outweighs what came before ("not interested
//!    in Scale, but happy to go through the inactive seats" is a yes to option 1); a day and a time, a
//!    bare "Sure", "Option 2. Call me." are answers.
//! 3. **The model.** A naive Bayes model (`model`), trained on the corpus and the workspace's own
//!    corrections, weighs in: a little where the rules are sure, entirely where they found nothing.
//!    A reply a CSM already labelled (the same words) gets that label.
//! 4. **Confidence.** Every label carries one. Below [`UNCLEAR_BELOW`] the reply is `unclear`: it sets
//!    no response, starts no handoff, webhook or suppression, and counts nowhere until a person labels it.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use time::Date;

use super::lexicon::{self as lx, fold_mapped};
use super::machine::{self, Bounce};
use super::model::{Model, LABELS};

/// A label below this confidence is not trusted: the reply waits for a person.
pub const UNCLEAR_BELOW: f64 = 0.5;

/// What the reply says, in CS terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    Positive,
    Neutral,
    Negative,
    OutOfOffice,
    AutoReply,
    /// A delivery failure notice: not a response.
    Bounce,
    /// Not sure enough: waits for a person's label.
    Unclear,
}

impl Label {
    pub const ALL: [Label; 7] = [
        Label::Positive,
        Label::Neutral,
        Label::Negative,
        Label::OutOfOffice,
        Label::AutoReply,
        Label::Bounce,
        Label::Unclear,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Label::Positive => "positive",
            Label::Neutral => "neutral",
            Label::Negative => "negative",
            Label::OutOfOffice => "out_of_office",
            Label::AutoReply => "auto_reply",
            Label::Bounce => "bounce",
            Label::Unclear => "unclear",
        }
    }

    /// Whether a person answered (out-of-office and auto replies, bounces and unclear replies are not
    /// responses).
    pub fn is_human(self) -> bool {
        matches!(self, Label::Positive | Label::Neutral | Label::Negative)
    }
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Label {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Label::ALL.into_iter().find(|l| l.as_str() == s).ok_or_else(|| {
            format!(
                "unknown label `{s}`: use positive, neutral, negative, out_of_office, auto_reply, bounce or unclear"
            )
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    /// The label that counts: `unclear` when the confidence is below [`UNCLEAR_BELOW`].
    pub label: Label,
    /// The best guess, also when the label is `unclear` (what the review queue suggests).
    pub suggested: Label,
    /// How sure the reading is, 0 to 1.
    pub confidence: f64,
    /// Chose option 1 (get more from what they have).
    pub wants_to_optimize: bool,
    /// Chose option 2 (grow: more licences, a higher plan).
    pub wants_upgrade: bool,
    /// Asked not to be written to again.
    pub unsubscribe: bool,
    /// The words that decided the label, as the customer wrote them.
    pub phrase: Option<String>,
    /// The return date an out-of-office reply gave.
    pub ooo_until: Option<Date>,
    /// The words saying a meeting is booked, in a positive reply only.
    pub meeting: Option<String>,
    /// The language of the reply's own words (ISO 639-1), when it can be told.
    pub language: Option<&'static str>,
    pub bounce: Option<Bounce>,
    /// Quote removal left nothing, so the whole message was read (and the confidence lowered).
    pub nothing_left: bool,
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

/// A reply ready to read.
#[derive(Debug, Clone, Copy)]
pub struct Reply<'a> {
    /// The reply's own words (quotes removed).
    pub text: &'a str,
    pub subject: &'a str,
    pub from_email: &'a str,
    pub headers: &'a AutoHeaders,
    pub received: Date,
    pub nothing_left: bool,
    pub bounce: Option<&'a Bounce>,
}

/// Decides the label of a reply's own words with the built-in model. `subject` helps recognise
/// automatic replies; `received` anchors a return date written without a year.
pub fn classify(text: &str, subject: &str, headers: &AutoHeaders, received: Date) -> Classification {
    static BUILTIN: LazyLock<Model> = LazyLock::new(Model::builtin);
    let reply = Reply { text, subject, from_email: "", headers, received, nothing_left: false, bounce: None };
    read(&reply, &BUILTIN)
}

/// Reads a reply: machine or person, what the person said, how sure, and the details (option chosen,
/// unsubscribe, meeting, return date).
pub fn read(reply: &Reply<'_>, model: &Model) -> Classification {
    let (folded, map) = fold_mapped(reply.text);
    let quote = |m: regex::Match<'_>| reply.text[map[m.start()]..map[m.end()]].trim().to_string();
    let language = language(reply.text);
    let mut c = Classification {
        label: Label::Neutral,
        suggested: Label::Neutral,
        confidence: 0.0,
        wants_to_optimize: false,
        wants_upgrade: false,
        unsubscribe: false,
        phrase: None,
        ooo_until: None,
        meeting: None,
        language,
        bounce: reply.bounce.cloned(),
        nothing_left: reply.nothing_left,
    };
    if let Some(b) = reply.bounce {
        c.phrase = Some(format!("delivery failed: {}", b.status));
        return c.decided(Label::Bounce, 0.99);
    }
    let subject = lx::fold(reply.subject);
    let both = format!("{subject}\n{folded}");
    let meaning = Meaning::of(&folded);
    let person_speaks = meaning.accept.is_some() || meaning.refusal.is_some() || meaning.unsubscribe.is_some();
    let automatic = reply.headers.automatic() || machine::no_reply_sender(reply.from_email);
    let auto_subject = machine::AUTO_SUBJECT.find(&subject);
    let day_first = language.unwrap_or("en") != "en" || european(reply.from_email);
    let return_date = super::dates::return_date(&both, reply.received, day_first);
    // A person who says they are away and will look at it later is answering, not a notice.
    let marks = return_date.is_some() || machine::ABSENCE_MARKS.is_match(&folded);
    let talking = person_speaks
        || ((meaning.consider.is_some() || meaning.question) && !machine::ABSENCE_MARKS.is_match(&folded));
    let notice = automatic || auto_subject.is_some();
    // A person asking a question ("some colleagues are on parental leave: which 12 users?") is not an
    // absence notice, unless the notice's own marks are there too.
    let ooo = machine::OUT_OF_OFFICE
        .find(&both)
        .filter(|_| notice || (!person_speaks && (!meaning.question || marks)))
        .or_else(|| {
            // Absence words a person might write count only with an absence notice's other marks.
            machine::ABSENCE_HINT.find(&both).filter(|_| marks && !talking)
        });
    if let Some(m) = ooo {
        c.ooo_until = return_date;
        c.phrase = Some(m.as_str().trim().to_string());
        return c.decided(Label::OutOfOffice, if automatic { 0.97 } else { 0.9 });
    }
    let auto = machine::AUTO_REPLY.find(&both).filter(|_| !person_speaks).or(auto_subject);
    if automatic || auto.is_some() {
        c.phrase = auto.map(|m| m.as_str().trim().to_string()).or_else(|| Some("automatic reply headers".into()));
        return c.decided(Label::AutoReply, if automatic { 0.97 } else { 0.88 });
    }

    c.wants_to_optimize = meaning.option_one.is_some() || (meaning.optimize.is_some() && meaning.option_two.is_none());
    c.wants_upgrade = meaning.option_two.is_some() || (meaning.upgrade.is_some() && meaning.option_one.is_none());
    c.unsubscribe = meaning.unsubscribe.is_some();
    let (rule, strength, phrase) = meaning.decide(&folded);
    c.phrase = phrase.map(quote);
    if let Some(label) = model.recall(reply.text) {
        c.phrase = c.phrase.or_else(|| Some("the same words as a reply a CSM labelled".into()));
        return c.decided(label, 0.95).details(&folded, reply.subject, quote);
    }
    let learned = model.predict(reply.text);
    let mut p = [0.0f64; 5];
    match rule {
        Some(label) => {
            // The rules' label at their strength, the rest spread over the other people's labels.
            let w = model.blend;
            for (k, l) in LABELS.iter().enumerate() {
                let r = if *l == label {
                    strength
                } else if l.is_human() {
                    (1.0 - strength) / 2.0
                } else {
                    0.0
                };
                p[k] = (1.0 - w) * r + w * learned[k];
            }
        }
        None => {
            // Nothing the rules know: the model alone, discounted (see `model::NO_RULE_SCALE`).
            for (k, v) in p.iter_mut().enumerate() {
                *v = learned[k] * model.no_rule_scale[k];
            }
            // Questions with no yes in them ask before deciding: a lean toward yes is not enough.
            if meaning.question && model.corrections() == 0 {
                p[0] *= 0.9;
            }
        }
    }
    let (k, confidence) = p.iter().copied().enumerate().fold((0, 0.0), |b, (k, v)| if v > b.1 { (k, v) } else { b });
    let label = LABELS[k];
    if c.phrase.is_none() && rule.is_none() {
        c.phrase = Some("no rule matched: the model's reading".into());
    }
    let confidence = if reply.nothing_left { confidence.min(0.45) } else { confidence };
    c.decided(label, confidence).details(&folded, reply.subject, quote)
}

impl Classification {
    fn decided(mut self, label: Label, confidence: f64) -> Classification {
        self.suggested = label;
        self.confidence = (confidence * 1000.0).round() / 1000.0;
        self.label = if confidence < UNCLEAR_BELOW { Label::Unclear } else { label };
        if !matches!(label, Label::Positive | Label::Neutral) {
            self.wants_to_optimize = false;
            self.wants_upgrade = false;
        }
        if label != Label::Negative {
            self.unsubscribe = false;
        }
        self
    }

    /// The meeting a positive reply says is booked.
    fn details<'t>(
        mut self,
        folded: &'t str,
        subject: &str,
        quote: impl Fn(regex::Match<'t>) -> String,
    ) -> Classification {
        if self.suggested == Label::Positive {
            self.meeting = lx::MEETING
                .find(folded)
                .map(quote)
                .or_else(|| ACCEPTED_INVITE.find(subject).map(|m| m.as_str().trim().to_string()));
        }
        self
    }
}

/// The subject of a calendar acceptance.
static ACCEPTED_INVITE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:accepted|angenommen|accepté|aceptado|accettato|geaccepteerd|aceito)\s*:")
        .unwrap_or_else(|e| unreachable!("{e}"))
});

/// Which categories of meaning a reply holds, and where.
struct Meaning<'t> {
    accept: Option<regex::Match<'t>>,
    /// A yes-word said of an answer ("Sure", "Thursday 2pm works", "Option 2"), not just polite interest.
    strong_accept: bool,
    /// A day and a time offered or accepted (opening hours are not).
    time_offer: Option<regex::Match<'t>>,
    refusal: Option<regex::Match<'t>>,
    unsubscribe: Option<regex::Match<'t>>,
    defer: Option<regex::Match<'t>>,
    later_date: Option<regex::Match<'t>>,
    thanks: Option<regex::Match<'t>>,
    consider: Option<regex::Match<'t>>,
    delegate: Option<regex::Match<'t>>,
    price_question: Option<regex::Match<'t>>,
    approval: Option<regex::Match<'t>>,
    /// A yes said in words, a day and a time, or "no problem" (not only an option or a plan named).
    said_yes: bool,
    /// Every yes-word said (not negated).
    yeses: Vec<regex::Match<'t>>,
    option_one: Option<regex::Match<'t>>,
    option_two: Option<regex::Match<'t>>,
    optimize: Option<regex::Match<'t>>,
    upgrade: Option<regex::Match<'t>>,
    bare_no: Option<regex::Match<'t>>,
    /// Where the last "but" turns the reply.
    turn: Option<usize>,
    question: bool,
}

static WEAK_ACCEPT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:yes|yeah|yep|yup|oui|sim|ja|sounds (?:interesting|promising|reasonable)|looks (?:interesting|promising)|interesting|makes (?:a lot of |total |perfect )?sense|interessant|(?:great|good|perfect) timing|keen|(?:klingt|hort sich) (?:interessant|spannend)|suena interesante|me parece interesante|mi sembra interessante|parece interessante|klinkt interessant|(?:ca|cela) (?:m'|nous )?interesse)$")
        .unwrap_or_else(|e| unreachable!("{e}"))
});

fn negated(text: &str, at: usize) -> bool {
    // The three words before `at`.
    let before = &text[..at];
    let start = before.char_indices().rev().filter(|(_, c)| c.is_whitespace()).nth(3).map_or(0, |(i, _)| i);
    let window = &before[start..];
    // A sentence boundary ends the reach of a negator.
    let window = window.rsplit(['.', '!', '?', ';', '\n']).next().unwrap_or(window);
    lx::NEGATOR.is_match(window)
}

impl<'t> Meaning<'t> {
    fn of(text: &'t str) -> Meaning<'t> {
        // "No problem", "not against": yes-phrases that would otherwise read as refusals.
        let negated_no = lx::NEGATED_NO.find(text);
        let no_call = lx::NO_CALL_NEEDED.find(text);
        let overlaps = |a: &regex::Match<'_>, b: &regex::Match<'_>| a.start() < b.end() && b.start() < a.end();
        let masked = |m: &regex::Match<'_>| {
            negated_no.is_some_and(|n| overlaps(m, &n)) || no_call.is_some_and(|n| overlaps(m, &n))
        };
        let refusals: Vec<regex::Match<'_>> = lx::REFUSAL.find_iter(text).filter(|m| !masked(m)).collect();
        let refusal = refusals.first().copied();
        let unsubscribe = lx::UNSUBSCRIBE.find(text);
        let bare_yes = lx::BARE_YES.find(text);
        // Opening hours name days and times too, but offer nothing.
        let time_offer =
            lx::TIME_OFFER.find(text).filter(|m| !machine::OPENING_HOURS.is_match(text) && !written_as_date(text, *m));
        let option_one = lx::OPTION_ONE.find(text);
        let option_two = lx::OPTION_TWO.find(text);
        let mut accept = None;
        let mut strong = false;
        let mut yeses = Vec::new();
        for m in lx::ACCEPT.find_iter(text) {
            // "Please do not schedule a call" holds "please do", but says no.
            if masked(&m) || negated(text, m.start()) || refusals.iter().any(|r| overlaps(&m, r)) {
                continue;
            }
            strong |= !WEAK_ACCEPT.is_match(m.as_str().trim());
            yeses.push(m);
            accept.get_or_insert(m);
        }
        // A negator before "interested" etc. without its own refusal pattern still says no.
        let refusal = refusal.or_else(|| {
            lx::ACCEPT
                .find_iter(text)
                .find(|m| !masked(m) && negated(text, m.start()) && m.as_str().contains("interes"))
        });
        let said_yes = strong || negated_no.is_some() || bare_yes.is_some() || time_offer.is_some();
        let upgrade = lx::UPGRADE.find_iter(text).find(|m| !negated(text, m.start()));
        // "Does a move to Enterprise restart the contract?" asks; it does not choose.
        let chosen_upgrade = upgrade.filter(|_| !text.contains('?'));
        for m in [negated_no, bare_yes, time_offer, option_one, option_two, chosen_upgrade].into_iter().flatten() {
            strong = true;
            if accept.is_none_or(|a| m.start() < a.start()) {
                accept = Some(m);
            }
        }
        let turn = lx::CONTRAST.find_iter(text).last().map(|m| m.start());
        Meaning {
            accept,
            strong_accept: strong,
            time_offer,
            refusal,
            unsubscribe,
            defer: lx::DEFER.find(text),
            later_date: lx::LATER_DATE.find(text),
            thanks: lx::BARE_THANKS.find(text),
            consider: lx::CONSIDER.find(text),
            delegate: lx::DELEGATE.find(text),
            price_question: lx::PRICE_QUESTION.find(text),
            approval: lx::APPROVAL.find(text),
            said_yes,
            yeses,
            option_one,
            option_two,
            optimize: lx::OPTIMIZE.find_iter(text).find(|m| !negated(text, m.start())),
            upgrade,
            bare_no: lx::BARE_NO.find(text),
            turn,
            question: text.contains('?'),
        }
    }

    /// The rules' label, how strong, and the deciding words; `None` when no rule speaks.
    fn decide(&self, text: &'t str) -> (Option<Label>, f64, Option<regex::Match<'t>>) {
        use Label::{Negative, Neutral, Positive};
        if let Some(u) = self.unsubscribe {
            return (Some(Negative), 0.95, Some(u));
        }
        // "Enterprise is not for us now, but the inactive seats, yes": a yes to option 1.
        if let Some(t) = self.turn {
            let held_back = [self.refusal, self.defer, self.later_date].into_iter().flatten().any(|m| m.start() < t);
            let then_optimize = self.option_one.or(self.optimize).filter(|o| o.start() > t);
            if let (true, Some(o)) = (held_back, then_optimize) {
                if !self.question || self.accept.is_some_and(|a| a.start() > t) {
                    return (Some(Positive), 0.75, Some(o));
                }
            }
        }
        match (self.refusal, self.accept) {
            (Some(r), Some(a)) => {
                // With "but", what follows the turn outweighs what came before.
                match self.turn {
                    Some(t) if a.start() > t && r.start() < t => (Some(Positive), 0.8, Some(a)),
                    Some(t) if r.start() > t && a.start() < t => (Some(Negative), 0.8, Some(r)),
                    _ if self.option_one.is_some() || (self.optimize.is_some() && self.strong_accept) => {
                        (Some(Positive), 0.7, Some(a))
                    }
                    _ if self.said_yes && no_to_growth_yes_to_the_rest(text, r, &self.yeses) => {
                        (Some(Positive), 0.72, Some(a))
                    }
                    // An inline "no need, thanks" to one question and "Thursday from 2pm" to another.
                    _ if self
                        .time_offer
                        .is_some_and(|t| !std::ptr::eq(sentence_at(text, t.start()), sentence_at(text, r.start()))) =>
                    {
                        (Some(Positive), 0.72, Some(a))
                    }
                    // "Add the 20. No call needed, just send the order form."
                    _ if (self.option_one.is_some() || self.option_two.is_some() || self.upgrade.is_some())
                        && lx::NO_CALL_NEEDED.is_match(sentence_at(text, r.start())) =>
                    {
                        (Some(Positive), 0.75, Some(a))
                    }
                    _ => (Some(Negative), 0.72, Some(r)),
                }
            }
            // "No budget for more seats, but could you help us reclaim unused ones?": a yes to option 1.
            (Some(r), None)
                if self.turn.is_some_and(|t| r.start() < t && self.optimize.is_some_and(|o| o.start() > t)) =>
            {
                (Some(Positive), 0.7, self.optimize)
            }
            // A refusal stays a refusal, whatever time it mentions.
            (Some(r), None) => (Some(Negative), if self.question { 0.8 } else { 0.9 }, Some(r)),
            (None, Some(a)) => {
                let holds_off = self
                    .defer
                    .filter(|d| self.turn.is_none_or(|t| d.start() > t || a.start() < t))
                    .filter(|d| !(self.said_yes && no_to_growth_yes_to_the_rest(text, *d, &self.yeses)));
                // "Interesting, but let's revisit in Q2": a deferral. A day and a time are not.
                // An option chosen is an answer even when the other one is put off ("option 1 now, Enterprise later").
                let chose = self.option_one.is_some() || self.option_two.is_some() || self.upgrade.is_some();
                // ...unless the option itself is put off after a "but" ("why not the 20 licences, but our
                // budget is voted in mid-January: chase me then").
                let chose =
                    chose && !self.turn.is_some_and(|t| holds_off.is_some_and(|d| d.start() > t) && a.start() < t);
                let answered = chose || self.time_offer.is_some() || lx::MEETING.is_match(text);
                if let Some(d) = holds_off.filter(|_| !answered) {
                    return (Some(Neutral), 0.7, Some(d));
                }
                // "A move to Enterprise needs our finance committee's sign-off", "sounds great, let me run it
                // past the team", "definitely, I've forwarded this to Marcus": not yet a yes, unless a
                // time, an option or someone to set up the call comes with it.
                let settled = answered
                    || lx::HOUR.is_match(text)
                    || lx::SCHEDULING.is_match(text)
                    || lx::QUOTE_REQUEST.is_match(text);
                if let Some(n) = self.approval.filter(|_| !settled) {
                    return (Some(Neutral), 0.7, Some(n));
                }
                // Thinking it over after the yes ("sounds great! let me run it past the team"), or passing
                // it on instead of answering ("definitely, I've forwarded this to Marcus"); copying a
                // colleague in while saying yes is still a yes.
                // (Naming who joins, "con mi gerente", "mit dem Team", is not thinking it over.)
                let thinking = self.consider.filter(|c| {
                    c.start() > a.start() && !["con ", "mit ", "im ", "met "].iter().any(|p| c.as_str().starts_with(p))
                });
                let passed_on = self.delegate.filter(|d| FORWARDED.is_match(d.as_str()));
                if let Some(n) = thinking.or(passed_on).filter(|_| self.strong_accept && !settled) {
                    return (Some(Neutral), 0.66, Some(n));
                }
                // "Let's talk after the holidays", "contact me from 11 January": a yes put off.
                let put_off = lx::LATER_DATE.find_iter(text).find(|d| same_sentence_near(text, a, *d));
                if let Some(n) = put_off.filter(|_| !settled) {
                    return (Some(Neutral), 0.68, Some(n));
                }
                if !self.strong_accept {
                    if let Some(n) = self.consider.or(self.delegate).or(self.later_date) {
                        return (Some(Neutral), 0.65, Some(n));
                    }
                    if let Some(p) = self.price_question {
                        // "Perfect timing. How much would the next tier be?": interest and a price asked.
                        return (Some(Positive), 0.7, Some(p));
                    }
                    if self.question {
                        // "Yes, that's us on the API. Do retries count?": a fact confirmed, a question asked.
                        return (Some(Neutral), 0.6, Some(a));
                    }
                    if self.question && self.optimize.is_some() {
                        return (Some(Neutral), 0.6, self.optimize);
                    }
                    return (Some(Positive), 0.7, Some(a));
                }
                (Some(Positive), 0.88, Some(a))
            }
            (None, None) => {
                if let Some(n) = self.bare_no {
                    return (Some(Negative), 0.85, Some(n));
                }
                if let Some(n) = self.approval {
                    return (Some(Neutral), 0.75, Some(n));
                }
                if let Some(n) = self.defer.or(self.delegate).or(self.consider).or(self.thanks) {
                    return (Some(Neutral), 0.8, Some(n));
                }
                if let Some(p) = self.price_question {
                    // "What would 20 more run us?": a question before any yes.
                    return (Some(Neutral), 0.7, Some(p));
                }
                if let Some(u) = self.upgrade {
                    // "We want to add the 20 licences. How do we proceed?"
                    return (Some(Positive), 0.72, Some(u));
                }
                if let Some(o) = self.optimize {
                    // A question about the inactive seats is not yet a yes; "free up the 17, please" is.
                    return if self.question { (Some(Neutral), 0.62, Some(o)) } else { (Some(Positive), 0.7, Some(o)) };
                }
                (None, 0.0, None)
            }
        }
    }
}

/// "Dienstag, 1.12." is a date, not ten past one: a day and a month with a closing dot.
fn written_as_date(text: &str, m: regex::Match<'_>) -> bool {
    static DATE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b(\d{1,2})\.(\d{1,2})\.(?:[^\d]|$)").unwrap_or_else(|e| unreachable!("{e}")));
    let end = text.ceil_char_boundary((m.end() + 2).min(text.len()));
    DATE.captures(&text[m.start()..end]).is_some_and(|c| {
        let (day, month) = (c[1].parse::<u8>().unwrap_or(0), c[2].parse::<u8>().unwrap_or(0));
        (1..=31).contains(&day) && (1..=12).contains(&month)
    })
}

/// The sentence (or line) around `at`.
fn sentence_at(text: &str, at: usize) -> &str {
    let is_end = |c: char| matches!(c, '.' | '!' | '?' | '\n' | ';');
    let start = text[..at].rfind(is_end).map_or(0, |i| i + 1);
    let end = text[at..].find(is_end).map_or(text.len(), |i| at + i);
    &text[start..end]
}

/// Forwarding, as opposed to copying someone in.
static FORWARDED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"forward|passing|passed|transf|transm|reenv|inoltr|doorgestuur|stuur|encaminh|weitergeleit|leite")
        .unwrap_or_else(|e| unreachable!("{e}"))
});

/// The growth option named: the higher plan, more licences, option 2.
static UPGRADE_TOPIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:enterprise|scale|professional|premium|upgrade|upgraden|higher plan|(?:more|extra|additional|mehr|zusatzliche|plus de|mas|piu|meer|mais) (?:licen[cs]es|seats|lizenzen|licencias|licenze|licenties|licencas)|option 2|optie 2|opcion 2|opzione 2|opcao 2)\b")
        .unwrap_or_else(|e| unreachable!("{e}"))
});

/// "Enterprise, not now. The inactive licences, yes: book a call": the no is said of the growth option
/// in its own sentence, and a yes-word stands in another sentence that does not name it.
fn no_to_growth_yes_to_the_rest(text: &str, no: regex::Match<'_>, accepts: &[regex::Match<'_>]) -> bool {
    let no_sentence = sentence_at(text, no.start());
    UPGRADE_TOPIC.is_match(no_sentence)
        && accepts.iter().any(|a| {
            let yes_sentence = sentence_at(text, a.start());
            !std::ptr::eq(yes_sentence, no_sentence) && !UPGRADE_TOPIC.is_match(yes_sentence)
        })
}

/// Whether a later date is said of the yes itself: in its sentence, within a few words of it ("let's
/// talk after the holidays", "sentiamoci dopo la Befana"), not a month named elsewhere as context.
fn same_sentence_near(text: &str, yes: regex::Match<'_>, date: regex::Match<'_>) -> bool {
    let (from, to) = if date.start() >= yes.end() { (yes.end(), date.start()) } else { (date.end(), yes.start()) };
    let between = &text[from.min(to)..to.max(from)];
    between.len() <= 40 && !between.contains(['.', '!', '?', '\n', ';'])
}

/// The language of a reply's own words, among those Overture reads.
pub fn language(text: &str) -> Option<&'static str> {
    use whatlang::Lang;
    static DETECTOR: LazyLock<whatlang::Detector> = LazyLock::new(|| {
        whatlang::Detector::with_allowlist(vec![
            Lang::Eng,
            Lang::Deu,
            Lang::Fra,
            Lang::Spa,
            Lang::Ita,
            Lang::Nld,
            Lang::Por,
            Lang::Pol,
            Lang::Swe,
            Lang::Dan,
            Lang::Nob,
        ])
    });
    let info = DETECTOR.detect(text)?;
    if text.split_whitespace().count() < 3 && info.confidence() < 0.5 {
        return None;
    }
    Some(match info.lang() {
        Lang::Eng => "en",
        Lang::Deu => "de",
        Lang::Fra => "fr",
        Lang::Spa => "es",
        Lang::Ita => "it",
        Lang::Nld => "nl",
        Lang::Por => "pt",
        Lang::Pol => "pl",
        Lang::Swe => "sv",
        Lang::Dan => "da",
        Lang::Nob => "no",
        _ => return None,
    })
}

/// Whether an address looks European (numeric dates are then day first, even in English).
fn european(email: &str) -> bool {
    let tld = email.rsplit('.').next().unwrap_or("").to_lowercase();
    matches!(
        tld.as_str(),
        "uk" | "ie"
            | "de"
            | "fr"
            | "es"
            | "it"
            | "nl"
            | "be"
            | "pt"
            | "ch"
            | "at"
            | "se"
            | "dk"
            | "no"
            | "fi"
            | "pl"
            | "eu"
            | "au"
            | "nz"
            | "in"
            | "br"
            | "mx"
            | "ar"
            | "za"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn at(text: &str) -> Classification {
        classify(text, "Re: your licences", &AutoHeaders::default(), date!(2026 - 11 - 26))
    }

    #[test]
    fn a_booked_meeting_is_told_from_a_wished_for_one() {
        for (text, subject, words) in [
            ("Great, I booked a slot for Tuesday.", "Re: your licences", "booked a slot"),
            ("Sounds good, see you Thursday!", "Re: x", "see you Thursday"),
            ("Let's talk. I've sent you an invite.", "Re: x", "sent you an invite"),
            ("Sounds great, looking forward to it.", "Accepted: Overture / Acme", "Accepted:"),
        ] {
            let c = classify(text, subject, &AutoHeaders::default(), date!(2026 - 11 - 26));
            assert_eq!(c.label, Label::Positive, "{text}");
            assert!(c.meeting.as_deref().is_some_and(|m| m.contains(words)), "{text}: {:?}", c.meeting);
        }
        for text in ["Let's find a time next week.", "Sounds good, send me some slots?", "Not now, see you next year."]
        {
            assert_eq!(at(text).meeting, None, "{text}: not booked yet, or not positive");
        }
    }

    #[test]
    fn negation_contrast_and_refusals_with_dates() {
        for (text, label) in [
            ("Not interested, thanks.", Label::Negative),
            ("Not against a call.", Label::Positive),
            ("No problem, let's talk.", Label::Positive),
            ("Sure", Label::Positive),
            ("Thursday 2pm works", Label::Positive),
            ("Option 2. Call me.", Label::Positive),
            ("We're moving to another vendor next quarter.", Label::Negative),
            ("Headcount is going down next year, so please don't book anything.", Label::Negative),
            ("Please take me off this list.", Label::Negative),
            ("I'll discuss it with the team.", Label::Neutral),
            ("Not interested in Scale, but happy to go through the inactive seats on a call.", Label::Positive),
            ("Kein Interesse, danke.", Label::Negative),
            ("Gerne, passt mir Donnerstag um 14 Uhr.", Label::Positive),
            ("Pas de problème, on peut en parler jeudi.", Label::Positive),
            ("No nos interesa por ahora.", Label::Negative),
            ("Sim, pode ser na quinta às 14h.", Label::Positive),
            ("Graag, laten we bellen.", Label::Positive),
            ("Va bene, sentiamoci giovedì.", Label::Positive),
        ] {
            assert_eq!(at(text).label, label, "{text}: {:?}", at(text));
        }
        let c = at("Not interested in Scale, but happy to go through the inactive seats on a call.");
        assert!(c.wants_to_optimize);
        assert!(at("Option 2. Call me.").wants_upgrade);
        assert!(at("Please take me off this list.").unsubscribe);
    }

    #[test]
    fn machines_without_headers_are_not_people() {
        for text in [
            "Thank you for contacting support. Your request #48213 has been received.",
            "This mailbox is not monitored. Please do not reply to this email.",
        ] {
            assert_eq!(at(text).label, Label::AutoReply, "{text}");
        }
        // "Dienstag, 1.12." is a return date, not a time offered.
        let c = at("Ich bin auf einer Konferenz und ab Dienstag, 1.12., wieder erreichbar.");
        assert_eq!((c.label, c.ooo_until), (Label::OutOfOffice, Some(date!(2026 - 12 - 01))), "{c:?}");
        assert_eq!(at("Gerne, Dienstag um 10.30 passt mir.").label, Label::Positive);
        let c = at("OOO, back 2026-12-01");
        assert_eq!((c.label, c.ooo_until), (Label::OutOfOffice, Some(date!(2026 - 12 - 01))));
        let c = classify(
            "Je suis absente, de retour le lundi 07/12.",
            "Absence",
            &AutoHeaders::default(),
            date!(2026 - 11 - 26),
        );
        assert_eq!((c.label, c.ooo_until), (Label::OutOfOffice, Some(date!(2026 - 12 - 07))));
        let auto = AutoHeaders { auto_submitted: Some("auto-replied".into()), ..Default::default() };
        assert_eq!(classify("Thanks for your message.", "Re", &auto, date!(2026 - 11 - 26)).label, Label::AutoReply);
    }

    #[test]
    fn every_label_carries_a_confidence_and_doubt_is_unclear() {
        let c = at("Yes, let's talk next week.");
        assert!(c.confidence >= 0.8, "{c:?}");
        let c = read(
            &Reply {
                text: "Hi Sarah, see the attached.",
                subject: "Re: x",
                from_email: "a@b.example",
                headers: &AutoHeaders::default(),
                received: date!(2026 - 11 - 26),
                nothing_left: true,
                bounce: None,
            },
            &Model::builtin(),
        );
        assert_eq!(c.label, Label::Unclear, "{c:?}");
        assert!(c.confidence < UNCLEAR_BELOW);
    }
}
