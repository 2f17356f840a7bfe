//! The gym dashboard.

use actix_web::{get, web};
use chrono::Utc;

use palestra_core::openapi::TenantHeader;
use palestra_core::{ApiResult, AppContext, Authorized, permission};

use crate::dashboard::{self, DashboardView};

use super::hours::zone_of;

permission!(
    /// Read the gym's dashboard.
    ReadDashboard = "schedule.dashboard.read"
);

/// The gym's figures, computed now in its time zone (owners and admins).
///
/// Members and active members (attended in the last 30 days); sessions today and this ISO week;
/// places taken this week; over sessions of the last 28 days: average occupancy (places taken
/// over places offered), no-show rate (over marked attendance) and the five busiest classes.
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.dashboard.read"])), params(TenantHeader),
    responses((status = 200, description = "The gym's figures.", body = DashboardView)))]
#[get("/dashboard")]
pub async fn get_dashboard(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadDashboard>,
) -> ApiResult<web::Json<DashboardView>> {
    let zone = zone_of(&auth.model);
    Ok(web::Json(
        dashboard::compute(&ctx.db, auth.id, zone, Utc::now()).await?,
    ))
}
