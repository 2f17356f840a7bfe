//! A probe module for the server's own tests: routes that answer what the test asks for, and
//! count how often they ran.

#![allow(dead_code, reason = "each test file uses a different part")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::middleware::from_fn;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use palestra_core::idempotency::{IdempotencyKeyHeader, idempotent};
use palestra_core::limits::{Quota, too_many_requests};
use palestra_core::{ApiError, Json, Module, Product, Validate};
use palestra_testkit::{AppSettings, TestApp};

/// What the probe should answer.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProbeRequest {
    /// The status to answer once the failures are spent.
    pub status: u16,
    /// How long to take.
    #[serde(default)]
    pub delay_ms: u64,
    /// Answer 500 on the first `fail_first` runs.
    #[serde(default)]
    pub fail_first: usize,
    /// Answer 429 on the first `limit_first` runs.
    #[serde(default)]
    pub limit_first: usize,
    /// Panic on the first `panic_first` runs.
    #[serde(default)]
    pub panic_first: usize,
    /// Anything, to tell bodies apart.
    #[serde(default)]
    pub note: String,
}

impl Validate for ProbeRequest {}

/// Runs of the idempotent probe, shared with the test.
pub struct Runs(pub AtomicUsize);

/// Answers as asked; idempotent.
#[utoipa::path(tag = "operations", request_body = ProbeRequest, params(IdempotencyKeyHeader),
    responses((status = 200, description = "As asked.")))]
#[post("/probe", wrap = "from_fn(idempotent)")]
async fn post_probe(
    runs: web::Data<Runs>,
    body: Json<ProbeRequest>,
) -> Result<HttpResponse, ApiError> {
    let run = runs.0.fetch_add(1, Ordering::SeqCst) + 1;
    tokio::time::sleep(Duration::from_millis(body.delay_ms)).await;
    assert!(
        run > body.panic_first,
        "the probe panics on run {run}, as asked"
    );
    if run <= body.fail_first {
        return Err(ApiError::internal(std::io::Error::other("probe failure")));
    }
    if run <= body.fail_first + body.limit_first {
        return Err(too_many_requests(
            Quota::per_seconds(1, 60),
            Duration::from_secs(5),
        ));
    }
    let status = StatusCode::from_u16(body.status).map_err(ApiError::internal)?;
    if status.is_client_error() {
        return Err(ApiError::new(status, "probe.refused", "Refused")
            .with_detail(format!("Refused on run {run}.")));
    }
    Ok(HttpResponse::build(status)
        .insert_header((header::LOCATION, format!("/api/v1/probe/{run}")))
        .json(json!({ "run": run, "note": body.note })))
}

/// A plain JSON answer.
#[utoipa::path(tag = "operations", responses((status = 200, description = "Hello.")))]
#[get("/probe")]
async fn get_probe() -> web::Json<serde_json::Value> {
    web::Json(json!({ "hello": "world" }))
}

/// The probe module, with its run counter.
pub struct Probe {
    pub runs: Arc<Runs>,
}

#[async_trait::async_trait]
impl Module for Probe {
    fn name(&self) -> &'static str {
        "probe"
    }

    fn configure(&self, cfg: &mut ServiceConfig<'_>) {
        cfg.app_data(web::Data::from(self.runs.clone()))
            .service(post_probe)
            .service(get_probe);
    }
}

/// A gym-api with only the probe, configured by the test; and its run counter.
pub async fn probe_app(configure: impl FnOnce(&mut AppSettings)) -> (TestApp, Arc<Runs>) {
    let runs = Arc::new(Runs(AtomicUsize::new(0)));
    let probe = Probe { runs: runs.clone() };
    let app = TestApp::spawn_configured(Product::gym(), vec![Arc::new(probe)], configure).await;
    (app, runs)
}

/// The local Redis URL, or `None` (with a message) when nothing listens there.
pub fn local_redis() -> Option<String> {
    if std::net::TcpStream::connect("127.0.0.1:6379").is_ok() {
        Some("redis://127.0.0.1:6379".to_owned())
    } else {
        eprintln!("no Redis at 127.0.0.1:6379: the Redis variant is skipped here");
        None
    }
}

/// The idempotency stores to run a test on: the database, and Redis when it is reachable.
pub fn stores() -> Vec<Option<String>> {
    let mut stores = vec![None];
    if let Some(redis) = local_redis() {
        stores.push(Some(redis));
    }
    stores
}
