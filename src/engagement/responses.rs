//! One path for every reply, whatever brought it (inbound webhook, Gmail, IMAP): parse, match to the
//! introduction it answers, classify, store, and apply what the response means for the opportunity.
//! A CSM's own record of a response (`POST /api/opportunities/:id/response`) applies the same effects.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};
use time::{Date, Duration as TimeDuration, OffsetDateTime, Weekday};

use super::classify::{self, AutoHeaders, Classification, Label};
use super::machine::{self, Bounce};
use super::model::Model;
use super::quotes::{self, Ours, SentMessage, Stripped};
use crate::clock::Clock;
use crate::compose::Composer;
use crate::delivery::new_message_id;
use crate::delivery::worker::{Notice, AE_HANDOFF, CSM_NOTICE, WEBHOOK};
use crate::domain::{Draft, DraftContent, DraftId, DraftKind, Mailbox, NewDraft, OpportunityId};
use crate::store::{NewInbound, NewJob, OpportunityRow, Outcome, ResponseUpdate, Store, Workspace};

/// A declined customer is not suggested again for this long.
pub const SUPPRESSION_DAYS: i64 = 90;

/// Largest raw message accepted (1 MiB of reply is plenty; attachments are not read).
pub const MAX_RAW_BYTES: usize = 1024 * 1024;

/// A message, read: ids, sender, subject, body, and whether it is a bounce.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub from_email: String,
    pub from_name: Option<String>,
    pub subject: String,
    /// The plain-text body (empty for an HTML-only message).
    pub body: String,
    /// The HTML body of an HTML-only message.
    pub html: Option<String>,
    pub headers: AutoHeaders,
    pub bounce: Option<Bounce>,
}

impl Parsed {
    /// The reply's own words: our messages, their attribution, footers and notices removed.
    pub fn own_words(&self, ours: &Ours) -> Stripped {
        match &self.html {
            Some(html) => quotes::strip(&quotes::html_text(html, ours), ours),
            None => quotes::strip(&self.body, ours),
        }
    }

    /// Every Message-ID this message answers: its In-Reply-To, and the original a bounce returns.
    fn answers(&self) -> Vec<String> {
        let mut ids = self.in_reply_to.clone();
        if let Some(b) = &self.bounce {
            ids.extend(b.original_ids.iter().filter(|id| Some(*id) != self.message_id.as_ref()).cloned());
        }
        ids
    }
}

/// Why a message could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InboundError {
    #[error("the body is not an RFC 5322 message")]
    Unparsable,
    #[error("the message has no From address")]
    NoSender,
    #[error("the message is larger than {MAX_RAW_BYTES} bytes")]
    TooLarge,
}

