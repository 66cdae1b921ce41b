//! The conversation: one turn reads what the CSM typed, does it with the same services as the API
//! (context, compose, edit, approve, opportunities, timeline) and answers with text and cards. Every
//! line and the conversation's state (its customer and draft) are kept per member.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use time::OffsetDateTime;

use super::intent::{parse, Intent};
use super::matching::{self, Candidate, Matched};
use crate::compose::{ComposeError, Composer};
use crate::context::{ExpansionContext, Person};
use crate::domain::{
    group_thousands, lowercase_first, Approach, Customer, Draft, DraftId, DraftStatus, Mailbox, OpportunityKind, Role,
    Tone,
};
use crate::lifecycle::{self, DraftPatch, LifecycleError, SendRequest};
use crate::services::{self, CatalogCache, DraftError, DraftRequest, Lookup};
use crate::store::{
    ChatMessage, ChatState, CustomerRecord, CustomerSummary, NewChatMessage, Principal, Store, Workspace,
};

/// Lines of history the web app shows.
pub const HISTORY: i64 = 100;
/// Longest message accepted.
pub const MAX_MESSAGE_CHARS: usize = 2000;
/// Opportunities listed for "Who is ready for expansion?".
const TOP: usize = 5;

/// What the chat needs from the application.
pub struct Deps<'a> {
    pub store: &'a Arc<dyn Store>,
    pub composer: &'a Composer,
    pub catalogs: &'a CatalogCache,
    pub names: &'a NameCache,
    /// The business clock (`OVERTURE_NOW`).
    pub now: OffsetDateTime,
}

/// One message of the CSM, with what a button adds to it.
#[derive(Debug, Clone, Default)]
pub struct Turn {
    pub message: String,
    /// The draft a button acts on (default: the conversation's).
    pub draft: Option<DraftId>,
    /// The revision the CSM saw when pressing Send.
    pub revision: Option<i64>,
    pub acknowledge_warnings: bool,
    /// With Send: deliver at this later instant.
    pub send_at: Option<OffsetDateTime>,
}

/// The stored lines of the turn (the CSM's, then the answer) and whether a send was queued.
pub struct Outcome {
    pub lines: Vec<ChatMessage>,
    pub state: ChatState,
    pub queued: bool,
}

/// The customers of each workspace by name, for forgiving matching; kept until the workspace's
/// `catalog_version` moves (every import bumps it).
#[derive(Default)]
pub struct NameCache {
    entries: Mutex<HashMap<i64, (i64, Arc<Names>)>>,
}

pub struct Names {
    candidates: Vec<Candidate>,
    summaries: Vec<CustomerSummary>,
}

impl NameCache {
    async fn get(&self, store: &Arc<dyn Store>, ws: &Workspace) -> anyhow::Result<Arc<Names>> {
        let cached =
            self.entries.lock().ok().and_then(|e| {
                e.get(&ws.id).filter(|(version, _)| *version == ws.catalog_version).map(|(_, n)| n.clone())
            });
        if let Some(names) = cached {
            return Ok(names);
        }
        let summaries = store.search_customers(ws, "", i64::from(u32::MAX)).await?;
        let candidates = summaries
            .iter()
            .map(|s| Candidate { id: s.id, external_id: s.external_id.clone(), name: s.name.clone() })
            .collect();
        let names = Arc::new(Names { candidates, summaries });
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(ws.id, (ws.catalog_version, names.clone()));
        }
        Ok(names)
    }
}

/// An answer before it is stored.
struct Answer {
    text: String,
    cards: Vec<Value>,
    state: ChatState,
    queued: bool,
}

impl Answer {
    fn say(text: impl Into<String>, state: ChatState) -> Self {
        Answer { text: text.into(), cards: Vec::new(), state, queued: false }
    }

    fn with(mut self, card: Value) -> Self {
        self.cards.push(card);
        self
    }
}

/// What the chat can do, as examples a CSM can click.
const EXAMPLES: [&str; 12] = [
    "Who is ready for expansion?",
    "Introduce upsell to Acme Corp",
    "Show expansion context for Globex",
    "Use the value-add approach",
    "Make it more direct",
    "CC the AE",
    "Send",
    "What happened with Acme Corp?",
    "When should I send it?",
    "What works?",
    "Which replies need me?",
    "help",
];

