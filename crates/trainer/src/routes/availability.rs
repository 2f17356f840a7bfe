//! Availability: weekly working hours, exceptions on dates, and bookable slots.

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{Days, Utc};
use uuid::Uuid;

use palestra_core::openapi::TenantHeader;
use palestra_core::{
    ApiError, ApiResult, AppContext, Authorized, Created, Json, Problem, permission,
};

use crate::availability::{
    self, AvailabilityQuery, AvailabilityView, DateRangeQuery, ExceptionRequest, ExceptionView,
    MAX_RANGE_DAYS, PolicyView, WeeklyHours, WeeklyHoursView, zone_of,
};
use crate::error::TrainerError;
use crate::slots;

permission!(
    /// Read appointment types and bookable slots.
    ReadAvailability = "trainer.availability.read"
);
permission!(
    /// Set working hours, exceptions and appointment types.
    ManageAvailability = "trainer.availability.manage"
);

/// The trainer's weekly working hours.
#[utoipa::path(tag = "availability", security(("bearer" = ["trainer.availability.read"])), params(TenantHeader),
    responses((status = 200, description = "The weekly hours, in the trainer's wall time.", body = WeeklyHoursView)))]
#[get("/availability/weekly")]
pub async fn get_weekly_hours(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadAvailability>,
) -> ApiResult<web::Json<WeeklyHoursView>> {
    let settings = availability::load_settings(&ctx.db, auth.id).await?;
    Ok(web::Json(WeeklyHoursView {
        time_zone: zone_of(&auth.model).name().to_owned(),
        weekly: settings.weekly,
    }))
}

/// Replace the weekly working hours: per weekday, its intervals (none: not working that day).
#[utoipa::path(tag = "availability", security(("bearer" = ["trainer.availability.manage"])), params(TenantHeader),
    request_body = WeeklyHours,
    responses(
        (status = 200, description = "The hours as stored.", body = WeeklyHoursView),
        (status = 422, description = "A bad time, an interval ending before it starts, or overlapping intervals, with the field path (`monday[1].ends`).", body = Problem, content_type = "application/problem+json")))]
#[put("/availability/weekly")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id))]
pub async fn put_weekly_hours(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageAvailability>,
    body: Json<WeeklyHours>,
) -> ApiResult<web::Json<WeeklyHoursView>> {
    let weekly = body.into_inner();
    availability::save_weekly(&ctx.db, auth.id, &weekly).await?;
    Ok(web::Json(WeeklyHoursView {
        time_zone: zone_of(&auth.model).name().to_owned(),
        weekly,
    }))
}

/// The exceptions (time off, extra hours) of a date range (default: the next 30 days).
#[utoipa::path(tag = "availability", security(("bearer" = ["trainer.availability.manage"])), params(TenantHeader, DateRangeQuery),
    responses(
        (status = 200, description = "The exceptions of the range, by date.", body = Vec<ExceptionView>),
        (status = 422, description = "`to` before `from`, or more than 400 days.", body = Problem, content_type = "application/problem+json")))]
#[get("/availability/exceptions")]
pub async fn list_exceptions(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageAvailability>,
    query: web::Query<DateRangeQuery>,
) -> ApiResult<web::Json<Vec<ExceptionView>>> {
    let today = zone_of(&auth.model).local_date(Utc::now());
    let (from, to) = query
        .range(today, 400)
        .map_err(|e| ApiError::validation(vec![e]))?;
    let rows = availability::exceptions_between(&ctx.db, auth.id, from, to).await?;
    Ok(web::Json(rows.into_iter().map(Into::into).collect()))
}

/// Add an exception: time off (part of a day or the whole day) or extra working hours.
#[utoipa::path(tag = "availability", security(("bearer" = ["trainer.availability.manage"])), params(TenantHeader),
    request_body = ExceptionRequest,
    responses(
        (status = 201, description = "The exception.", body = ExceptionView),
        (status = 422, description = "Bad times, or extra hours without an interval, with field paths.", body = Problem, content_type = "application/problem+json")))]