fn ids(value: &mail_parser::HeaderValue<'_>) -> Vec<String> {
    value
        .as_text_list()
        .map(|l| l.iter().map(|s| s.trim_matches(['<', '>', ' ']).to_string()).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default()
}

/// Reads a raw RFC 5322 message: ids, sender, subject, body, bounce.
pub fn parse(raw: &[u8]) -> Result<Parsed, InboundError> {
    if raw.len() > MAX_RAW_BYTES {
        return Err(InboundError::TooLarge);
    }
    let message = mail_parser::MessageParser::default().parse(raw).ok_or(InboundError::Unparsable)?;
    if message.headers().is_empty() {
        return Err(InboundError::Unparsable);
    }
    let from = message.from().and_then(|a| a.first()).ok_or(InboundError::NoSender)?;
    let from_email =
        from.address().map(|a| a.trim().to_lowercase()).filter(|a| a.contains('@')).ok_or(InboundError::NoSender)?;
    let html_only = message.text_part(0).is_none_or(|p| matches!(p.body, mail_parser::PartType::Html(_)));
    let (body, html) = if html_only {
        (String::new(), Some(message.body_html(0).map(|h| h.into_owned()).unwrap_or_default()))
    } else {
        (message.body_text(0).map(|t| t.into_owned()).unwrap_or_default(), None)
    };
    let text_header = |name: &str| message.header_raw(name).map(|v| v.trim().to_string());
    let subject = message.subject().unwrap_or_default().to_string();
    let content_type = message.header_raw("Content-Type").unwrap_or_default().to_string();
    let bounce = machine::bounce(&String::from_utf8_lossy(raw), &content_type, &from_email, &subject);
    Ok(Parsed {
        message_id: message.message_id().map(|m| m.trim_matches(['<', '>']).to_string()),
        in_reply_to: ids(message.in_reply_to()),
        references: ids(message.references()),
        from_email,
        from_name: from.name().map(str::to_string).filter(|n| !n.trim().is_empty()),
        subject,
        body,
        html,
        headers: AutoHeaders {
            auto_submitted: text_header("Auto-Submitted"),
            precedence: text_header("Precedence"),
            x_autoreply: message.header_raw("X-Autoreply").is_some()
                || message.header_raw("X-Autorespond").is_some()
                || message.header_raw("X-Auto-Response-Suppress").is_some_and(|v| v.contains("All")),
        },
        bounce,
    })
}

/// A raw message's own words, for a corpus case that answers the built-in sent email `sent`.
pub fn own_words(raw: &[u8], sent: Option<&str>) -> Result<String, InboundError> {
    let parsed = parse(raw)?;
    let thread: Vec<SentMessage> = sent.and_then(super::corpus::sent).into_iter().collect();
    Ok(parsed.own_words(&Ours::new(&thread)).text)
}

/// Reads a raw message against what we sent in its thread, with a workspace's model.
pub fn read_message(
    parsed: &Parsed,
    thread: &[SentMessage],
    model: &Model,
    received: Date,
) -> (Stripped, Classification) {
    let stripped = parsed.own_words(&Ours::new(thread));
    let reply = classify::Reply {
        text: &stripped.text,
        subject: &parsed.subject,
        from_email: &parsed.from_email,
        headers: &parsed.headers,
        received,
        nothing_left: stripped.nothing_left,
        bounce: parsed.bounce.as_ref(),
    };
    let classification = classify::read(&reply, model);
    (stripped, classification)
}

/// What became of an incoming message.
#[derive(Debug, Clone, PartialEq)]
pub enum Ingested {
    /// Stored; matched to a draft (or not), with its classification and whether it set the response.
    Stored { id: i64, draft: Option<DraftId>, classification: Classification, response: Option<Box<OpportunityRow>> },
    /// Seen before (same Message-ID): nothing changed.
    Duplicate,
    /// One of our own messages, or a teammate's, in the thread: not a reply.
    Ours,
}

/// The engagement actions, with what they need.
pub struct Responses {
    store: Arc<dyn Store>,
    clock: Clock,
    composer: Composer,
    /// Whether the CRM webhook is configured (positive responses queue a call to it).
    webhook: bool,
    /// Each workspace's reader: the built-in model plus its corrections, by corrections version.
    models: Mutex<HashMap<i64, (String, Arc<Model>)>>,
}

impl Responses {
    pub fn new(store: Arc<dyn Store>, clock: Clock, webhook: bool) -> anyhow::Result<Responses> {
        Ok(Responses { store, clock, composer: Composer::new()?, webhook, models: Mutex::default() })
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The workspace's model: rebuilt when its corrections changed (in any process), else cached.
    pub async fn model(&self, ws: &Workspace) -> anyhow::Result<Arc<Model>> {
        let version = self.store.corrections_version(ws).await?;
        if let Some((v, m)) = self.lock_models().get(&ws.id) {
            if *v == version {
                return Ok(m.clone());
            }
        }
        let corrections = self.store.workspace_corrections(ws).await?;
        let model = Arc::new(Model::with_corrections(
            corrections.iter().filter_map(|(text, label)| label.parse::<Label>().ok().map(|l| (text.as_str(), l))),
        ));
        self.lock_models().insert(ws.id, (version, model.clone()));
        Ok(model)
    }

    fn lock_models(&self) -> std::sync::MutexGuard<'_, HashMap<i64, (String, Arc<Model>)>> {
        match self.models.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Takes in one message from any source. `thread_id` is Gmail's, when the message came from Gmail.
    pub async fn ingest(
        &self,
        raw: &[u8],
        source: &'static str,
        thread_id: Option<&str>,
    ) -> anyhow::Result<Result<Ingested, InboundError>> {
        let parsed = match parse(raw) {
            Ok(p) => p,
            Err(e) => return Ok(Err(e)),
        };
        let now = self.clock.now();
        // A message of ours (the introduction itself, as Gmail lists it in the thread) is not a reply.
        if let Some(id) = &parsed.message_id {
            if self.store.reply_target(std::slice::from_ref(id), &[], None, "", "").await?.is_some() {
                return Ok(Ok(Ingested::Ours));
            }
        }
        let target = self
            .store
            .reply_target(&parsed.answers(), &parsed.references, thread_id, &parsed.from_email, &parsed.subject)
            .await?;
        let mut context = None;
        if let Some(t) = &target {
            if let Some(ws) = self.store.workspace_by_id(t.workspace_id).await? {
                if let Some(draft) = self.store.draft(&ws, t.draft_id).await? {
                    let team = draft.cc.iter().chain(std::iter::once(&draft.from));
                    if team.map(|m| m.email.to_lowercase()).any(|e| e == parsed.from_email) {
                        return Ok(Ok(Ingested::Ours));
                    }
                    context = Some((ws, draft));
                }
            }
        }
        // What we sent in this thread is what the reply may quote.
        let (thread, model) = match &context {
            Some((ws, draft)) => (self.thread(ws, draft).await?, self.model(ws).await?),
            None => (Vec::new(), Arc::new(Model::builtin())),
        };
        let (stripped, classification) = read_message(&parsed, &thread, &model, now.date());
        let dedupe_key = match &parsed.message_id {
            Some(id) => format!("mid:{id}"),
            None => format!("sha256:{}", hex::encode(Sha256::digest(raw))),
        };
        let record = NewInbound {
            target: target.filter(|_| context.is_some()),
            source,
            dedupe_key,
            message_id: parsed.message_id.clone(),
            from_email: parsed.from_email.clone(),
            from_name: parsed.from_name.clone(),
            subject: parsed.subject.clone(),
            reply_text: stripped.text.clone(),
            label: classification.label.as_str().to_string(),
            suggested_label: classification.suggested.as_str().to_string(),
            confidence: classification.confidence,
            language: classification.language.map(str::to_string),
            wants_to_optimize: classification.wants_to_optimize,
            wants_upgrade: classification.wants_upgrade,
            unsubscribe: classification.unsubscribe,
            nothing_left: stripped.nothing_left,
            bounce: classification
                .bounce
                .as_ref()
                .map(|b| serde_json::json!({"hard": b.hard, "status": b.status, "recipient": b.recipient})),
            phrase: classification.phrase.clone(),
            ooo_until: classification.ooo_until,
            raw: String::from_utf8_lossy(raw).into_owned(),
            received_at: now,
        };
        let Some(id) = self.store.save_inbound(&record).await? else {
            return Ok(Ok(Ingested::Duplicate));
        };
        metrics::counter!("overture_replies_total", "source" => source, "label" => classification.label.as_str())
            .increment(1);
        let mut response = None;
        if let Some((ws, draft)) = &context {
            if let Some(b) = &classification.bounce {
                self.bounced(ws, draft, b, id).await?;
            }
            if classification.label.is_human() {
                let text = &stripped.text;
                response = self.respond(ws, draft, &classification, id, text, &parsed.from_email).await?;
            }
        }
        Ok(Ok(Ingested::Stored {
            id,
            draft: context.map(|(_, d)| d.id),
            classification,
            response: response.map(Box::new),
        }))
    }

    /// Everything we sent in the thread of `draft`: the introduction and its follow-ups.
    async fn thread(&self, ws: &Workspace, draft: &Draft) -> anyhow::Result<Vec<SentMessage>> {
        let mut drafts = vec![draft.clone()];
        for id in self.store.thread_drafts(ws, draft.id).await? {
            if id != draft.id {
                drafts.extend(self.store.draft(ws, id).await?);
            }
        }
        Ok(drafts
            .into_iter()
            .map(|d| SentMessage {
                subject: d.subject,
                text: d.text,
                html: Some(d.html),
                from_name: d.from.name,
                from_email: d.from.email,
            })
            .collect())
    }

    /// What a person's reply changes: their buying style, the response (first reply only), an
    /// unsubscribe, a booked meeting.
    async fn respond(
        &self,
        ws: &Workspace,
        draft: &Draft,
        c: &Classification,
        id: i64,
        text: &str,
        from: &str,
    ) -> anyhow::Result<Option<OpportunityRow>> {
        let now = self.clock.now();
        // Each reply in a person's own words is a hint of how they like to decide.
        let cue = crate::learning::styles::cue(text);
        self.store.note_reply_style(ws, from, cue, now).await?;
        if c.unsubscribe {
            let why =
                format!("asked not to receive these emails (reply {id}: “{}”)", c.phrase.as_deref().unwrap_or(""));
            self.store.block_address(ws, from, "unsubscribed", &why, Some(id), now).await?;
        }
        let Some(opp) = draft.opportunity_id else { return Ok(None) };
        let reply = Reply { id, text, from };
        let mut response = self.record(ws, opp, c.label, None, None, Some(reply), true).await?;
        // A reply that says the meeting is booked climbs the outcome ladder, first reply or not.
        if let Some(m) = &c.meeting {
            let note = format!("From a reply: “{m}”");
            if let Some(row) = self.store.record_outcome(ws, opp, Outcome::MeetingBooked, Some(&note), now).await? {
                response = Some(row);
            }
        }
        Ok(response)
    }

    /// A bounce: a hard one marks the introduction undeliverable, blocks the address and tells the
    /// CSM; a soft one is noted on the draft. Neither is a response.
    async fn bounced(&self, ws: &Workspace, draft: &Draft, b: &Bounce, reply: i64) -> anyhow::Result<()> {
        let now = self.clock.now();
        let address =
            b.recipient.clone().or_else(|| draft.to.first().map(|m| m.email.to_lowercase())).unwrap_or_default();
        let mut jobs = Vec::new();
        if b.hard {
            let why = format!("an email to it bounced permanently ({}; reply {reply})", b.status);
            self.store.block_address(ws, &address, "bounced", &why, Some(reply), now).await?;
            let first = draft.from.name.split_whitespace().next().unwrap_or(&draft.from.name).to_string();
            let notice = Notice {
                draft_id: draft.id.0,
                message_id: new_message_id(draft.id, &draft.from),
                from: draft.from.clone(),
                to: draft.from.clone(),
                subject: format!("Undeliverable: {}", draft.subject),
                text: format!(
                    "Hi {first},\n\nYour email \"{subject}\" to {address} could not be delivered: the receiving \
                     server answered {status}, a permanent failure. Overture will not send to {address} again; \
                     check the contact's address and choose another recipient for the next introduction.\n",
                    subject = draft.subject,
                    status = b.status,
                ),
            };
            jobs.push(NewJob {
                kind: CSM_NOTICE.into(),
                payload: serde_json::to_value(&notice)?,
                dedupe_key: format!("bounce:{}:{address}", draft.id.0),
            });
        }
        let detail = serde_json::json!({
            "reply_id": reply, "hard": b.hard, "status": b.status, "recipient": address,
        });
        self.store.note_bounce(ws, draft.id, b.hard, &detail, &jobs, now).await
    }

    /// Records a response on an opportunity and queues what follows: positive → `conversation`, the AE
    /// handoff and the CRM webhook; negative → `lost` and no suggestion for 90 days. With `first_only`
    /// (a reply) nothing happens when a response is already recorded.
    #[allow(clippy::too_many_arguments)]
    pub async fn record(
        &self,
        ws: &Workspace,
        opportunity: OpportunityId,
        label: Label,
        note: Option<String>,
        by: Option<i64>,
        reply: Option<Reply<'_>>,
        first_only: bool,
    ) -> anyhow::Result<Option<OpportunityRow>> {
        let now = self.clock.now();
        let Some(opp) = self.store.opportunity(ws, opportunity).await? else {
            return Ok(None);
        };
        if first_only && opp.intro_response.is_some() {
            // A later reply: the response is recorded already (the store checks again, atomically);
            // no need to compose a handoff that would not be queued.
            return Ok(None);
        }
        let mut jobs = Vec::new();
        let (status, suppress_until) = match label {
            Label::Positive => {
                jobs = self.handoff_jobs(ws, &opp, reply.as_ref(), note.as_deref()).await?;
                (Some("conversation"), None)
            }
            Label::Negative => (Some("lost"), Some(now + TimeDuration::days(SUPPRESSION_DAYS))),
            _ => (None, None),
        };
        let update = ResponseUpdate {
            opportunity,
            response: label.as_str().to_string(),
            note,
            first_only,
            status,
            suppress_until,
            jobs,
            run_at: OffsetDateTime::now_utc(),
            by,
            reply: reply.map(|r| r.id),
        };
        self.store.record_response(ws, &update, now).await
    }

    /// The AE's briefing (the introduction and the reply) and the CRM webhook, as jobs.
    async fn handoff_jobs(
        &self,
        ws: &Workspace,
        opp: &OpportunityRow,
        reply: Option<&Reply<'_>>,
        note: Option<&str>,
    ) -> anyhow::Result<Vec<NewJob>> {
        let mut jobs = Vec::new();
        let intro = match opp.draft_id {
            Some(id) => self.store.draft(ws, id).await?,
            None => None,
        };
        let customer = self.store.customer(ws, opp.customer_id).await?;
        let team = self.store.team(ws).await?;
        let ae = customer
            .as_ref()
            .and_then(|c| c.ae_email.as_deref())
            .and_then(|e| team.iter().find(|m| m.email.eq_ignore_ascii_case(e)));
        if let (Some(ae), Some(intro)) = (ae, &intro) {
            let said = reply.map_or_else(
                || {
                    format!(
                        "{} recorded a positive response{}.",
                        intro.from.name,
                        note.map(|n| format!(": {n}")).unwrap_or_default()
                    )
                },
                |r| format!("{} wrote:\n\n{}", r.from, quote(r.text)),
            );
            let text = format!(
                "Hi {ae_first},\n\n{customer} answered the expansion introduction positively, so the conversation is \
                 yours to pick up with {csm}.\n\nOpportunity: {kind} to {plan}, about {value} a year.\n\n{said}\n\n\
                 The introduction ({sent}):\nSubject: {subject}\n\n{intro_text}\n\nReply in the thread so the \
                 customer sees one conversation.\n",
                ae_first = ae.name.split_whitespace().next().unwrap_or(&ae.name),
                customer = opp.customer_name,
                csm = intro.from.name,
                kind = opp.kind.replace('_', " "),
                plan = opp.target_plan,
                value = crate::domain::group_thousands(opp.annual_value),
                sent = intro.sent_at.map(|t| t.date().to_string()).unwrap_or_else(|| "not sent".into()),
                subject = intro.subject,
                intro_text = quote(&intro.text),
            );
            let notice = Notice {
                draft_id: intro.id.0,
                message_id: new_message_id(intro.id, &intro.from),
                from: intro.from.clone(),
                to: Mailbox { name: ae.name.clone(), email: ae.email.clone() },
                subject: format!("Handoff: {} is ready to talk expansion", opp.customer_name),
                text,
            };
            jobs.push(NewJob {
                kind: AE_HANDOFF.into(),
                payload: serde_json::to_value(&notice)?,
                dedupe_key: format!("ae_handoff:{}", opp.id.0),
            });
        }
        if self.webhook {
            let payload = serde_json::json!({
                "event": "opportunity.conversation",
                "workspace": ws.name,
                "draft_id": opp.draft_id.map(|d| d.0),
                "opportunity": {
                    "id": opp.id.to_string(), "customer_id": opp.customer_id.to_string(),
                    "customer_name": opp.customer_name, "kind": opp.kind, "target_plan": opp.target_plan,
                    "annual_value": opp.annual_value, "approach": opp.approach,
                    "intro_sent_at": opp.intro_sent_at.and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok()),
                },
                "response": "positive",
                "ae": ae.map(|a| a.email.clone()),
                "reply": reply.map(|r| r.text),
                "note": note,
            });
            jobs.push(NewJob { kind: WEBHOOK.into(), payload, dedupe_key: format!("webhook:{}:positive", opp.id.0) });
        }
        Ok(jobs)
    }

    /// Prepares a follow-up for every introduction that got no reply within its workspace's business
    /// days (and not before an out-of-office return date). Returns the drafts made.
    pub async fn follow_ups(&self) -> anyhow::Result<Vec<Draft>> {
        let now = self.clock.now();
        let mut made = Vec::new();
        for u in self.store.unanswered(now - TimeDuration::days(1)).await? {
            let mut due = add_business_days(u.sent_at.date(), u.business_days);
            if let Some(back) = u.ooo_until {
                due = due.max(add_business_days(back, 1));
            }
            if now.date() < due {
                continue;
            }
            let Some(ws) = self.store.workspace_by_id(u.workspace_id).await? else { continue };
            let Some(intro) = self.store.draft(&ws, u.intro).await? else { continue };
            let new = self.follow_up_for(&ws, &intro).await?;
            if let Some(draft) = self.store.create_follow_up(&ws, u.opportunity, &new, now).await? {
                metrics::counter!("overture_follow_ups_drafted_total").increment(1);
                made.push(draft);
            }
        }
        Ok(made)
    }

    async fn follow_up_for(&self, ws: &Workspace, intro: &Draft) -> anyhow::Result<NewDraft> {
        let first = intro.to.first().map(|m| m.name.split_whitespace().next().unwrap_or(&m.name).to_string());
        let calendar = self.store.member_by_email(ws, &intro.from.email).await?.and_then(|m| m.calendar_url);
        let mut text = format!(
            "Hi {},\n\nI wanted to bring my note from {} back to the top of your inbox, in case it got buried. \
             No pressure either way: I'm happy to help you get more out of what you have today, or to walk \
             through what growing would look like, whichever is more useful right now.\n",
            first.as_deref().unwrap_or("there"),
            intro.sent_at.map_or_else(|| "last week".to_string(), |t| format!("{} {}", t.month(), t.day())),
        );
        if let Some(url) = calendar {
            text.push_str(&format!("\nIf a quick call is easier, you can pick a time here: {url}\n"));
        }
        text.push_str(&format!("\nBest,\n{}\n", intro.from.name));
        let bare = intro.subject.trim_start_matches("Re: ").trim();
        let subject = format!("Re: {bare}");
        let checks = self.composer.check(&subject, &text, &intro.facts, &[], &[]);
        let html = self.composer.html(&subject, &text)?;
        Ok(NewDraft {
            customer_id: intro.customer_id,
            opportunity_id: intro.opportunity_id,
            from: intro.from.clone(),
            to: intro.to.clone(),
            content: DraftContent {
                approach: intro.approach,
                tone: intro.tone,
                cc: intro.cc.clone(),
                cc_ae: intro.cc_ae,
                subject,
                text,
                html,
                checks,
                facts: intro.facts.clone(),
            },
            created_by: None,
            kind: DraftKind::FollowUp,
            in_reply_to: intro.message_id.clone(),
        })
    }
}

/// A reply as the effects need it.
#[derive(Debug, Clone, Copy)]
pub struct Reply<'a> {
    pub id: i64,
    pub text: &'a str,
    pub from: &'a str,
}

