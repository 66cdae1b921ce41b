//! A draft's life after composing (PRD-047 Step 4): edit (every revision kept), approve (the human
//! Send, which queues delivery in the same transaction), discard. Who may do what is decided here, so
//! that the API and the chat apply the same rules.

use std::sync::Arc;

use time::OffsetDateTime;

use crate::compose::{Composer, MAX_SUBJECT_CHARS};
use crate::context::{ExpansionContext, Person};
use crate::delivery::{new_message_id, worker::Notice, AE_NOTICE};
use crate::domain::{
    group_thousands, Approach, Customer, Draft, DraftContent, DraftId, DraftStatus, Mailbox, Role, TeamMember, Tone,
};
use crate::services::{context_of, Catalog, DraftError};
use crate::store::{Approval, Approved, NewJob, Store, Workspace, SEND_DRAFT};

/// Longest accepted body, in characters (an introduction is a few paragraphs).
pub const MAX_TEXT_CHARS: usize = 20_000;

/// Admins, and the CSM the customer belongs to, may edit, send and discard its drafts.
pub fn may_act_for(member: &TeamMember, customer: &Customer) -> bool {
    member.role == Role::Admin
        || (member.role == Role::Csm && customer.csm_email.as_deref() == Some(member.email.as_str()))
}

/// Whether `member` may record what happened with the customer (an outcome, a contact's buying style):
/// whoever may act for it, and its Account Executive.
pub fn may_record_for(member: &TeamMember, customer: &Customer) -> bool {
    may_act_for(member, customer) || customer.ae_email.as_deref() == Some(member.email.as_str())
}

/// A `PATCH`: only the fields given change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DraftPatch {
    pub subject: Option<String>,
    pub text: Option<String>,
    pub cc_ae: Option<bool>,
    pub approach: Option<Approach>,
    pub tone: Option<Tone>,
    /// The revision the editor started from; a newer one on the server is a conflict.
    pub revision: Option<i64>,
}

/// The human approval.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SendRequest {
    pub acknowledge_warnings: bool,
    pub revision: Option<i64>,
    pub idempotency_key: Option<String>,
    /// Send at this later instant instead of at once (the approval is now).
    pub send_at: Option<OffsetDateTime>,
}

/// How far ahead a send may be scheduled.
pub const MAX_SCHEDULE_DAYS: i64 = 90;

#[derive(Debug, thiserror::Error)]
pub enum LifecycleError {
    #[error("Draft `{0}` not found in this workspace")]
    NotFound(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("This draft is {} and can no longer change", .0.status)]
    NotEditable(Box<Draft>),
    #[error("This draft is at revision {current}; you worked on revision {yours}. Reload it and try again")]
    Stale { current: i64, yours: i64 },
    #[error("{1}")]
    Invalid(&'static str, String),
    #[error(
        "The draft has ungrounded figures or pushy phrases; review them, then send with \
             {{\"acknowledge_warnings\": true}}"
    )]
    Warnings(Box<Draft>),
    #[error("This Idempotency-Key was already used to send draft {0}; use a new key for another draft")]
    KeyReused(DraftId),
    /// A recipient unsubscribed, or mail to them bounced for good.
    #[error("{0}")]
    Blocked(String),
    #[error(transparent)]
    Draft(#[from] DraftError),
}

impl From<anyhow::Error> for LifecycleError {
    fn from(e: anyhow::Error) -> Self {
        LifecycleError::Draft(DraftError::Other(e))
    }
}

type Result<T> = std::result::Result<T, LifecycleError>;

/// The draft and its customer, if the member may act on them.
async fn load(store: &Arc<dyn Store>, ws: &Workspace, member: &TeamMember, id: DraftId) -> Result<(Draft, Customer)> {
    let draft = store.draft(ws, id).await?.ok_or_else(|| LifecycleError::NotFound(id.to_string()))?;
    let record =
        store.customer_record(ws, draft.customer_id).await?.ok_or_else(|| LifecycleError::NotFound(id.to_string()))?;
    if !may_act_for(member, &record.customer) {
        return Err(LifecycleError::Forbidden(format!(
            "Only an admin or {}'s CSM may change or send its drafts; you are signed in as {} ({})",
            record.customer.name, member.email, member.role
        )));
    }
    Ok((draft, record.customer))
}

fn check_revision(draft: &Draft, yours: Option<i64>) -> Result<()> {
    match yours {
        Some(yours) if yours != draft.revision => Err(LifecycleError::Stale { current: draft.revision, yours }),
        _ => Ok(()),
    }
}

fn clean_subject(subject: &str) -> Result<String> {
    let subject = subject.trim();
    if subject.is_empty() {
        return Err(LifecycleError::Invalid("invalid_subject", "The subject cannot be empty".into()));
    }
    // Control characters include CR, LF and NUL: no header injection through an edited subject.
    if subject.chars().any(char::is_control) {
        return Err(LifecycleError::Invalid(
            "invalid_subject",
            "The subject must be one line without control characters".into(),
        ));
    }
    if subject.chars().count() > MAX_SUBJECT_CHARS * 2 {
        return Err(LifecycleError::Invalid(
            "invalid_subject",
            format!("The subject is longer than {} characters", MAX_SUBJECT_CHARS * 2),
        ));
    }
    Ok(subject.to_string())
}

