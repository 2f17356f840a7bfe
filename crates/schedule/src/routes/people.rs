//! People views: my sessions, a session's participants, a trainer's sessions, the day sheet.

use actix_web::{get, web};
use chrono::{Days, Utc};

use palestra_core::ids::AccountId;
use palestra_core::openapi::TenantHeader;
use palestra_core::pagination::{Cursor, Page, PageQuery};
use palestra_core::{ApiError, ApiResult, AppContext, Authorized, Problem, permission};

use crate::entities::booking;
use crate::error::ScheduleError;
use crate::hours::HoursQuery;
use crate::ids::ClassSessionId;
use crate::people::{
    self, DaySheetQuery, DaySheetSessionView, DaySheetView, MySessionView, MySessionsQuery,
    ParticipantView, PersonView, SessionPeopleView, SessionSummary, TrainerSessionsQuery,
    WaitingView,
};
use crate::repo;

use super::hours::zone_of;

permission!(
    /// Read one's own sessions and history.
    ReadOwnSessions = "schedule.history.read"
);
permission!(
    /// Read a session's participants and waitlist.
    ReadParticipants = "schedule.participants.read"
);
permission!(
    /// Read the front desk's day sheet.
    ReadDaySheet = "schedule.day_sheet.read"
);
permission!(
    /// Read a trainer's sessions.
    ReadTrainerSessions = "schedule.trainer_sessions.read"
);

/// The caller's sessions: upcoming ones they hold a place in (soonest first), or their history
/// (attended, no-show, late-cancelled; newest first).
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.history.read"])), params(TenantHeader, MySessionsQuery),
    responses(
        (status = 200, description = "One page of the caller's sessions.", body = Page<MySessionView>),
        (status = 400, description = "A cursor that is not valid (`request.invalid_cursor`).", body = Problem, content_type = "application/problem+json")))]
#[get("/me/sessions")]
pub async fn list_my_sessions(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadOwnSessions>,
    query: web::Query<MySessionsQuery>,
) -> ApiResult<web::Json<Page<MySessionView>>> {
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    };
    let limit = page.limit()?;
    let after = people::cursor_position(page.cursor()?.as_ref())?;
    let zone = zone_of(&auth.model).0;
    let rows = people::my_sessions(
        &ctx.db,
        auth.id,
        auth.account_id,
        query.when.unwrap_or_default(),
        after,
        limit,
        Utc::now(),
    )
    .await?;
    let names = people::class_names(&ctx.db, auth.id, rows.iter().map(|(_, s)| s.class_id)).await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |(b, s)| Cursor {
            key: s.starts_at.to_rfc3339(),
            id: b.id,
        },
        |(b, s)| MySessionView {
            booking_id: b.id,
            booking_status: b.status,
            walk_in: b.walk_in,
            session: SessionSummary::new(&s, names.get(&s.class_id).map(String::as_str), zone),
        },
    )))
}

/// A session's participants (with cancellations) and its waitlist in line order (staff).
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.participants.read"])),
    params(TenantHeader, ("id" = ClassSessionId, Path, description = "The session.")),
    responses(
        (status = 200, description = "The session and its people.", body = SessionPeopleView),
        (status = 404, description = "No such session here (`schedule.session_not_found`).", body = Problem, content_type = "application/problem+json")))]
#[get("/sessions/{id}/participants")]
pub async fn list_session_participants(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadParticipants>,
    id: web::Path<ClassSessionId>,
) -> ApiResult<web::Json<SessionPeopleView>> {
    let zone = zone_of(&auth.model).0;
    let (session, class) = repo::find_session_with_class(&ctx.db, auth.id, *id)
        .await?
        .ok_or(ScheduleError::SessionNotFound)?;
    let mut bookings = people::bookings_of(&ctx.db, auth.id, vec![session.id]).await?;
    // Places first, then cancellations; booking order within each.
    bookings.sort_by_key(|b| !booking::ACTIVE_STATUSES.contains(&b.status.as_str()));
    let waiting = people::waiting_of(&ctx.db, auth.id, session.id).await?;
    let accounts = people::accounts(
        &ctx.db,
        bookings
            .iter()
            .map(|b| b.account_id)
            .chain(waiting.iter().map(|w| w.account_id)),
    )
    .await?;
    Ok(web::Json(SessionPeopleView {
        session: SessionSummary::new(&session, Some(&class.name), zone),
        participants: bookings
            .iter()
            .map(|b| ParticipantView::new(b, &accounts))
            .collect(),
        waitlist: waiting
            .iter()
            .enumerate()
            .map(|(i, w)| WaitingView {
                entry_id: w.id,
                person: PersonView::of(w.account_id, &accounts),
                place: i + 1,
                joined_at: w.created_at,
            })
            .collect(),
    }))
}

