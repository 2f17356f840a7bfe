//! Platform administration: tenants of this product, their suspension and reactivation.

use actix_web::{get, post, web};

use palestra_core::ids::TenantId;
use palestra_core::pagination::Page;
use palestra_core::platform::PlatformAdmin;
use palestra_core::{ApiResult, AppContext, Problem};

use crate::platform::{self, PlatformTenantView, TenantQuery};

/// Every tenant of this product, newest first (platform super-admins only).
#[utoipa::path(tag = "platform", security(("bearer" = [])), params(TenantQuery),
    responses(
        (status = 200, description = "One page of tenants.", body = Page<PlatformTenantView>),
        (status = 403, description = "Not a platform super-admin (`platform.forbidden`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/platform/tenants")]
pub async fn list_tenants(
    ctx: web::Data<AppContext>,
    _admin: PlatformAdmin,
    query: web::Query<TenantQuery>,
) -> ApiResult<web::Json<Page<PlatformTenantView>>> {
    platform::list_tenants(&ctx, &query).await.map(web::Json)
}

/// Suspend a tenant: everyone in it gets 403 until it is reactivated.
#[utoipa::path(tag = "platform", security(("bearer" = [])),
    params(("id" = TenantId, Path, description = "Tenant id.")),
    responses(
        (status = 200, description = "Suspended.", body = PlatformTenantView),
        (status = 403, description = "Not a platform super-admin.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tenant.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already suspended.", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/platform/tenants/{id}/suspend")]
pub async fn suspend_tenant(
    ctx: web::Data<AppContext>,
    admin: PlatformAdmin,
    id: web::Path<TenantId>,
) -> ApiResult<web::Json<PlatformTenantView>> {
    platform::set_status(&ctx, admin, *id, true)
        .await
        .map(web::Json)
}

/// Reactivate a suspended tenant.
#[utoipa::path(tag = "platform", security(("bearer" = [])),
    params(("id" = TenantId, Path, description = "Tenant id.")),
    responses(
        (status = 200, description = "Active again.", body = PlatformTenantView),
        (status = 403, description = "Not a platform super-admin.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tenant.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not suspended.", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/platform/tenants/{id}/reactivate")]
pub async fn reactivate_tenant(
    ctx: web::Data<AppContext>,
    admin: PlatformAdmin,
    id: web::Path<TenantId>,
) -> ApiResult<web::Json<PlatformTenantView>> {
    platform::set_status(&ctx, admin, *id, false)
        .await
        .map(web::Json)
}
