//! Loading a workspace: JSON bundles (CONTRACT §2) and CSV files, all or nothing.
//!
//! Every record is checked before anything is kept, and every problem is reported (up to
//! [`MAX_LISTED`], then counted) with its JSON path or file and line. Writes happen in one transaction
//! that is only committed when no problem was found; usage files are streamed, so millions of rows
//! never sit in memory at once. Detection then runs for what the import touched.

pub mod bundle;
pub mod csv;
pub mod validate;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use serde::Serialize;
use time::OffsetDateTime;

use crate::detection;
use crate::domain::{Contact, CustomerId, FeatureRequest, Milestone, Plan, Role, UsageDay};
use crate::store::{DetectionCounts, ImportTx, NewCustomer, Outcome, Store, Workspace};
use bundle::{
    Bundle, ContactRecord, CustomerRecord, FeatureRecord, MemberRecord, MilestoneRecord, OutcomeRecord, PlanRecord,
    RequestRecord,
};
use validate::{Errors, Loc, Refs};

pub use bundle::json_schema;
pub use validate::{ImportError, MAX_LISTED};

#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub features: usize,
    pub plans: usize,
    pub team: usize,
    pub customers: usize,
    pub contacts: usize,
    pub feature_requests: usize,
    pub milestones: usize,
    pub usage_rows: usize,
    /// CRM results recorded on an opportunity.
    pub outcomes: usize,
    /// CRM results for customers with no opportunity to record them on (skipped).
    pub outcomes_without_opportunity: usize,
    #[schema(value_type = Object)]
    pub detection: DetectionCounts,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    /// The input has problems; nothing was written.
    #[error("{total} problem(s) found; nothing was imported")]
    Invalid { errors: Vec<ImportError>, total: usize },
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl From<Errors> for ImportFailure {
    fn from(e: Errors) -> Self {
        ImportFailure::Invalid { errors: e.list, total: e.total }
    }
}

/// Records gathered from every input, with where each came from.
#[derive(Default)]
pub struct Staged {
    features: Vec<(Loc, FeatureRecord)>,
    plans: Vec<(Loc, PlanRecord)>,
    team: Vec<(Loc, MemberRecord)>,
    customers: Vec<(Loc, CustomerRecord)>,
    contacts: Vec<(Loc, String, ContactRecord)>,
    requests: Vec<(Loc, String, RequestRecord)>,
    milestones: Vec<(Loc, String, MilestoneRecord)>,
    outcomes: Vec<(Loc, String, OutcomeRecord)>,
    usage_files: Vec<PathBuf>,
}

const SECTIONS: [&str; 5] = ["features", "plans", "team", "customers", "outcomes"];

fn records<T: serde::de::DeserializeOwned>(
    e: &mut Errors,
    prefix: &str,
    section: &str,
    value: Option<serde_json::Value>,
) -> Vec<(Loc, T)> {
    let items = match value {
        None | Some(serde_json::Value::Null) => return Vec::new(),
        Some(serde_json::Value::Array(items)) => items,
        Some(_) => {
            e.add(format!("{prefix}{section}"), "must be a list");
            return Vec::new();
        }
    };
    items
        .into_iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let path = format!("{prefix}{section}[{i}]");
            match serde_path_to_error::deserialize::<_, T>(item) {
                Ok(record) => Some((Loc::Json(path), record)),
                Err(err) => {
                    let inner = err.path().to_string();
                    let at = if inner == "." { path } else { format!("{path}.{inner}") };
                    e.add(at, err.into_inner().to_string());
                    None
                }
            }
        })
        .collect()
}

impl Staged {
    /// Adds a JSON bundle. `name` (a file name) prefixes the locations of its problems.
    pub fn add_bundle_json(&mut self, name: Option<&str>, bytes: &[u8], e: &mut Errors) {
        let prefix = name.map(|n| format!("{n}:")).unwrap_or_default();
        let mut doc = match serde_json::from_slice::<serde_json::Value>(bytes) {
            Ok(serde_json::Value::Object(doc)) => doc,
            Ok(_) => {
                e.add(format!("{prefix}$"), "a bundle is a JSON object with features, plans, team and customers");
                return;
            }
            Err(err) => {
                e.add(format!("{prefix}line {} column {}", err.line(), err.column()), format!("invalid JSON: {err}"));
                return;
            }
        };
        for key in doc.keys().filter(|k| !SECTIONS.contains(&k.as_str())) {
            e.add(format!("{prefix}{key}"), format!("unknown section; a bundle has {}", SECTIONS.join(", ")));
        }
        self.features.extend(records(e, &prefix, "features", doc.remove("features")));
        self.plans.extend(records(e, &prefix, "plans", doc.remove("plans")));
        self.team.extend(records(e, &prefix, "team", doc.remove("team")));
        self.customers.extend(records(e, &prefix, "customers", doc.remove("customers")));
        let outcomes: Vec<(Loc, OutcomeRecord)> = records(e, &prefix, "outcomes", doc.remove("outcomes"));
        self.outcomes.extend(outcomes.into_iter().map(|(loc, r)| (loc, r.external_id.trim().to_string(), r)));
    }

