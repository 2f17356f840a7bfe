//! Start-up and shutdown: concurrent migrations, graceful stops that finish in-flight work, and
//! background jobs that start with the server and drain when it stops.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::get;
use utoipa_actix_web::service_config::ServiceConfig;

use palestra_core::jobs::JobSetupError;
use palestra_core::{AppContext, BackgroundJob, CancellationToken, Module, Product};
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
        json_logs: false,
        handle_signals: false,
        run_jobs: true,
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

/// A module whose one job does units of work of 300 ms until told to stop, counting them.
#[derive(Default)]
struct Ticker {
    asked_for_jobs: AtomicBool,
    ignores_shutdown: bool,
    started: Arc<AtomicUsize>,
    finished: Arc<AtomicUsize>,
    stopped: Arc<AtomicBool>,
}

#[async_trait::async_trait]
impl Module for Ticker {
    fn name(&self) -> &'static str {
        "ticker"
    }

    fn configure(&self, _: &mut ServiceConfig<'_>) {}

    fn jobs(&self, _: &AppContext) -> Result<Vec<BackgroundJob>, JobSetupError> {
        self.asked_for_jobs.store(true, Ordering::SeqCst);
        let (started, finished, stopped) = (
            self.started.clone(),
            self.finished.clone(),
            self.stopped.clone(),
        );
        let ignores_shutdown = self.ignores_shutdown;
        Ok(vec![BackgroundJob::new(
            "ticker",
            move |shutdown: CancellationToken| async move {
                while ignores_shutdown || !shutdown.is_cancelled() {
                    started.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    finished.fetch_add(1, Ordering::SeqCst);
                    tokio::select! {
                        () = shutdown.cancelled(), if !ignores_shutdown => {}
                        () = tokio::time::sleep(Duration::from_millis(10)) => {}
                    }
                }
                stopped.store(true, Ordering::SeqCst);
            },
        )])
    }
}

async fn wait_for(counter: &AtomicUsize, at_least: usize) {
    for _ in 0..500 {
        if counter.load(Ordering::SeqCst) >= at_least {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the job never reached {at_least}");
}

#[tokio::test]
async fn jobs_start_with_the_server_and_finish_their_work_when_it_stops() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let schema = format!("test_{}", uuid::Uuid::now_v7().simple());
    let settings = settings(dir.path(), &schema);
    let ticker = Arc::new(Ticker::default());
    let app = App::build(
        settings.clone(),
        Product::gym(),
        vec![ticker.clone() as Arc<dyn Module>],
    )
    .await
    .unwrap();
    assert!(ticker.asked_for_jobs.load(Ordering::SeqCst));
    assert_eq!(
        ticker.started.load(Ordering::SeqCst),
        0,
        "jobs wait for run"
    );
    let handle = app.handle();
    let server = tokio::spawn(app.run());

    wait_for(&ticker.started, 2).await;
    // Stopping while a unit of work is in progress: the job finishes it, then returns.
    handle.stop(true).await;
    server.await.unwrap().unwrap();
    assert!(
        ticker.stopped.load(Ordering::SeqCst),
        "run returns after its jobs"
    );
    assert_eq!(
        ticker.started.load(Ordering::SeqCst),
        ticker.finished.load(Ordering::SeqCst),
        "no unit of work was cut short"
    );
    drop_schema(&settings).await;
}

#[tokio::test]
async fn a_job_that_ignores_the_signal_is_abandoned_at_the_shutdown_timeout() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let schema = format!("test_{}", uuid::Uuid::now_v7().simple());
    let mut settings = settings(dir.path(), &schema);
    settings.shutdown_timeout = Duration::from_secs(1);
    let ticker = Arc::new(Ticker {
        ignores_shutdown: true,
        ..Ticker::default()
    });
    let app = App::build(
        settings.clone(),
        Product::gym(),
        vec![ticker.clone() as Arc<dyn Module>],
    )
    .await
    .unwrap();
    let handle = app.handle();
    let server = tokio::spawn(app.run());
    wait_for(&ticker.started, 1).await;
    handle.stop(true).await;
    // Bounded by the shutdown timeout: the stubborn job is aborted, not waited for forever.
    tokio::time::timeout(Duration::from_secs(20), server)
        .await
        .expect("run returns despite the job")
        .unwrap()
        .unwrap();
    assert!(!ticker.stopped.load(Ordering::SeqCst));
    drop_schema(&settings).await;
}

#[tokio::test]
async fn an_instance_with_jobs_off_does_not_prepare_or_start_them() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let schema = format!("test_{}", uuid::Uuid::now_v7().simple());
    let mut settings = settings(dir.path(), &schema);
    settings.run_jobs = false;
    let ticker = Arc::new(Ticker::default());
    let app = App::build(
        settings.clone(),
        Product::gym(),
        vec![ticker.clone() as Arc<dyn Module>],
    )
    .await
    .unwrap();
    let handle = app.handle();
    let server = tokio::spawn(app.run());
    handle.stop(true).await;
    server.await.unwrap().unwrap();
    assert!(!ticker.asked_for_jobs.load(Ordering::SeqCst));
    assert_eq!(ticker.started.load(Ordering::SeqCst), 0);
    drop_schema(&settings).await;
}

/// A module whose jobs cannot be prepared, as with a malformed setting.
struct Misconfigured;

#[async_trait::async_trait]
impl Module for Misconfigured {
    fn name(&self) -> &'static str {
        "misconfigured"
    }

    fn configure(&self, _: &mut ServiceConfig<'_>) {}

    fn jobs(&self, _: &AppContext) -> Result<Vec<BackgroundJob>, JobSetupError> {
        Err("SOME_URL is not a valid URL".into())
    }
}

#[tokio::test]
async fn a_module_that_cannot_prepare_its_jobs_stops_the_start() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let schema = format!("test_{}", uuid::Uuid::now_v7().simple());
    let settings = settings(dir.path(), &schema);
    let error = App::build(
        settings.clone(),
        Product::gym(),
        vec![Arc::new(Misconfigured) as Arc<dyn Module>],
    )
    .await
    .err()
    .expect("the start fails");
    let message = format!("{error:#}");
    assert!(message.contains("misconfigured"), "{message}");
    assert!(message.contains("SOME_URL"), "{message}");
    drop_schema(&settings).await;
}