fn help_card() -> Value {
    json!({"type": "help", "examples": EXAMPLES})
}

/// Answers one message and stores both lines.
pub async fn converse(deps: &Deps<'_>, who: &Principal, turn: Turn) -> anyhow::Result<Outcome> {
    let ws = &who.workspace;
    let member = who.member.id;
    let state = deps.store.chat_state(ws, member).await?;
    let answer = answer(deps, who, &turn, state).await?;
    let lines = [
        NewChatMessage { role: "user", text: turn.message.trim().to_string(), cards: json!([]) },
        NewChatMessage { role: "assistant", text: answer.text, cards: Value::Array(answer.cards) },
    ];
    let stored = deps.store.append_chat(ws, member, &lines, answer.state, deps.now).await?;
    let lines = hydrate(deps.store, ws, stored).await?;
    Ok(Outcome { lines, state: answer.state, queued: answer.queued })
}

/// The member's conversation, with every draft card showing its draft as it is now.
pub async fn history(store: &Arc<dyn Store>, who: &Principal, limit: i64) -> anyhow::Result<Vec<ChatMessage>> {
    let lines = store.chat_history(&who.workspace, who.member.id, limit).await?;
    hydrate(store, &who.workspace, lines).await
}

/// Fills each card that names a `draft_id` with the draft as stored now (cards keep only the id, so an
/// edit, a CC or a delivery shows wherever the draft appears).
async fn hydrate(
    store: &Arc<dyn Store>,
    ws: &Workspace,
    mut lines: Vec<ChatMessage>,
) -> anyhow::Result<Vec<ChatMessage>> {
    let mut drafts: HashMap<String, Value> = HashMap::new();
    for line in &mut lines {
        let Some(cards) = line.cards.as_array_mut() else { continue };
        for card in cards {
            let Some(id) = card.get("draft_id").and_then(Value::as_str).map(str::to_string) else { continue };
            if !drafts.contains_key(&id) {
                let draft = match id.parse::<DraftId>() {
                    Ok(d) => store.draft(ws, d).await?,
                    Err(_) => None,
                };
                drafts.insert(id.clone(), draft.map_or(Value::Null, |d| draft_json(&d)));
            }
            if let (Some(obj), Some(draft)) = (card.as_object_mut(), drafts.get(&id)) {
                obj.insert("draft".into(), draft.clone());
            }
        }
    }
    Ok(lines)
}

/// A draft as a card shows it: everything but the raw HTML (the preview loads it by URL).
fn draft_json(draft: &Draft) -> Value {
    let mut value = serde_json::to_value(draft).unwrap_or(Value::Null);
    if let Some(obj) = value.as_object_mut() {
        obj.remove("html");
        obj.insert("preview_url".into(), json!(format!("/api/drafts/{}/preview", draft.id)));
    }
    value
}

