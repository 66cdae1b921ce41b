//! SQLite, the embedded default: WAL, foreign keys, a busy timeout; one writer connection (SQLite
//! serialises writers anyway, and a single writer never meets `SQLITE_BUSY` on lock upgrade) and a pool
//! of readers.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::Sqlite;

super::sql::impl_store!(SqliteStore, Sqlite, SqliteImport, dialect);
super::sql_engagement::impl_engagement!(SqliteStore, Sqlite, dialect);
super::sql_web::impl_web!(SqliteStore, Sqlite);
super::sql_learning::impl_learning!(SqliteStore, Sqlite);

/// SQLite's spelling of the JSON aggregates in `customer_record`.
mod dialect {
    /// Lets concurrent claimers pass over each other's rows (SQLite's single writer needs nothing).
    /// Tracking events from one JSON array of `[workspace, draft, kind, link, at, user agent, machine]`.
    pub const INSERT_EVENTS: &str = "INSERT INTO tracking_events (workspace_id, draft_id, kind, link_idx, at, \
        user_agent, machine) SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), \
        json_extract(value, '$[2]'), json_extract(value, '$[3]'), json_extract(value, '$[4]'), \
        json_extract(value, '$[5]'), json_extract(value, '$[6]') FROM json_each($1)";
    pub const SKIP_LOCKED: &str = "";
    pub const CONTACTS_JSON: &str = "(SELECT json_group_array(json_object('name', x.name, 'email', x.email, \
        'title', x.title, 'role', x.role, 'primary', json(CASE WHEN x.is_primary THEN 'true' ELSE 'false' END), \
        'tracking_opt_out', json(CASE WHEN x.tracking_opt_out THEN 'true' ELSE 'false' END), \
        'time_zone', x.time_zone, 'buying_style', x.buying_style, 'buying_style_source', x.buying_style_source)) \
        FROM (SELECT k.*, COALESCE(s.style, s.inferred, 'unknown') AS buying_style, \
        CASE WHEN s.style IS NOT NULL THEN s.source WHEN s.inferred IS NOT NULL THEN 'inferred' END AS buying_style_source \
        FROM contacts k LEFT JOIN contact_styles s ON s.workspace_id = c.workspace_id AND s.email = lower(k.email) \
        WHERE k.customer_id = c.id ORDER BY k.position) x)";
    pub const REQUESTS_JSON: &str = "(SELECT json_group_array(json_object('feature', x.feature_key, \
        'requested_at', x.requested_at, 'note', x.note)) \
        FROM (SELECT * FROM feature_requests WHERE customer_id = c.id ORDER BY requested_at, id) x)";
    pub const MILESTONES_JSON: &str = "(SELECT json_group_array(json_object('title', x.title, \
        'achieved_at', x.achieved_at)) \
        FROM (SELECT * FROM milestones WHERE customer_id = c.id ORDER BY achieved_at, id) x)";
}

#[derive(Clone)]
pub struct SqliteStore {
    reader: SqlitePool,
    writer: SqlitePool,
}

impl SqliteStore {
    const BACKEND: &'static str = "sqlite";

    /// Opens (creating if missing) the database file named by a `sqlite://PATH` URL.
    pub async fn open(url: &str) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-16384");
        if let Some(dir) = Path::new(options.get_filename()).parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let writer = SqlitePoolOptions::new().max_connections(1).connect_with(options.clone()).await?;
        let readers = std::thread::available_parallelism().map_or(4, |n| n.get() * 4) as u32;
        let reader = SqlitePoolOptions::new().max_connections(readers).connect_with(options.read_only(true)).await?;
        Ok(SqliteStore { reader, writer })
    }

    fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Sqlite>> {
        Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Keeps the planner's statistics current after bulk writes (cheap: SQLite samples).
    async fn after_import(&self) -> Result<()> {
        sqlx::query("PRAGMA analysis_limit = 1000").execute(&self.writer).await?;
        sqlx::query("PRAGMA optimize").execute(&self.writer).await?;
        Ok(())
    }

    async fn run_migrations(&self) -> Result<()> {
        sqlx::migrate!("migrations/sqlite").run(&self.writer).await.context("migrating the SQLite database")
    }
}
