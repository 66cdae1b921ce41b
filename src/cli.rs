//! The `overture` command line (CONTRACT §1).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use time::OffsetDateTime;

use overture::clock::Clock;
use overture::compose::{ComposeError, Composer};
use overture::delivery::{self, gmail, GmailConfig, MailSetting, Webhook, Worker, WorkerSettings};
use overture::domain::{group_thousands, Approach, Customer, Draft, Tone};
use overture::engagement::{EventWriter, Pollers, Responses, Tracker};
use overture::import::{self, ImportFailure, Staged};
use overture::services::{self, Catalog, DraftError, DraftRequest, Lookup};
use overture::store::{self, Store, Workspace};
use overture::{demo, detection, http, learning};

#[derive(Parser)]
#[command(name = "overture", version, about = "Introduce expansions in a way that feels helpful, not salesy")]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args)]
pub struct Settings {
    /// Database: sqlite://PATH (created if missing) or postgres://…
    #[arg(long, env = "OVERTURE_DATABASE_URL", default_value = "sqlite://overture-data/overture.db", global = true)]
    pub database_url: String,
    /// Address the HTTP server listens on.
    #[arg(long, env = "OVERTURE_BIND", default_value = "127.0.0.1:8080", global = true)]
    pub bind: SocketAddr,
    /// Mail transport: file:DIR, smtp://[user:pass@]host:port[?tls=none|starttls|tls], or gmail.
    #[arg(long, env = "OVERTURE_MAIL", default_value = "file:overture-data/outbox", global = true)]
    pub mail: String,
    /// Base URL of tracking links (default: http:// + the bind address).
    #[arg(long, env = "OVERTURE_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    #[command(flatten)]
    pub outbox: OutboxArgs,
    #[command(flatten)]
    pub gmail: GmailArgs,
    #[command(flatten)]
    pub engagement: EngagementArgs,
}

#[derive(Args)]
pub struct EngagementArgs {
    /// Tracking token keys, ID:SECRET[,ID:SECRET…]; the first signs, all verify (default: a key the
    /// server makes once and keeps in the database).
    #[arg(long, env = "OVERTURE_TRACKING_KEYS", global = true, hide_env_values = true)]
    pub tracking_keys: Option<String>,
    /// HMAC-SHA256 key of `POST /api/inbound/email` (unset: the webhook answers 503).
    #[arg(long, env = "OVERTURE_INBOUND_SECRET", global = true, hide_env_values = true)]
    pub inbound_secret: Option<String>,
    /// CRM webhook: a signed POST for every positive response handed to the AE.
    #[arg(long, env = "OVERTURE_WEBHOOK_URL", global = true)]
    pub webhook_url: Option<String>,
    /// Key of the webhook's X-Overture-Signature (default: OVERTURE_INBOUND_SECRET).
    #[arg(long, env = "OVERTURE_WEBHOOK_SECRET", global = true, hide_env_values = true)]
    pub webhook_secret: Option<String>,
    /// A mailbox to poll for replies: imaps://user:pass@host[:port]/INBOX (imap:// without TLS).
    #[arg(long, env = "OVERTURE_IMAP", global = true, hide_env_values = true)]
    pub imap: Option<String>,
    /// Tracking events recorded per message and link per minute; more are refused (pixel) or
    /// followed without being recorded (click).
    #[arg(long, env = "OVERTURE_TRACKING_RATE_LIMIT", default_value_t = 30, global = true)]
    pub tracking_rate_limit: u32,
    /// Tracking spool file: events are answered once appended there and moved into the database in
    /// the background (default on SQLite: `tracking.spool` beside the database file; `off` answers
    /// only after the database commit).
    #[arg(long, env = "OVERTURE_TRACKING_SPOOL", global = true)]
    pub tracking_spool: Option<String>,
    /// Seconds between reply polls (Gmail, IMAP) and follow-up scans.
    #[arg(long, env = "OVERTURE_POLL_SECS", default_value_t = 60, global = true)]
    pub poll_secs: u64,
}

