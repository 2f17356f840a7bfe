//! Class categories: everyone in the gym reads them, managers write them.

use actix_web::{HttpResponse, delete, get, patch, post, web};

use palestra_core::openapi::TenantHeader;
use palestra_core::{ApiResult, AppContext, Authorized, Created, Json, Problem};

use crate::ids::CategoryId;
use crate::permissions::{ManageClasses, ViewClasses};
use crate::service;
use crate::views::{CategoryView, CreateCategoryRequest, UpdateCategoryRequest};

/// The gym's class categories, by name.
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.classes.read"])), params(TenantHeader),
    responses((status = 200, description = "Every category of the gym.", body = Vec<CategoryView>)))]
#[get("/class-categories")]
pub async fn list_categories(
    ctx: web::Data<AppContext>,
    auth: Authorized<ViewClasses>,
) -> ApiResult<web::Json<Vec<CategoryView>>> {
    service::list_categories(&ctx.db, auth.id)
        .await
        .map(web::Json)
}

/// Create a class category.
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.classes.manage"])), params(TenantHeader),
    request_body = CreateCategoryRequest,
    responses(
        (status = 201, description = "Created.", body = CategoryView),
        (status = 409, description = "The name is taken (`schedule.category_name_taken`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/class-categories")]
pub async fn create_category(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageClasses>,
    body: Json<CreateCategoryRequest>,
) -> ApiResult<Created<CategoryView>> {
    let view = service::create_category(&ctx.db, auth.id, body.into_inner()).await?;
    Ok(Created {
        location: format!("/api/v1/class-categories/{}", view.id),
        body: view,
    })
}

/// One class category.
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.classes.read"])),
    params(TenantHeader, ("id" = CategoryId, Path, description = "Category id.")),
    responses(
        (status = 200, description = "The category.", body = CategoryView),
        (status = 404, description = "No such category here (`schedule.category_not_found`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/class-categories/{id}")]
pub async fn get_category(
    ctx: web::Data<AppContext>,
    auth: Authorized<ViewClasses>,
    id: web::Path<CategoryId>,
) -> ApiResult<web::Json<CategoryView>> {
    service::get_category(&ctx.db, auth.id, *id)
        .await
        .map(web::Json)
}

/// Change a class category; omitted fields stay.
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.classes.manage"])),
    params(TenantHeader, ("id" = CategoryId, Path, description = "Category id.")),
    request_body = UpdateCategoryRequest,
    responses(
        (status = 200, description = "The category as it is now.", body = CategoryView),
        (status = 404, description = "No such category here.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken (`schedule.category_name_taken`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/class-categories/{id}")]
pub async fn update_category(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageClasses>,
    id: web::Path<CategoryId>,
    body: Json<UpdateCategoryRequest>,
) -> ApiResult<web::Json<CategoryView>> {
    service::update_category(&ctx.db, auth.id, *id, body.into_inner())
        .await
        .map(web::Json)
}

/// Delete a class category; its classes stay, without one.
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.classes.manage"])),
    params(TenantHeader, ("id" = CategoryId, Path, description = "Category id.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, description = "No such category here.", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/class-categories/{id}")]
pub async fn delete_category(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageClasses>,
    id: web::Path<CategoryId>,
) -> ApiResult<HttpResponse> {
    service::delete_category(&ctx.db, auth.id, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
