//! Packages of sessions.

use actix_web::{get, patch, post, web};

use palestra_core::openapi::TenantHeader;
use palestra_core::pagination::{Page, PageQuery};
use palestra_core::{ApiResult, AppContext, Authorized, Created, Json, Problem, Role};
use uuid::Uuid;

use crate::packages::{
    self, CreatePackageRequest, ManagePackages, PackageView, UpdatePackageRequest, ViewPackages,
};

/// The packages of the workspace, newest first; clients see the active ones.
#[utoipa::path(tag = "credits", security(("bearer" = ["trainer.packages.read"])), params(TenantHeader, PageQuery),
    responses((status = 200, description = "One page of packages.", body = Page<PackageView>)))]
#[get("/packages")]
pub async fn list_packages(
    ctx: web::Data<AppContext>,
    auth: Authorized<ViewPackages>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<PackageView>>> {
    packages::list_packages(&ctx, auth.id, auth.role == Role::Member, &query)
        .await
        .map(web::Json)
}

/// Offer a new package of sessions.
#[utoipa::path(tag = "credits", security(("bearer" = ["trainer.packages.manage"])), params(TenantHeader),
    request_body = CreatePackageRequest,
    responses((status = 201, description = "The package.", body = PackageView)))]
#[post("/packages")]
pub async fn create_package(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManagePackages>,
    body: Json<CreatePackageRequest>,
) -> ApiResult<Created<PackageView>> {
    let package = packages::create_package(&ctx, auth.id, body.into_inner()).await?;
    Ok(Created {
        location: format!("/api/v1/packages/{}", package.id),
        body: package,
    })
}

/// One package.
#[utoipa::path(tag = "credits", security(("bearer" = ["trainer.packages.read"])), params(TenantHeader, ("id" = Uuid, Path, description = "The package.")),
    responses(
        (status = 200, description = "The package.", body = PackageView),
        (status = 404, description = "No such package here (`trainer.package_not_found`); clients do not see inactive ones.", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/packages/{id}")]
pub async fn get_package(
    ctx: web::Data<AppContext>,
    auth: Authorized<ViewPackages>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<PackageView>> {
    packages::get_package(&ctx, auth.id, id.into_inner(), auth.role == Role::Member)
        .await
        .map(web::Json)
}

/// Change a package, or take it off offer with `active: false`. Grants already made keep
/// their terms.
#[utoipa::path(tag = "credits", security(("bearer" = ["trainer.packages.manage"])), params(TenantHeader, ("id" = Uuid, Path, description = "The package.")),
    request_body = UpdatePackageRequest,
    responses(
        (status = 200, description = "The package as changed.", body = PackageView),
        (status = 404, description = "No such package here (`trainer.package_not_found`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/packages/{id}")]
pub async fn update_package(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManagePackages>,
    id: web::Path<Uuid>,
    body: Json<UpdatePackageRequest>,
) -> ApiResult<web::Json<PackageView>> {
    packages::update_package(&ctx, auth.id, id.into_inner(), body.into_inner())
        .await
        .map(web::Json)
}