#[derive(Args)]
pub struct OutboxArgs {
    /// Messages this process delivers at once; 0 leaves delivery to other processes.
    #[arg(long, env = "OVERTURE_OUTBOX_CONCURRENCY", default_value_t = 32, global = true)]
    pub outbox_concurrency: usize,
    /// Seconds a claimed delivery is this process's before another may take it over.
    #[arg(long, env = "OVERTURE_OUTBOX_LEASE_SECS", default_value_t = 60, global = true)]
    pub outbox_lease_secs: u64,
    /// Attempts before a temporary failure is recorded as permanent.
    #[arg(long, env = "OVERTURE_OUTBOX_MAX_ATTEMPTS", default_value_t = 8, global = true)]
    pub outbox_max_attempts: i64,
    /// Seconds before the first retry (doubling each time, with jitter, up to an hour).
    #[arg(long, env = "OVERTURE_OUTBOX_BACKOFF_SECS", default_value_t = 2.0, global = true)]
    pub outbox_backoff_secs: f64,
}

#[derive(Args)]
pub struct GmailArgs {
    /// OAuth client id of the Google Cloud project (enables Gmail).
    #[arg(long, env = "OVERTURE_GMAIL_CLIENT_ID", global = true)]
    pub gmail_client_id: Option<String>,
    #[arg(long, env = "OVERTURE_GMAIL_CLIENT_SECRET", global = true, hide_env_values = true)]
    pub gmail_client_secret: Option<String>,
    /// 32 random bytes as hex: encrypts stored Gmail refresh tokens.
    #[arg(long, env = "OVERTURE_SECRET_KEY", global = true, hide_env_values = true)]
    pub secret_key: Option<String>,
    #[arg(long, env = "OVERTURE_GMAIL_AUTH_URL", default_value = gmail::DEFAULT_AUTH_URL, global = true)]
    pub gmail_auth_url: String,
    #[arg(long, env = "OVERTURE_GMAIL_TOKEN_URL", default_value = gmail::DEFAULT_TOKEN_URL, global = true)]
    pub gmail_token_url: String,
    #[arg(long, env = "OVERTURE_GMAIL_API_URL", default_value = gmail::DEFAULT_API_URL, global = true)]
    pub gmail_api_url: String,
}

#[derive(Args)]
pub struct WorkspaceArg {
    /// The workspace to act in.
    #[arg(long, default_value = "default")]
    pub workspace: String,
}

#[derive(Subcommand)]
pub enum Command {
    /// Load the built-in demo workspace when the database has none, then serve.
    Demo,
    /// Run the HTTP server and the background workers.
    Serve,
    /// Bring the database schema up to date.
    Migrate,
    /// Load a workspace bundle (JSON) or CSV files, all or nothing.
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        workspace: WorkspaceArg,
    },
    /// Re-evaluate expansion signals and opportunities for every customer.
    Detect {
        #[command(flatten)]
        workspace: WorkspaceArg,
    },
    /// Compose and store an upsell introduction draft and print it.
    Draft {
        /// Internal id, external id, or unambiguous name.
        customer: String,
        #[arg(long)]
        approach: Option<Approach>,
        #[arg(long)]
        tone: Option<Tone>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        workspace: WorkspaceArg,
    },
    /// Print the JSON Schema of the workspace bundle.
    Schema,
    /// Print every reply a CSM relabelled, as cases of the classifier's corpus
    /// (append them to tests/corpus/replies.txt).
    Corrections,
    /// Read the built-in reply corpus and print accuracy per label, language and mail client, with 90%
    /// intervals (no database needed).
    EvaluateReplies {
        /// Which split: eval (frozen, never tuned against), train, or all.
        #[arg(long, default_value = "eval")]
        set: String,
        /// Also list every reply read wrong.
        #[arg(long)]
        misses: bool,
        /// Only the cases of one corpus file (its name without `.txt`, e.g. `eval2`, `train5-a`).
        #[arg(long)]
        batch: Option<String>,
        /// Instead: 5-fold cross-validation on the training split, for each weight of the model.
        #[arg(long)]
        cv: bool,
    },
    /// Simulate weeks of introductions in a workspace whose customers answer by a hidden truth, through
    /// the real recommendation, and print how the learning does (regret and approach mix by week).
    Simulate {
        /// Weeks to simulate.
        #[arg(long, default_value_t = 10)]
        weeks: usize,
        /// Introductions a week.
        #[arg(long, default_value_t = 40)]
        per_week: usize,
        /// Seed of the customers, their luck and the sampling.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Write a synthetic workspace as CSV files (for benchmarks; deterministic for a seed).
    Synth {
        #[arg(long, default_value_t = 1000)]
        customers: u64,
        #[arg(long, default_value_t = 90)]
        days: i64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Folder to write the CSV files into.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Print a new API token for a team member.
    Issue {
        email: String,
        #[command(flatten)]
        workspace: WorkspaceArg,
    },
    /// Revoke every API token of a team member; their web sessions end with them.
    Revoke {
        email: String,
        #[command(flatten)]
        workspace: WorkspaceArg,
    },
}

/// A team member of an existing workspace, or an error saying who is missing where.
async fn team_member(store: &Arc<dyn Store>, workspace: &str, email: &str) -> CliResult<overture::domain::TeamMember> {
    let ws = existing_workspace(store, workspace).await?;
    store.member_by_email(&ws, email).await?.ok_or_else(|| {
        CliError::Input(format!(
            "`{email}` is not a team member of workspace `{}`: add them to its team first",
            ws.name
        ))
    })
}

/// Exit 2 for input a person must fix, 1 for anything else.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Input(String),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Input(_) => 2,
            CliError::Other(_) => 1,
        }
    }
}

