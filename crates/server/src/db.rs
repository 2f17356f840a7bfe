//! Connecting to the database and migrating it.
//!
//! Postgres: each product lives in its own schema, created if missing and set as `search_path`
//! on every pooled connection. SQLite (the embedded default): a file under the data folder, in
//! WAL mode with a busy timeout so concurrent writers wait instead of failing.

use std::time::Duration;

use anyhow::Context;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement,
};
use sea_orm_migration::MigratorTrait;

use palestra_core::Product;
use palestra_migrations::Migrator;

use crate::settings::{DatabaseSettings, is_valid_schema_name};

/// Any number will do, as long as it is the same in every instance: it names the advisory lock
/// that serializes concurrent `migrate` runs on Postgres.
const MIGRATION_LOCK_KEY: i64 = 0x5041_4c45_5354_5241; // "PALESTRA"

fn options(settings: &DatabaseSettings, product: &Product, max_connections: u32) -> ConnectOptions {
    let mut options = ConnectOptions::new(settings.effective_url(product));
    options
        .max_connections(max_connections)
        .min_connections(settings.min_connections.min(max_connections))
        .connect_timeout(settings.connect_timeout)
        .acquire_timeout(settings.acquire_timeout)
        // Ping only connections that sat idle, not every checkout: a round trip per query is too dear.
        .test_before_acquire_if_idle_for(Duration::from_secs(30))
        .sqlx_logging(false);
    if settings.is_postgres() {
        options
            .set_schema_search_path(settings.schema.clone())
            .set_application_name(product.name)
            .statement_timeout(settings.statement_timeout);
    } else {
        options.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    }
    options
}

/// Creates the product's schema on Postgres, or the data folder for SQLite.
async fn prepare(settings: &DatabaseSettings, product: &Product) -> anyhow::Result<()> {
    if settings.is_postgres() {
        if !is_valid_schema_name(&settings.schema) {
            anyhow::bail!("invalid schema name {:?}", settings.schema);
        }
        let mut options = ConnectOptions::new(settings.effective_url(product));
        options
            .max_connections(1)
            .connect_timeout(settings.connect_timeout)
            .sqlx_logging(false);
        let admin = Database::connect(options)
            .await
            .context("connecting to Postgres")?;
        let created = admin
            .execute_unprepared(&format!(
                "CREATE SCHEMA IF NOT EXISTS \"{}\"",
                settings.schema
            ))
            .await;
        if let Err(error) = created {
            // Two instances creating the schema at once: the loser sees a duplicate; that is fine.
            let message = error.to_string();
            if !message.contains("already exists") && !message.contains("duplicate key") {
                return Err(error).context("creating the schema");
            }
        }
        admin.close().await.ok();
    } else if settings.url.is_none() {
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("creating {}", settings.data_dir.display()))?;
    }
    Ok(())
}

/// Opens the pool.
pub async fn connect(
    settings: &DatabaseSettings,
    product: &Product,
) -> anyhow::Result<DatabaseConnection> {
    prepare(settings, product).await?;
    Database::connect(options(settings, product, settings.max_connections.max(1)))
        .await
        .context("connecting to the database")
}

/// Applies pending migrations. On Postgres, a session advisory lock on one dedicated connection
/// makes concurrent runs safe: one migrates, the others wait and then find nothing to do.
pub async fn migrate(settings: &DatabaseSettings, product: &Product) -> anyhow::Result<()> {
    prepare(settings, product).await?;
    let db = Database::connect(options(settings, product, 1))
        .await
        .context("connecting to the database to migrate")?;
    if db.get_database_backend() == DbBackend::Postgres {
        let lock = Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_lock($1)",
            [MIGRATION_LOCK_KEY.into()],
        );
        db.execute_raw(lock)
            .await
            .context("taking the migration lock")?;
    }
    let result = Migrator::up(&db, None).await.context("running migrations");
    if db.get_database_backend() == DbBackend::Postgres {
        let unlock = Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_unlock($1)",
            [MIGRATION_LOCK_KEY.into()],
        );
        db.execute_raw(unlock).await.ok();
    }
    db.close().await.ok();
    result
}
