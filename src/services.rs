//! What the CLI, the HTTP API and (later) the chat share: finding a customer and building its context.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use rand::SeedableRng;
use time::OffsetDateTime;

use crate::compose::{ComposeError, Composer};
use crate::context::{self, ExpansionContext, Surroundings};
use crate::domain::{
    Approach, Customer, CustomerId, Detection, Draft, DraftContent, DraftKind, Feature, Mailbox, NewDraft, Plan, Role,
    TeamMember, TemplateOverride, Tone,
};
use crate::learning::{self, Evidence, Segment};
use crate::signals::{self, Settings, Snapshot};
use crate::store::{CustomerRecord, Store, Workspace};

/// The outcome of looking a customer up by id, external id or name.
#[derive(Debug)]
pub enum Lookup<T = Customer> {
    Found(T),
    NotFound,
    /// Several customers share the name; the caller should ask which.
    Ambiguous(Vec<T>),
}

/// Applies the lookup precedence to the matches of `key`: internal id, then external id, then name.
fn pick<T>(key: &str, mut matches: Vec<T>, customer: impl Fn(&T) -> &Customer) -> Lookup<T> {
    let by_id = key.parse::<CustomerId>().ok();
    let exact = matches
        .iter()
        .position(|m| Some(customer(m).id) == by_id)
        .or_else(|| matches.iter().position(|m| customer(m).external_id == key));
    match (exact, matches.len()) {
        (Some(i), _) => Lookup::Found(matches.swap_remove(i)),
        (None, 0) => Lookup::NotFound,
        (None, 1) => matches.pop().map_or(Lookup::NotFound, Lookup::Found),
        (None, _) => Lookup::Ambiguous(matches),
    }
}

/// Finds a customer by internal id (`cus_42`), external id, or name (case-insensitive), in that order,
/// with everything stored about it (one round trip).
pub async fn find_customer_record(
    store: &Arc<dyn Store>,
    ws: &Workspace,
    key: &str,
) -> anyhow::Result<Lookup<CustomerRecord>> {
    let key = key.trim();
    if key.is_empty() {
        return Ok(Lookup::NotFound);
    }
    Ok(pick(key, store.customer_records_matching(ws, key).await?, |r| &r.customer))
}

/// A workspace's plans, features, team and own templates: read on every context, changed only by imports
/// and template edits (both bump the workspace's `catalog_version`).
pub struct Catalog {
    pub plans: Vec<Plan>,
    pub features: Vec<Feature>,
    pub team: Vec<TeamMember>,
    pub templates: Vec<TemplateOverride>,
    /// The composer with the workspace's templates, built on first use.
    composer: OnceLock<Result<Composer, ComposeError>>,
    /// The outcome evidence and exploration setting, refreshed every [`EVIDENCE_TTL`].
    learning: Mutex<Option<(std::time::Instant, Arc<LearningState>)>>,
}

/// How long the recommendation may use outcome counts before reading them again.
pub const EVIDENCE_TTL: std::time::Duration = std::time::Duration::from_secs(30);
/// Days after which an introduction without a reply counts as unanswered.
pub const MATURITY_DAYS: i64 = 14;

/// What the recommendation learns from: the workspace's outcome counts and whether to explore.
pub struct LearningState {
    pub evidence: Evidence,
    pub explore: bool,
}

/// The workspace's outcome evidence, as of `now` (introductions older than [`MATURITY_DAYS`] without a
/// reply count as unanswered).
pub async fn load_evidence(store: &Arc<dyn Store>, ws: &Workspace, now: OffsetDateTime) -> anyhow::Result<Evidence> {
    let mut evidence = Evidence::default();
    let matured_before = now - time::Duration::days(MATURITY_DAYS);
    let (outcomes, styles) =
        tokio::try_join!(store.outcome_counts(ws, matured_before), store.style_counts(ws, matured_before))?;
    for (segment, approach, counts) in outcomes {
        evidence.add(segment, approach, &counts);
    }
    for row in styles {
        evidence.add_style(row.style, row.approach, &row.counts);
    }
    Ok(evidence)
}