type CliResult<T = ()> = Result<T, CliError>;

async fn open(settings: &Settings) -> CliResult<Arc<dyn Store>> {
    let store = store::open(&settings.database_url).await?;
    store.migrate().await?;
    Ok(store)
}

async fn existing_workspace(store: &Arc<dyn Store>, name: &str) -> CliResult<Workspace> {
    store
        .workspace(name)
        .await?
        .ok_or_else(|| CliError::Input(format!("no workspace `{name}` in this database: import data into it first")))
}

pub async fn run(cli: Cli, clock: Clock) -> CliResult {
    let settings = &cli.settings;
    match cli.command {
        Command::Migrate => {
            open(settings).await?;
            println!("Database schema is up to date.");
            Ok(())
        }
        Command::Serve => serve(open(settings).await?, settings, clock).await,
        Command::Demo => {
            let store = open(settings).await?;
            let token = load_demo(&store, clock.now()).await?;
            println!("Overture demo at http://{}/", settings.bind);
            println!("Sign in as Sarah Chen (CSM) with this access token:\n\n    {token}\n");
            println!(
                "Try: curl -H 'Authorization: Bearer {token}' http://{}/api/customers/acme/expansion-context",
                settings.bind
            );
            println!("Approved emails are delivered by {} (set OVERTURE_MAIL to change).", settings.mail);
            serve(store, settings, clock).await
        }
        Command::Import { files, workspace } => {
            import_files(&open(settings).await?, &workspace.workspace, &files, clock.now()).await
        }
        Command::Detect { workspace } => detect(&open(settings).await?, &workspace.workspace, clock.now()).await,
        Command::Draft { customer, approach, tone, json, workspace } => {
            let store = open(settings).await?;
            let ws = existing_workspace(&store, &workspace.workspace).await?;
            let lookup = services::find_customer_record(&store, &ws, &customer).await?;
            let record = found(&ws, &customer, lookup, |r| &r.customer)?;
            let catalog = Catalog::load(&store, &ws).await?;
            let composer = Composer::new().map_err(anyhow::Error::from)?;
            let request = DraftRequest { approach, tone, ..DraftRequest::default() };
            let (draft, _) =
                services::draft_introduction(&store, &composer, &catalog, &ws, record, &request, clock.now())
                    .await
                    .map_err(|e| match e {
                        DraftError::Other(e) => CliError::Other(e),
                        DraftError::Compose(ComposeError::Template(..)) => CliError::Other(e.into()),
                        e => CliError::Input(e.to_string()),
                    })?;
            if json {
                println!("{}", serde_json::to_string_pretty(&draft).context("rendering the draft")?);
            } else {
                print_draft(&draft);
            }
            Ok(())
        }
        Command::Token { command: TokenCommand::Issue { email, workspace } } => {
            let store = open(settings).await?;
            let member = team_member(&store, &workspace.workspace, &email).await?;
            let token = http::auth::new_token();
            store.create_token(&member, &http::auth::hash_token(&token), clock.now()).await?;
            println!("{token}");
            Ok(())
        }
        Command::Token { command: TokenCommand::Revoke { email, workspace } } => {
            let store = open(settings).await?;
            let member = team_member(&store, &workspace.workspace, &email).await?;
            let revoked = store.revoke_tokens(&member, clock.now()).await?;
            println!(
                "Revoked {revoked} token{} of {}; their web sessions have ended.",
                if revoked == 1 { "" } else { "s" },
                member.email
            );
            Ok(())
        }
        Command::Corrections => {
            let store = open(settings).await?;
            for (n, (raw, label, optimize)) in store.corrections().await?.into_iter().enumerate() {
                let optimize = if optimize { " +optimize" } else { "" };
                println!("=== correction-{} | {label}{optimize}\n{}\n", n + 1, raw.replace("\r\n", "\n").trim_end());
            }
            Ok(())
        }
        Command::EvaluateReplies { set, misses, batch, cv } => {
            use overture::engagement::{corpus, evaluate, model::Model};
            if cv {
                let train: Vec<&corpus::Case> = corpus::builtin().iter().filter(|c| !c.eval).collect();
                for blend in [0.0, 0.1, 0.2, 0.3, 0.45, 0.6] {
                    let mut right = 0;
                    let mut n = 0;
                    for fold in 0..5 {
                        let held: Vec<corpus::Case> = train
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| i % 5 == fold)
                            .map(|(_, c)| (*c).clone())
                            .collect();
                        let mut model =
                            Model::of_cases(train.iter().enumerate().filter(|(i, _)| i % 5 != fold).map(|(_, c)| *c));
                        model.blend = blend;
                        let outcomes = evaluate::run(&held, &model);
                        right += outcomes.iter().filter(|o| o.right()).count();
                        n += outcomes.len();
                    }
                    println!(
                        "model weight {blend:.2}: 5-fold accuracy {:.1}% ({right}/{n})",
                        right as f64 * 100.0 / n as f64
                    );
                }
                return Ok(());
            }
            let cases: Vec<corpus::Case> = corpus::builtin()
                .iter()
                .filter(|c| match set.as_str() {
                    "eval" => c.eval,
                    "train" => !c.eval,
                    _ => true,
                })
                .filter(|c| batch.as_ref().is_none_or(|b| c.batch == *b))
                .cloned()
                .collect();
            if !matches!(set.as_str(), "eval" | "train" | "all") {
                return Err(CliError::Input(format!("--set {set}: use eval, train or all")));
            }
            if cases.is_empty() {
                return Err(CliError::Input(format!("no case in --set {set} --batch {}", batch.unwrap_or_default())));
            }
            let outcomes = evaluate::run(&cases, &Model::builtin());
            let title = match &batch {
                Some(b) => format!("reply corpus ({set}, {b})"),
                None => format!("reply corpus ({set})"),
            };
            print!("{}", evaluate::report(&title, &outcomes, misses));
            let composer = Composer::new().context("loading the email templates")?;
            let mut changed = 0;
            let mut checked = 0;
            for name in ["acme-problem_solving-soft", "umbrella-problem_solving-direct"] {
                let Some(sent) = corpus::sent(name) else { continue };
                let html = composer.html(&sent.subject, &sent.text).context("rendering the sent email")?;
                let (n, changes) = evaluate::quote_changes(&cases, &sent, &html, &Model::builtin());
                checked += n;
                changed += changes.len();
                for (case, client, bare, quoted) in changes.iter().filter(|_| misses) {
                    println!("  quote changed {case} under {client}: {bare} -> {quoted}");
                }
            }
            println!("  label changes when our email is quoted: {changed} of {checked} (replies x client formats)");
            Ok(())
        }
        Command::Simulate { weeks, per_week, seed } => {
            print!("{}", simulation_table(&learning::simulate::run(seed, weeks, per_week.max(1))));
            let s = learning::simulate::run_styles(seed, weeks, per_week.max(1));
            println!(
                "\nWith buying styles that change what works ({} introductions): expected positive replies {:.1} when \
                 learning knows the reader's style, {:.1} when it does not ({:+.0}%), {:.1} uniform random, {:.1} always best.",
                s.introductions,
                s.expected_aware,
                s.expected_blind,
                (s.expected_aware / s.expected_blind.max(f64::EPSILON) - 1.0) * 100.0,
                s.expected_uniform,
                s.expected_best
            );
            Ok(())
        }
        Command::Schema => {
            let schema = serde_json::to_string_pretty(&import::json_schema()).context("rendering the schema")?;
            println!("{schema}");
            Ok(())
        }
        Command::Synth { customers, days, seed, out } => {
            let rows = overture::synth::write_workspace(&out, customers, days, seed, clock.now().date())?;
            println!("Wrote {customers} customers and {rows} usage rows to {}", out.display());
            Ok(())
        }
    }
}

