//! Opening hours: the effective hours of a date range, the weekly template, special days.

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{Days, Utc};

use palestra_core::openapi::TenantHeader;
use palestra_core::time::TimeZone;
use palestra_core::{
    ApiError, ApiResult, AppContext, Authorized, Created, FieldError, Json, Problem, permission,
};

use crate::entities::special_day;
use crate::error::ScheduleError;
use crate::hours::{
    self, HoursQuery, HoursView, SpecialDayRequest, SpecialDayView, WeeklyHours, WeeklyHoursView,
};
use crate::repo::is_unique_violation;

permission!(
    /// Read the gym's opening hours.
    ReadHours = "schedule.hours.read"
);
permission!(
    /// Change the weekly template and special days.
    ManageHours = "schedule.hours.manage"
);

/// The gym's zone; a stored zone that no longer parses reads as UTC (logged).
pub(crate) fn zone_of(model: &palestra_core::entities::tenant::Model) -> TimeZone {
    model.time_zone.parse().unwrap_or_else(|error: String| {
        tracing::warn!(%error, tenant = %model.id, "tenant time zone does not parse; using UTC");
        TimeZone(chrono_tz::UTC)
    })
}

/// The gym's effective opening hours for each local date of a range (default: the next 7 days).
///
/// A special day replaces its weekday's hours. Each interval is given in the gym's wall time and
/// as UTC instants, right across daylight-saving changes.
#[utoipa::path(tag = "hours", security(("bearer" = ["schedule.hours.read"])), params(TenantHeader, HoursQuery),
    responses(
        (status = 200, description = "The hours of each date of the range.", body = HoursView),
        (status = 422, description = "`to` before `from`, or more than 93 days (`request.validation_failed`).", body = Problem, content_type = "application/problem+json")))]
#[get("/hours")]
pub async fn get_hours(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadHours>,
    query: web::Query<HoursQuery>,
) -> ApiResult<web::Json<HoursView>> {
    let zone = zone_of(&auth.model);
    let (from, to) = query
        .range(zone.local_date(Utc::now()))
        .map_err(|e| ApiError::validation(vec![e]))?;
    let (weekly, _) = hours::load_weekly(&ctx.db, auth.id).await?;
    let special = hours::special_days_between(&ctx.db, auth.id, from, to).await?;
    Ok(web::Json(HoursView {
        time_zone: zone.name().to_owned(),
        days: hours::effective_hours(zone, &weekly, &special, from, to),
    }))
}

/// The gym's weekly opening hours template.
#[utoipa::path(tag = "hours", security(("bearer" = ["schedule.hours.read"])), params(TenantHeader),
    responses((status = 200, description = "The weekly template, in the gym's wall time.", body = WeeklyHoursView)))]
#[get("/hours/weekly")]
pub async fn get_weekly_hours(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadHours>,
) -> ApiResult<web::Json<WeeklyHoursView>> {
    let (weekly, updated_at) = hours::load_weekly(&ctx.db, auth.id).await?;
    Ok(web::Json(WeeklyHoursView {
        time_zone: zone_of(&auth.model).name().to_owned(),
        weekly,
        updated_at,
    }))
}

/// Replace the weekly template: per weekday, its open intervals (none: closed that day).
#[utoipa::path(tag = "hours", security(("bearer" = ["schedule.hours.manage"])), params(TenantHeader),
    request_body = WeeklyHours,
    responses(
        (status = 200, description = "The template as stored (intervals in opening order).", body = WeeklyHoursView),
        (status = 422, description = "A bad time, an interval closing before it opens, or overlapping intervals, with the field path (`monday[1].closes`).", body = Problem, content_type = "application/problem+json")))]
#[put("/hours/weekly")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id))]
pub async fn put_weekly_hours(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageHours>,
    body: Json<WeeklyHours>,
) -> ApiResult<web::Json<WeeklyHoursView>> {
    let now = Utc::now();
    let weekly = hours::save_weekly(&ctx.db, auth.id, body.into_inner(), now).await?;
    Ok(web::Json(WeeklyHoursView {
        time_zone: zone_of(&auth.model).name().to_owned(),
        weekly,
        updated_at: Some(now),
    }))
}

/// The longest range of special days listed at once, in days.
const MAX_SPECIAL_RANGE_DAYS: i64 = 400;

/// The gym's special days in a date range (default: today and the next 365 days).
#[utoipa::path(tag = "hours", security(("bearer" = ["schedule.hours.read"])), params(TenantHeader, HoursQuery),
    responses(
        (status = 200, description = "The special days of the range, by date.", body = Vec<SpecialDayView>),
        (status = 422, description = "`to` before `from`, or more than 400 days (`request.validation_failed`).", body = Problem, content_type = "application/problem+json")))]
#[get("/hours/special-days")]
pub async fn list_special_days(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadHours>,
    query: web::Query<HoursQuery>,
) -> ApiResult<web::Json<Vec<SpecialDayView>>> {
    let today = zone_of(&auth.model).local_date(Utc::now());
    let from = query.from.unwrap_or(today);
    let to = query
        .to
        .unwrap_or_else(|| from.checked_add_days(Days::new(365)).unwrap_or(from));
    if to < from || (to - from).num_days() >= MAX_SPECIAL_RANGE_DAYS {
        return Err(ApiError::validation(vec![FieldError::new(
            "to",
            "invalid_range",
            format!("`to` must be on or after `from`, at most {MAX_SPECIAL_RANGE_DAYS} days on"),
        )]));
    }
    let rows = hours::special_days_between(&ctx.db, auth.id, from, to).await?;
    Ok(web::Json(rows.into_iter().map(Into::into).collect()))
}

