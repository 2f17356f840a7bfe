//! Views for people: a member's upcoming sessions and history, a session's participants and
//! waitlist, a trainer's sessions, and the front desk's day sheet. Each list is one query (with
//! at most a fixed few more for names), whatever its size.
//!
//! Not here: booking and attendance themselves (the booking service), the timetable
//! (`GET /sessions`).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use palestra_core::entities::account;
use palestra_core::ids::{AccountId, TenantId};
use palestra_core::pagination::Cursor;
use palestra_core::scope::scoped;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::entities::{booking, class, session, waitlist_entry};

/// An instant as UTC and as the gym's wall time with its offset.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct When {
    /// UTC.
    pub utc: DateTime<Utc>,
    /// The gym's wall time with its offset (RFC 3339).
    #[schema(example = "2026-03-30T07:00:00+02:00")]
    pub local: String,
}

impl When {
    /// An instant in a zone.
    pub fn at(instant: DateTime<Utc>, zone: Tz) -> Self {
        Self {
            utc: instant,
            local: instant.with_timezone(&zone).to_rfc3339(),
        }
    }
}

/// A session as people views show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionSummary {
    pub id: uuid::Uuid,
    pub class_id: uuid::Uuid,
    /// The class's name.
    pub class_name: String,
    pub starts_at: When,
    pub ends_at: When,
    pub room: Option<String>,
    pub trainer_id: Option<uuid::Uuid>,
    pub capacity: i32,
    /// Places taken (booked, attended and no-show).
    pub booked_count: i32,
    pub waitlist_count: i32,
    /// `scheduled` or `cancelled`.
    pub status: String,
}

impl SessionSummary {
    /// From a session row and its class's name.
    pub fn new(session: &session::Model, class_name: Option<&str>, zone: Tz) -> Self {
        Self {
            id: session.id,
            class_id: session.class_id,
            class_name: class_name.unwrap_or_default().to_owned(),
            starts_at: When::at(session.starts_at, zone),
            ends_at: When::at(session.ends_at, zone),
            room: session.room.clone(),
            trainer_id: session.trainer_id,
            capacity: session.capacity,
            booked_count: session.booked_count,
            waitlist_count: session.waitlist_count,
            status: session.status.clone(),
        }
    }
}

/// Which of a member's sessions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MySessionsScope {
    /// Sessions not over yet that the member holds a place in, soonest first.
    #[default]
    Upcoming,
    /// Started sessions the member attended, missed (no-show) or cancelled late, newest first.
    History,
}

/// The member's sessions: which, and the page.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MySessionsQuery {
    /// `upcoming` (default) or `history`.
    pub when: Option<MySessionsScope>,
    /// Items per page, 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One of the member's sessions, with their booking.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MySessionView {
    pub booking_id: uuid::Uuid,
    /// `booked`, `attended`, `no_show` or `late_cancelled`.
    pub booking_status: String,
    /// Taken at the door without a booking.
    pub walk_in: bool,
    pub session: SessionSummary,
}

/// Statuses in a member's history.
pub const HISTORY_STATUSES: [&str; 3] = [
    booking::STATUS_ATTENDED,
    booking::STATUS_NO_SHOW,
    booking::STATUS_LATE_CANCELLED,
];

/// One page of the member's sessions after a cursor's (start, booking id), as `limit + 1` rows
/// (the extra one says more follow), in one query with the sessions.
pub async fn my_sessions(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    account: AccountId,
    scope: MySessionsScope,
    after: Option<(DateTime<Utc>, uuid::Uuid)>,
    limit: u64,
    now: DateTime<Utc>,
) -> Result<Vec<(booking::Model, session::Model)>, DbErr> {
    let mut query = scoped::<booking::Entity>(tenant)
        .filter(booking::Column::AccountId.eq(account.uuid()))
        .find_also_related(session::Entity);
    match scope {
        MySessionsScope::Upcoming => {
            query = query
                .filter(session::Column::EndsAt.gt(now))
                .filter(booking::Column::Status.is_in(booking::ACTIVE_STATUSES));
            if let Some((key, id)) = after {
                query = query.filter(
                    Condition::any().add(session::Column::StartsAt.gt(key)).add(
                        Condition::all()
                            .add(session::Column::StartsAt.eq(key))
                            .add(booking::Column::Id.gt(id)),
                    ),
                );
            }
            query = query
                .order_by_asc(session::Column::StartsAt)
                .order_by_asc(booking::Column::Id);
        }
        MySessionsScope::History => {
            query = query
                .filter(session::Column::StartsAt.lte(now))
                .filter(booking::Column::Status.is_in(HISTORY_STATUSES));
            if let Some((key, id)) = after {
                query = query.filter(
                    Condition::any().add(session::Column::StartsAt.lt(key)).add(
                        Condition::all()
                            .add(session::Column::StartsAt.eq(key))
                            .add(booking::Column::Id.lt(id)),
                    ),
                );
            }
            query = query
                .order_by_desc(session::Column::StartsAt)
                .order_by_desc(booking::Column::Id);
        }
    }
    Ok(query
        .limit(limit + 1)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(b, s)| s.map(|s| (b, s)))
        .collect())
}

