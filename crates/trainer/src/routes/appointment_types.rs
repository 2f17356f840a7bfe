//! Appointment types: what the trainer offers, with length, price, buffers and booking rules.

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use palestra_core::openapi::TenantHeader;
use palestra_core::scope::scoped;
use palestra_core::{ApiResult, AppContext, Authorized, Created, Json, Problem, Role};

use crate::availability::{self, AppointmentTypeRequest, AppointmentTypeView};
use crate::entities::appointment_type;
use crate::error::TrainerError;
use crate::routes::availability::{ManageAvailability, ReadAvailability};

/// The workspace's appointment types, by name; clients see the active self-bookable ones.
#[utoipa::path(tag = "availability", security(("bearer" = ["trainer.availability.read"])), params(TenantHeader),
    responses((status = 200, description = "The types.", body = Vec<AppointmentTypeView>)))]
#[get("/appointment-types")]
pub async fn list_appointment_types(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadAvailability>,
) -> ApiResult<web::Json<Vec<AppointmentTypeView>>> {
    let mut select = scoped::<appointment_type::Entity>(auth.id);
    if auth.role == Role::Member {
        select = select
            .filter(appointment_type::Column::Active.eq(true))
            .filter(appointment_type::Column::SelfBookable.eq(true));
    }
    let rows = select
        .order_by_asc(appointment_type::Column::Name)
        .order_by_asc(appointment_type::Column::Id)
        .limit(500)
        .all(&ctx.db)
        .await?;
    Ok(web::Json(rows.into_iter().map(Into::into).collect()))
}

/// Create an appointment type.
#[utoipa::path(tag = "availability", security(("bearer" = ["trainer.availability.manage"])), params(TenantHeader),
    request_body = AppointmentTypeRequest,
    responses(
        (status = 201, description = "The type.", body = AppointmentTypeView),
        (status = 422, description = "Invalid fields, with their paths.", body = Problem, content_type = "application/problem+json")))]
#[post("/appointment-types")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id))]
pub async fn create_appointment_type(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageAvailability>,
    body: Json<AppointmentTypeRequest>,
) -> ApiResult<Created<AppointmentTypeView>> {
    let model = availability::type_model(auth.id, &auth.model.currency, body.into_inner());
    appointment_type::Entity::insert(appointment_type::ActiveModel::from(model.clone()))
        .exec_without_returning(&ctx.db)
        .await?;
    Ok(Created {
        location: format!("/api/v1/appointment-types/{}", model.id),
        body: model.into(),
    })
}

/// One appointment type.
#[utoipa::path(tag = "availability", security(("bearer" = ["trainer.availability.read"])), params(TenantHeader, ("id" = Uuid, Path, description = "The type.")),
    responses(
        (status = 200, description = "The type.", body = AppointmentTypeView),
        (status = 404, description = "No such type here (`trainer.type_not_found`).", body = Problem, content_type = "application/problem+json")))]
#[get("/appointment-types/{id}")]
pub async fn get_appointment_type(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadAvailability>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<AppointmentTypeView>> {
    let row = availability::find_type(&ctx.db, auth.id, id.into_inner())
        .await?
        .filter(|t| auth.role != Role::Member || (t.active && t.self_bookable))
        .ok_or(TrainerError::TypeNotFound)?;
    Ok(web::Json(row.into()))
}

/// Replace an appointment type's settings (booked appointments keep their times and credits).
#[utoipa::path(tag = "availability", security(("bearer" = ["trainer.availability.manage"])), params(TenantHeader, ("id" = Uuid, Path, description = "The type.")),
    request_body = AppointmentTypeRequest,
    responses(
        (status = 200, description = "The type.", body = AppointmentTypeView),
        (status = 404, description = "No such type here (`trainer.type_not_found`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, with their paths.", body = Problem, content_type = "application/problem+json")))]
#[put("/appointment-types/{id}")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id))]
pub async fn update_appointment_type(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageAvailability>,
    id: web::Path<Uuid>,
    body: Json<AppointmentTypeRequest>,
) -> ApiResult<web::Json<AppointmentTypeView>> {
    let old = availability::find_type(&ctx.db, auth.id, id.into_inner())
        .await?
        .ok_or(TrainerError::TypeNotFound)?;
    let mut model = availability::type_model(auth.id, &auth.model.currency, body.into_inner());
    model.id = old.id;
    model.created_at = old.created_at;
    model.active = old.active;
    let mut active = appointment_type::ActiveModel::from(model.clone());
    active = sea_orm::ActiveModelTrait::reset_all(active);
    active.id = sea_orm::ActiveValue::Unchanged(old.id);
    active.tenant_id = sea_orm::ActiveValue::Unchanged(old.tenant_id);
    active.created_at = sea_orm::ActiveValue::Unchanged(old.created_at);
    appointment_type::Entity::update(active)
        .exec(&ctx.db)
        .await?;
    Ok(web::Json(model.into()))
}

/// Archive an appointment type: it takes no new appointments; booked ones stay.
#[utoipa::path(tag = "availability", security(("bearer" = ["trainer.availability.manage"])), params(TenantHeader, ("id" = Uuid, Path, description = "The type.")),
    responses(
        (status = 204, description = "Archived."),
        (status = 404, description = "No such type here (`trainer.type_not_found`).", body = Problem, content_type = "application/problem+json")))]
#[delete("/appointment-types/{id}")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id))]
pub async fn archive_appointment_type(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageAvailability>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let result = appointment_type::Entity::update_many()
        .set(appointment_type::ActiveModel {
            active: Set(false),
            updated_at: Set(Utc::now()),
            ..Default::default()
        })
        .filter(appointment_type::Column::TenantId.eq(auth.id.uuid()))
        .filter(appointment_type::Column::Id.eq(id.into_inner()))
        .exec(&ctx.db)
        .await?;
    if result.rows_affected == 0 {
        return Err(TrainerError::TypeNotFound.into());
    }
    Ok(HttpResponse::NoContent().finish())
}