/// Add a special day: a holiday (closed) or a date with its own hours.
#[utoipa::path(tag = "hours", security(("bearer" = ["schedule.hours.manage"])), params(TenantHeader),
    request_body = SpecialDayRequest,
    responses(
        (status = 201, description = "The special day.", body = SpecialDayView),
        (status = 409, description = "The date has a special day already (`schedule.special_day_exists`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad intervals or description, with field paths.", body = Problem, content_type = "application/problem+json")))]
#[post("/hours/special-days")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id))]
pub async fn create_special_day(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageHours>,
    body: Json<SpecialDayRequest>,
) -> ApiResult<Created<SpecialDayView>> {
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let request = body.into_inner();
    let now = Utc::now();
    let row = special_day::Model {
        id: uuid::Uuid::now_v7(),
        tenant_id: auth.id.uuid(),
        date: request.date,
        closed: request.closed,
        intervals: hours::intervals_value(&request),
        description: request.description.trim().to_owned(),
        created_at: now,
        updated_at: now,
    };
    special_day::Entity::insert(special_day::ActiveModel {
        id: Set(row.id),
        tenant_id: Set(row.tenant_id),
        date: Set(row.date),
        closed: Set(row.closed),
        intervals: Set(row.intervals.clone()),
        description: Set(row.description.clone()),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(&ctx.db)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            ScheduleError::SpecialDayExists.into()
        } else {
            ApiError::from(e)
        }
    })?;
    Ok(Created {
        location: format!("/api/v1/hours/special-days/{}", row.id),
        body: row.into(),
    })
}

/// One special day.
#[utoipa::path(tag = "hours", security(("bearer" = ["schedule.hours.read"])),
    params(TenantHeader, ("id" = uuid::Uuid, Path, description = "The special day.")),
    responses(
        (status = 200, description = "The special day.", body = SpecialDayView),
        (status = 404, description = "No such special day here (`schedule.special_day_not_found`).", body = Problem, content_type = "application/problem+json")))]
#[get("/hours/special-days/{id}")]
pub async fn get_special_day(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadHours>,
    id: web::Path<uuid::Uuid>,
) -> ApiResult<web::Json<SpecialDayView>> {
    let row = hours::find_special_day(&ctx.db, auth.id, *id)
        .await?
        .ok_or(ScheduleError::SpecialDayNotFound)?;
    Ok(web::Json(row.into()))
}

/// Replace a special day (its date may move, onto a date without one).
#[utoipa::path(tag = "hours", security(("bearer" = ["schedule.hours.manage"])),
    params(TenantHeader, ("id" = uuid::Uuid, Path, description = "The special day.")),
    request_body = SpecialDayRequest,
    responses(
        (status = 200, description = "The special day as it is now.", body = SpecialDayView),
        (status = 404, description = "No such special day here (`schedule.special_day_not_found`).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The new date has a special day already (`schedule.special_day_exists`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad intervals or description, with field paths.", body = Problem, content_type = "application/problem+json")))]
#[put("/hours/special-days/{id}")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id))]
pub async fn update_special_day(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageHours>,
    id: web::Path<uuid::Uuid>,
    body: Json<SpecialDayRequest>,
) -> ApiResult<web::Json<SpecialDayView>> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let request = body.into_inner();
    let now = Utc::now();
    let result = special_day::Entity::update_many()
        .col_expr(special_day::Column::Date, Expr::value(request.date))
        .col_expr(special_day::Column::Closed, Expr::value(request.closed))
        .col_expr(
            special_day::Column::Intervals,
            Expr::value(hours::intervals_value(&request)),
        )
        .col_expr(
            special_day::Column::Description,
            Expr::value(request.description.trim().to_owned()),
        )
        .col_expr(special_day::Column::UpdatedAt, Expr::value(now))
        .filter(special_day::Column::TenantId.eq(auth.id.uuid()))
        .filter(special_day::Column::Id.eq(*id))
        .exec(&ctx.db)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                ScheduleError::SpecialDayExists.into()
            } else {
                ApiError::from(e)
            }
        })?;
    if result.rows_affected == 0 {
        return Err(ScheduleError::SpecialDayNotFound.into());
    }
    let row = hours::find_special_day(&ctx.db, auth.id, *id)
        .await?
        .ok_or(ScheduleError::SpecialDayNotFound)?;
    Ok(web::Json(row.into()))
}

/// Remove a special day: its date follows the weekly template again.
#[utoipa::path(tag = "hours", security(("bearer" = ["schedule.hours.manage"])),
    params(TenantHeader, ("id" = uuid::Uuid, Path, description = "The special day.")),
    responses(
        (status = 204, description = "Removed."),
        (status = 404, description = "No such special day here (`schedule.special_day_not_found`).", body = Problem, content_type = "application/problem+json")))]
#[delete("/hours/special-days/{id}")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id))]
pub async fn delete_special_day(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageHours>,
    id: web::Path<uuid::Uuid>,
) -> ApiResult<HttpResponse> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let result = special_day::Entity::delete_many()
        .filter(special_day::Column::TenantId.eq(auth.id.uuid()))
        .filter(special_day::Column::Id.eq(*id))
        .exec(&ctx.db)
        .await?;
    if result.rows_affected == 0 {
        return Err(ScheduleError::SpecialDayNotFound.into());
    }
    Ok(HttpResponse::NoContent().finish())
}