async fn answer(deps: &Deps<'_>, who: &Principal, turn: &Turn, state: ChatState) -> anyhow::Result<Answer> {
    let message = turn.message.trim();
    match parse(message) {
        Intent::Introduce { customer } => introduce(deps, who, &customer, state).await,
        Intent::ShowContext { customer } => show_context(deps, who, &customer, state).await,
        Intent::WhatHappened { customer } => what_happened(deps, who, &customer, state).await,
        Intent::WhoIsReady => who_is_ready(deps, who, state).await,
        Intent::UseApproach(approach) => {
            let done = format!("Rewritten with the {} approach.", approach.label().to_lowercase());
            recompose(deps, who, turn, state, (Some(approach), None), done).await
        }
        Intent::UseTone(tone) => {
            let done = match tone {
                Tone::Direct => "Made it more direct.",
                Tone::Soft => "Made it softer.",
            };
            recompose(deps, who, turn, state, (None, Some(tone)), done.into()).await
        }
        Intent::CcAe(on) => cc_ae(deps, who, turn, state, on).await,
        Intent::Send => {
            let anyway = turn.acknowledge_warnings || message.to_lowercase().contains("anyway");
            send(deps, who, turn, state, anyway).await
        }
        Intent::WhenToSend => when_to_send(deps, who, state).await,
        Intent::WhatWorks => what_works(deps, who, state).await,
        Intent::RepliesToReview => replies_to_review(deps, who, state).await,
        Intent::Help => Ok(Answer::say(
            "I help you introduce an expansion without sounding like a salesperson. Ask me who is ready, \
             for a customer's expansion context, or to introduce an upsell: I recommend an approach, draft the \
             email from the customer's own figures, and you edit it, copy in the Account Executive and send it.",
            state,
        )
        .with(help_card())),
        Intent::Unknown => {
            // A bare customer name shows its context.
            if !message.is_empty() {
                if let Lookup::Found(record) =
                    services::find_customer_record(deps.store, &who.workspace, message).await?
                {
                    return context_answer(deps, who, record).await;
                }
            }
            Ok(Answer::say(
                format!("I didn't understand “{}”. Here is what I can do; click one or type it.", shorten(message, 80)),
                state,
            )
            .with(help_card()))
        }
    }
}

/// The timing insights in a sentence or two, and the current draft's suggested send time.
async fn when_to_send(deps: &Deps<'_>, who: &Principal, state: ChatState) -> anyhow::Result<Answer> {
    let ws = &who.workspace;
    let insights = services::timing_insights(deps.store, ws, deps.now).await?;
    let mut text = insights.summary.first().cloned().unwrap_or_default();
    let draft = match state.draft_id {
        Some(id) => deps.store.draft(ws, id).await?.filter(|d| d.status == crate::domain::DraftStatus::Draft),
        None => None,
    };
    if let Some(draft) = draft {
        let at = services::send_time(deps.store, ws, &draft, deps.now).await?;
        let who = draft.to.first().map_or_else(|| "the recipient".to_string(), |m| m.name.clone());
        if let (Some(send_at), Some(zone)) = (at.send_at, &at.time_zone) {
            let local = crate::learning::timing::local_words(send_at, zone).unwrap_or_default();
            text.push_str(&format!(
                " For {who}, that is {local} their time ({zone}): open Later… on the draft to schedule it."
            ));
        } else if at.suggestion.is_some() {
            text.push_str(&format!(" {}", at.reason));
        }
    }
    Ok(Answer::say(text, state))
}

/// What the outcomes say about approaches and buying styles, in the insights' own sentences.
async fn what_works(deps: &Deps<'_>, who: &Principal, state: ChatState) -> anyhow::Result<Answer> {
    let ws = &who.workspace;
    let (approaches, styles) = tokio::try_join!(
        services::approach_insights(deps.store, ws, deps.now),
        services::style_insights(deps.store, ws, deps.now)
    )?;
    let mut lines: Vec<String> = approaches.summary.into_iter().take(2).collect();
    lines.extend(styles.summary.into_iter().filter(|l| l.starts_with("With ")).take(1));
    lines.push("The Insights page has the charts, by signal, timing and buying style.".into());
    Ok(Answer::say(lines.join(" "), state))
}

/// The replies waiting for a person's label, with one-click labels in the card.
async fn replies_to_review(deps: &Deps<'_>, who: &Principal, state: ChatState) -> anyhow::Result<Answer> {
    let (count, replies) = deps.store.review_queue(&who.workspace, 5).await?;
    let text = match count {
        0 => "No reply is waiting for you: Overture was sure enough of every one.".to_string(),
        1 => "One reply is waiting for your label. Until you label it, it changes nothing: no response, no handoff, \
              no suppression."
            .to_string(),
        n => format!(
            "{n} replies are waiting for your label{}. Until you label them, they change nothing: no response, no \
             handoff, no suppression.",
            if n > 5 { " (the newest five are below; the Replies page has them all)" } else { "" }
        ),
    };
    Ok(Answer::say(text, state).with(json!({"type": "review", "count": count, "replies": replies})))
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max).collect::<String>())
    }
}

