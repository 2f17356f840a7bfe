//! The schedule's queries: free functions taking a connection (or transaction) and the tenant.
//!
//! The place-moving functions are conditional updates: they change a row only when the
//! invariant still holds, and say whether they did, so concurrent requests can never push a
//! session past its capacity or change a booking twice. Other parts of the module (check-in,
//! people views, reminders) reuse these.

use chrono::{DateTime, Utc};
use palestra_core::ids::{AccountId, TenantId};
use palestra_core::scope::scoped;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, QuerySelect, SqlErr,
};

use crate::entities::{booking, class, session, waitlist_entry};
use crate::ids::{BookingId, ClassSessionId};

/// Whether an error is a unique index refusing a row.
pub fn is_unique_violation(error: &DbErr) -> bool {
    matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// A session of the gym.
pub async fn find_session(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: ClassSessionId,
) -> Result<Option<session::Model>, DbErr> {
    scoped::<session::Entity>(tenant)
        .filter(session::Column::Id.eq(id.uuid()))
        .one(db)
        .await
}

/// A session of the gym with its class, in one query.
pub async fn find_session_with_class(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: ClassSessionId,
) -> Result<Option<(session::Model, class::Model)>, DbErr> {
    let row = scoped::<session::Entity>(tenant)
        .filter(session::Column::Id.eq(id.uuid()))
        .find_also_related(class::Entity)
        .one(db)
        .await?;
    Ok(row.and_then(|(s, c)| c.map(|c| (s, c))))
}

/// A member's bookings with their sessions, in one query: those whose session starts in
/// `[from, to)`, with one of `statuses` (all when empty), soonest first, at most `limit`.
pub async fn member_bookings(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    account: AccountId,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    statuses: &[&str],
    limit: u64,
) -> Result<Vec<(booking::Model, session::Model)>, DbErr> {
    let mut query = scoped::<booking::Entity>(tenant)
        .filter(booking::Column::AccountId.eq(account.uuid()))
        .find_also_related(session::Entity);
    if let Some(from) = from {
        query = query.filter(session::Column::StartsAt.gte(from));
    }
    if let Some(to) = to {
        query = query.filter(session::Column::StartsAt.lt(to));
    }
    if !statuses.is_empty() {
        query = query.filter(booking::Column::Status.is_in(statuses.iter().copied()));
    }
    let rows = query
        .order_by_asc(session::Column::StartsAt)
        .order_by_asc(booking::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(b, s)| s.map(|s| (b, s)))
        .collect())
}

/// The member's active booking (booked, attended or no-show) of a session, if any.
pub async fn active_booking(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    session: ClassSessionId,
    account: AccountId,
) -> Result<Option<booking::Model>, DbErr> {
    scoped::<booking::Entity>(tenant)
        .filter(booking::Column::SessionId.eq(session.uuid()))
        .filter(booking::Column::AccountId.eq(account.uuid()))
        .filter(booking::Column::Status.is_in(booking::ACTIVE_STATUSES))
        .one(db)
        .await
}

/// A booking of the gym.
pub async fn find_booking(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: BookingId,
) -> Result<Option<booking::Model>, DbErr> {
    scoped::<booking::Entity>(tenant)
        .filter(booking::Column::Id.eq(id.uuid()))
        .one(db)
        .await
}

