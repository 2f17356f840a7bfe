//! A person's body measurements: record, list, read, correct, delete.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};

use palestra_core::openapi::TenantHeader;
use palestra_core::pagination::{Page, PageQuery};
use palestra_core::{
    ApiError, ApiResult, AppContext, Authorized, Created, FieldError, Json, Problem,
};

use crate::access::{self, Mode};
use crate::entities::{MeasurementId, measurement};
use crate::error::HealthError;
use crate::metrics;
use crate::permissions::{ReadProgress, WriteProgress};
use crate::repo;
use crate::views::{
    CreateMeasurementRequest, MeasurementQuery, MeasurementView, UnitsQuery,
    UpdateMeasurementRequest, check_value, instant,
};

use super::{cursor_of, instant_cursor, range, viewer_units};

/// Record a measurement for a person (oneself, or someone one coaches); any unit of the
/// metric is accepted and stored in its metric unit.
#[utoipa::path(tag = "progress", security(("bearer" = ["health.progress.write"])),
    params(TenantHeader, ("person" = String, Path, description = "`me`, or the person's account id."), UnitsQuery),
    request_body = CreateMeasurementRequest,
    responses(
        (status = 201, description = "Recorded; shown in the viewer's units.", body = MeasurementView),
        (status = 404, description = "No such person, or not one whose progress you keep (`health.person_not_found`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/progress/people/{person}/measurements")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id))]
pub async fn create_measurement(
    ctx: web::Data<AppContext>,
    auth: Authorized<WriteProgress>,
    person: web::Path<String>,
    query: web::Query<UnitsQuery>,
    body: Json<CreateMeasurementRequest>,
) -> ApiResult<Created<MeasurementView>> {
    let person = access::person(&ctx, &auth, &person, Mode::Write).await?;
    let request = body.into_inner();
    let metric =
        metrics::find(&request.metric).ok_or(HealthError::UnknownMetric(request.metric.clone()))?;
    let value = metric
        .read(request.value, request.unit.as_deref())
        .map_err(|(code, message)| {
            ApiError::validation(vec![FieldError::new("value", code, message)])
        })?;
    let now = instant(Utc::now());
    let row = measurement::ActiveModel {
        id: Set(MeasurementId::new().uuid()),
        tenant_id: Set(auth.id.uuid()),
        account_id: Set(person.uuid()),
        metric: Set(metric.key.to_owned()),
        value: Set(value),
        measured_at: Set(request.measured_at.map_or(now, instant)),
        recorded_by: Set(auth.account_id.uuid()),
        note: Set(request
            .note
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let txn = palestra_core::db::begin_write(&ctx.db).await?;
    let row = measurement::Entity::insert(row)
        .exec_with_returning(&txn)
        .await?;
    repo::fill_goal_starts(&txn, auth.id, person, metric.key, value).await?;
    txn.commit().await?;
    let units = viewer_units(&ctx, &auth, query.units).await?;
    Ok(Created {
        location: format!("/api/v1/progress/people/{person}/measurements/{}", row.id),
        body: MeasurementView::new(row, units),
    })
}

/// A person's measurements, newest first; filter by metric and time range.
#[utoipa::path(tag = "progress", security(("bearer" = ["health.progress.read"])),
    params(TenantHeader, ("person" = String, Path, description = "`me`, or the person's account id."), MeasurementQuery),
    responses(
        (status = 200, description = "One page of measurements, in the viewer's units.", body = Page<MeasurementView>),
        (status = 404, description = "No such person, or not one whose progress you see (`health.person_not_found`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/progress/people/{person}/measurements")]
pub async fn list_measurements(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadProgress>,
    person: web::Path<String>,
    query: web::Query<MeasurementQuery>,
) -> ApiResult<web::Json<Page<MeasurementView>>> {
    let person = access::person(&ctx, &auth, &person, Mode::Read).await?;
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    };
    let limit = page.limit()?;
    let cursor = instant_cursor(page.cursor()?)?;
    let metric = match query.metric.as_deref() {
        Some(key) => Some(
            metrics::find(key)
                .ok_or_else(|| HealthError::UnknownMetric(key.to_owned()))?
                .key,
        ),
        None => None,
    };
    let range = range(query.from, query.to)?;
    let units = viewer_units(&ctx, &auth, query.units).await?;
    let rows =
        repo::list_measurements(&ctx.db, auth.id, person, metric, range, cursor, limit + 1).await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |row| cursor_of(row.measured_at, row.id),
        |row| MeasurementView::new(row, units),
    )))
}

