//! The trainer's dashboard.

use actix_web::{get, web};

use palestra_core::openapi::TenantHeader;
use palestra_core::{ApiResult, AppContext, Authorized};

use crate::dashboard::{self, DashboardView, ViewDashboard};

/// The workspace at a glance: clients, sessions today and this week, the next five sessions,
/// no-shows this month, clients without credits, money figures (0 while billing is off) and
/// quick actions, all in the workspace's time zone.
#[utoipa::path(tag = "dashboard", security(("bearer" = ["trainer.dashboard.read"])), params(TenantHeader),
    responses((status = 200, description = "The dashboard.", body = DashboardView)))]
#[get("/dashboard")]
pub async fn get_dashboard(
    ctx: web::Data<AppContext>,
    auth: Authorized<ViewDashboard>,
) -> ApiResult<web::Json<DashboardView>> {
    dashboard::dashboard(&ctx, &auth.tenant)
        .await
        .map(web::Json)
}
