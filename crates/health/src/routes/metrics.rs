//! The metric catalogue.

use actix_web::{get, web};

use palestra_core::{ApiResult, AuthUser};

use crate::metrics::METRICS;
use crate::views::MetricView;

/// Every metric that can be measured, with its LOINC code and units.
#[utoipa::path(tag = "progress", security(("bearer" = [])),
    responses((status = 200, description = "The metric catalogue.", body = Vec<MetricView>)))]
#[get("/progress/metrics")]
pub async fn list_metrics(_user: AuthUser) -> ApiResult<web::Json<Vec<MetricView>>> {
    Ok(web::Json(METRICS.iter().map(MetricView::from).collect()))
}