/// The customer a lookup found, or an input error naming the candidates.
fn found<T>(ws: &Workspace, key: &str, lookup: Lookup<T>, customer: impl Fn(&T) -> &Customer) -> CliResult<T> {
    match lookup {
        Lookup::Found(c) => Ok(c),
        Lookup::NotFound => Err(CliError::Input(format!("no customer `{key}` in workspace `{}`", ws.name))),
        Lookup::Ambiguous(cs) => {
            let list: Vec<String> =
                cs.iter().map(&customer).map(|c| format!("{} ({}, {})", c.name, c.id, c.external_id)).collect();
            Err(CliError::Input(format!(
                "`{key}` matches several customers: {}; use an id or external id",
                list.join("; ")
            )))
        }
    }
}

fn print_draft(d: &Draft) {
    let boxes = |ms: &[overture::domain::Mailbox]| {
        ms.iter().map(|m| format!("{} <{}>", m.name, m.email)).collect::<Vec<_>>().join(", ")
    };
    println!("Draft {} ({}, {}), not sent: approve it with Send.", d.id, d.approach.label(), d.tone.as_str());
    println!("From: {} <{}>", d.from.name, d.from.email);
    println!("To: {}", boxes(&d.to));
    if !d.cc.is_empty() {
        println!("Cc: {}", boxes(&d.cc));
    }
    println!("Subject: {}\n\n{}", d.subject, d.text);
    let p = &d.checks.pushiness;
    let findings: Vec<String> = p.findings.iter().map(|f| format!("\"{}\" ({})", f.phrase, f.reason)).collect();
    println!(
        "Pushiness: {}{}",
        p.score,
        if findings.is_empty() { String::new() } else { format!(": {}", findings.join("; ")) }
    );
    let g = &d.checks.grounding;
    if g.ungrounded.is_empty() {
        println!("Grounding: all {} figures and names trace to the customer's data", g.figures.len());
    } else {
        println!("Grounding: not traced to the customer's data: {}", g.ungrounded.join(", "));
    }
}