fn clean_text(text: &str) -> Result<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    if text.trim().is_empty() {
        return Err(LifecycleError::Invalid("invalid_text", "The text cannot be empty".into()));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(LifecycleError::Invalid(
            "invalid_text",
            "The text holds control characters (NUL, escape, …)".into(),
        ));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(LifecycleError::Invalid(
            "invalid_text",
            format!("The text is longer than {MAX_TEXT_CHARS} characters"),
        ));
    }
    Ok(text)
}

/// The customer's AE as a mailbox, from the workspace's team.
fn ae_mailbox(catalog: &Catalog, customer: &Customer) -> Option<Mailbox> {
    let email = customer.ae_email.as_deref()?;
    catalog.team.iter().find(|m| m.email == email).map(|m| Mailbox { name: m.name.clone(), email: m.email.clone() })
}

/// Applies an edit: re-runs the checks, renders a matching HTML version, keeps the revision.
#[allow(clippy::too_many_arguments)]
pub async fn edit(
    store: &Arc<dyn Store>,
    composer: &Composer,
    catalog: &Catalog,
    ws: &Workspace,
    member: &TeamMember,
    id: DraftId,
    patch: DraftPatch,
    now: OffsetDateTime,
) -> Result<Draft> {
    let (draft, customer) = load(store, ws, member, id).await?;
    if !draft.is_editable() {
        return Err(LifecycleError::NotEditable(Box::new(draft)));
    }
    check_revision(&draft, patch.revision)?;
    let composer = catalog.composer(composer).map_err(DraftError::from)?;
    let approach = patch.approach.unwrap_or(draft.approach);
    let tone = patch.tone.unwrap_or(draft.tone);
    let cc_ae = patch.cc_ae.unwrap_or(draft.cc_ae);
    let cc = if cc_ae {
        vec![ae_mailbox(catalog, &customer).ok_or_else(|| DraftError::NoAe(customer.name.clone()))?]
    } else {
        Vec::new()
    };
    let mut subject = draft.subject.clone();
    let mut text = draft.text.clone();
    let mut facts = draft.facts.clone();
    // A new approach or tone without new wording means: write it again that way.
    if (approach != draft.approach || tone != draft.tone) && patch.text.is_none() && patch.subject.is_none() {
        let record =
            store.customer_record(ws, customer.id).await?.ok_or_else(|| LifecycleError::NotFound(id.to_string()))?;
        let contacts = record.contacts.clone();
        let zone = record.customer.time_zone.clone();
        let mut ctx = context_of(store, catalog, ws, record, now).await?;
        if let Some(to) = draft.to.first() {
            let known = contacts.iter().find(|c| c.email.as_deref() == Some(to.email.as_str()));
            let mut person = known.map_or_else(
                || Person::contact(&crate::domain::Contact::default(), zone.as_deref()),
                |c| Person::contact(c, zone.as_deref()),
            );
            person.name.clone_from(&to.name);
            person.email = Some(to.email.clone());
            ctx.contact = Some(person);
        }
        let email =
            composer.compose(&ctx, &catalog.plans, &catalog.features, approach, tone).map_err(DraftError::from)?;
        (subject, text, facts) = (email.subject, email.text, email.facts);
    }
    if let Some(s) = &patch.subject {
        subject = clean_subject(s)?;
    }
    if let Some(t) = &patch.text {
        text = clean_text(t)?;
    }
    let html = composer.html(&subject, &text).map_err(DraftError::from)?;
    let checks = composer.check(&subject, &text, &facts, &catalog.plans, &catalog.features);
    let content = DraftContent { approach, tone, cc, cc_ae, subject, text, html, checks, facts };
    match store.update_draft(ws, id, draft.revision, &content, Some(member.id), now).await? {
        Some(updated) => Ok(updated),
        // Someone else edited, sent or discarded it between our read and our write.
        None => match store.draft(ws, id).await? {
            Some(d) if d.is_editable() => Err(LifecycleError::Stale { current: d.revision, yours: draft.revision }),
            Some(d) => Err(LifecycleError::NotEditable(Box::new(d))),
            None => Err(LifecycleError::NotFound(id.to_string())),
        },
    }
}

/// The AE's briefing when they are not copied in but their involvement was recommended.
fn ae_notice(ctx: &ExpansionContext, draft: &Draft, ae: &Mailbox, message_id: String) -> Notice {
    let first = ae.name.split_whitespace().next().unwrap_or(&ae.name);
    let contact = draft.to.first().map_or_else(String::new, |t| format!(" ({})", t.name));
    let mut text = format!(
        "Hi {first},\n\n{} has approved an introduction to {}{contact}. You are not copied in, so here is the context.\n\n",
        draft.from.name, ctx.customer.name
    );
    if let Some(o) = &ctx.opportunity {
        text += &format!(
            "Opportunity: {} to {}, about {} a year.\n",
            o.kind.as_str().replace('_', " "),
            o.target_plan.name,
            group_thousands(o.annual_value)
        );
    }
    text += &format!("Why you: {}\n", ctx.ae_involvement.reason);
    text += &format!("Approach: {} ({} tone)\n", draft.approach.as_str().replace('_', " "), draft.tone.as_str());
    if !ctx.signals.is_empty() {
        text += "Signals:\n";
        for s in &ctx.signals {
            text += &format!("- {}\n", s.summary);
        }
    }
    text += &format!("\nThe email, as approved:\n\nSubject: {}\n\n{}\n\n-- Overture\n", draft.subject, draft.text);
    Notice {
        draft_id: draft.id.0,
        message_id,
        from: draft.from.clone(),
        to: ae.clone(),
        subject: format!("FYI: expansion introduction to {}", ctx.customer.name),
        text,
    }
}

