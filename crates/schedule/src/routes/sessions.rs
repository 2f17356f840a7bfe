//! Sessions and recurring series: everyone in the gym reads the timetable; managers schedule,
//! edit and cancel.

use actix_web::{get, patch, post, web};

use palestra_core::openapi::TenantHeader;
use palestra_core::pagination::Page;
use palestra_core::{ApiResult, AppContext, Authorized, Created, Json, Problem};

use crate::ids::{ClassSessionId, SeriesId};
use crate::permissions::{ManageSessions, ViewClasses};
use crate::service;
use crate::views::{
    CancelSessionRequest, CancelledView, CreateSeriesRequest, CreateSessionRequest, SeriesView,
    SessionQuery, SessionView, UpdateSessionRequest,
};

/// The timetable: sessions in a range (default: the next 7 days), soonest first.
///
/// Each session comes with its class, trainer, capacity, places left and the caller's own
/// booking or waitlist place, its times in UTC and in the gym's local time with the offset.
/// One database query per page, whatever its size.
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.classes.read"])), params(TenantHeader, SessionQuery),
    responses(
        (status = 200, description = "One page of sessions.", body = Page<SessionView>),
        (status = 400, description = "A range over 31 days or reversed (`schedule.invalid_range`), a bad limit or cursor.", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/sessions")]
pub async fn list_sessions(
    ctx: web::Data<AppContext>,
    auth: Authorized<ViewClasses>,
    query: web::Query<SessionQuery>,
) -> ApiResult<web::Json<Page<SessionView>>> {
    service::list_sessions(&ctx.db, &auth, &query)
        .await
        .map(web::Json)
}

/// Schedule a one-off session of a class.
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.sessions.manage"])), params(TenantHeader),
    request_body = CreateSessionRequest,
    responses(
        (status = 201, description = "Scheduled.", body = SessionView),
        (status = 404, description = "No such class here (`schedule.class_not_found`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; an inactive class (`schedule.class_inactive`); a trainer without the trainer role (`schedule.trainer_not_eligible`); a start in the past (`schedule.starts_in_past`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/sessions")]
pub async fn create_session(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageSessions>,
    body: Json<CreateSessionRequest>,
) -> ApiResult<Created<SessionView>> {
    let view = service::create_session(&ctx.db, &auth, body.into_inner()).await?;
    Ok(Created {
        location: format!("/api/v1/sessions/{}", view.id),
        body: view,
    })
}

/// One session, as the caller sees it.
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.classes.read"])),
    params(TenantHeader, ("id" = ClassSessionId, Path, description = "Session id.")),
    responses(
        (status = 200, description = "The session.", body = SessionView),
        (status = 404, description = "No such session here (`schedule.session_not_found`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/sessions/{id}")]
pub async fn get_session(
    ctx: web::Data<AppContext>,
    auth: Authorized<ViewClasses>,
    id: web::Path<ClassSessionId>,
) -> ApiResult<web::Json<SessionView>> {
    service::get_session(&ctx.db, &auth, *id)
        .await
        .map(web::Json)
}

/// Edit a session, or it and the following sessions of its series (`scope`).
///
/// A new time reaches the booked members through the outbox; a larger capacity gives places
/// to the waitlist at once; a capacity below the places booked is refused.
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.sessions.manage"])),
    params(TenantHeader, ("id" = ClassSessionId, Path, description = "Session id.")),
    request_body = UpdateSessionRequest,
    responses(
        (status = 200, description = "The session as it is now.", body = SessionView),
        (status = 404, description = "No such session here.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Started (`schedule.session_started`), cancelled (`schedule.session_cancelled`), or a capacity below the places booked (`schedule.capacity_below_booked`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; a trainer without the trainer role; a start in the past.", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/sessions/{id}")]
pub async fn update_session(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageSessions>,
    id: web::Path<ClassSessionId>,
    body: Json<UpdateSessionRequest>,
) -> ApiResult<web::Json<SessionView>> {
    service::update_session(&ctx, &auth, *id, body.into_inner())
        .await
        .map(web::Json)
}

/// Cancel a session, or it and the following sessions of its series (`scope`).
///
/// Bookings end and booked members are told through the outbox; the waitlist closes.
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.sessions.manage"])),
    params(TenantHeader, ("id" = ClassSessionId, Path, description = "Session id.")),
    request_body = CancelSessionRequest,
    responses(
        (status = 200, description = "What was cancelled.", body = CancelledView),
        (status = 404, description = "No such session here.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Started (`schedule.session_started`) or already cancelled (`schedule.session_cancelled`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/sessions/{id}/cancel")]
pub async fn cancel_session(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageSessions>,
    id: web::Path<ClassSessionId>,
    body: Json<CancelSessionRequest>,
) -> ApiResult<web::Json<CancelledView>> {
    service::cancel_session(&ctx.db, &auth, *id, body.into_inner())
        .await
        .map(web::Json)
}

/// Create a weekly recurring series in the gym's wall time, and its sessions.
///
/// An RFC 5545 RRULE subset: weekdays, a local start time, every N weeks, until a date or a
/// count. Sessions are made for up to a year, each at the same local time across daylight-saving
/// changes (a start skipped by a spring-forward change moves forward by the gap; a repeated
/// one takes the earlier instant).
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.sessions.manage"])), params(TenantHeader),
    request_body = CreateSeriesRequest,
    responses(
        (status = 201, description = "Created, with how many sessions were made.", body = SeriesView),
        (status = 404, description = "No such class here (`schedule.class_not_found`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An invalid rule or fields; an inactive class; a trainer without the trainer role; a first date in the past.", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/series")]
pub async fn create_series(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageSessions>,
    body: Json<CreateSeriesRequest>,
) -> ApiResult<Created<SeriesView>> {
    let view = service::create_series(&ctx.db, &auth, body.into_inner()).await?;
    Ok(Created {
        location: format!("/api/v1/series/{}", view.id),
        body: view,
    })
}

/// One recurring series.
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.classes.read"])),
    params(TenantHeader, ("id" = SeriesId, Path, description = "Series id.")),
    responses(
        (status = 200, description = "The series (its rule as an RRULE).", body = SeriesView),
        (status = 404, description = "No such series here (`schedule.series_not_found`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/series/{id}")]
pub async fn get_series(
    ctx: web::Data<AppContext>,
    auth: Authorized<ViewClasses>,
    id: web::Path<SeriesId>,
) -> ApiResult<web::Json<SeriesView>> {
    service::get_series(&ctx.db, auth.id, *id)
        .await
        .map(web::Json)
}

/// Cancel a series: its sessions not yet started are cancelled and their members told.
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.sessions.manage"])),
    params(TenantHeader, ("id" = SeriesId, Path, description = "Series id.")),
    request_body = CancelSessionRequest,
    responses(
        (status = 200, description = "What was cancelled.", body = CancelledView),
        (status = 404, description = "No such series here.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already cancelled (`schedule.series_cancelled`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/series/{id}/cancel")]
pub async fn cancel_series(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageSessions>,
    id: web::Path<SeriesId>,
    body: Json<CancelSessionRequest>,
) -> ApiResult<web::Json<CancelledView>> {
    service::cancel_series(&ctx.db, &auth, *id, body.into_inner())
        .await
        .map(web::Json)
}