/// The customer a typed name means, or the question to ask instead.
enum Resolved {
    Record(Box<CustomerRecord>),
    Ask(Answer),
}

/// Resolves a typed customer name; `again` rewrites the message for a chosen customer (its external id).
async fn resolve(
    deps: &Deps<'_>,
    ws: &Workspace,
    typed: &str,
    state: ChatState,
    again: impl Fn(&str) -> String,
) -> anyhow::Result<Resolved> {
    let choice = |label: String, key: &str| json!({"label": label, "message": again(key)});
    let label = |s: &CustomerSummary| {
        let mut parts = vec![format!("{} plan", s.plan), format!("{} seats", s.seats_purchased)];
        if let Some(h) = s.health_score {
            parts.push(format!("health {h}/100"));
        }
        format!("{} ({}): {}", s.name, s.external_id, parts.join(", "))
    };
    match services::find_customer_record(deps.store, ws, typed).await? {
        Lookup::Found(record) => return Ok(Resolved::Record(Box::new(record))),
        Lookup::Ambiguous(records) => {
            let options: Vec<Value> = records
                .iter()
                .map(|r| {
                    let c = &r.customer;
                    let summary = CustomerSummary {
                        id: c.id,
                        external_id: c.external_id.clone(),
                        name: c.name.clone(),
                        plan: c.plan_key.clone(),
                        seats_purchased: c.seats_purchased,
                        health_score: c.health_score,
                        renewal_date: c.renewal_date,
                    };
                    choice(label(&summary), &c.external_id)
                })
                .collect();
            return Ok(Resolved::Ask(which_one(typed, options, state)));
        }
        Lookup::NotFound => {}
    }
    let names = deps.names.get(deps.store, ws).await?;
    let summary_of = |c: &Candidate| names.summaries.iter().find(|s| s.id == c.id);
    match matching::find(typed, &names.candidates) {
        Matched::One(c) => match deps.store.customer_record(ws, c.id).await? {
            Some(record) => Ok(Resolved::Record(Box::new(record))),
            None => Ok(Resolved::Ask(not_found(typed, Vec::new(), state))),
        },
        Matched::Several(cs) => {
            let options = cs.iter().filter_map(|c| summary_of(c)).map(|s| choice(label(s), &s.external_id)).collect();
            Ok(Resolved::Ask(which_one(typed, options, state)))
        }
        Matched::Nothing { nearest } => {
            let options =
                nearest.iter().filter_map(|c| summary_of(c)).map(|s| choice(label(s), &s.external_id)).collect();
            Ok(Resolved::Ask(not_found(typed, options, state)))
        }
    }
}

fn which_one(typed: &str, options: Vec<Value>, state: ChatState) -> Answer {
    Answer::say(format!("{} customers match “{typed}”. Which one do you mean?", options.len()), state)
        .with(json!({"type": "choices", "options": options}))
}

fn not_found(typed: &str, options: Vec<Value>, state: ChatState) -> Answer {
    let mut answer = Answer::say(
        format!(
            "I couldn't find a customer called “{}” in this workspace.{}",
            shorten(typed, 80),
            if options.is_empty() {
                " Try “Who is ready for expansion?” to see the customers with an opportunity."
            } else {
                " Did you mean one of these?"
            }
        ),
        state,
    );
    if !options.is_empty() {
        answer = answer.with(json!({"type": "choices", "options": options}));
    }
    answer
}

fn context_card(ctx: &ExpansionContext) -> Value {
    json!({"type": "context", "context": ctx})
}

fn recommendation_card(ctx: &ExpansionContext, draft: Option<&Draft>) -> Value {
    let rec = &ctx.recommendation;
    json!({
        "type": "recommendation",
        "customer": {"id": ctx.customer.id, "name": ctx.customer.name},
        "approach": rec.approach,
        "label": rec.approach.label(),
        "reasons": rec.reasons,
        "scores": rec.scores,
        "approaches": Approach::ALL.iter().map(|a| json!({"approach": a, "label": a.label()})).collect::<Vec<_>>(),
        "ae_involvement": ctx.ae_involvement,
        "draft_approach": draft.map(|d| d.approach),
    })
}

