//! The workspace context for adaptive clients, the caller's permissions, and branding.

use actix_web::{get, patch, web};

use palestra_core::openapi::TenantHeader;
use palestra_core::{ApiResult, AppContext, Authorized, Json};

use crate::permissions::{UpdateTenant, ViewPermissions, ViewTenant};
use crate::service;
use crate::views::{BrandingView, ContextView, PermissionsView, UpdateBrandingRequest};

/// Everything a client needs to adapt to the tenant and the caller, in one round-trip.
///
/// The tenant, the caller's role and permissions, the active modules, feature flags, the
/// product's words in English and Spanish, and the tenant's branding.
#[utoipa::path(tag = "context", security(("bearer" = ["identity.tenant.read"])), params(TenantHeader),
    responses((status = 200, description = "The context.", body = ContextView)))]
#[get("/context")]
pub async fn get_context(
    ctx: web::Data<AppContext>,
    auth: Authorized<ViewTenant>,
) -> ApiResult<web::Json<ContextView>> {
    service::context(&ctx, &auth).await.map(web::Json)
}

/// The caller's role and effective permissions in the tenant.
#[utoipa::path(tag = "context", security(("bearer" = ["identity.permissions.read"])), params(TenantHeader),
    responses((status = 200, description = "Role and permissions.", body = PermissionsView)))]
#[get("/me/permissions")]
pub async fn get_my_permissions(auth: Authorized<ViewPermissions>) -> web::Json<PermissionsView> {
    web::Json(PermissionsView {
        role: auth.role,
        permissions: palestra_core::permissions::granted_to(auth.role),
    })
}

/// Change the tenant's colours or logo (owner only).
#[utoipa::path(tag = "context", security(("bearer" = ["identity.tenant.update"])), params(TenantHeader),
    request_body = UpdateBrandingRequest,
    responses((status = 200, description = "The branding now in force.", body = BrandingView)))]
#[patch("/branding")]
pub async fn update_branding(
    ctx: web::Data<AppContext>,
    auth: Authorized<UpdateTenant>,
    body: Json<UpdateBrandingRequest>,
) -> ApiResult<web::Json<BrandingView>> {
    service::update_branding(&ctx, &auth, body.into_inner())
        .await
        .map(web::Json)
}
