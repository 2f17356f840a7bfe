//! The schema keeps the tenancy rule: every table is either one of the few global ones, or
//! carries a non-null `tenant_id`. A new module's table without it fails here.

use std::time::Duration;

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use palestra_core::Product;
use palestra_server::db;
use palestra_server::settings::DatabaseSettings;

/// Tables that belong to no tenant, each for a reason.
const GLOBAL_TABLES: [&str; 9] = [
    "seaql_migrations", // the migrator's own bookkeeping
    "accounts",         // a person may belong to several tenants
    "tenants",          // the tenants themselves
    "auth_sessions",    // sign-in sessions belong to an account
    "refresh_tokens",   // tokens belong to a session
    "account_tokens",   // email verification and password reset belong to an account
    "outbox",           // a message may concern an account outside any tenant (password reset)
    "idempotency_keys", // a key belongs to a caller (an account, or an IP address), not a tenant
    "devices",          // a phone receives the pushes of its account, whatever the tenant
];

#[tokio::test]
async fn every_table_but_the_global_ones_is_owned_by_a_tenant() {
    let dir = tempfile::tempdir().unwrap();
    let url = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let settings = DatabaseSettings {
        url: Some(url.unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("s.sqlite").display()
            )
        })),
        schema: format!("test_{}", uuid::Uuid::now_v7().simple()),
        data_dir: dir.path().to_path_buf(),
        max_connections: 2,
        min_connections: 0,
        connect_timeout: Duration::from_secs(10),
        acquire_timeout: Duration::from_secs(10),
        statement_timeout: Duration::from_secs(30),
    };
    let product = Product::gym();
    db::migrate(&settings, &product).await.unwrap();
    let conn = db::connect(&settings, &product).await.unwrap();
    let backend = conn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT table_name AS t, column_name AS c, is_nullable AS n FROM information_schema.columns \
             WHERE table_schema = current_schema()"
        }
        _ => {
            "SELECT m.name AS t, p.name AS c, CASE p.\"notnull\" WHEN 1 THEN 'NO' ELSE 'YES' END AS n \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' \
             AND m.name NOT LIKE 'sqlite_%'"
        }
    };
    let rows = conn
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap();
    let mut tables = std::collections::BTreeMap::<String, Option<String>>::new();
    for row in rows {
        let table: String = row.try_get("", "t").unwrap();
        let column: String = row.try_get("", "c").unwrap();
        let nullable: String = row.try_get("", "n").unwrap();
        let entry = tables.entry(table).or_default();
        if column == "tenant_id" {
            *entry = Some(nullable);
        }
    }
    assert!(
        tables.contains_key("memberships"),
        "the schema was read: {tables:?}"
    );
    for (table, tenant_id) in &tables {
        if GLOBAL_TABLES.contains(&table.as_str()) {
            continue;
        }
        assert_eq!(
            tenant_id.as_deref(),
            Some("NO"),
            "table `{table}` must have a non-null tenant_id (or be listed as global, with a reason)"
        );
    }
    if backend == DbBackend::Postgres {
        conn.execute_unprepared(&format!(
            "DROP SCHEMA IF EXISTS \"{}\" CASCADE",
            settings.schema
        ))
        .await
        .unwrap();
    }
}
