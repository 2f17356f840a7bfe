//! The gym dashboard: the figures owners and admins look at, computed in the gym's time zone
//! with a fixed number of aggregate queries (eight), whatever the gym's size.
//!
//! Definitions (also in the OpenAPI descriptions):
//! - members: memberships with the member role that give access (active or paused);
//! - active members: distinct members who attended a session in the last 30 days;
//! - sessions today / this week: sessions not cancelled starting in the local day / ISO week
//!   (Monday to Sunday) holding now;
//! - bookings this week: places taken (booked, attended, no-show) in those sessions of the week;
//! - average occupancy: places taken over places offered, across sessions not cancelled that
//!   started in the last 28 days;
//! - no-show rate: no-shows over marked attendance (attended + no-show) in those sessions;
//! - top classes: the five classes with the most places taken in those sessions.

use chrono::{DateTime, Duration, Utc};
use palestra_core::entities::membership;
use palestra_core::ids::TenantId;
use palestra_core::scope::scoped;
use palestra_core::time::TimeZone;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::entities::{booking, session};

/// The window of the occupancy, no-show and top-class figures, in days.
pub const RECENT_DAYS: i64 = 28;
/// The window of "active members", in days.
pub const ACTIVE_DAYS: i64 = 30;
/// How many top classes.
pub const TOP_CLASSES: u64 = 5;

/// A class among the busiest.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TopClassView {
    pub class_id: uuid::Uuid,
    pub name: String,
    /// Places taken in its sessions of the last 28 days.
    pub bookings: i64,
    /// Its sessions (not cancelled) in the last 28 days.
    pub sessions: i64,
    /// Places taken over places offered in those sessions, 0 to 1.
    pub occupancy: f64,
}

/// The gym's figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DashboardView {
    /// The gym's IANA time zone: "today" and "this week" are local there.
    pub time_zone: String,
    /// When these figures were computed.
    pub computed_at: DateTime<Utc>,
    /// Memberships with the member role that give access (active or paused).
    pub members: u64,
    /// Distinct members who attended a session in the last 30 days.
    pub active_members: i64,
    /// Sessions (not cancelled) starting today, local time.
    pub sessions_today: u64,
    /// Sessions (not cancelled) starting this ISO week (Monday to Sunday), local time.
    pub sessions_this_week: u64,
    /// Places taken (booked, attended, no-show) in this week's sessions.
    pub bookings_this_week: u64,
    /// Places taken over places offered across sessions (not cancelled) that started in the
    /// last 28 days, 0 to 1; `null` without such sessions.
    pub average_occupancy: Option<f64>,
    /// No-shows over marked attendance in those sessions, 0 to 1; `null` with nothing marked.
    pub no_show_rate: Option<f64>,
    /// The five classes with the most places taken in those sessions.
    pub top_classes: Vec<TopClassView>,
}