fn person_json(p: Option<&Person>) -> Value {
    p.map_or(Value::Null, |p| json!({"name": p.name, "email": p.email, "title": p.title}))
}

fn draft_card(draft: &Draft, customer: &str, ae: Value) -> Value {
    json!({
        "type": "draft",
        "draft_id": draft.id.to_string(),
        "customer": {"id": draft.customer_id, "name": customer},
        "ae": ae,
    })
}

fn lifecycle_text(e: LifecycleError) -> anyhow::Result<String> {
    Ok(match e {
        LifecycleError::Warnings(d) => {
            let mut items: Vec<String> =
                d.checks.pushiness.findings.iter().map(|f| format!("“{}” ({})", f.phrase, f.reason)).collect();
            items
                .extend(d.checks.grounding.ungrounded.iter().map(|u| format!("“{u}” is not from the customer's data")));
            format!(
                "Before this goes out, review what the checks found: {}. Tick “I have reviewed the checks” on the \
                 draft and press Send again, or type “send anyway”.",
                items.join("; ")
            )
        }
        LifecycleError::NotEditable(d) => format!("This draft is already {} and can no longer change.", d.status),
        LifecycleError::Stale { current, .. } => format!(
            "The draft changed since you looked at it (it is at revision {current} now). Look it over and send again."
        ),
        LifecycleError::Draft(DraftError::Other(e)) => return Err(e),
        other => other.to_string(),
    })
}

fn draft_error_text(e: DraftError) -> anyhow::Result<String> {
    match e {
        DraftError::Other(e) => Err(e),
        DraftError::Compose(e @ ComposeError::Template(..)) => Err(e.into()),
        other => Ok(format!("I could not draft the introduction: {other}.")),
    }
}

/// A viewer may look but not compose: the refusal, if this member may not.
fn may_compose(who: &Principal, state: ChatState) -> Option<Answer> {
    (!matches!(who.member.role, Role::Admin | Role::Csm)).then(|| {
        Answer::say(
            format!(
                "You are signed in as {}: you can look at context, the pipeline and timelines, but only CSMs and \
                 admins compose and send introductions.",
                who.member.role
            ),
            state,
        )
    })
}

/// The customer's context and recommendation; the conversation turns to this customer.
async fn context_answer(deps: &Deps<'_>, who: &Principal, record: CustomerRecord) -> anyhow::Result<Answer> {
    let ws = &who.workspace;
    let catalog = deps.catalogs.get(deps.store, ws).await?;
    let customer_id = record.customer.id;
    let ctx = services::context_of(deps.store, &catalog, ws, record, deps.now).await?;
    let state = ChatState { customer_id: Some(customer_id), draft_id: None };
    let name = &ctx.customer.name;
    let text = match &ctx.opportunity {
        Some(o) => {
            let path = match o.kind {
                OpportunityKind::PlanUpgrade => format!("an upgrade to {}", o.target_plan.name),
                OpportunityKind::SeatExpansion => format!("{} more seats on {}", o.seats, o.target_plan.name),
            };
            format!(
                "{name} is on {}. The opportunity: {path}, worth ${} a year ({}). I recommend the {} approach. \
                 Say “Introduce upsell to {name}” to draft the introduction.",
                ctx.customer.plan.name,
                group_thousands(o.annual_value),
                lowercase_first(o.rationale.trim_end_matches('.')),
                ctx.recommendation.approach.label().to_lowercase(),
            )
        }
        None => format!("{name} has no expansion opportunity right now. Here is what I know."),
    };
    Ok(Answer::say(text, state).with(context_card(&ctx)).with(recommendation_card(&ctx, None)))
}

async fn show_context(deps: &Deps<'_>, who: &Principal, typed: &str, state: ChatState) -> anyhow::Result<Answer> {
    match resolve(deps, &who.workspace, typed, state, |k| format!("Show expansion context for {k}")).await? {
        Resolved::Ask(a) => Ok(a),
        Resolved::Record(record) => context_answer(deps, who, *record).await,
    }
}