    /// Drops every staged record but the usage files, which are read last.
    fn into_usage_files(self) -> Vec<PathBuf> {
        self.usage_files
    }

    /// Adds a typed bundle (the demo's), located as `bundle`.
    pub fn add_bundle(&mut self, bundle: Bundle) {
        let loc = |s: &str, i: usize| Loc::Json(format!("{s}[{i}]"));
        self.features.extend(bundle.features.into_iter().enumerate().map(|(i, r)| (loc("features", i), r)));
        self.plans.extend(bundle.plans.into_iter().enumerate().map(|(i, r)| (loc("plans", i), r)));
        self.team.extend(bundle.team.into_iter().enumerate().map(|(i, r)| (loc("team", i), r)));
        self.customers.extend(bundle.customers.into_iter().enumerate().map(|(i, r)| (loc("customers", i), r)));
        self.outcomes.extend(
            bundle
                .outcomes
                .into_iter()
                .enumerate()
                .map(|(i, r)| (loc("outcomes", i), r.external_id.trim().to_string(), r)),
        );
    }

    /// Adds a CSV file; its kind comes from its name. Usage files are only opened when imported.
    pub fn add_csv(&mut self, path: &Path, e: &mut Errors) -> anyhow::Result<()> {
        let kind = match csv::Kind::of(path) {
            Ok(kind) => kind,
            Err(msg) => {
                e.add(path.display().to_string(), msg);
                return Ok(());
            }
        };
        if kind == csv::Kind::Usage {
            self.usage_files.push(path.to_path_buf());
            return Ok(());
        }
        let Some(mut table) = csv::Table::open(path, kind, e).with_context(|| format!("reading {}", path.display()))?
        else {
            return Ok(());
        };
        table.rows(e, |row, e| {
            let loc = row.loc.clone();
            let ext = || row.str("external_id");
            match kind {
                csv::Kind::Features => self.features.extend(csv::feature(row, e).map(|r| (loc, r))),
                csv::Kind::Plans => self.plans.extend(csv::plan(row, e).map(|r| (loc, r))),
                csv::Kind::Team => self.team.extend(csv::member(row, e).map(|r| (loc, r))),
                csv::Kind::Customers => self.customers.extend(csv::customer(row, e).map(|r| (loc, r))),
                csv::Kind::Contacts => self.contacts.extend(csv::contact(row, e).map(|r| (loc, ext(), r))),
                csv::Kind::FeatureRequests => self.requests.extend(csv::request(row, e).map(|r| (loc, ext(), r))),
                csv::Kind::Milestones => self.milestones.extend(csv::milestone(row, e).map(|r| (loc, ext(), r))),
                csv::Kind::Outcomes => self.outcomes.extend(csv::outcome(row, e).map(|r| (loc, ext(), r))),
                csv::Kind::Usage => {}
            }
        });
        Ok(())
    }
}

/// Reports a repeated key at its second place, naming the first.
fn first_seen(seen: &mut HashMap<String, String>, key: &str, loc: &Loc, field: &str, e: &mut Errors) -> bool {
    match seen.get(key) {
        Some(first) => {
            e.add(loc.at(field), format!("`{key}` appears twice (also at {first})"));
            false
        }
        None => {
            seen.insert(key.to_string(), loc.at(""));
            true
        }
    }
}

/// Everything of the import but usage files, checked and ready to write.
#[derive(Default)]
struct Checked {
    features: Vec<crate::domain::Feature>,
    plans: Vec<Plan>,
    team: Vec<crate::store::NewMember>,
    customers: Vec<NewCustomer>,
    contacts: HashMap<String, Vec<Contact>>,
    requests: HashMap<String, Vec<FeatureRequest>>,
    milestones: HashMap<String, Vec<Milestone>>,
    outcomes: HashMap<String, Vec<(Outcome, OffsetDateTime, Option<String>)>>,
    usage: Vec<(String, UsageDay)>,
}

