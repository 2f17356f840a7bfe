//! Classes: everyone in the gym reads them, managers write them.

use actix_web::{get, patch, post, web};

use palestra_core::openapi::TenantHeader;
use palestra_core::{ApiResult, AppContext, Authorized, Created, Json, Problem};

use crate::ids::ClassId;
use crate::permissions::{ManageClasses, ViewClasses};
use crate::service;
use crate::views::{ClassQuery, ClassView, CreateClassRequest, UpdateClassRequest};

/// The gym's classes, by name; filter by active flag or category.
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.classes.read"])), params(TenantHeader, ClassQuery),
    responses((status = 200, description = "The classes.", body = Vec<ClassView>)))]
#[get("/classes")]
pub async fn list_classes(
    ctx: web::Data<AppContext>,
    auth: Authorized<ViewClasses>,
    query: web::Query<ClassQuery>,
) -> ApiResult<web::Json<Vec<ClassView>>> {
    service::list_classes(&ctx.db, auth.id, &query)
        .await
        .map(web::Json)
}

/// Create a class.
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.classes.manage"])), params(TenantHeader),
    request_body = CreateClassRequest,
    responses(
        (status = 201, description = "Created.", body = ClassView),
        (status = 404, description = "No such category here (`schedule.category_not_found`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or the default trainer does not hold the trainer role here (`schedule.trainer_not_eligible`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/classes")]
pub async fn create_class(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageClasses>,
    body: Json<CreateClassRequest>,
) -> ApiResult<Created<ClassView>> {
    let view = service::create_class(&ctx.db, auth.id, body.into_inner()).await?;
    Ok(Created {
        location: format!("/api/v1/classes/{}", view.id),
        body: view,
    })
}

/// One class.
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.classes.read"])),
    params(TenantHeader, ("id" = ClassId, Path, description = "Class id.")),
    responses(
        (status = 200, description = "The class.", body = ClassView),
        (status = 404, description = "No such class here (`schedule.class_not_found`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/classes/{id}")]
pub async fn get_class(
    ctx: web::Data<AppContext>,
    auth: Authorized<ViewClasses>,
    id: web::Path<ClassId>,
) -> ApiResult<web::Json<ClassView>> {
    service::get_class(&ctx.db, auth.id, *id)
        .await
        .map(web::Json)
}

/// Change a class; omitted fields stay. Scheduled sessions keep their own values.
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.classes.manage"])),
    params(TenantHeader, ("id" = ClassId, Path, description = "Class id.")),
    request_body = UpdateClassRequest,
    responses(
        (status = 200, description = "The class as it is now.", body = ClassView),
        (status = 404, description = "No such class or category here.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a trainer without the trainer role (`schedule.trainer_not_eligible`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/classes/{id}")]
pub async fn update_class(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageClasses>,
    id: web::Path<ClassId>,
    body: Json<UpdateClassRequest>,
) -> ApiResult<web::Json<ClassView>> {
    service::update_class(&ctx.db, auth.id, *id, body.into_inner())
        .await
        .map(web::Json)
}