/// The names of some classes, in one query.
pub async fn class_names(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    ids: impl IntoIterator<Item = uuid::Uuid>,
) -> Result<HashMap<uuid::Uuid, String>, DbErr> {
    let mut ids: Vec<uuid::Uuid> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(scoped::<class::Entity>(tenant)
        .filter(class::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect())
}

/// Some accounts, by id, in one query.
pub async fn accounts(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = uuid::Uuid>,
) -> Result<HashMap<uuid::Uuid, account::Model>, DbErr> {
    let mut ids: Vec<uuid::Uuid> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(account::Entity::find()
        .filter(account::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect())
}

/// A person in a staff view.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonView {
    pub account_id: uuid::Uuid,
    pub full_name: String,
    pub email: String,
}

impl PersonView {
    /// The person with an id, from loaded accounts (blank when the row is missing).
    pub fn of(id: uuid::Uuid, accounts: &HashMap<uuid::Uuid, account::Model>) -> Self {
        let account = accounts.get(&id);
        Self {
            account_id: id,
            full_name: account.map(|a| a.full_name.clone()).unwrap_or_default(),
            email: account.map(|a| a.email.clone()).unwrap_or_default(),
        }
    }
}

/// A booking in a staff view.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParticipantView {
    pub booking_id: uuid::Uuid,
    pub person: PersonView,
    /// `booked`, `attended`, `no_show`, `cancelled` or `late_cancelled`.
    pub status: String,
    pub walk_in: bool,
    pub booked_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub attendance_marked_at: Option<DateTime<Utc>>,
}

impl ParticipantView {
    /// From a booking and loaded accounts.
    pub fn new(row: &booking::Model, accounts: &HashMap<uuid::Uuid, account::Model>) -> Self {
        Self {
            booking_id: row.id,
            person: PersonView::of(row.account_id, accounts),
            status: row.status.clone(),
            walk_in: row.walk_in,
            booked_at: row.created_at,
            cancelled_at: row.cancelled_at,
            attendance_marked_at: row.attendance_marked_at,
        }
    }
}

/// Someone waiting for a place.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WaitingView {
    pub entry_id: uuid::Uuid,
    pub person: PersonView,
    /// Place in line, 1 = next.
    pub place: usize,
    pub joined_at: DateTime<Utc>,
}

/// A session's people, for staff.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionPeopleView {
    pub session: SessionSummary,
    /// Who holds a place, then who cancelled, each in booking order.
    pub participants: Vec<ParticipantView>,
    /// Who waits, in line order.
    pub waitlist: Vec<WaitingView>,
}

/// Every booking of some sessions, in one query, in booking order.
pub async fn bookings_of(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    sessions: Vec<uuid::Uuid>,
) -> Result<Vec<booking::Model>, DbErr> {
    if sessions.is_empty() {
        return Ok(Vec::new());
    }
    scoped::<booking::Entity>(tenant)
        .filter(booking::Column::SessionId.is_in(sessions))
        .order_by_asc(booking::Column::CreatedAt)
        .order_by_asc(booking::Column::Id)
        .all(db)
        .await
}

/// The people waiting for a session, in line order, in one query.
pub async fn waiting_of(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    session: uuid::Uuid,
) -> Result<Vec<waitlist_entry::Model>, DbErr> {
    scoped::<waitlist_entry::Entity>(tenant)
        .filter(waitlist_entry::Column::SessionId.eq(session))
        .filter(waitlist_entry::Column::Status.eq(waitlist_entry::STATUS_WAITING))
        .order_by_asc(waitlist_entry::Column::Position)
        .all(db)
        .await
}

/// A date range of sessions.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrainerSessionsQuery {
    /// First local date (default: today in the gym's zone).
    pub from: Option<NaiveDate>,
    /// Last local date, included (default: six days after `from`); at most 93 days in all.
    pub to: Option<NaiveDate>,
}

/// The (start, booking id) a cursor names, or a 400 `request.invalid_cursor`.
pub fn cursor_position(
    cursor: Option<&Cursor>,
) -> Result<Option<(DateTime<Utc>, uuid::Uuid)>, palestra_core::ApiError> {
    cursor
        .map(|cursor| {
            DateTime::parse_from_rfc3339(&cursor.key)
                .map(|key| (key.with_timezone(&Utc), cursor.id))
                .map_err(|_| {
                    palestra_core::ApiError::bad_request(
                        "request.invalid_cursor",
                        "The cursor is not valid; start again without it.",
                    )
                })
        })
        .transpose()
}

/// Sessions of one trainer starting in `[from, to)`, with their classes, in one query.
pub async fn trainer_sessions(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    trainer: uuid::Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(session::Model, Option<class::Model>)>, DbErr> {
    scoped::<session::Entity>(tenant)
        .filter(session::Column::TrainerId.eq(trainer))
        .filter(session::Column::StartsAt.gte(from))
        .filter(session::Column::StartsAt.lt(to))
        .find_also_related(class::Entity)
        .order_by_asc(session::Column::StartsAt)
        .order_by_asc(session::Column::Id)
        .limit(2000)
        .all(db)
        .await
}

/// Sessions starting in `[from, to)`, with their classes, in one query.
pub async fn sessions_between(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(session::Model, Option<class::Model>)>, DbErr> {
    scoped::<session::Entity>(tenant)
        .filter(session::Column::StartsAt.gte(from))
        .filter(session::Column::StartsAt.lt(to))
        .find_also_related(class::Entity)
        .order_by_asc(session::Column::StartsAt)
        .order_by_asc(session::Column::Id)
        .limit(1000)
        .all(db)
        .await
}

/// The front desk's day: a local date.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DaySheetQuery {
    /// The local date (default: today in the gym's zone).
    pub date: Option<NaiveDate>,
}

/// One session of the day sheet.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DaySheetSessionView {
    pub session: SessionSummary,
    /// The trainer, if any.
    pub trainer: Option<PersonView>,
    /// Who holds a place (booked, attended, no-show), in booking order.
    pub participants: Vec<ParticipantView>,
}

/// The front desk's day sheet.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DaySheetView {
    /// The local date.
    pub date: NaiveDate,
    /// The gym's IANA time zone.
    pub time_zone: String,
    /// The day's sessions by start, cancelled ones included.
    pub sessions: Vec<DaySheetSessionView>,
}