fn check_nested<R, T>(
    e: &mut Errors,
    base: &Loc,
    name: &str,
    items: &Option<Vec<R>>,
    check: impl Fn(&mut Errors, &Loc, &R) -> Option<T>,
) -> Option<Vec<T>> {
    let items = items.as_ref()?;
    Some(items.iter().enumerate().filter_map(|(i, r)| check(e, &base.child(&format!("{name}[{i}]")), r)).collect())
}

fn check_catalog(
    staged: &Staged,
    existing_plans: Vec<Plan>,
    existing_team: Vec<crate::domain::TeamMember>,
    e: &mut Errors,
) -> (Checked, HashMap<String, Plan>, HashMap<String, Role>) {
    let mut out = Checked::default();
    let mut seen = HashMap::new();
    for (loc, r) in &staged.features {
        if let Some(f) = validate::feature(e, loc, r) {
            if first_seen(&mut seen, &f.key, loc, "key", e) {
                out.features.push(f);
            }
        }
    }
    let mut catalog: HashMap<String, Plan> = existing_plans.into_iter().map(|p| (p.key.clone(), p)).collect();
    let mut seen = HashMap::new();
    for (loc, r) in &staged.plans {
        if let Some(p) = validate::plan(e, loc, r) {
            if first_seen(&mut seen, &p.key, loc, "key", e) {
                catalog.insert(p.key.clone(), p.clone());
                out.plans.push(p);
            }
        }
    }
    for (loc, r) in &staged.plans {
        let clash = catalog.values().find(|p| p.rank == r.rank && p.key != r.key.trim());
        if let Some(other) = clash.filter(|_| catalog.contains_key(r.key.trim())) {
            e.add(
                loc.at("rank"),
                format!(
                    "rank {} is already the rank of plan `{}`: ranks order plans and must differ",
                    r.rank, other.key
                ),
            );
        }
    }
    let mut members: HashMap<String, Role> = existing_team.into_iter().map(|m| (m.email, m.role)).collect();
    let mut seen = HashMap::new();
    for (loc, r) in &staged.team {
        if let Some(m) = validate::member(e, loc, r) {
            if first_seen(&mut seen, &m.email, loc, "email", e) {
                members.insert(m.email.clone(), m.role);
                out.team.push(m);
            }
        }
    }
    (out, catalog, members)
}

fn check_customers(staged: &Staged, out: &mut Checked, refs: &Refs<'_>, e: &mut Errors) {
    let mut seen = HashMap::new();
    for (loc, r) in &staged.customers {
        // Duplicates are judged on the raw id, so that a repeat of an invalid record is still named.
        let unique = first_seen(&mut seen, r.external_id.trim(), loc, "external_id", e);
        let customer = validate::customer(e, loc, r, refs);
        let contacts = check_nested(e, loc, "contacts", &r.contacts, validate::contact);
        if let Some(cs) = &contacts {
            if cs.iter().filter(|c| c.primary).count() > 1 {
                e.add(loc.at("contacts"), "more than one contact is marked primary");
            }
        }
        let usage = check_nested(e, loc, "usage", &r.usage, validate::usage).unwrap_or_default();
        let mut dates = HashSet::new();
        for (i, u) in usage.iter().enumerate() {
            if !dates.insert(u.date) {
                e.add(loc.at(&format!("usage[{i}].date")), format!("{} appears twice for this customer", u.date));
            }
        }
        let requests = check_nested(e, loc, "feature_requests", &r.feature_requests, validate::request);
        let milestones = check_nested(e, loc, "milestones", &r.milestones, validate::milestone);
        let Some(c) = customer.filter(|_| unique) else { continue };
        let ext = c.external_id.clone();
        out.usage.extend(usage.into_iter().map(|u| (ext.clone(), u)));
        if let Some(cs) = contacts {
            out.contacts.insert(ext.clone(), cs);
        }
        if let Some(rs) = requests {
            out.requests.insert(ext.clone(), rs);
        }
        if let Some(ms) = milestones {
            out.milestones.insert(ext.clone(), ms);
        }
        out.customers.push(c);
    }
}