/// The workspace's approach insights (only the outcome counts are read).
pub async fn approach_insights(
    store: &Arc<dyn Store>,
    ws: &Workspace,
    now: OffsetDateTime,
) -> anyhow::Result<learning::insights::ApproachInsights> {
    let mut evidence = Evidence::default();
    for (segment, approach, counts) in store.outcome_counts(ws, now - time::Duration::days(MATURITY_DAYS)).await? {
        evidence.add(segment, approach, &counts);
    }
    Ok(learning::insights::approaches(&evidence, MATURITY_DAYS))
}

/// The workspace's buying-style insights.
pub async fn style_insights(
    store: &Arc<dyn Store>,
    ws: &Workspace,
    now: OffsetDateTime,
) -> anyhow::Result<learning::styles::StyleInsights> {
    let rows = store.style_counts(ws, now - time::Duration::days(MATURITY_DAYS)).await?;
    Ok(learning::styles::insights(&rows))
}

/// The workspace's timing insights: the counts by the recipient's clock and by days to renewal, read side
/// by side.
pub async fn timing_insights(
    store: &Arc<dyn Store>,
    ws: &Workspace,
    now: OffsetDateTime,
) -> anyhow::Result<learning::timing::TimingInsights> {
    let before = now - time::Duration::days(MATURITY_DAYS);
    let (clock, renewal) = tokio::try_join!(store.clock_counts(ws, before), store.renewal_counts(ws, before))?;
    Ok(learning::timing::insights(&clock, &renewal))
}

/// The suggested send time of a draft, on its recipient's clock (the contact's time zone, else the
/// customer's).
pub async fn send_time(
    store: &Arc<dyn Store>,
    ws: &Workspace,
    draft: &Draft,
    now: OffsetDateTime,
) -> anyhow::Result<learning::timing::SendTime> {
    let record = store.customer_record(ws, draft.customer_id).await?;
    let to = draft.to.first().map(|m| m.email.as_str());
    let zone = record.as_ref().zip(to).and_then(|(r, to)| r.time_zone_of(to)).map(str::to_string);
    let company = record.as_ref().map_or("the customer", |r| r.customer.name.as_str());
    let insights = timing_insights(store, ws, now).await?;
    Ok(learning::timing::send_time(&insights, zone, company, now))
}

impl Catalog {
    pub async fn load(store: &Arc<dyn Store>, ws: &Workspace) -> anyhow::Result<Catalog> {
        let (plans, features, team, templates) =
            tokio::try_join!(store.plans(ws), store.features(ws), store.team(ws), store.templates(ws))?;
        Ok(Catalog { plans, features, team, templates, composer: OnceLock::new(), learning: Mutex::new(None) })
    }

    /// The outcome evidence of the workspace, read at most every [`EVIDENCE_TTL`].
    pub async fn learning(
        &self,
        store: &Arc<dyn Store>,
        ws: &Workspace,
        now: OffsetDateTime,
    ) -> anyhow::Result<Arc<LearningState>> {
        let fresh = self.learning.lock().ok().and_then(|cached| {
            cached.as_ref().filter(|(at, _)| at.elapsed() < EVIDENCE_TTL).map(|(_, state)| state.clone())
        });
        if let Some(state) = fresh {
            return Ok(state);
        }
        let (evidence, settings) = tokio::try_join!(load_evidence(store, ws, now), store.engagement_settings(ws))?;
        let state = Arc::new(LearningState { evidence, explore: settings.learning_exploration });
        if let Ok(mut cached) = self.learning.lock() {
            *cached = Some((std::time::Instant::now(), state.clone()));
        }
        Ok(state)
    }

