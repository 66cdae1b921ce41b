//! What the CLI, the HTTP API and (later) the chat share: finding a customer and building its context.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use time::OffsetDateTime;

use crate::context::{self, ExpansionContext, Surroundings};
use crate::domain::{Customer, CustomerId, Feature, Plan, TeamMember};
use crate::signals::{self, Settings, Snapshot};
use crate::store::{Store, Workspace};

/// The outcome of looking a customer up by id, external id or name.
#[derive(Debug)]
pub enum Lookup {
    Found(Customer),
    NotFound,
    /// Several customers share the name; the caller should ask which.
    Ambiguous(Vec<Customer>),
}

/// Finds a customer by internal id (`cus_42`), external id, or name (case-insensitive), in that order.
pub async fn find_customer(store: &Arc<dyn Store>, ws: &Workspace, key: &str) -> anyhow::Result<Lookup> {
    let key = key.trim();
    if key.is_empty() {
        return Ok(Lookup::NotFound);
    }
    let matches = store.customers_matching(ws, key).await?;
    let by_id = key.parse::<CustomerId>().ok();
    if let Some(c) = matches.iter().find(|c| Some(c.id) == by_id) {
        return Ok(Lookup::Found(c.clone()));
    }
    if let Some(c) = matches.iter().find(|c| c.external_id == key) {
        return Ok(Lookup::Found(c.clone()));
    }
    Ok(match matches.len() {
        0 => Lookup::NotFound,
        1 => Lookup::Found(matches.into_iter().next().context("one match")?),
        _ => Lookup::Ambiguous(matches),
    })
}

/// A workspace's plans, features and team: read on every context, changed only by imports.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub plans: Vec<Plan>,
    pub features: Vec<Feature>,
    pub team: Vec<TeamMember>,
}

impl Catalog {
    pub async fn load(store: &Arc<dyn Store>, ws: &Workspace) -> anyhow::Result<Catalog> {
        let (plans, features, team) = tokio::try_join!(store.plans(ws), store.features(ws), store.team(ws))?;
        Ok(Catalog { plans, features, team })
    }
}

/// Catalogs by workspace, tagged with the workspace's `catalog_version`. Imports bump the version in
/// the same transaction as the change, and every request reads the workspace row afresh, so a cached
/// catalog is never older than the request's own view, in this process or any other.
#[derive(Default)]
pub struct CatalogCache {
    entries: Mutex<HashMap<i64, (i64, Arc<Catalog>)>>,
}

impl CatalogCache {
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

/// Builds the expansion context of a customer as of `now`; `None` when it is not in the workspace.
pub async fn expansion_context(
    store: &Arc<dyn Store>,
    catalog: &Catalog,
    ws: &Workspace,
    id: CustomerId,
    now: OffsetDateTime,
) -> anyhow::Result<Option<ExpansionContext>> {
    let Some(mut record) = store.customer_record(ws, id).await? else { return Ok(None) };
    let Catalog { plans, features, team } = catalog;
    let snapshot = Snapshot {
        customer: &record.customer,
        plans,
        features,
        usage: record.usage.as_ref(),
        feature_requests: &record.feature_requests,
        milestones: &record.milestones,
        today: now.date(),
        settings: Settings { ae_value_threshold: ws.ae_value_threshold },
    };
    let detection = signals::detect(&snapshot);
    // Time passes between detection runs (a renewal comes closer): when the stored opportunity no
    // longer matches, store the fresh judgement so that the opportunity has an id to refer to.
    if detection.opportunity.is_some() != record.opportunity.is_some() {
        store.save_detections(ws, &[(id, detection.clone())], now).await?;
        record.opportunity = store.customer_record(ws, id).await?.and_then(|r| r.opportunity);
    }
    let member = |email: &Option<String>| email.as_ref().and_then(|e| team.iter().find(|m| &m.email == e));
    let around = Surroundings {
        contacts: &record.contacts,
        csm: member(&record.customer.csm_email),
        ae: member(&record.customer.ae_email),
        opportunity: record.opportunity.clone(),
    };
    Ok(Some(context::build(&snapshot, &detection, around)))
}
