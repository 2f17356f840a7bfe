//! Operational routes: liveness, readiness and metrics.

use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, get, web};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;

use palestra_core::AppContext;

use crate::metrics::Metrics;

/// Outside services readiness depends on.
pub struct Readiness {
    /// Redis, when configured.
    pub redis: Option<deadpool_redis::Pool>,
}

/// Health of the process or of one dependency.
#[derive(Serialize, ToSchema)]
pub struct HealthView {
    /// `ok` or `unavailable`.
    pub status: &'static str,
    /// Per dependency: `ok`, `unavailable`, or `not_configured`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checks: Option<ChecksView>,
}

/// Readiness of each dependency.
#[derive(Serialize, ToSchema)]
pub struct ChecksView {
    /// The database.
    pub database: &'static str,
    /// Redis.
    pub redis: &'static str,
}

/// Liveness: the process is up and serving.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process is up.", body = HealthView)))]
#[get("/healthz")]
pub async fn healthz() -> web::Json<HealthView> {
    web::Json(HealthView {
        status: "ok",
        checks: None,
    })
}

/// Readiness: the database and, when configured, Redis answer.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready to serve.", body = HealthView),
        (status = 503, description = "A dependency does not answer.", body = HealthView),
    ))]
#[get("/readyz")]
pub async fn readyz(ctx: web::Data<AppContext>, readiness: web::Data<Readiness>) -> HttpResponse {
    let database = match ctx.db.execute_unprepared("SELECT 1").await {
        Ok(_) => "ok",
        Err(error) => {
            tracing::warn!(%error, "readiness: database does not answer");
            "unavailable"
        }
    };
    let redis = match &readiness.redis {
        None => "not_configured",
        Some(pool) => match ping(pool).await {
            Ok(()) => "ok",
            Err(error) => {
                tracing::warn!(%error, "readiness: redis does not answer");
                "unavailable"
            }
        },
    };
    let ready = database == "ok" && redis != "unavailable";
    let body = HealthView {
        status: if ready { "ok" } else { "unavailable" },
        checks: Some(ChecksView { database, redis }),
    };
    if ready {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

async fn ping(pool: &deadpool_redis::Pool) -> anyhow::Result<()> {
    let mut connection =
        tokio::time::timeout(std::time::Duration::from_secs(2), pool.get()).await??;
    let _: String = deadpool_redis::redis::cmd("PING")
        .query_async(&mut connection)
        .await?;
    Ok(())
}

/// Prometheus metrics in the text exposition format.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Metrics in Prometheus text format.", content_type = "text/plain", body = String)))]
#[get("/metrics")]
pub async fn metrics(metrics: web::Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::plaintext())
        .body(metrics.render())
}