    /// The composer for this workspace: `base`, or a copy with the workspace's own templates.
    pub fn composer<'a>(&'a self, base: &'a Composer) -> Result<&'a Composer, ComposeError> {
        if self.templates.is_empty() {
            return Ok(base);
        }
        self.composer.get_or_init(|| base.with_overrides(&self.templates)).as_ref().map_err(Clone::clone)
    }
}

/// Checks a workspace's candidate templates for an approach by composing, with them, the introduction of
/// every demo customer in both tones; returns the first failure in words an admin can act on.
pub fn validate_template(
    base: &Composer,
    approach: Approach,
    subject: &str,
    body: &str,
    today: time::Date,
) -> Result<(), String> {
    let candidate = TemplateOverride {
        approach,
        subject: subject.into(),
        body: body.into(),
        updated_at: OffsetDateTime::UNIX_EPOCH,
    };
    let composer = base.with_overrides(std::slice::from_ref(&candidate)).map_err(|e| e.to_string())?;
    let (contexts, plans, features) = crate::demo::contexts(today);
    let mut composed = 0;
    for ctx in &contexts {
        for tone in [Tone::Soft, Tone::Direct] {
            match composer.compose(ctx, &plans, &features, approach, tone) {
                Ok(email) if email.subject.is_empty() => {
                    return Err(format!("the subject is empty for {} ({} tone)", ctx.customer.name, tone.as_str()))
                }
                Ok(_) => composed += 1,
                Err(e @ ComposeError::Template(..)) => {
                    return Err(format!("{e} (composing for {}, {} tone)", ctx.customer.name, tone.as_str()))
                }
                Err(_) => {}
            }
        }
    }
    if composed == 0 {
        return Err("no demo customer could be composed with these templates".into());
    }
    Ok(())
}

/// Catalogs by workspace, tagged with the workspace's `catalog_version`. Imports bump the version in
/// the same transaction as the change, and every request reads the workspace row afresh, so a cached
/// catalog is never older than the request's own view, in this process or any other.
#[derive(Default)]
pub struct CatalogCache {
    entries: Mutex<HashMap<i64, (i64, Arc<Catalog>)>>,
}

impl CatalogCache {
    /// Makes the next recommendation in this process read the workspace's outcomes afresh (after an
    /// outcome, a response or a learning setting changed here; other processes catch up within
    /// [`EVIDENCE_TTL`]).
    pub fn refresh_learning(&self, ws: &Workspace) {
        let catalog = self.entries.lock().ok().and_then(|e| e.get(&ws.id).map(|(_, c)| c.clone()));
        if let Some(catalog) = catalog {
            if let Ok(mut cached) = catalog.learning.lock() {
                *cached = None;
            }
        }
    }

    pub async fn get(&self, store: &Arc<dyn Store>, ws: &Workspace) -> anyhow::Result<Arc<Catalog>> {
        let cached = self.entries.lock().ok().and_then(|entries| {
            entries.get(&ws.id).filter(|(version, _)| *version == ws.catalog_version).map(|(_, c)| c.clone())
        });
        if let Some(catalog) = cached {
            return Ok(catalog);
        }
        let catalog = Arc::new(Catalog::load(store, ws).await?);
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(ws.id, (ws.catalog_version, catalog.clone()));
        }
        Ok(catalog)
    }
}

/// Judges a stored customer as of `today`: its detection and its expansion context. Pure; the store's
/// opportunity (if any) supplies the context's opportunity id and status.
pub fn judge(
    record: &CustomerRecord,
    plans: &[Plan],
    features: &[Feature],
    team: &[TeamMember],
    settings: Settings,
    today: time::Date,
) -> (Detection, ExpansionContext) {
    let snapshot = Snapshot {
        customer: &record.customer,
        plans,
        features,
        usage: record.usage.as_ref(),
        feature_requests: &record.feature_requests,
        milestones: &record.milestones,
        today,
        settings,
    };
    let detection = signals::detect(&snapshot);
    let member = |email: &Option<String>| email.as_ref().and_then(|e| team.iter().find(|m| &m.email == e));
    let around = Surroundings {
        contacts: &record.contacts,
        csm: member(&record.customer.csm_email),
        ae: member(&record.customer.ae_email),
        opportunity: record.opportunity.clone(),
    };
    let context = context::build(&snapshot, &detection, around);
    (detection, context)
}

