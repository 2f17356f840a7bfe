//! Connecting to the database and migrating it.
//!
//! Postgres: each product lives in its own schema, created if missing and set as `search_path`
//! on every pooled connection. SQLite (the embedded default): a file under the data folder, in
//! WAL mode with a busy timeout so concurrent writers wait instead of failing.

use std::path::PathBuf;
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

/// The file of a SQLite URL (`sqlite://path?mode=rwc`), unless it is in memory.
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = path.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// Holds an exclusive lock on a file beside the SQLite database while migrations run, so that
/// two processes starting on the same file do not migrate it twice.
async fn lock_sqlite(url: &str) -> anyhow::Result<Option<std::fs::File>> {
    let Some(path) = sqlite_file(url) else {
        return Ok(None);
    };
    let mut lock_path = path.into_os_string();
    lock_path.push(".migrate-lock");
    let file = tokio::task::spawn_blocking(move || -> std::io::Result<std::fs::File> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)?;
        file.lock()?;
        Ok(file)
    })
    .await?
    .context("locking the SQLite database to migrate it")?;
    Ok(Some(file))
}

/// Applies pending migrations, safely when several instances do it at once: on Postgres a
/// session advisory lock on one dedicated connection, on SQLite a lock file beside the database;
/// one migrates, the others wait and then find nothing to do.
pub async fn migrate(settings: &DatabaseSettings, product: &Product) -> anyhow::Result<()> {
    prepare(settings, product).await?;
    let sqlite_lock = if settings.is_postgres() {
        None
    } else {
        lock_sqlite(&settings.effective_url(product)).await?
    };
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
    drop(sqlite_lock);
    result
}