#[post("/availability/exceptions")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id))]
pub async fn create_exception(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageAvailability>,
    body: Json<ExceptionRequest>,
) -> ApiResult<Created<ExceptionView>> {
    let row = availability::create_exception(&ctx.db, auth.id, body.into_inner()).await?;
    Ok(Created {
        location: format!("/api/v1/availability/exceptions/{}", row.id),
        body: row.into(),
    })
}

/// One exception.
#[utoipa::path(tag = "availability", security(("bearer" = ["trainer.availability.manage"])), params(TenantHeader, ("id" = Uuid, Path, description = "The exception.")),
    responses(
        (status = 200, description = "The exception.", body = ExceptionView),
        (status = 404, description = "No such exception here (`trainer.exception_not_found`).", body = Problem, content_type = "application/problem+json")))]
#[get("/availability/exceptions/{id}")]
pub async fn get_exception(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageAvailability>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ExceptionView>> {
    use crate::entities::availability_exception as ex;
    use palestra_core::scope::scoped;
    use sea_orm::{ColumnTrait, QueryFilter};
    let row = scoped::<ex::Entity>(auth.id)
        .filter(ex::Column::Id.eq(id.into_inner()))
        .one(&ctx.db)
        .await?
        .ok_or(TrainerError::ExceptionNotFound)?;
    Ok(web::Json(row.into()))
}

/// Replace an exception's date, kind, interval and note.
#[utoipa::path(tag = "availability", security(("bearer" = ["trainer.availability.manage"])), params(TenantHeader, ("id" = Uuid, Path, description = "The exception.")),
    request_body = ExceptionRequest,
    responses(
        (status = 200, description = "The exception.", body = ExceptionView),
        (status = 404, description = "No such exception here (`trainer.exception_not_found`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad times, or extra hours without an interval, with field paths.", body = Problem, content_type = "application/problem+json")))]
#[put("/availability/exceptions/{id}")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id))]
pub async fn update_exception(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageAvailability>,
    id: web::Path<Uuid>,
    body: Json<ExceptionRequest>,
) -> ApiResult<web::Json<ExceptionView>> {
    let row = availability::update_exception(&ctx.db, auth.id, id.into_inner(), body.into_inner())
        .await?
        .ok_or(TrainerError::ExceptionNotFound)?;
    Ok(web::Json(row.into()))
}

/// The workspace's booking policy: the cancellation cut-off.
#[utoipa::path(tag = "availability", security(("bearer" = ["trainer.availability.read"])), params(TenantHeader),
    responses((status = 200, description = "The policy.", body = PolicyView)))]
#[get("/availability/policy")]
pub async fn get_policy(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadAvailability>,
) -> ApiResult<web::Json<PolicyView>> {
    let settings = availability::load_settings(&ctx.db, auth.id).await?;
    Ok(web::Json(PolicyView {
        cancel_cutoff_minutes: settings.cancel_cutoff_minutes,
    }))
}

/// Set the workspace's cancellation cut-off (an appointment type may override it).
#[utoipa::path(tag = "availability", security(("bearer" = ["trainer.availability.manage"])), params(TenantHeader),
    request_body = PolicyView,
    responses(
        (status = 200, description = "The policy as stored.", body = PolicyView),
        (status = 422, description = "A cut-off out of range.", body = Problem, content_type = "application/problem+json")))]
#[put("/availability/policy")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id))]
pub async fn put_policy(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageAvailability>,
    body: Json<PolicyView>,
) -> ApiResult<web::Json<PolicyView>> {
    let policy = body.into_inner();
    availability::save_policy(&ctx.db, auth.id, &policy).await?;
    Ok(web::Json(policy))
}