/// Builds the expansion context from a customer's stored record, as of `now`.
pub async fn context_of(
    store: &Arc<dyn Store>,
    catalog: &Catalog,
    ws: &Workspace,
    mut record: CustomerRecord,
    now: OffsetDateTime,
) -> anyhow::Result<ExpansionContext> {
    let settings = Settings { ae_value_threshold: ws.ae_value_threshold };
    let judged =
        |record: &CustomerRecord| judge(record, &catalog.plans, &catalog.features, &catalog.team, settings, now.date());
    let (mut detection, mut context) = judged(&record);
    if detection.opportunity.is_some() != record.opportunity.is_some() {
        // Time passes between detection runs (a renewal comes closer): when the stored opportunity no
        // longer matches, store the fresh judgement so that the opportunity has an id to refer to.
        let id = record.customer.id;
        store.save_detections(ws, &[(id, detection)], now).await?;
        record.opportunity = store.customer_record(ws, id).await?.and_then(|r| r.opportunity);
        (detection, context) = judged(&record);
    }
    let learning = catalog.learning(store, ws, now).await?;
    let customer = &record.customer;
    let segment = segment_of(customer, &detection);
    // The same customer and opportunity draw the same sample: the recommendation does not change
    // from one look to the next, only with new evidence.
    let opportunity = record.opportunity.as_ref().map_or(0, |o| o.id.0);
    let seed = (ws.id as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
        ^ (customer.id.0 as u64).wrapping_mul(0xbf58_476d_1ce4_e5b9)
        ^ (opportunity as u64).wrapping_mul(0x94d0_49bb_1331_11eb);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let style = context.contact.as_ref().and_then(|c| c.buying_style).unwrap_or_default();
    learning::apply(
        &mut context.recommendation,
        &detection,
        &segment,
        style,
        &learning.evidence,
        learning.explore,
        &mut rng,
    );
    Ok(context)
}

/// The learning segment of a customer: plan, size band, industry and main signal.
pub fn segment_of(customer: &Customer, detection: &Detection) -> Segment {
    Segment {
        plan: customer.plan_key.clone(),
        size: learning::size_band(customer.seats_purchased).to_string(),
        industry: customer.industry.clone().unwrap_or_default(),
        signal: detection.main_signal().map(|s| s.kind.as_str().to_string()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer(id: i64, ext: &str, name: &str) -> Customer {
        Customer {
            id: CustomerId(id),
            external_id: ext.into(),
            name: name.into(),
            plan_key: "p".into(),
            seats_purchased: 1,
            arr: 0,
            renewal_date: None,
            health_score: None,
            industry: None,
            csm_email: None,
            ae_email: None,
            time_zone: None,
        }
    }

    fn found_id(lookup: Lookup) -> Option<i64> {
        match lookup {
            Lookup::Found(c) => Some(c.id.0),
            _ => None,
        }
    }

    #[test]
    fn id_beats_external_id_beats_name() {
        // Customer 2's external id is customer 1's name; customer 3 is named like customer 2's id.
        let all = || vec![customer(1, "one", "acme"), customer(2, "acme", "Beta"), customer(3, "three", "cus_2")];
        assert_eq!(found_id(pick("cus_2", all(), |c| c)), Some(2), "internal id first");
        assert_eq!(found_id(pick("acme", all(), |c| c)), Some(2), "then external id");
        assert_eq!(found_id(pick("Beta", vec![customer(2, "acme", "Beta")], |c| c)), Some(2), "then a unique name");
        let twins = vec![customer(4, "a", "Northwind"), customer(5, "b", "Northwind")];
        assert!(matches!(pick("northwind", twins, |c| c), Lookup::Ambiguous(v) if v.len() == 2));
        assert!(matches!(pick("x", Vec::<Customer>::new(), |c| c), Lookup::NotFound));
    }
}

/// What a CSM asks for when composing (every field optional).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DraftRequest {
    /// Defaults to the recommended approach.
    pub approach: Option<Approach>,
    /// Defaults to soft.
    pub tone: Option<Tone>,
    /// One of the customer's contacts; defaults to the main contact.
    pub contact_email: Option<String>,
    /// Copy in the customer's Account Executive.
    pub cc_ae: bool,
    /// The team member asking (none from the command line).
    pub requested_by: Option<TeamMember>,
}

/// Why a draft could not be made, in terms a CSM can act on.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error(transparent)]
    Compose(#[from] ComposeError),
    #[error("{0} has no Account Executive to copy in: assign one in the workspace data")]
    NoAe(String),
    #[error("`{0}` is not a contact of {1}; its contacts are: {2}")]
    UnknownContact(String, String, String),
    #[error("{0} has no CSM to send from: assign one in the workspace data")]
    NoSender(String),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Composes an introduction for a customer and stores it as a draft; returns it with its context.
pub async fn draft_introduction(
    store: &Arc<dyn Store>,
    composer: &Composer,
    catalog: &Catalog,
    ws: &Workspace,
    record: CustomerRecord,
    request: &DraftRequest,
    now: OffsetDateTime,
) -> Result<(Draft, ExpansionContext), DraftError> {
    let company = record.customer.name.clone();
    let by = request.requested_by.as_ref();
    let chosen = match &request.contact_email {
        Some(email) => {
            let found = record.contact(email).cloned();
            let known: Vec<&str> = record.contacts.iter().filter_map(|c| c.email.as_deref()).collect();
            Some(found.ok_or_else(|| DraftError::UnknownContact(email.clone(), company.clone(), known.join(", ")))?)
        }
        None => None,
    };
    let zone = record.customer.time_zone.clone();
    let mut ctx = context_of(store, catalog, ws, record, now).await?;
    if let Some(c) = chosen {
        ctx.contact = Some(context::Person::contact(&c, zone.as_deref()));
    }
    let approach = request.approach.unwrap_or(ctx.recommendation.approach);
    let tone = request.tone.unwrap_or_default();
    let email = catalog.composer(composer)?.compose(&ctx, &catalog.plans, &catalog.features, approach, tone)?;
    let mailbox = |p: &context::Person| p.email.clone().map(|email| Mailbox { name: p.name.clone(), email });
    let from = ctx
        .csm
        .as_ref()
        .and_then(mailbox)
        .or_else(|| {
            by.filter(|m| matches!(m.role, Role::Csm | Role::Admin))
                .map(|m| Mailbox { name: m.name.clone(), email: m.email.clone() })
        })
        .ok_or_else(|| DraftError::NoSender(company.clone()))?;
    let to: Vec<Mailbox> = ctx.contact.as_ref().and_then(mailbox).into_iter().collect();
    let cc = if request.cc_ae {
        vec![ctx.ae.as_ref().and_then(mailbox).ok_or_else(|| DraftError::NoAe(company.clone()))?]
    } else {
        Vec::new()
    };
    let new = NewDraft {
        customer_id: ctx.customer.id,
        opportunity_id: ctx.opportunity.as_ref().and_then(|o| o.id),
        from,
        to,
        content: DraftContent {
            approach,
            tone,
            cc,
            cc_ae: request.cc_ae,
            subject: email.subject,
            text: email.text,
            html: email.html,
            checks: email.checks,
            facts: email.facts,
        },
        created_by: by.map(|m| m.id),
        kind: DraftKind::Intro,
        in_reply_to: None,
    };
    let draft = store.create_draft(ws, &new, now).await?;
    Ok((draft, ctx))
}
