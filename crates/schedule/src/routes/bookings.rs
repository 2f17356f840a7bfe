//! Booking, cancelling, the waitlist and attendance.

use actix_web::middleware::from_fn;
use actix_web::{HttpResponse, delete, get, post, web};

use palestra_core::idempotency::{IdempotencyKeyHeader, idempotent};
use palestra_core::openapi::TenantHeader;
use palestra_core::{ApiResult, AppContext, Authorized, Created, Json, Problem};

use crate::ids::{BookingId, ClassSessionId, WaitlistEntryId};
use crate::permissions::{BookClasses, ManageAttendance};
use crate::service;
use crate::views::{AttendanceRequest, BookRequest, BookingView, WaitlistEntryView};

/// Book a place in a session: for oneself, or (staff) for a member with `account_id`.
///
/// Capacity is enforced by the database whatever the concurrency. Send `{}` to book for
/// oneself. Accepts `Idempotency-Key`.
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.bookings.book"])),
    params(TenantHeader, IdempotencyKeyHeader, ("id" = ClassSessionId, Path, description = "Session id.")),
    request_body = BookRequest,
    responses(
        (status = 201, description = "Booked.", body = BookingView),
        (status = 403, description = "Booking for someone else without being staff (`auth.forbidden`), one's own membership paused (`schedule.membership_inactive`), or refused by another module's rule.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session (`schedule.session_not_found`) or no such active member (`schedule.member_not_found`).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`schedule.session_full`, `schedule.already_booked`, `schedule.session_started`, `schedule.session_cancelled`, or `schedule.booking_window_closed` (with `opens_at`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/sessions/{id}/bookings", wrap = "from_fn(idempotent)")]
pub async fn book_session(
    ctx: web::Data<AppContext>,
    auth: Authorized<BookClasses>,
    id: web::Path<ClassSessionId>,
    body: Json<BookRequest>,
) -> ApiResult<Created<BookingView>> {
    let view = service::book(&ctx, &auth, *id, body.into_inner()).await?;
    Ok(Created {
        location: format!("/api/v1/bookings/{}", view.id),
        body: view,
    })
}

/// One booking: one's own, or any for staff.
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.bookings.book"])),
    params(TenantHeader, ("id" = BookingId, Path, description = "Booking id.")),
    responses(
        (status = 200, description = "The booking.", body = BookingView),
        (status = 404, description = "No such booking of yours (`schedule.booking_not_found`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/bookings/{id}")]
pub async fn get_booking(
    ctx: web::Data<AppContext>,
    auth: Authorized<BookClasses>,
    id: web::Path<BookingId>,
) -> ApiResult<web::Json<BookingView>> {
    service::get_booking(&ctx.db, &auth, *id)
        .await
        .map(web::Json)
}

/// Cancel a booking (one's own, or any for staff); after the gym's cut-off it is recorded as
/// `late_cancelled`. The first on the waitlist gets the place.
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.bookings.book"])),
    params(TenantHeader, ("id" = BookingId, Path, description = "Booking id.")),
    responses(
        (status = 200, description = "The booking, now `cancelled` or `late_cancelled`.", body = BookingView),
        (status = 404, description = "No such booking of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not active any more (`schedule.booking_not_active`) or the session started (`schedule.session_started`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/bookings/{id}/cancel")]
pub async fn cancel_booking(
    ctx: web::Data<AppContext>,
    auth: Authorized<BookClasses>,
    id: web::Path<BookingId>,
) -> ApiResult<web::Json<BookingView>> {
    service::cancel_booking(&ctx, &auth, *id)
        .await
        .map(web::Json)
}

/// Mark a booked member attended or no-show (staff). Either way the place stays taken.
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.attendance.manage"])),
    params(TenantHeader, ("id" = BookingId, Path, description = "Booking id.")),
    request_body = AttendanceRequest,
    responses(
        (status = 200, description = "The booking as it is now.", body = BookingView),
        (status = 404, description = "No such booking here.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Cancelled booking (`schedule.booking_not_active`) or session (`schedule.session_cancelled`); too early (`schedule.session_not_started`: attended opens an hour before the start, no-show at the start).", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/bookings/{id}/attendance")]
pub async fn mark_attendance(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageAttendance>,
    id: web::Path<BookingId>,
    body: Json<AttendanceRequest>,
) -> ApiResult<web::Json<BookingView>> {
    service::mark_attendance(&ctx.db, &auth, *id, body.status)
        .await
        .map(web::Json)
}

/// Join a full session's waitlist: for oneself, or (staff) for a member with `account_id`.
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.bookings.book"])),
    params(TenantHeader, ("id" = ClassSessionId, Path, description = "Session id.")),
    request_body = BookRequest,
    responses(
        (status = 201, description = "In line, with the place in it.", body = WaitlistEntryView),
        (status = 403, description = "For someone else without being staff, or one's own membership paused.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session or member.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`schedule.session_not_full`, `schedule.waitlist_closed`, `schedule.already_waitlisted`, `schedule.already_booked`, `schedule.session_started`, `schedule.session_cancelled`, `schedule.booking_window_closed`.", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/sessions/{id}/waitlist")]
pub async fn join_waitlist(
    ctx: web::Data<AppContext>,
    auth: Authorized<BookClasses>,
    id: web::Path<ClassSessionId>,
    body: Json<BookRequest>,
) -> ApiResult<Created<WaitlistEntryView>> {
    let view = service::join_waitlist(&ctx, &auth, *id, body.into_inner()).await?;
    Ok(Created {
        location: format!("/api/v1/waitlist/{}", view.id),
        body: view,
    })
}

/// One waitlist entry with its current place in line (one's own, or any for staff).
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.bookings.book"])),
    params(TenantHeader, ("id" = WaitlistEntryId, Path, description = "Waitlist entry id.")),
    responses(
        (status = 200, description = "The entry.", body = WaitlistEntryView),
        (status = 404, description = "No such entry of yours (`schedule.not_waitlisted`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/waitlist/{id}")]
pub async fn get_waitlist_entry(
    ctx: web::Data<AppContext>,
    auth: Authorized<BookClasses>,
    id: web::Path<WaitlistEntryId>,
) -> ApiResult<web::Json<WaitlistEntryView>> {
    service::get_waitlist_entry(&ctx.db, &auth, *id)
        .await
        .map(web::Json)
}

/// Leave a waitlist (one's own place, or any for staff).
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.bookings.book"])),
    params(TenantHeader, ("id" = WaitlistEntryId, Path, description = "Waitlist entry id.")),
    responses(
        (status = 204, description = "Left the line."),
        (status = 404, description = "Not waiting there (`schedule.not_waitlisted`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/waitlist/{id}")]
pub async fn leave_waitlist(
    ctx: web::Data<AppContext>,
    auth: Authorized<BookClasses>,
    id: web::Path<WaitlistEntryId>,
) -> ApiResult<HttpResponse> {
    service::leave_waitlist(&ctx.db, &auth, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