/// Loads the demo into the `default` workspace when it has no customers; returns a token for the demo CSM.
async fn load_demo(store: &Arc<dyn Store>, now: OffsetDateTime) -> CliResult<String> {
    let ws = store.ensure_workspace("default", now).await?;
    if store.count_customers(&ws).await? == 0 {
        let mut staged = Staged::default();
        staged.add_bundle(demo::bundle(now.date()));
        match import::run(store, &ws, staged, Default::default(), now).await {
            Ok(report) => println!(
                "Loaded the demo workspace: {} customers, {} opportunities.",
                report.customers, report.detection.opportunities_created
            ),
            Err(ImportFailure::Invalid { errors, .. }) => {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                return Err(CliError::Other(anyhow::anyhow!(
                    "the built-in demo data is invalid:\n{}",
                    lines.join("\n")
                )));
            }
            Err(ImportFailure::Failed(e)) => return Err(e.into()),
        }
    }
    let member =
        store.member_by_email(&ws, demo::DEMO_CSM).await?.context("the demo CSM is missing from the workspace")?;
    let token = http::auth::new_token();
    store.create_token(&member, &http::auth::hash_token(&token), now).await?;
    Ok(token)
}

async fn import_files(store: &Arc<dyn Store>, workspace: &str, files: &[PathBuf], now: OffsetDateTime) -> CliResult {
    let ws = store.ensure_workspace(workspace, now).await?;
    let mut errors = import::validate::Errors::default();
    let mut staged = Staged::default();
    for file in files {
        let name = file.display().to_string();
        if name.to_ascii_lowercase().ends_with(".json") {
            let bytes = std::fs::read(file).map_err(|e| CliError::Input(format!("cannot read {name}: {e}")))?;
            staged.add_bundle_json(Some(&name), &bytes, &mut errors);
        } else if file.is_file() {
            staged.add_csv(file, &mut errors)?;
        } else {
            return Err(CliError::Input(format!("cannot read {name}: no such file")));
        }
    }
    let started = std::time::Instant::now();
    match import::run(store, &ws, staged, errors, now).await {
        Ok(r) => {
            println!(
                "Imported into `{}`: {} customers, {} contacts, {} usage rows, {} feature requests, {} milestones, {} plans, {} features, {} team members ({:.1} s).",
                ws.name, r.customers, r.contacts, r.usage_rows, r.feature_requests, r.milestones, r.plans, r.features, r.team,
                started.elapsed().as_secs_f64()
            );
            println!(
                "Detection: {} customers, {} signals, {} opportunities new, {} updated, {} expired.",
                r.detection.customers,
                r.detection.signals,
                r.detection.opportunities_created,
                r.detection.opportunities_updated,
                r.detection.opportunities_expired
            );
            Ok(())
        }
        Err(ImportFailure::Invalid { errors, total }) => {
            for e in &errors {
                eprintln!("{e}");
            }
            if total > errors.len() {
                eprintln!("… and {} more", total - errors.len());
            }
            Err(CliError::Input(format!("{total} problem(s) found; nothing was imported")))
        }
        Err(ImportFailure::Failed(e)) => Err(e.into()),
    }
}

