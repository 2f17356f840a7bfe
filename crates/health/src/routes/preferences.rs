//! The caller's progress settings in this tenant (units).

use actix_web::{get, put, web};

use palestra_core::openapi::TenantHeader;
use palestra_core::{ApiResult, AppContext, Authorized, Json};

use crate::permissions::{ReadProgress, WriteProgress};
use crate::repo;
use crate::views::PreferencesView;

/// The caller's preferred units (metric until set).
#[utoipa::path(tag = "progress", security(("bearer" = ["health.progress.read"])), params(TenantHeader),
    responses((status = 200, description = "The caller's settings.", body = PreferencesView)))]
#[get("/progress/preferences")]
pub async fn get_preferences(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadProgress>,
) -> ApiResult<web::Json<PreferencesView>> {
    let units = repo::preferred_units(&ctx.db, auth.id, auth.account_id).await?;
    Ok(web::Json(PreferencesView { units }))
}

/// Choose the units progress data is shown in (`?units=` still overrides per request).
#[utoipa::path(tag = "progress", security(("bearer" = ["health.progress.write"])), params(TenantHeader),
    request_body = PreferencesView,
    responses((status = 200, description = "The caller's settings as saved.", body = PreferencesView)))]
#[put("/progress/preferences")]
pub async fn update_preferences(
    ctx: web::Data<AppContext>,
    auth: Authorized<WriteProgress>,
    body: Json<PreferencesView>,
) -> ApiResult<web::Json<PreferencesView>> {
    repo::save_units(&ctx.db, auth.id, auth.account_id, body.units).await?;
    Ok(web::Json(body.into_inner()))
}