async fn introduce(deps: &Deps<'_>, who: &Principal, typed: &str, state: ChatState) -> anyhow::Result<Answer> {
    if let Some(refusal) = may_compose(who, state) {
        return Ok(refusal);
    }
    let record = match resolve(deps, &who.workspace, typed, state, |k| format!("Introduce upsell to {k}")).await? {
        Resolved::Ask(a) => return Ok(a),
        Resolved::Record(record) => *record,
    };
    compose_for(deps, who, record, DraftRequest::default()).await
}

/// Drafts an introduction for a customer and answers with its context, recommendation and draft.
async fn compose_for(
    deps: &Deps<'_>,
    who: &Principal,
    record: CustomerRecord,
    request: DraftRequest,
) -> anyhow::Result<Answer> {
    let ws = &who.workspace;
    let catalog = deps.catalogs.get(deps.store, ws).await?;
    let customer_id = record.customer.id;
    let name = record.customer.name.clone();
    let request = DraftRequest { requested_by: Some(who.member.clone()), ..request };
    match services::draft_introduction(deps.store, deps.composer, &catalog, ws, record.clone(), &request, deps.now)
        .await
    {
        Ok((draft, ctx)) => {
            let state = ChatState { customer_id: Some(customer_id), draft_id: Some(draft.id) };
            let rec = &ctx.recommendation;
            let chosen = if draft.approach == rec.approach {
                format!("I recommend the {} approach", rec.approach.label().to_lowercase())
            } else {
                format!(
                    "This draft uses the {} approach (I would have picked {})",
                    draft.approach.label().to_lowercase(),
                    rec.approach.label().to_lowercase()
                )
            };
            let why = rec.reasons.first().map(|r| format!(": {}", r.trim_end_matches('.'))).unwrap_or_default();
            let text = format!(
                "Here is {name}. {chosen}{why}. The draft below quotes their own figures; edit it, copy in the \
                 Account Executive if you like, and send it when it reads right."
            );
            let card = draft_card(&draft, &name, person_json(ctx.ae.as_ref()));
            Ok(Answer::say(text, state)
                .with(context_card(&ctx))
                .with(recommendation_card(&ctx, Some(&draft)))
                .with(card))
        }
        Err(e) => {
            let text = draft_error_text(e)?;
            let ctx = services::context_of(deps.store, &catalog, ws, record, deps.now).await?;
            let state = ChatState { customer_id: Some(customer_id), draft_id: None };
            Ok(Answer::say(text, state).with(context_card(&ctx)))
        }
    }
}

/// The draft a button or the conversation points at.
fn target(turn: &Turn, state: ChatState) -> Option<DraftId> {
    turn.draft.or(state.draft_id)
}

const NO_DRAFT: &str =
    "There is no draft in this conversation yet. Start with “Introduce upsell to” and a customer's name.";

async fn customer_of(deps: &Deps<'_>, ws: &Workspace, draft: &Draft) -> anyhow::Result<Option<Customer>> {
    deps.store.customer(ws, draft.customer_id).await
}

/// Rewrites the conversation's draft with another approach or tone; with a customer but no draft yet,
/// composes one that way.
async fn recompose(
    deps: &Deps<'_>,
    who: &Principal,
    turn: &Turn,
    state: ChatState,
    (approach, tone): (Option<Approach>, Option<Tone>),
    done: String,
) -> anyhow::Result<Answer> {
    let ws = &who.workspace;
    let Some(id) = target(turn, state) else {
        if let Some(customer) = state.customer_id {
            if let Some(refusal) = may_compose(who, state) {
                return Ok(refusal);
            }
            if let Some(record) = deps.store.customer_record(ws, customer).await? {
                return compose_for(deps, who, record, DraftRequest { approach, tone, ..DraftRequest::default() })
                    .await;
            }
        }
        return Ok(Answer::say(NO_DRAFT, state));
    };
    edit(deps, who, state, id, DraftPatch { approach, tone, ..DraftPatch::default() }, done).await
}