async fn detect(store: &Arc<dyn Store>, workspace: &str, now: OffsetDateTime) -> CliResult {
    let ws = existing_workspace(store, workspace).await?;
    let started = std::time::Instant::now();
    let counts = detection::run(store, &ws, None, now).await?;
    let elapsed = started.elapsed();
    let open = store.opportunities(&ws, Some("identified")).await?;
    println!("{:<28} {:<18} {:<30} {:>12}  AE", "CUSTOMER", "MAIN SIGNAL", "OPPORTUNITY", "VALUE/YEAR");
    for o in open.iter().take(25) {
        println!(
            "{:<28} {:<18} {:<30} {:>12}  {}",
            truncate(&o.customer_name, 28),
            o.main_signal.as_deref().unwrap_or("-"),
            truncate(&format!("{} → {}", o.kind, o.target_plan), 30),
            group_thousands(o.annual_value),
            if o.ae_recommended { "yes" } else { "no" }
        );
    }
    if open.len() > 25 {
        println!("… and {} more", open.len() - 25);
    }
    println!(
        "\n{} customers evaluated in {:.2} s: {} signals ({} customers' changed); opportunities {} new, {} updated, {} expired; {} open.",
        counts.customers,
        elapsed.as_secs_f64(),
        counts.signals,
        counts.signals_changed,
        counts.opportunities_created,
        counts.opportunities_updated,
        counts.opportunities_expired,
        open.len()
    );
    Ok(())
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        s.chars().take(width - 1).chain(['…']).collect()
    }
}

/// The Gmail settings, when a client id is given; an input error when they are incomplete.
fn gmail_config(settings: &Settings) -> CliResult<Option<GmailConfig>> {
    let g = &settings.gmail;
    let Some(client_id) = g.gmail_client_id.clone().filter(|c| !c.trim().is_empty()) else {
        return Ok(None);
    };
    let client_secret = g.gmail_client_secret.clone().ok_or_else(|| {
        CliError::Input("OVERTURE_GMAIL_CLIENT_SECRET is required with OVERTURE_GMAIL_CLIENT_ID".into())
    })?;
    let key = g.secret_key.as_deref().ok_or_else(|| {
        CliError::Input("OVERTURE_SECRET_KEY (64 hex digits, e.g. `openssl rand -hex 32`) is required for Gmail".into())
    })?;
    let secrets = gmail::SecretBox::from_setting(key).map_err(CliError::Input)?;
    let public = public_url(settings);
    Ok(Some(GmailConfig {
        client_id,
        client_secret,
        auth_url: g.gmail_auth_url.clone(),
        token_url: g.gmail_token_url.clone(),
        api_url: g.gmail_api_url.trim_end_matches('/').to_string(),
        redirect_url: format!("{}/api/gmail/callback", public.trim_end_matches('/')),
        secrets,
    }))
}