/// One measurement.
#[utoipa::path(tag = "progress", security(("bearer" = ["health.progress.read"])),
    params(TenantHeader, ("person" = String, Path, description = "`me`, or the person's account id."),
        ("id" = MeasurementId, Path, description = "The measurement."), UnitsQuery),
    responses(
        (status = 200, description = "The measurement, in the viewer's units.", body = MeasurementView),
        (status = 404, description = "No such person or measurement (`health.person_not_found`, `health.measurement_not_found`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/progress/people/{person}/measurements/{id}")]
pub async fn get_measurement(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadProgress>,
    path: web::Path<(String, MeasurementId)>,
    query: web::Query<UnitsQuery>,
) -> ApiResult<web::Json<MeasurementView>> {
    let (person, id) = path.into_inner();
    let person = access::person(&ctx, &auth, &person, Mode::Read).await?;
    let row = repo::find_measurement(&ctx.db, auth.id, person, id.uuid())
        .await?
        .ok_or(HealthError::MeasurementNotFound)?;
    let units = viewer_units(&ctx, &auth, query.units).await?;
    Ok(web::Json(MeasurementView::new(row, units)))
}

/// Correct a measurement (value, time or note); who recorded it stays.
#[utoipa::path(tag = "progress", security(("bearer" = ["health.progress.write"])),
    params(TenantHeader, ("person" = String, Path, description = "`me`, or the person's account id."),
        ("id" = MeasurementId, Path, description = "The measurement."), UnitsQuery),
    request_body = UpdateMeasurementRequest,
    responses(
        (status = 200, description = "The measurement as it is now.", body = MeasurementView),
        (status = 404, description = "No such person or measurement.", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/progress/people/{person}/measurements/{id}")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id))]
pub async fn update_measurement(
    ctx: web::Data<AppContext>,
    auth: Authorized<WriteProgress>,
    path: web::Path<(String, MeasurementId)>,
    query: web::Query<UnitsQuery>,
    body: Json<UpdateMeasurementRequest>,
) -> ApiResult<web::Json<MeasurementView>> {
    let (person, id) = path.into_inner();
    let person = access::person(&ctx, &auth, &person, Mode::Write).await?;
    let row = repo::find_measurement(&ctx.db, auth.id, person, id.uuid())
        .await?
        .ok_or(HealthError::MeasurementNotFound)?;
    let request = body.into_inner();
    let mut active = row.clone().into_active_model();
    if let Some(value) = request.value {
        let metric =
            metrics::find(&row.metric).ok_or(HealthError::UnknownMetric(row.metric.clone()))?;
        let mut errors = Vec::new();
        let canonical = check_value(&mut errors, "value", metric, value, request.unit.as_deref());
        match canonical {
            Some(canonical) => active.value = Set(canonical),
            None => return Err(ApiError::validation(errors)),
        }
    }
    if let Some(at) = request.measured_at {
        active.measured_at = Set(instant(at));
    }
    if let Some(note) = request.note {
        let note = note.trim().to_owned();
        active.note = Set((!note.is_empty()).then_some(note));
    }
    active.updated_at = Set(instant(Utc::now()));
    let row = active.update(&ctx.db).await?;
    let units = viewer_units(&ctx, &auth, query.units).await?;
    Ok(web::Json(MeasurementView::new(row, units)))
}

/// Delete a measurement.
#[utoipa::path(tag = "progress", security(("bearer" = ["health.progress.write"])),
    params(TenantHeader, ("person" = String, Path, description = "`me`, or the person's account id."),
        ("id" = MeasurementId, Path, description = "The measurement.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, description = "No such person or measurement.", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/progress/people/{person}/measurements/{id}")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id))]
pub async fn delete_measurement(
    ctx: web::Data<AppContext>,
    auth: Authorized<WriteProgress>,
    path: web::Path<(String, MeasurementId)>,
) -> ApiResult<HttpResponse> {
    let (person, id) = path.into_inner();
    let person = access::person(&ctx, &auth, &person, Mode::Write).await?;
    let row = repo::find_measurement(&ctx.db, auth.id, person, id.uuid())
        .await?
        .ok_or(HealthError::MeasurementNotFound)?;
    measurement::Entity::delete_by_id(row.id)
        .exec(&ctx.db)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
