//! PostgreSQL, the production backend: several `overture serve` processes can share one database.

use std::str::FromStr;

use anyhow::Context as _;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::Postgres;

super::sql::impl_store!(PostgresStore, Postgres, PostgresImport, dialect);
super::sql_engagement::impl_engagement!(PostgresStore, Postgres, dialect);
super::sql_web::impl_web!(PostgresStore, Postgres);
super::sql_learning::impl_learning!(PostgresStore, Postgres);

/// PostgreSQL's spelling of the JSON aggregates in `customer_record`.
mod dialect {
    /// Lets concurrent claimers pass over each other's rows (SQLite's single writer needs nothing).
    /// Tracking events from one JSON array of `[workspace, draft, kind, link, at, user agent, machine]`.
    pub const INSERT_EVENTS: &str = "INSERT INTO tracking_events (workspace_id, draft_id, kind, link_idx, at, \
        user_agent, machine) SELECT (e->>0)::bigint, (e->>1)::bigint, e->>2, (e->>3)::bigint, \
        (e->>4)::timestamptz, e->>5, e->>6 FROM jsonb_array_elements($1::jsonb) e";
    pub const SKIP_LOCKED: &str = "FOR UPDATE SKIP LOCKED";
    pub const CONTACTS_JSON: &str = "(SELECT json_agg(json_build_object('name', x.name, 'email', x.email, \
        'title', x.title, 'role', x.role, 'primary', x.is_primary, \
        'tracking_opt_out', x.tracking_opt_out, 'time_zone', x.time_zone, \
        'buying_style', COALESCE(s.style, s.inferred, 'unknown'), \
        'buying_style_source', CASE WHEN s.style IS NOT NULL THEN s.source WHEN s.inferred IS NOT NULL THEN 'inferred' END) \
        ORDER BY x.position)::text \
        FROM contacts x LEFT JOIN contact_styles s ON s.workspace_id = c.workspace_id AND s.email = lower(x.email) \
        WHERE x.customer_id = c.id)";
    pub const REQUESTS_JSON: &str = "(SELECT json_agg(json_build_object('feature', x.feature_key, \
        'requested_at', x.requested_at, 'note', x.note) ORDER BY x.requested_at, x.id)::text \
        FROM feature_requests x WHERE x.customer_id = c.id)";
    pub const MILESTONES_JSON: &str = "(SELECT json_agg(json_build_object('title', x.title, \
        'achieved_at', x.achieved_at) ORDER BY x.achieved_at, x.id)::text \
        FROM milestones x WHERE x.customer_id = c.id)";
}

#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    const BACKEND: &'static str = "postgres";

    pub async fn open(url: &str) -> Result<Self> {
        Self::connect(PgConnectOptions::from_str(url)?).await
    }

    /// Opens the database with every table in `schema` (created if missing): a test gets its own.
    pub async fn open_in_schema(url: &str, schema: &str) -> Result<Self> {
        anyhow::ensure!(
            schema.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "schema names are letters, digits and underscores"
        );
        let options = PgConnectOptions::from_str(url)?;
        let admin = PgPoolOptions::new().max_connections(1).connect_with(options.clone()).await?;
        sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}")).execute(&admin).await?;
        admin.close().await;
        Self::connect(options.options([("search_path", schema)])).await
    }

    async fn connect(options: PgConnectOptions) -> Result<Self> {
        let pool = PgPoolOptions::new().max_connections(16).connect_with(options).await?;
        Ok(PostgresStore { pool })
    }

    fn reader(&self) -> &PgPool {
        &self.pool
    }

    fn writer(&self) -> &PgPool {
        &self.pool
    }

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Postgres>> {
        Ok(self.pool.begin().await?)
    }

    /// PostgreSQL's autovacuum keeps statistics current; nothing to do.
    async fn after_import(&self) -> Result<()> {
        Ok(())
    }

    async fn run_migrations(&self) -> Result<()> {
        sqlx::migrate!("migrations/postgres").run(&self.pool).await.context("migrating the PostgreSQL database")
    }
}