async fn edit(
    deps: &Deps<'_>,
    who: &Principal,
    state: ChatState,
    id: DraftId,
    patch: DraftPatch,
    done: String,
) -> anyhow::Result<Answer> {
    let ws = &who.workspace;
    let catalog = deps.catalogs.get(deps.store, ws).await?;
    match lifecycle::edit(deps.store, deps.composer, &catalog, ws, &who.member, id, patch, deps.now).await {
        Ok(draft) => {
            let customer = customer_of(deps, ws, &draft).await?;
            let name = customer.as_ref().map_or_else(|| draft.customer_id.to_string(), |c| c.name.clone());
            let ae = ae_of(deps, ws, customer.as_ref()).await?;
            let state = ChatState { customer_id: Some(draft.customer_id), draft_id: Some(draft.id) };
            Ok(Answer::say(done, state).with(draft_card(&draft, &name, ae)))
        }
        Err(e) => Ok(Answer::say(lifecycle_text(e)?, state)),
    }
}

async fn ae_of(deps: &Deps<'_>, ws: &Workspace, customer: Option<&Customer>) -> anyhow::Result<Value> {
    let Some(email) = customer.and_then(|c| c.ae_email.as_deref()) else { return Ok(Value::Null) };
    let member = deps.store.member_by_email(ws, email).await?;
    Ok(member.map_or(Value::Null, |m| json!({"name": m.name, "email": m.email, "title": m.title})))
}

async fn cc_ae(deps: &Deps<'_>, who: &Principal, turn: &Turn, state: ChatState, on: bool) -> anyhow::Result<Answer> {
    let Some(id) = target(turn, state) else { return Ok(Answer::say(NO_DRAFT, state)) };
    let patch = DraftPatch { cc_ae: Some(on), ..DraftPatch::default() };
    let mut answer = edit(deps, who, state, id, patch, String::new()).await?;
    if answer.text.is_empty() {
        let ae = answer.cards.first().and_then(|c| c.get("ae")).and_then(|a| a.get("name")).and_then(Value::as_str);
        let ae = ae.unwrap_or("the Account Executive");
        answer.text = if on { format!("{ae} is copied in.") } else { format!("{ae} is no longer copied in.") };
    }
    Ok(answer)
}

fn mailboxes(list: &[Mailbox]) -> String {
    list.iter().map(|m| format!("{} <{}>", m.name, m.email)).collect::<Vec<_>>().join(", ")
}

async fn send(deps: &Deps<'_>, who: &Principal, turn: &Turn, state: ChatState, anyway: bool) -> anyhow::Result<Answer> {
    let Some(id) = target(turn, state) else { return Ok(Answer::say(NO_DRAFT, state)) };
    let ws = &who.workspace;
    let catalog = deps.catalogs.get(deps.store, ws).await?;
    let request = SendRequest {
        acknowledge_warnings: anyway,
        revision: turn.revision,
        idempotency_key: None,
        send_at: turn.send_at,
    };
    let run_at = OffsetDateTime::now_utc();
    match lifecycle::approve(deps.store, &catalog, ws, &who.member, id, request, deps.now, run_at).await {
        Ok((draft, queued)) => {
            let customer = customer_of(deps, ws, &draft).await?;
            let name = customer.as_ref().map_or_else(|| draft.customer_id.to_string(), |c| c.name.clone());
            let state = ChatState { customer_id: Some(draft.customer_id), draft_id: Some(draft.id) };
            let cc = if draft.cc.is_empty() { String::new() } else { format!(", Cc {}", mailboxes(&draft.cc)) };
            let text = match (queued, draft.status) {
                (_, DraftStatus::Sent) => format!("This introduction was already sent to {name}."),
                (false, _) => format!("This introduction to {name} is already on its way."),
                (true, _) => match draft.send_at {
                    Some(at) => format!(
                        "Approved. Your introduction to {name} is scheduled for {} UTC: to {}{cc}.",
                        at.format(time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]"))
                            .unwrap_or_default(),
                        mailboxes(&draft.to)
                    ),
                    None => {
                        format!("Approved. Your introduction to {name} is on its way: to {}{cc}.", mailboxes(&draft.to))
                    }
                },
            };
            let card = json!({"type": "sending", "draft_id": draft.id.to_string(), "customer": {"id": draft.customer_id, "name": name}});
            Ok(Answer { text, cards: vec![card], state, queued })
        }
        Err(e) => Ok(Answer::say(lifecycle_text(e)?, state)),
    }
}