/// Takes one place in a scheduled session if one is left: `booked_count + 1` where
/// `booked_count < capacity`. `false` when the session is full or cancelled.
pub async fn take_place(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    session: ClassSessionId,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = session::Entity::update_many()
        .col_expr(
            session::Column::BookedCount,
            Expr::col(session::Column::BookedCount).add(1),
        )
        .col_expr(session::Column::UpdatedAt, Expr::value(now))
        .filter(session::Column::TenantId.eq(tenant.uuid()))
        .filter(session::Column::Id.eq(session.uuid()))
        .filter(session::Column::Status.eq(session::STATUS_SCHEDULED))
        .filter(Expr::col(session::Column::BookedCount).lt(Expr::col(session::Column::Capacity)))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Takes the session row's lock until the transaction ends (Postgres; SQLite's `BEGIN
/// IMMEDIATE` already serialises writers) with an update that changes nothing. Every write that
/// touches a session's bookings or waitlist takes this lock first, so two transactions never wait
/// on each other in opposite orders.
pub async fn lock_session(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    session: ClassSessionId,
) -> Result<bool, DbErr> {
    let result = session::Entity::update_many()
        .col_expr(
            session::Column::Sequence,
            Expr::col(session::Column::Sequence),
        )
        .filter(session::Column::TenantId.eq(tenant.uuid()))
        .filter(session::Column::Id.eq(session.uuid()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Gives one place back (`booked_count - 1`, never below zero). On Postgres this also locks
/// the session row until the transaction ends, which orders the waitlist promotions that follow.
pub async fn release_place(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    session: ClassSessionId,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = session::Entity::update_many()
        .col_expr(
            session::Column::BookedCount,
            Expr::col(session::Column::BookedCount).sub(1),
        )
        .col_expr(session::Column::UpdatedAt, Expr::value(now))
        .filter(session::Column::TenantId.eq(tenant.uuid()))
        .filter(session::Column::Id.eq(session.uuid()))
        .filter(session::Column::BookedCount.gt(0))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Gives one place back (never below zero), locking the session row until the transaction
/// ends, and reads the session as that update left it, in one statement (`RETURNING`, on both
/// backends). `None` when there is no such session.
pub async fn release_place_and_read(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    session: ClassSessionId,
    now: DateTime<Utc>,
) -> Result<Option<session::Model>, DbErr> {
    use sea_orm::sea_query::Query;
    let statement = Query::update()
        .table(session::Entity)
        .value(
            session::Column::BookedCount,
            Expr::cust("CASE WHEN booked_count > 0 THEN booked_count - 1 ELSE 0 END"),
        )
        .value(session::Column::UpdatedAt, now)
        .and_where(session::Column::TenantId.eq(tenant.uuid()))
        .and_where(session::Column::Id.eq(session.uuid()))
        .returning_all()
        .to_owned();
    let backend = db.get_database_backend();
    session::Model::find_by_statement(backend.build(&statement))
        .one(db)
        .await
}

/// What a new booking row says.
#[derive(Debug, Clone, Copy)]
pub struct NewBooking {
    /// The session.
    pub session: ClassSessionId,
    /// The member.
    pub account: AccountId,
    /// Who made it.
    pub booked_by: AccountId,
    /// Taken at the door.
    pub walk_in: bool,
    /// `booked` or, for a walk-in, `attended`.
    pub status: &'static str,
}

/// Writes a booking row (the place must already be taken with [`take_place`]). A second active
/// booking of the member for the session is refused by the unique index
/// ([`is_unique_violation`]).
pub async fn insert_booking(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    new: NewBooking,
    now: DateTime<Utc>,
) -> Result<booking::Model, DbErr> {
    let attended = new.status == booking::STATUS_ATTENDED;
    let row = booking::Model {
        id: BookingId::new().uuid(),
        tenant_id: tenant.uuid(),
        session_id: new.session.uuid(),
        account_id: new.account.uuid(),
        status: new.status.to_owned(),
        booked_by: new.booked_by.uuid(),
        walk_in: new.walk_in,
        created_at: now,
        updated_at: now,
        cancelled_at: None,
        cancelled_by: None,
        attendance_marked_at: attended.then_some(now),
        attendance_marked_by: attended.then_some(new.booked_by.uuid()),
    };
    booking::Entity::insert(booking::ActiveModel {
        id: Set(row.id),
        tenant_id: Set(row.tenant_id),
        session_id: Set(row.session_id),
        account_id: Set(row.account_id),
        status: Set(row.status.clone()),
        booked_by: Set(row.booked_by),
        walk_in: Set(row.walk_in),
        created_at: Set(row.created_at),
        updated_at: Set(row.updated_at),
        cancelled_at: Set(None),
        cancelled_by: Set(None),
        attendance_marked_at: Set(row.attendance_marked_at),
        attendance_marked_by: Set(row.attendance_marked_by),
    })
    .exec_without_returning(db)
    .await?;
    Ok(row)
}

/// A walk-in: takes a place only if capacity allows and records the member as attended, in
/// the caller's transaction (start it with `palestra_core::db::begin_write`). `None` when the
/// session is full or cancelled; a member who already holds a place is refused by the unique
/// index (roll the transaction back).
pub async fn insert_walk_in(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    session: ClassSessionId,
    account: AccountId,
    by: AccountId,
    now: DateTime<Utc>,
) -> Result<Option<booking::Model>, DbErr> {
    if !take_place(db, tenant, session, now).await? {
        return Ok(None);
    }
    insert_booking(
        db,
        tenant,
        NewBooking {
            session,
            account,
            booked_by: by,
            walk_in: true,
            status: booking::STATUS_ATTENDED,
        },
        now,
    )
    .await
    .map(Some)
}

/// Marks a booking attended or no-show, from any active status (a mistaken mark can be
/// corrected). The place stays taken. `false` when the booking is not active.
pub async fn mark_attendance(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    booking: BookingId,
    status: &'static str,
    by: AccountId,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = booking::Entity::update_many()
        .col_expr(booking::Column::Status, Expr::value(status))
        .col_expr(booking::Column::AttendanceMarkedAt, Expr::value(now))
        .col_expr(booking::Column::AttendanceMarkedBy, Expr::value(by.uuid()))
        .col_expr(booking::Column::UpdatedAt, Expr::value(now))
        .filter(booking::Column::TenantId.eq(tenant.uuid()))
        .filter(booking::Column::Id.eq(booking.uuid()))
        .filter(booking::Column::Status.is_in(booking::ACTIVE_STATUSES))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Marks a booking attended (check-in).
pub async fn mark_attended(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    booking: BookingId,
    by: AccountId,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    mark_attendance(db, tenant, booking, booking::STATUS_ATTENDED, by, now).await
}

/// Ends a booked place: `booked` → `cancelled` or `late_cancelled`. `false` when the booking
/// was not `booked` any more (cancelled meanwhile, or attendance already marked).
pub async fn cancel_booking_row(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    booking: BookingId,
    status: &'static str,
    by: AccountId,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = booking::Entity::update_many()
        .col_expr(booking::Column::Status, Expr::value(status))
        .col_expr(booking::Column::CancelledAt, Expr::value(now))
        .col_expr(booking::Column::CancelledBy, Expr::value(by.uuid()))
        .col_expr(booking::Column::UpdatedAt, Expr::value(now))
        .filter(booking::Column::TenantId.eq(tenant.uuid()))
        .filter(booking::Column::Id.eq(booking.uuid()))
        .filter(booking::Column::Status.eq(booking::STATUS_BOOKED))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The member's waiting entry for a session, if any.
pub async fn waiting_entry(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    session: ClassSessionId,
    account: AccountId,
) -> Result<Option<waitlist_entry::Model>, DbErr> {
    scoped::<waitlist_entry::Entity>(tenant)
        .filter(waitlist_entry::Column::SessionId.eq(session.uuid()))
        .filter(waitlist_entry::Column::AccountId.eq(account.uuid()))
        .filter(waitlist_entry::Column::Status.eq(waitlist_entry::STATUS_WAITING))
        .one(db)
        .await
}

/// The first `limit` people waiting for a session, in line order.
pub async fn waiting_line(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    session: ClassSessionId,
    limit: u64,
) -> Result<Vec<waitlist_entry::Model>, DbErr> {
    scoped::<waitlist_entry::Entity>(tenant)
        .filter(waitlist_entry::Column::SessionId.eq(session.uuid()))
        .filter(waitlist_entry::Column::Status.eq(waitlist_entry::STATUS_WAITING))
        .order_by_asc(waitlist_entry::Column::Position)
        .limit(limit)
        .all(db)
        .await
}

/// How many wait ahead of a position (1 = next in line).
pub async fn place_in_line(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    session: ClassSessionId,
    position: i32,
) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    let ahead = scoped::<waitlist_entry::Entity>(tenant)
        .filter(waitlist_entry::Column::SessionId.eq(session.uuid()))
        .filter(waitlist_entry::Column::Status.eq(waitlist_entry::STATUS_WAITING))
        .filter(waitlist_entry::Column::Position.lt(position))
        .count(db)
        .await?;
    Ok(ahead + 1)
}

/// Which sessions [`session_rows`] reads.
#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    /// One session.
    pub id: Option<ClassSessionId>,
    /// Starting at or after.
    pub from: Option<DateTime<Utc>>,
    /// Starting before.
    pub to: Option<DateTime<Utc>>,
    /// Of a class.
    pub class: Option<uuid::Uuid>,
    /// Taught by.
    pub trainer: Option<uuid::Uuid>,
    /// Of a category.
    pub category: Option<uuid::Uuid>,
    /// Keyset: after this (starts_at, id).
    pub after: Option<(DateTime<Utc>, uuid::Uuid)>,
    /// At most this many.
    pub limit: u64,
}

/// A session with its class, category, trainer and the viewer's own booking or waitlist place.
/// Read by position, in the order of [`session_rows`]'s `SELECT` list (see its
/// `FromQueryResult`).
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: uuid::Uuid,
    pub class_id: uuid::Uuid,
    pub series_id: Option<uuid::Uuid>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub trainer_id: Option<uuid::Uuid>,
    pub room: Option<String>,
    pub capacity: i32,
    pub booked_count: i32,
    pub waitlist_count: i32,
    pub status: String,
    pub notes: Option<String>,
    pub sequence: i32,
    pub class_name: String,
    pub category_id: Option<uuid::Uuid>,
    pub category_name: Option<String>,
    pub category_color: Option<String>,
    pub trainer_name: Option<String>,
    pub my_booking_id: Option<uuid::Uuid>,
    pub my_booking_status: Option<String>,
    pub my_waitlist_id: Option<uuid::Uuid>,
    pub my_waitlist_place: Option<i64>,
}

/// A timetable page is a hundred rows of 22 columns, so they are read straight from the
/// driver's row by position: reading by name looks every column up by its name, and an empty
/// column (most of the viewer's own columns are) costs a formatted error before it becomes
/// `None`. The positions are those of the `SELECT` list in [`session_rows`], whose column types
/// are fixed by the migrations, so the driver's per-value type check is skipped too; the tests
/// read every column on both backends, so a changed type shows there.
impl sea_orm::FromQueryResult for SessionRow {
    fn from_query_result(res: &sea_orm::QueryResult, _pre: &str) -> Result<Self, DbErr> {
        use sea_orm::sqlx::Row;
        macro_rules! read {
            ($row:expr) => {
                (|| {
                    Ok::<_, sea_orm::sqlx::Error>(SessionRow {
                        id: $row.try_get_unchecked(0)?,
                        class_id: $row.try_get_unchecked(1)?,
                        series_id: $row.try_get_unchecked(2)?,
                        starts_at: $row.try_get_unchecked(3)?,
                        ends_at: $row.try_get_unchecked(4)?,
                        trainer_id: $row.try_get_unchecked(5)?,
                        room: $row.try_get_unchecked(6)?,
                        capacity: $row.try_get_unchecked(7)?,
                        booked_count: $row.try_get_unchecked(8)?,
                        waitlist_count: $row.try_get_unchecked(9)?,
                        status: $row.try_get_unchecked(10)?,
                        notes: $row.try_get_unchecked(11)?,
                        sequence: $row.try_get_unchecked(12)?,
                        class_name: $row.try_get_unchecked(13)?,
                        category_id: $row.try_get_unchecked(14)?,
                        category_name: $row.try_get_unchecked(15)?,
                        category_color: $row.try_get_unchecked(16)?,
                        trainer_name: $row.try_get_unchecked(17)?,
                        my_booking_id: $row.try_get_unchecked(18)?,
                        my_booking_status: $row.try_get_unchecked(19)?,
                        my_waitlist_id: $row.try_get_unchecked(20)?,
                        my_waitlist_place: $row.try_get_unchecked(21)?,
                    })
                })()
            };
        }
        let read = if let Some(row) = res.try_as_pg_row() {
            read!(row)
        } else if let Some(row) = res.try_as_sqlite_row() {
            read!(row)
        } else {
            return Err(DbErr::Type(
                "a session row from an unknown driver".to_owned(),
            ));
        };
        read.map_err(|e| DbErr::Type(format!("session row: {e}")))
    }
}

/// Sessions of the gym with everything their view shows, in ONE query whatever their number:
/// class and category joined, the trainer's name looked up by primary key, the viewer's active
/// booking and waiting entry joined (through the partial unique indexes), the viewer's place in
/// line counted in a subquery. Ordered by start, then id.
///
/// Postgres runs this prepared statement with a generic plan, which cannot know how many
/// sessions the date range holds and plans for a handful. A join to `accounts` then became a
/// scan of every account for each session; the lookup per row stays an index probe.
pub async fn session_rows(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    viewer: AccountId,
    filter: &SessionFilter,
) -> Result<Vec<SessionRow>, DbErr> {
    use sea_orm::{DbBackend, Statement, Value};

    let mut sql = String::from(
        "SELECT s.id, s.class_id, s.series_id, s.starts_at, s.ends_at, s.trainer_id, s.room, \
         s.capacity, s.booked_count, s.waitlist_count, s.status, s.notes, s.sequence, \
         c.name AS class_name, c.category_id, cat.name AS category_name, \
         cat.color AS category_color, \
         (SELECT a.full_name FROM accounts a WHERE a.id = s.trainer_id) AS trainer_name, \
         b.id AS my_booking_id, b.status AS my_booking_status, w.id AS my_waitlist_id, \
         CASE WHEN w.id IS NULL THEN NULL ELSE \
           (SELECT COUNT(*) FROM schedule_waitlist w2 WHERE w2.session_id = s.id \
            AND w2.status = 'waiting' AND w2.position < w.position) + 1 END AS my_waitlist_place \
         FROM schedule_sessions s \
         JOIN schedule_classes c ON c.id = s.class_id \
         LEFT JOIN schedule_categories cat ON cat.id = c.category_id \
         LEFT JOIN schedule_bookings b ON b.session_id = s.id AND b.account_id = ? \
           AND b.status IN ('booked', 'attended', 'no_show') \
         LEFT JOIN schedule_waitlist w ON w.session_id = s.id AND w.account_id = ? \
           AND w.status = 'waiting' \
         WHERE s.tenant_id = ?",
    );
    let mut values: Vec<Value> = vec![
        viewer.uuid().into(),
        viewer.uuid().into(),
        tenant.uuid().into(),
    ];
    if let Some(id) = filter.id {
        sql.push_str(" AND s.id = ?");
        values.push(id.uuid().into());
    }
    if let Some(from) = filter.from {
        sql.push_str(" AND s.starts_at >= ?");
        values.push(from.into());
    }
    if let Some(to) = filter.to {
        sql.push_str(" AND s.starts_at < ?");
        values.push(to.into());
    }
    if let Some(class) = filter.class {
        sql.push_str(" AND s.class_id = ?");
        values.push(class.into());
    }
    if let Some(trainer) = filter.trainer {
        sql.push_str(" AND s.trainer_id = ?");
        values.push(trainer.into());
    }
    if let Some(category) = filter.category {
        sql.push_str(" AND c.category_id = ?");
        values.push(category.into());
    }
    if let Some((starts_at, id)) = filter.after {
        sql.push_str(" AND (s.starts_at > ? OR (s.starts_at = ? AND s.id > ?))");
        values.push(starts_at.into());
        values.push(starts_at.into());
        values.push(id.into());
    }
    sql.push_str(" ORDER BY s.starts_at, s.id LIMIT ?");
    values.push(i64::try_from(filter.limit).unwrap_or(i64::MAX).into());

    let backend = db.get_database_backend();
    let sql = if backend == DbBackend::Postgres {
        numbered_placeholders(&sql)
    } else {
        sql
    };
    SessionRow::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
        .all(db)
        .await
}

/// `?` placeholders as Postgres's `$1, $2, …` (the SQL above has no `?` inside literals).
fn numbered_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for ch in sql.chars() {
        if ch == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(ch);
        }
    }
    out
}