/// A trainer's sessions in a local date range (default: the next 7 days), by start (staff).
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.trainer_sessions.read"])),
    params(TenantHeader, ("id" = uuid::Uuid, Path, description = "The trainer's account id."), TrainerSessionsQuery),
    responses(
        (status = 200, description = "The trainer's sessions, cancelled ones included.", body = Vec<SessionSummary>),
        (status = 404, description = "No trainer with this account here (`schedule.member_not_found`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`to` before `from`, or more than 93 days (`request.validation_failed`).", body = Problem, content_type = "application/problem+json")))]
#[get("/trainers/{id}/sessions")]
pub async fn list_trainer_sessions(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadTrainerSessions>,
    id: web::Path<uuid::Uuid>,
    query: web::Query<TrainerSessionsQuery>,
) -> ApiResult<web::Json<Vec<SessionSummary>>> {
    let zone = zone_of(&auth.model);
    let range = HoursQuery {
        from: query.from,
        to: query.to,
    };
    let (from, to) = range
        .range(zone.local_date(Utc::now()))
        .map_err(|e| ApiError::validation(vec![e]))?;
    palestra_core::tenancy::find_membership(&ctx.db, ctx.product.kind, AccountId(*id), auth.id)
        .await
        .map_err(|_| ScheduleError::MemberNotFound)?;
    let rows = people::trainer_sessions(
        &ctx.db,
        auth.id,
        *id,
        zone.start_of_day(from),
        zone.start_of_day(to.checked_add_days(Days::new(1)).unwrap_or(to)),
    )
    .await?;
    Ok(web::Json(
        rows.iter()
            .map(|(s, c)| SessionSummary::new(s, c.as_ref().map(|c| c.name.as_str()), zone.0))
            .collect(),
    ))
}

/// The front desk's day sheet: every session of a local date (default: today) with its trainer
/// and the people holding a place, in three queries (staff).
#[utoipa::path(tag = "schedule", security(("bearer" = ["schedule.day_sheet.read"])), params(TenantHeader, DaySheetQuery),
    responses((status = 200, description = "The day's sessions and people.", body = DaySheetView)))]
#[get("/day-sheet")]
pub async fn get_day_sheet(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadDaySheet>,
    query: web::Query<DaySheetQuery>,
) -> ApiResult<web::Json<DaySheetView>> {
    let zone = zone_of(&auth.model);
    let date = query.date.unwrap_or_else(|| zone.local_date(Utc::now()));
    let (start, end) = zone.day_range(date);
    let sessions = people::sessions_between(&ctx.db, auth.id, start, end).await?;
    let bookings = people::bookings_of(
        &ctx.db,
        auth.id,
        sessions.iter().map(|(s, _)| s.id).collect(),
    )
    .await?;
    let accounts = people::accounts(
        &ctx.db,
        bookings
            .iter()
            .map(|b| b.account_id)
            .chain(sessions.iter().filter_map(|(s, _)| s.trainer_id)),
    )
    .await?;
    Ok(web::Json(DaySheetView {
        date,
        time_zone: zone.name().to_owned(),
        sessions: sessions
            .iter()
            .map(|(s, c)| DaySheetSessionView {
                session: SessionSummary::new(s, c.as_ref().map(|c| c.name.as_str()), zone.0),
                trainer: s.trainer_id.map(|t| PersonView::of(t, &accounts)),
                participants: bookings
                    .iter()
                    .filter(|b| {
                        b.session_id == s.id
                            && booking::ACTIVE_STATUSES.contains(&b.status.as_str())
                    })
                    .map(|b| ParticipantView::new(b, &accounts))
                    .collect(),
            })
            .collect(),
    }))
}