async fn who_is_ready(deps: &Deps<'_>, who: &Principal, state: ChatState) -> anyhow::Result<Answer> {
    let mut open = deps.store.opportunities(&who.workspace, Some("identified")).await?;
    if open.is_empty() {
        return Ok(Answer::say(
            "No customer shows an expansion signal right now. Import fresh usage and I will look again.",
            state,
        ));
    }
    open.sort_by(|a, b| b.annual_value.cmp(&a.annual_value).then(a.customer_name.cmp(&b.customer_name)));
    let total = open.len();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for o in &open {
        *seen.entry(o.customer_name.as_str()).or_default() += 1;
    }
    let items: Vec<Value> = open
        .iter()
        .take(TOP)
        .map(|o| {
            let key = if seen.get(o.customer_name.as_str()) == Some(&1) {
                o.customer_name.clone()
            } else {
                o.customer_id.to_string()
            };
            json!({
                "customer_id": o.customer_id,
                "customer_name": o.customer_name,
                "main_signal": o.main_signal,
                "annual_value": o.annual_value,
                "target_plan": o.target_plan,
                "kind": o.kind,
                "message": format!("Introduce upsell to {key}"),
            })
        })
        .collect();
    let text = if total > TOP {
        format!("These {TOP} of {total} customers with an untouched opportunity are worth the most:")
    } else {
        format!("{total} customer{} ready for an expansion conversation:", if total == 1 { " is" } else { "s are" })
    };
    Ok(Answer::say(text, state).with(json!({"type": "opportunities", "items": items})))
}

async fn what_happened(deps: &Deps<'_>, who: &Principal, typed: &str, state: ChatState) -> anyhow::Result<Answer> {
    let ws = &who.workspace;
    let record = match resolve(deps, ws, typed, state, |k| format!("What happened with {k}?")).await? {
        Resolved::Ask(a) => return Ok(a),
        Resolved::Record(r) => r,
    };
    let customer = &record.customer;
    let latest = deps
        .store
        .opportunities(ws, None)
        .await?
        .into_iter()
        .filter(|o| o.customer_id == customer.id)
        .max_by_key(|o| o.id.0);
    let state = ChatState { customer_id: Some(customer.id), draft_id: state.draft_id };
    let Some(opportunity) = latest else {
        return Ok(Answer::say(
            format!("Nothing has happened with {} yet: no expansion opportunity.", customer.name),
            state,
        ));
    };
    let events = deps.store.timeline(ws, opportunity.id).await?;
    let text = match (&opportunity.intro_sent_at, &opportunity.intro_response) {
        (None, _) => format!(
            "{} has an open opportunity ({}); no introduction has been sent yet.",
            customer.name,
            opportunity.status.replace('_', " ")
        ),
        (Some(at), None) => format!(
            "{}: introduction sent {} ({} approach); no reply yet.",
            customer.name,
            at.date(),
            opportunity.approach.as_deref().unwrap_or("unknown").replace('_', "-")
        ),
        (Some(at), Some(response)) => format!(
            "{}: introduction sent {}; the response was {response}. The opportunity is {}.",
            customer.name,
            at.date(),
            opportunity.status.replace('_', " ")
        ),
    };
    Ok(Answer::say(text, state).with(json!({
        "type": "timeline",
        "customer": {"id": customer.id, "name": customer.name},
        "opportunity": opportunity,
        "events": events,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_shortened_when_quoted() {
        assert_eq!(shorten("abc", 5), "abc");
        assert_eq!(shorten("abcdefgh", 3), "abc…");
    }

    #[test]
    fn help_lists_the_contract_phrasings() {
        let card = help_card();
        let examples: Vec<&str> = card["examples"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        for example in examples {
            assert_ne!(parse(example), Intent::Unknown, "the help example `{example}` must be understood");
        }
    }
}