/// The human Send: checks the right to send and the warnings, then records the approval of the
/// current revision and queues its delivery (and the AE's briefing) in one transaction.
#[allow(clippy::too_many_arguments)]
pub async fn approve(
    store: &Arc<dyn Store>,
    catalog: &Catalog,
    ws: &Workspace,
    member: &TeamMember,
    id: DraftId,
    request: SendRequest,
    now: OffsetDateTime,
    run_at: OffsetDateTime,
) -> Result<(Draft, bool)> {
    let (draft, customer) = load(store, ws, member, id).await?;
    match draft.status {
        DraftStatus::Draft | DraftStatus::Failed => {}
        // Approved before: a repeated Send never queues a second delivery.
        DraftStatus::Queued | DraftStatus::Sending | DraftStatus::Sent => return Ok((draft, false)),
        DraftStatus::Discarded => return Err(LifecycleError::NotEditable(Box::new(draft))),
    }
    check_revision(&draft, request.revision)?;
    if let Some(at) = request.send_at {
        if at <= run_at || at > run_at + time::Duration::days(MAX_SCHEDULE_DAYS) {
            return Err(LifecycleError::Invalid(
                "invalid_send_at",
                format!("send_at must be in the future and at most {MAX_SCHEDULE_DAYS} days ahead"),
            ));
        }
    }
    if draft.has_warnings() && !request.acknowledge_warnings {
        return Err(LifecycleError::Warnings(Box::new(draft)));
    }
    for to in &draft.to {
        if let Some(block) = store.address_block(ws, &to.email).await? {
            return Err(LifecycleError::Blocked(format!(
                "{} {} on {}, so Overture no longer writes to this address. Choose another contact for {}.",
                block.email,
                block.detail,
                block.created_at.date(),
                customer.name
            )));
        }
    }
    let message_id = new_message_id(draft.id, &draft.from);
    let mut jobs = vec![NewJob {
        kind: SEND_DRAFT.into(),
        payload: serde_json::json!({"draft_id": draft.id.0}),
        dedupe_key: format!("send:{}", draft.id),
    }];
    if !draft.cc_ae {
        if let Some(ae) = ae_mailbox(catalog, &customer) {
            let record = store
                .customer_record(ws, customer.id)
                .await?
                .ok_or_else(|| LifecycleError::NotFound(id.to_string()))?;
            let ctx = context_of(store, catalog, ws, record, now).await?;
            if ctx.ae_involvement.recommended {
                let notice = ae_notice(&ctx, &draft, &ae, format!("ae.{}", new_message_id(draft.id, &draft.from)));
                jobs.push(NewJob {
                    kind: AE_NOTICE.into(),
                    payload: serde_json::to_value(&notice).map_err(anyhow::Error::from)?,
                    dedupe_key: format!("ae_notice:{}", draft.id),
                });
            }
        }
    }
    let approval = Approval {
        draft_id: draft.id,
        revision: draft.revision,
        approver: member.id,
        idempotency_key: request.idempotency_key,
        message_id,
        jobs,
        run_at,
        send_at: request.send_at,
    };
    match store.approve_draft(ws, &approval, now).await? {
        Approved::Queued(d) => Ok((d, true)),
        Approved::Already(d) => Ok((d, false)),
        Approved::KeyUsedFor(other) => Err(LifecycleError::KeyReused(other)),
        Approved::Changed(d) if d.is_editable() => {
            Err(LifecycleError::Stale { current: d.revision, yours: draft.revision })
        }
        Approved::Changed(d) => Err(LifecycleError::NotEditable(Box::new(d))),
        Approved::NotFound => Err(LifecycleError::NotFound(id.to_string())),
    }
}

/// Drops a draft that was not sent.
pub async fn discard(
    store: &Arc<dyn Store>,
    ws: &Workspace,
    member: &TeamMember,
    id: DraftId,
    now: OffsetDateTime,
) -> Result<Draft> {
    let (draft, _) = load(store, ws, member, id).await?;
    if draft.status == DraftStatus::Discarded {
        return Ok(draft);
    }
    match store.discard_draft(ws, id, member.id, now).await? {
        Some(d) => Ok(d),
        None => {
            let current = store.draft(ws, id).await?.ok_or_else(|| LifecycleError::NotFound(id.to_string()))?;
            Err(LifecycleError::NotEditable(Box::new(current)))
        }
    }
}