/// Remove an exception.
#[utoipa::path(tag = "availability", security(("bearer" = ["trainer.availability.manage"])), params(TenantHeader, ("id" = Uuid, Path, description = "The exception.")),
    responses(
        (status = 204, description = "Removed."),
        (status = 404, description = "No such exception here (`trainer.exception_not_found`).", body = Problem, content_type = "application/problem+json")))]
#[delete("/availability/exceptions/{id}")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id))]
pub async fn delete_exception(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageAvailability>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    if !availability::delete_exception(&ctx.db, auth.id, id.into_inner()).await? {
        return Err(TrainerError::ExceptionNotFound.into());
    }
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's own zone, when their account names one.
async fn caller_zone(
    db: &sea_orm::DatabaseConnection,
    account: palestra_core::ids::AccountId,
) -> Result<Option<palestra_core::time::TimeZone>, sea_orm::DbErr> {
    use palestra_core::entities::account as accounts;
    use sea_orm::{EntityTrait, QuerySelect};
    let zone: Option<Option<String>> = accounts::Entity::find_by_id(account.uuid())
        .select_only()
        .column(accounts::Column::TimeZone)
        .into_tuple()
        .one(db)
        .await?;
    Ok(zone.flatten().and_then(|z| z.parse().ok()))
}

/// Bookable slots of an appointment type in a date range (default: the next 7 days).
///
/// Working hours plus extra hours, minus time off, minus appointments with their buffers,
/// honouring the type's minimum notice and maximum days ahead. Dates are the trainer's local
/// dates; each slot is given in UTC and in the zone asked for (`tz`; default the caller's
/// account zone, else the trainer's),
/// right across daylight-saving changes. Clients see only self-bookable types.
#[utoipa::path(tag = "availability", security(("bearer" = ["trainer.availability.read"])), params(TenantHeader, AvailabilityQuery),
    responses(
        (status = 200, description = "The slots, in start order.", body = AvailabilityView),
        (status = 404, description = "No such appointment type (or not bookable by the caller): `trainer.type_not_found`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`to` before `from`, or more than 31 days.", body = Problem, content_type = "application/problem+json")))]
#[get("/availability")]
pub async fn get_availability(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadAvailability>,
    query: web::Query<AvailabilityQuery>,
) -> ApiResult<web::Json<AvailabilityView>> {
    let zone = zone_of(&auth.model);
    let now = Utc::now();
    let today = zone.local_date(now);
    let range_query = DateRangeQuery {
        from: query.from,
        to: Some(query.to.unwrap_or_else(|| {
            query
                .from
                .unwrap_or(today)
                .checked_add_days(Days::new(6))
                .unwrap_or(today)
        })),
    };
    let (from, to) = range_query
        .range(today, MAX_RANGE_DAYS)
        .map_err(|e| ApiError::validation(vec![e]))?;
    let (kind, settings) = availability::type_with_settings(&ctx.db, auth.id, query.type_id)
        .await?
        .filter(|(t, _)| t.active && (auth.role != palestra_core::Role::Member || t.self_bookable))
        .ok_or(TrainerError::TypeNotFound)?;
    let window = (zone.start_of_day(from), zone.day_range(to).1);
    let working =
        availability::working_spans_of(&ctx.db, auth.id, zone, &settings.weekly, from, to).await?;
    let busy = availability::busy_spans(&ctx.db, auth.id, window.0, window.1, None).await?;
    let rules = availability::rules_of(&kind);
    let shown = match query.tz {
        Some(tz) => tz,
        None => caller_zone(&ctx.db, auth.account_id).await?.unwrap_or(zone),
    };
    let slots = slots::free_slots(&working, &busy, &rules, now, window)
        .into_iter()
        .map(|s| availability::slot_view(s, rules.duration, shown))
        .collect();
    Ok(web::Json(AvailabilityView {
        type_id: kind.id,
        time_zone: shown.name().to_owned(),
        trainer_time_zone: zone.name().to_owned(),
        slots,
    }))
}
