//! The gym's booking rules.

use actix_web::{get, put, web};

use palestra_core::openapi::TenantHeader;
use palestra_core::{ApiResult, AppContext, Authorized, Json};

use crate::permissions::{ManageSettings, ViewSettings};
use crate::service;
use crate::views::ScheduleSettingsView;

/// The gym's booking rules (the defaults until a manager sets them).
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.settings.read"])), params(TenantHeader),
    responses((status = 200, description = "The rules in force.", body = ScheduleSettingsView)))]
#[get("/schedule/settings")]
pub async fn get_settings(
    ctx: web::Data<AppContext>,
    auth: Authorized<ViewSettings>,
) -> ApiResult<web::Json<ScheduleSettingsView>> {
    service::get_settings(&ctx.db, auth.id).await.map(web::Json)
}

/// Replace the gym's booking rules: booking window, cancellation cut-off, waitlist closing.
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.settings.manage"])), params(TenantHeader),
    request_body = ScheduleSettingsView,
    responses((status = 200, description = "The rules now in force.", body = ScheduleSettingsView)))]
#[put("/schedule/settings")]
pub async fn put_settings(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageSettings>,
    body: Json<ScheduleSettingsView>,
) -> ApiResult<web::Json<ScheduleSettingsView>> {
    service::put_settings(&ctx.db, auth.id, body.into_inner())
        .await
        .map(web::Json)
}