/// Checks the rows of contacts.csv, feature_requests.csv and milestones.csv against the known customers.
fn check_csv_children(staged: &Staged, out: &mut Checked, known: &HashSet<String>, e: &mut Errors) {
    fn group<R, T>(
        rows: &[(Loc, String, R)],
        known: &HashSet<String>,
        e: &mut Errors,
        check: impl Fn(&mut Errors, &Loc, &R) -> Option<T>,
        into: &mut HashMap<String, Vec<T>>,
    ) {
        // A file's rows replace what the customer had, so rows of one customer are gathered first.
        let mut fresh: HashMap<String, Vec<T>> = HashMap::new();
        for (loc, ext, r) in rows {
            let item = check(e, loc, r);
            if !known.contains(ext) {
                e.add(loc.at("external_id"), format!("unknown customer `{ext}`"));
                continue;
            }
            if let Some(item) = item {
                fresh.entry(ext.clone()).or_default().push(item);
            }
        }
        for (ext, items) in fresh {
            into.entry(ext).or_default().extend(items);
        }
    }
    group(&staged.contacts, known, e, validate::contact, &mut out.contacts);
    group(&staged.requests, known, e, validate::request, &mut out.requests);
    group(&staged.milestones, known, e, validate::milestone, &mut out.milestones);
    group(&staged.outcomes, known, e, validate::outcome, &mut out.outcomes);
    for (ext, contacts) in &out.contacts {
        if contacts.iter().filter(|c| c.primary).count() > 1 {
            e.add(format!("contacts of `{ext}`"), "more than one contact is marked primary");
        }
    }
}

fn resolve<T>(ids: &HashMap<String, CustomerId>, by_ext: HashMap<String, Vec<T>>) -> Vec<(CustomerId, Vec<T>)> {
    by_ext.into_iter().filter_map(|(ext, v)| ids.get(&ext).map(|id| (*id, v))).collect()
}

/// Writes the checked records (consuming them) and returns the counts and the customers touched.
async fn write_checked(
    tx: &mut Box<dyn ImportTx>,
    c: Checked,
    ids: &mut HashMap<String, CustomerId>,
) -> anyhow::Result<(ImportReport, HashSet<CustomerId>)> {
    tx.upsert_features(&c.features).await?;
    tx.upsert_plans(&c.plans).await?;
    tx.upsert_team(&c.team).await?;
    ids.extend(tx.upsert_customers(&c.customers).await?);
    let mut touched: HashSet<CustomerId> =
        c.customers.iter().filter_map(|c| ids.get(&c.external_id).copied()).collect();
    let contacts = resolve(ids, c.contacts);
    let requests = resolve(ids, c.requests);
    let milestones = resolve(ids, c.milestones);
    let outcomes: Vec<(CustomerId, Outcome, OffsetDateTime, Option<String>)> = resolve(ids, c.outcomes)
        .into_iter()
        .flat_map(|(id, list)| list.into_iter().map(move |(o, at, note)| (id, o, at, note)))
        .collect();
    touched.extend(contacts.iter().map(|(id, _)| *id));
    touched.extend(requests.iter().map(|(id, _)| *id));
    touched.extend(milestones.iter().map(|(id, _)| *id));
    tx.replace_contacts(&contacts).await?;
    tx.replace_feature_requests(&requests).await?;
    tx.replace_milestones(&milestones).await?;
    let usage: Vec<(CustomerId, UsageDay)> =
        c.usage.iter().filter_map(|(ext, u)| ids.get(ext).map(|id| (*id, *u))).collect();
    tx.upsert_usage(&usage).await?;
    let (outcomes_recorded, outcomes_without_opportunity) = tx.record_outcomes(&outcomes).await?;
    let report = ImportReport {
        features: c.features.len(),
        plans: c.plans.len(),
        team: c.team.len(),
        customers: c.customers.len(),
        contacts: contacts.iter().map(|(_, v)| v.len()).sum(),
        feature_requests: requests.iter().map(|(_, v)| v.len()).sum(),
        milestones: milestones.iter().map(|(_, v)| v.len()).sum(),
        usage_rows: usage.len(),
        outcomes: outcomes_recorded,
        outcomes_without_opportunity,
        detection: DetectionCounts::default(),
    };
    Ok((report, touched))
}

