//! Calendar feeds: a member makes (or replaces) their secret feed URLs; calendar apps fetch the
//! feeds with the token alone.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::Utc;

use palestra_core::openapi::TenantHeader;
use palestra_core::{ApiError, ApiResult, AppContext, Authorized, Problem, Tenant, permission};

use crate::calendar::{self, CalendarFeedView};
use crate::error::ScheduleError;

permission!(
    /// Make, replace and stop one's own calendar feed.
    SubscribeCalendar = "schedule.calendar.subscribe"
);

/// Make new secret calendar feed URLs for the caller (the timetable and their own bookings).
///
/// The URLs are shown only now; any earlier ones stop working. Calendar apps subscribe to them
/// without signing in, so treat them like a password.
#[utoipa::path(tag = "calendar", security(("bearer" = ["schedule.calendar.subscribe"])), params(TenantHeader),
    responses((status = 200, description = "The new feed URLs.", body = CalendarFeedView)))]
#[post("/me/calendar-feed/rotate")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id, account = %auth.account_id))]
pub async fn rotate_calendar_feed(
    ctx: web::Data<AppContext>,
    auth: Authorized<SubscribeCalendar>,
    req: HttpRequest,
) -> ApiResult<web::Json<CalendarFeedView>> {
    let now = Utc::now();
    let token = calendar::rotate(&ctx.db, auth.id, auth.account_id, now).await?;
    let base = format!(
        "{}/api/v1/calendar/{token}",
        palestra_core::calendar::feed_base_url(&req)
    );
    Ok(web::Json(CalendarFeedView {
        timetable_url: format!("{base}/timetable.ics"),
        bookings_url: format!("{base}/bookings.ics"),
        created_at: now,
    }))
}

/// Stop the caller's calendar feed: its URLs no longer work.
#[utoipa::path(tag = "calendar", security(("bearer" = ["schedule.calendar.subscribe"])), params(TenantHeader),
    responses(
        (status = 204, description = "Stopped."),
        (status = 404, description = "The caller has no feed here (`schedule.calendar_feed_not_found`).", body = Problem, content_type = "application/problem+json")))]
#[delete("/me/calendar-feed")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id, account = %auth.account_id))]
pub async fn delete_calendar_feed(
    ctx: web::Data<AppContext>,
    auth: Authorized<SubscribeCalendar>,
) -> ApiResult<HttpResponse> {
    if calendar::revoke(&ctx.db, auth.id, auth.account_id).await? {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ScheduleError::CalendarFeedNotFound.into())
    }
}

/// The member and gym a token opens, while the member still has access and the module is on;
/// anything else is the same 404, so a feed URL reveals nothing once it stops working.
async fn open_feed(ctx: &AppContext, token: &str) -> Result<Tenant, ApiError> {
    let not_found = || ApiError::from(ScheduleError::CalendarFeedNotFound);
    let feed = calendar::find_by_token(&ctx.db, token)
        .await?
        .ok_or_else(not_found)?;
    let tenant = palestra_core::tenancy::find_membership(
        &ctx.db,
        ctx.product.kind,
        palestra_core::ids::AccountId(feed.account_id),
        palestra_core::ids::TenantId(feed.tenant_id),
    )
    .await
    .map_err(|_| not_found())?;
    if !ctx
        .module_states
        .is_active(&ctx.db, &ctx.product, tenant.id, "schedule")
        .await?
    {
        return Err(not_found());
    }
    Ok(tenant)
}

fn ics(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .body(body)
}

/// The gym's timetable as an iCalendar feed (no sign-in: the token is the key).
///
/// Every session from a week ago to 60 days ahead, in the gym's time zone; cancelled sessions
/// stay, marked `STATUS:CANCELLED`.
#[utoipa::path(tag = "calendar",
    params(("token" = String, Path, description = "The secret feed token.")),
    responses(
        (status = 200, description = "An RFC 5545 calendar.", body = String, content_type = "text/calendar"),
        (status = 404, description = "Unknown or replaced token (`schedule.calendar_feed_not_found`).", body = Problem, content_type = "application/problem+json")))]
#[get("/calendar/{token}/timetable.ics")]
pub async fn timetable_feed(
    ctx: web::Data<AppContext>,
    token: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let tenant = open_feed(&ctx, &token).await?;
    let now = Utc::now();
    let zone = super::hours::zone_of(&tenant.model);
    let sessions = calendar::timetable_sessions(&ctx.db, tenant.id, now).await?;
    Ok(ics(calendar::render(
        &tenant.model.name,
        zone.0,
        &sessions,
        now,
    )))
}

/// The member's own booked sessions as an iCalendar feed (no sign-in: the token is the key).
///
/// Sessions the member holds a place in, from 90 days ago on; a cancelled session stays,
/// marked `STATUS:CANCELLED`; a cancelled booking leaves the feed.
#[utoipa::path(tag = "calendar",
    params(("token" = String, Path, description = "The secret feed token.")),
    responses(
        (status = 200, description = "An RFC 5545 calendar.", body = String, content_type = "text/calendar"),
        (status = 404, description = "Unknown or replaced token (`schedule.calendar_feed_not_found`).", body = Problem, content_type = "application/problem+json")))]
#[get("/calendar/{token}/bookings.ics")]
pub async fn bookings_feed(
    ctx: web::Data<AppContext>,
    token: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let tenant = open_feed(&ctx, &token).await?;
    let now = Utc::now();
    let zone = super::hours::zone_of(&tenant.model);
    let sessions = calendar::booked_sessions(&ctx.db, tenant.id, tenant.account_id, now).await?;
    Ok(ics(calendar::render(
        &format!("{} – my classes", tenant.model.name),
        zone.0,
        &sessions,
        now,
    )))
}
