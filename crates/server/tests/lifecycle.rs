//! Start-up and shutdown: concurrent migrations, and graceful stops that finish in-flight work.

use std::sync::Arc;
use std::time::Duration;

use actix_web::get;
use utoipa_actix_web::service_config::ServiceConfig;

use palestra_core::{Module, Product};
use palestra_server::settings::{DatabaseSettings, Environment, Settings};
use palestra_server::{App, db};

fn settings(dir: &std::path::Path, schema: &str) -> Settings {
    let url = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    Settings {
        environment: Environment::Development,
        host: "127.0.0.1".to_owned(),
        port: 0,
        database: DatabaseSettings {
            url: Some(url.unwrap_or_else(|| {
                format!("sqlite://{}?mode=rwc", dir.join("t.sqlite").display())
            })),
            schema: schema.to_owned(),
            data_dir: dir.to_path_buf(),
            max_connections: 4,
            min_connections: 0,
            connect_timeout: Duration::from_secs(10),
            acquire_timeout: Duration::from_secs(10),
            statement_timeout: Duration::from_secs(30),
        },
        redis_url: None,
        redis_prefix: format!("palestra-test:{}:", uuid::Uuid::now_v7().simple()),
        trust_proxy: false,
        rate_limits: palestra_core::limits::RateLimits::default(),
        idempotency_ttl: palestra_core::idempotency::DEFAULT_TTL,
        jwt_secret: "test-secret-test-secret-test-secret-0123".to_owned(),
        access_token_ttl: Duration::from_secs(900),
        refresh_token_ttl: Duration::from_secs(3600),
        cors_allowed_origins: Vec::new(),
        migrate_on_start: true,
        workers: 1,
        shutdown_timeout: Duration::from_secs(5),
        public_base_url: "http://localhost".to_owned(),
        json_logs: false,
        handle_signals: false,
    }
}

async fn drop_schema(settings: &Settings) {
    use sea_orm::ConnectionTrait;
    let Some(url) = settings
        .database
        .url
        .as_deref()
        .filter(|_| settings.database.is_postgres())
    else {
        return;
    };
    if let Ok(admin) = sea_orm::Database::connect(url).await {
        let sql = format!(
            "DROP SCHEMA IF EXISTS \"{}\" CASCADE",
            settings.database.schema
        );
        let _ = admin.execute_unprepared(&sql).await;
    }
}

#[tokio::test]
async fn several_instances_can_migrate_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let schema = format!("test_{}", uuid::Uuid::now_v7().simple());
    let settings = settings(dir.path(), &schema);
    let product = Product::gym();
    let runs = (0..4).map(|_| db::migrate(&settings.database, &product));
    for result in futures_util::future::join_all(runs).await {
        result.unwrap();
    }
    // And once more on a migrated database: nothing to do, no error.
    db::migrate(&settings.database, &product).await.unwrap();
    drop_schema(&settings).await;
}

/// A module with one slow route, to have a request in flight while the server stops.
struct Slow;

#[utoipa::path(tag = "operations", responses((status = 200, description = "Done after a while.")))]
#[get("/slow")]
async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_millis(600)).await;
    "done"
}

#[async_trait::async_trait]
impl Module for Slow {
    fn name(&self) -> &'static str {
        "slow"
    }

    fn configure(&self, cfg: &mut ServiceConfig<'_>) {
        cfg.service(slow);
    }
}

#[tokio::test]
async fn a_graceful_stop_finishes_requests_in_flight_and_refuses_new_ones() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let schema = format!("test_{}", uuid::Uuid::now_v7().simple());
    let settings = settings(dir.path(), &schema);
    let app = App::build(
        settings.clone(),
        Product::gym(),
        vec![Arc::new(Slow) as Arc<dyn Module>],
    )
    .await
    .unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    let server = tokio::spawn(app.run());

    let client = reqwest::Client::new();
    let in_flight = tokio::spawn({
        let client = client.clone();
        let url = format!("{base}/api/v1/slow");
        async move { client.get(url).send().await }
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    // What SIGTERM does: stop accepting, let running requests finish.
    let stopping = tokio::spawn(async move { handle.stop(true).await });

    let response = in_flight.await.unwrap().unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "done");
    stopping.await.unwrap();
    server.await.unwrap().unwrap();
    let refused = reqwest::Client::new()
        .get(format!("{base}/healthz"))
        .send()
        .await;
    assert!(
        refused.is_err(),
        "a stopped server accepts no new connection"
    );
    drop_schema(&settings).await;
}