/// Imports everything staged into `ws`, then runs detection for what changed.
pub async fn run(
    store: &Arc<dyn Store>,
    ws: &Workspace,
    staged: Staged,
    mut e: Errors,
    now: OffsetDateTime,
) -> Result<ImportReport, ImportFailure> {
    let (mut checked, catalog, members) = check_catalog(&staged, store.plans(ws).await?, store.team(ws).await?, &mut e);
    check_customers(&staged, &mut checked, &Refs { plans: &catalog, members: &members }, &mut e);

    let mut tx = store.begin_import(ws, now).await?;
    let mut ids = tx.external_ids().await?;
    // Every customer the import names counts as known, valid or not: its own problems are reported once.
    let known: HashSet<String> =
        ids.keys().cloned().chain(staged.customers.iter().map(|(_, c)| c.external_id.trim().to_string())).collect();
    check_csv_children(&staged, &mut checked, &known, &mut e);
    // The raw records are no longer needed; only the usage files are still to be read.
    let usage_files = staged.into_usage_files();

    let catalog_changed = !checked.plans.is_empty();
    let mut usage_changed: HashSet<CustomerId> = HashSet::new();
    let (mut report, mut touched) = if e.is_empty() {
        let usage_customers: Vec<String> = checked.usage.iter().map(|(ext, _)| ext.clone()).collect();
        let written = write_checked(&mut tx, checked, &mut ids).await?;
        usage_changed.extend(usage_customers.iter().filter_map(|ext| ids.get(ext)));
        written
    } else {
        (ImportReport::default(), HashSet::new())
    };
    for path in &usage_files {
        report.usage_rows += stream_usage(path, &mut tx, (&ids, &known), &mut usage_changed, &mut e).await?;
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    let mut usage_changed: Vec<CustomerId> = usage_changed.into_iter().collect();
    usage_changed.sort_unstable();
    tx.refresh_usage_summaries(&usage_changed).await?;
    tx.commit().await?;
    touched.extend(usage_changed);
    drop((ids, known));

    // A changed catalog can change any customer's opportunity.
    let only: Option<Vec<CustomerId>> = (!catalog_changed).then(|| touched.into_iter().collect());
    report.detection = detection::run(store, ws, only.as_deref(), now).await?;
    Ok(report)
}

/// Reads, checks and (while nothing is wrong) writes a usage file in batches. Parsing runs on a
/// blocking thread while the previous batch is written.
async fn stream_usage(
    path: &Path,
    tx: &mut Box<dyn ImportTx>,
    (ids, known): (&HashMap<String, CustomerId>, &HashSet<String>),
    touched: &mut HashSet<CustomerId>,
    e: &mut Errors,
) -> anyhow::Result<usize> {
    type Batch = (Vec<(Loc, String, UsageDay)>, Errors);
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Batch>(4);
    let file = path.to_path_buf();
    let reader = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut header_errors = Errors::default();
        let Some(mut table) = csv::Table::open(&file, csv::Kind::Usage, &mut header_errors)
            .with_context(|| format!("reading {}", file.display()))?
        else {
            let _ = sender.blocking_send((Vec::new(), header_errors));
            return Ok(());
        };
        let mut batch = Vec::with_capacity(crate::store::USAGE_STREAM_BATCH);
        let mut errors = Errors::default();
        table.rows(&mut errors, |row, errors| {
            if let Some(day) = csv::usage(row, errors).and_then(|r| validate::usage(errors, &row.loc, &r)) {
                batch.push((row.loc.clone(), row.str("external_id"), day));
            }
            if batch.len() == crate::store::USAGE_STREAM_BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(crate::store::USAGE_STREAM_BATCH));
                // A closed channel means the importer stopped; the error surfaces there.
                let _ = sender.blocking_send((full, std::mem::take(errors)));
            }
        });
        let _ = sender.blocking_send((batch, errors));
        Ok(())
    });

    let mut rows = 0;
    let mut resolved = Vec::with_capacity(crate::store::USAGE_STREAM_BATCH);
    let mut last: Option<CustomerId> = None;
    while let Some((batch, errors)) = receiver.recv().await {
        e.total += errors.total;
        let room = MAX_LISTED.saturating_sub(e.list.len());
        e.list.extend(errors.list.into_iter().take(room));
        resolved.clear();
        for (loc, ext, day) in batch {
            match ids.get(&ext) {
                Some(id) => {
                    if last != Some(*id) {
                        touched.insert(*id);
                        last = Some(*id);
                    }
                    resolved.push((*id, day));
                }
                // Known but not written: the import already has problems and will be rolled back.
                None if known.contains(&ext) => {}
                None => e.add(loc.at("external_id"), format!("unknown customer `{ext}`")),
            }
        }
        rows += resolved.len();
        if e.is_empty() {
            tx.upsert_usage(&resolved).await?;
        }
    }
    reader.await.context("usage reader stopped")??;
    Ok(rows)
}
