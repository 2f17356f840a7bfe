//! The tenant's modules: which are active, and switching them.

use actix_web::{get, put, web};

use palestra_core::openapi::TenantHeader;
use palestra_core::{ApiResult, AppContext, Authorized, Json, Problem};

use crate::permissions::{ManageModules, ViewModules};
use crate::service;
use crate::views::{ModuleView, SetModuleRequest};

/// The modules of this product and whether the tenant has each active.
#[utoipa::path(tag = "modules", security(("bearer" = ["identity.modules.read"])), params(TenantHeader),
    responses((status = 200, description = "Every module of the product's catalogue.", body = Vec<ModuleView>)))]
#[get("/modules")]
pub async fn list_modules(
    ctx: web::Data<AppContext>,
    auth: Authorized<ViewModules>,
) -> ApiResult<web::Json<Vec<ModuleView>>> {
    service::list_modules(&ctx, auth.id).await.map(web::Json)
}

/// Activate or deactivate a module for the tenant.
///
/// While a module is inactive, every route of it answers 403 `module.disabled`.
#[utoipa::path(tag = "modules", security(("bearer" = ["identity.modules.manage"])),
    params(TenantHeader, ("key" = String, Path, description = "Module key, e.g. `nutrition`.")),
    request_body = SetModuleRequest,
    responses(
        (status = 200, description = "The module's new state.", body = ModuleView),
        (status = 404, description = "No such module in this product (`modules.unknown`).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An essential module cannot be deactivated (`modules.essential`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/modules/{key}")]
pub async fn set_module(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageModules>,
    key: web::Path<String>,
    body: Json<SetModuleRequest>,
) -> ApiResult<web::Json<ModuleView>> {
    service::set_module(&ctx, &auth, &key, body.active)
        .await
        .map(web::Json)
}