fn public_url(settings: &Settings) -> String {
    settings.public_url.clone().unwrap_or_else(|| format!("http://{}", settings.bind))
}

/// Open and click tracking with the configured keys (or the database's own) and the public URL.
async fn tracker(store: &Arc<dyn Store>, settings: &Settings) -> CliResult<Arc<Tracker>> {
    let keys = Tracker::keys_for(store, settings.engagement.tracking_keys.as_deref())
        .await
        .map_err(|e| CliError::Input(format!("{e:#}")))?;
    let writer = match tracking_spool(settings) {
        Some(spool) => EventWriter::start_spooled(store.clone(), &spool)
            .await
            .map_err(|e| CliError::Input(format!("OVERTURE_TRACKING_SPOOL: {e:#}")))?,
        None => EventWriter::start(store.clone()),
    };
    let tracker = Tracker::new(store.clone(), keys, &public_url(settings), writer)
        .with_rate_limit(settings.engagement.tracking_rate_limit);
    Ok(Arc::new(tracker))
}

/// The tracking spool: as configured, or beside a SQLite database; none for `off` or PostgreSQL.
fn tracking_spool(settings: &Settings) -> Option<PathBuf> {
    match settings.engagement.tracking_spool.as_deref().map(str::trim) {
        Some("off") | Some("") => None,
        Some(path) => Some(PathBuf::from(path)),
        None => {
            let file = settings.database_url.strip_prefix("sqlite://")?.split('?').next()?;
            let dir = std::path::Path::new(file).parent().unwrap_or(std::path::Path::new(""));
            (!file.is_empty() && file != ":memory:").then(|| dir.join("tracking.spool"))
        }
    }
}

async fn serve(store: Arc<dyn Store>, settings: &Settings, clock: Clock) -> CliResult {
    let mail: MailSetting =
        settings.mail.parse().map_err(|e| CliError::Input(format!("--mail / OVERTURE_MAIL: {e}")))?;
    let gmail = gmail_config(settings)?;
    let transport = delivery::transport(&mail, &store, gmail.clone(), settings.outbox.outbox_concurrency)
        .map_err(|e| CliError::Input(format!("{e:#}")))?;
    let o = &settings.outbox;
    let worker_settings = WorkerSettings {
        concurrency: o.outbox_concurrency,
        lease: Duration::from_secs(o.outbox_lease_secs.max(1)),
        max_attempts: o.outbox_max_attempts.max(1),
        backoff: Duration::from_secs_f64(o.outbox_backoff_secs.clamp(0.01, 3600.0)),
        ..WorkerSettings::default()
    };
    let tracker = tracker(&store, settings).await?;
    let e = &settings.engagement;
    let mut worker = Worker::new(store.clone(), transport, clock, worker_settings).with_tracking(tracker.clone());
    if let Some(url) = e.webhook_url.clone().filter(|u| !u.trim().is_empty()) {
        url::Url::parse(&url).map_err(|err| CliError::Input(format!("OVERTURE_WEBHOOK_URL `{url}`: {err}")))?;
        let secret = e.webhook_secret.clone().or_else(|| e.inbound_secret.clone()).ok_or_else(|| {
            CliError::Input(
                "OVERTURE_WEBHOOK_URL needs OVERTURE_WEBHOOK_SECRET (or OVERTURE_INBOUND_SECRET) to sign calls".into(),
            )
        })?;
        worker = worker.with_webhook(Webhook { url, secret: secret.into_bytes(), client: reqwest::Client::new() });
    }
    let options = http::Options {
        outbox: Some(worker.waker()),
        gmail: gmail.clone(),
        tracker: Some(tracker.clone()),
        inbound_secret: e.inbound_secret.clone(),
        webhook: e.webhook_url.as_deref().is_some_and(|u| !u.trim().is_empty()),
        secure_cookies: settings.public_url.as_deref().is_some_and(|u| u.starts_with("https://")),
    };
    let responses = Arc::new(Responses::new(store.clone(), clock, options.webhook).map_err(CliError::Other)?);
    let pollers = Pollers::new(responses.clone(), gmail, e.imap.as_deref()).map_err(CliError::Input)?;
    let listener = tokio::net::TcpListener::bind(settings.bind)
        .await
        .map_err(|e| CliError::Input(format!("cannot listen on {}: {e}", settings.bind)))?;
    tracing::info!(address = %settings.bind, backend = store.backend(), %mail, "Overture is listening");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let outbox = tokio::spawn(worker.run(stopped.clone()));
    let scheduler = tokio::spawn(pollers.run(Duration::from_secs(e.poll_secs.max(1)), stopped));
    let served = axum::serve(listener, http::app_with(store, clock, options)?)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving HTTP");
    // The worker finishes the messages in flight (or gives them back) before the process ends.
    let _ = stop.send(true);
    if let Err(e) = outbox.await {
        tracing::error!(error = ?e, "the outbox worker stopped abnormally");
    }
    if let Err(e) = scheduler.await {
        tracing::error!(error = ?e, "the reply poller stopped abnormally");
    }
    if !tracker.flush(Duration::from_secs(10)).await {
        tracing::warn!("some tracking events are still in the spool; they are stored at the next start");
    }
    served?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}