fn ratio(part: i64, whole: i64) -> Option<f64> {
    #[expect(
        clippy::cast_precision_loss,
        reason = "counts of bookings are far below 2^52"
    )]
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Computes the dashboard at `now`.
pub async fn compute(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    zone: TimeZone,
    now: DateTime<Utc>,
) -> Result<DashboardView, DbErr> {
    let today = zone.local_date(now);
    let (day_start, day_end) = zone.day_range(today);
    let (week_start, week_end) = zone.week_range(today);
    let recent_start = now - Duration::days(RECENT_DAYS);

    let members = scoped::<membership::Entity>(tenant)
        .filter(membership::Column::Role.eq("member"))
        .filter(membership::Column::Status.is_in(membership::STATUSES_WITH_ACCESS))
        .count(db)
        .await?;

    let active_members: Option<i64> = scoped::<booking::Entity>(tenant)
        .inner_join(session::Entity)
        .filter(booking::Column::Status.eq(booking::STATUS_ATTENDED))
        .filter(session::Column::StartsAt.gte(now - Duration::days(ACTIVE_DAYS)))
        .filter(session::Column::StartsAt.lte(now))
        .select_only()
        .column_as(
            Expr::col((booking::Entity, booking::Column::AccountId)).count_distinct(),
            "n",
        )
        .into_tuple()
        .one(db)
        .await?;

    let live = || {
        scoped::<session::Entity>(tenant)
            .filter(session::Column::Status.ne(session::STATUS_CANCELLED))
    };
    let sessions_today = live()
        .filter(session::Column::StartsAt.gte(day_start))
        .filter(session::Column::StartsAt.lt(day_end))
        .count(db)
        .await?;
    let week: Option<(i64, Option<i64>)> = live()
        .filter(session::Column::StartsAt.gte(week_start))
        .filter(session::Column::StartsAt.lt(week_end))
        .select_only()
        .column_as(session::Column::Id.count(), "sessions")
        .column_as(session::Column::BookedCount.sum(), "booked")
        .into_tuple()
        .one(db)
        .await?;
    let (sessions_this_week, bookings_this_week) = week.unwrap_or_default();

    let recent: Option<(Option<i64>, Option<i64>)> = live()
        .filter(session::Column::StartsAt.gte(recent_start))
        .filter(session::Column::StartsAt.lte(now))
        .select_only()
        .column_as(session::Column::BookedCount.sum(), "booked")
        .column_as(session::Column::Capacity.sum(), "capacity")
        .into_tuple()
        .one(db)
        .await?;
    let (booked, offered) = recent.unwrap_or_default();

    let marks: Vec<(String, i64)> = scoped::<booking::Entity>(tenant)
        .inner_join(session::Entity)
        .filter(session::Column::Status.ne(session::STATUS_CANCELLED))
        .filter(session::Column::StartsAt.gte(recent_start))
        .filter(session::Column::StartsAt.lte(now))
        .filter(booking::Column::Status.is_in([booking::STATUS_ATTENDED, booking::STATUS_NO_SHOW]))
        .select_only()
        .column(booking::Column::Status)
        .column_as(booking::Column::Id.count(), "n")
        .group_by(booking::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let count_of = |status: &str| {
        marks
            .iter()
            .find(|(s, _)| s == status)
            .map_or(0, |(_, n)| *n)
    };
    let no_shows = count_of(booking::STATUS_NO_SHOW);
    let marked = no_shows + count_of(booking::STATUS_ATTENDED);

    let top: Vec<(uuid::Uuid, Option<i64>, i64, Option<i64>)> = live()
        .filter(session::Column::StartsAt.gte(recent_start))
        .filter(session::Column::StartsAt.lte(now))
        .select_only()
        .column(session::Column::ClassId)
        .column_as(session::Column::BookedCount.sum(), "booked")
        .column_as(session::Column::Id.count(), "sessions")
        .column_as(session::Column::Capacity.sum(), "capacity")
        .group_by(session::Column::ClassId)
        .order_by_desc(Expr::col(session::Column::BookedCount).sum())
        .order_by_asc(session::Column::ClassId)
        .limit(TOP_CLASSES)
        .into_tuple()
        .all(db)
        .await?;
    let names = crate::people::class_names(db, tenant, top.iter().map(|t| t.0)).await?;

    Ok(DashboardView {
        time_zone: zone.name().to_owned(),
        computed_at: now,
        members,
        active_members: active_members.unwrap_or(0),
        sessions_today,
        sessions_this_week: u64::try_from(sessions_this_week).unwrap_or(0),
        bookings_this_week: u64::try_from(bookings_this_week.unwrap_or(0)).unwrap_or(0),
        average_occupancy: ratio(booked.unwrap_or(0), offered.unwrap_or(0)),
        no_show_rate: ratio(no_shows, marked),
        top_classes: top
            .into_iter()
            .map(|(class_id, booked, sessions, capacity)| TopClassView {
                class_id,
                name: names.get(&class_id).cloned().unwrap_or_default(),
                bookings: booked.unwrap_or(0),
                sessions,
                occupancy: ratio(booked.unwrap_or(0), capacity.unwrap_or(0)).unwrap_or(0.0),
            })
            .collect(),
    })
}
