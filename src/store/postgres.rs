//! PostgreSQL, the production backend: several `overture serve` processes can share one database.

use std::str::FromStr;

use anyhow::Context as _;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::Postgres;

super::sql::impl_store!(PostgresStore, Postgres, PostgresImport);

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

    async fn run_migrations(&self) -> Result<()> {
        sqlx::migrate!("migrations/postgres").run(&self.pool).await.context("migrating the PostgreSQL database")
    }
}