fn quote(text: &str) -> String {
    text.lines().map(|l| format!("> {l}")).collect::<Vec<_>>().join("\n")
}

/// The date `days` business days (Monday to Friday) after `from`.
pub fn add_business_days(from: Date, days: i64) -> Date {
    let mut d = from;
    let mut left = days.max(0);
    while left > 0 {
        d = d.next_day().unwrap_or(d);
        if !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) {
            left -= 1;
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn business_days_skip_weekends() {
        // Wednesday + 5 business days = next Wednesday; Friday + 1 = Monday.
        assert_eq!(add_business_days(date!(2026 - 11 - 25), 5), date!(2026 - 12 - 02));
        assert_eq!(add_business_days(date!(2026 - 11 - 27), 1), date!(2026 - 11 - 30));
        assert_eq!(add_business_days(date!(2026 - 11 - 28), 0), date!(2026 - 11 - 28));
    }

    #[test]
    fn parsing_reads_ids_sender_and_own_words() {
        let raw = b"From: Jennifer Walsh <Jennifer@Acme.example>\r\nTo: sarah@vendor.example\r\nSubject: Re: Seats\r\n\
Message-ID: <reply-1@acme.example>\r\nIn-Reply-To: <drf_1.abc@vendor.example>\r\n\
References: <x@y> <drf_1.abc@vendor.example>\r\n\r\nLet's talk.\r\n\r\nOn Tue, Sarah wrote:\r\n> Hi\r\n";
        let p = parse(raw).expect("parses");
        assert_eq!(p.from_email, "jennifer@acme.example");
        assert_eq!(p.message_id.as_deref(), Some("reply-1@acme.example"));
        assert_eq!(p.in_reply_to, vec!["drf_1.abc@vendor.example"]);
        assert_eq!(p.references, vec!["x@y", "drf_1.abc@vendor.example"]);
        assert_eq!(p.own_words(&Ours::default()).text, "Let's talk.");
        assert_eq!(parse(b"not a message at all"), Err(InboundError::NoSender));
    }
}