/// The simulator's report as a table a person can read.
fn simulation_table(report: &learning::simulate::Report) -> String {
    use std::fmt::Write as _;
    let mut out = String::from(
        "Positive replies (cumulative) by policy, the learning's expected regret, and its approach mix by week.\n\n\
         week  intros  learning  uniform  rules  best(exp.)  regret  regret(uniform)  educational  problem_solving  value_add  proactive\n",
    );
    for w in &report.weeks {
        let share = |a: &str| w.mix.get(a).copied().unwrap_or(0.0) * 100.0;
        let _ = writeln!(
            out,
            "{:>4}  {:>6}  {:>8}  {:>7}  {:>5}  {:>10.1}  {:>6.1}  {:>15.1}  {:>10.0}%  {:>14.0}%  {:>8.0}%  {:>8.0}%",
            w.week,
            w.introductions,
            w.positive,
            w.positive_uniform,
            w.positive_rules,
            w.expected_best,
            w.regret,
            w.regret_uniform,
            share("educational"),
            share("problem_solving"),
            share("value_add"),
            share("proactive"),
        );
    }
    if let Some(last) = report.last() {
        let _ = writeln!(
            out,
            "\nExpected positive replies: {:.1} learning, {:.1} uniform random among the candidates ({:+.0}%), \
             {:.1} rules alone, {:.1} always best.",
            last.expected,
            last.expected_uniform,
            (last.expected / last.expected_uniform.max(f64::EPSILON) - 1.0) * 100.0,
            last.expected_rules,
            last.expected_best
        );
    }
    let _ = writeln!(
        out,
        "Segments with at least {} introductions: {}; the learning now picks the truly best candidate in {} ({:.0}%), \
         {} of the {} where the rules' favourite is not the best.",
        report.min_per_segment,
        report.segments_with_data,
        report.segments_right,
        report.segments_right as f64 * 100.0 / report.segments_with_data.max(1) as f64,
        report.segments_rules_wrong_right,
        report.segments_rules_wrong,
    );
    for (name, e) in [("wrong", &report.where_rules_wrong), ("right", &report.where_rules_right)] {
        let _ = writeln!(
            out,
            "Where the rules are {name} ({} introductions): expected positive replies {:.1} learning, {:.1} rules alone \
             ({:+.0}%), {:.1} uniform random, {:.1} always best.",
            e.introductions,
            e.learning,
            e.rules,
            (e.learning / e.rules.max(f64::EPSILON) - 1.0) * 100.0,
            e.uniform,
            e.best
        );
    }
    out
}
