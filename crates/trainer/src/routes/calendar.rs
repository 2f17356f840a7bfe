//! Calendar feeds: making (or replacing) one's secret feed URL, and the feeds themselves.

use actix_web::{HttpRequest, HttpResponse, get, post, web};

use palestra_core::openapi::TenantHeader;
use palestra_core::{ApiResult, AppContext, Authorized, Created, Problem};

use crate::calendar::{self, AgendaFeed, CalendarFeedView, OwnFeed};
use crate::entities::calendar_feed;

/// Make a secret calendar URL for the workspace's whole agenda, replacing the caller's earlier
/// one (which stops working).
#[utoipa::path(tag = "calendar", security(("bearer" = ["trainer.calendar.agenda"])), params(TenantHeader),
    responses((status = 201, description = "The new feed URL, shown once.", body = CalendarFeedView)))]
#[post("/calendar/agenda-feed")]
pub async fn rotate_agenda_feed(
    ctx: web::Data<AppContext>,
    auth: Authorized<AgendaFeed>,
    req: HttpRequest,
) -> ApiResult<Created<CalendarFeedView>> {
    let view = calendar::rotate(
        &ctx,
        auth.id,
        auth.account_id,
        calendar_feed::KIND_AGENDA,
        &palestra_core::calendar::feed_base_url(&req),
    )
    .await?;
    Ok(Created {
        location: view.url.clone(),
        body: view,
    })
}

/// Make a secret calendar URL for the caller's own appointments (clients), replacing the
/// earlier one (which stops working).
#[utoipa::path(tag = "calendar", security(("bearer" = ["trainer.calendar.own"])), params(TenantHeader),
    responses(
        (status = 201, description = "The new feed URL, shown once.", body = CalendarFeedView),
        (status = 404, description = "The caller is not a client here (`trainer.client_not_found`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/me/calendar-feed")]
pub async fn rotate_own_feed(
    ctx: web::Data<AppContext>,
    auth: Authorized<OwnFeed>,
    req: HttpRequest,
) -> ApiResult<Created<CalendarFeedView>> {
    let view = calendar::rotate(
        &ctx,
        auth.id,
        auth.account_id,
        calendar_feed::KIND_CLIENT,
        &palestra_core::calendar::feed_base_url(&req),
    )
    .await?;
    Ok(Created {
        location: view.url.clone(),
        body: view,
    })
}

/// An iCalendar feed, opened by its secret URL without signing in: appointments from 90 days
/// ago to a year ahead, in the workspace's time zone, cancelled ones marked cancelled.
#[utoipa::path(tag = "calendar", security(()), params(("token" = String, Path, description = "The feed's secret token.")),
    responses(
        (status = 200, description = "The calendar.", body = String, content_type = "text/calendar"),
        (status = 404, description = "No such feed, a replaced one, or its owner lost access (`trainer.calendar_feed_not_found`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/calendar/feeds/{token}")]
pub async fn get_feed(
    ctx: web::Data<AppContext>,
    token: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let text = calendar::feed(&ctx, &token).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .body(text))
}
