//! The schedule's operations: each opens one transaction, runs the repo's queries in it, writes
//! the notifications it causes to the outbox in the same transaction, and commits.

use chrono::{DateTime, Duration, NaiveTime, SubsecRound, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use palestra_core::db::begin_write;
use palestra_core::entities::{account, membership};
use palestra_core::ids::{AccountId, TenantId};
use palestra_core::outbox::{self, Channel, Localized, NewMessage};
use palestra_core::pagination::{Cursor, Page};
use palestra_core::scope::scoped;
use palestra_core::time::TimeZone;
use palestra_core::{ApiError, ApiResult, AppContext, Permission, Tenant};

use crate::entities::{booking, calendar_feed, category, class, series, session, waitlist_entry};
use crate::error::ScheduleError;
use crate::ids::{BookingId, CategoryId, ClassId, ClassSessionId, SeriesId, WaitlistEntryId};
use crate::permissions::ManageBookings;
use crate::recurrence::{self, End, Rule};
use crate::repo::{self, NewBooking, SessionFilter, SessionRow};
use crate::settings::{self, Rules};
use crate::views::*;

/// The gym's zone (UTC if the stored name were ever unreadable).
pub fn zone_of(tenant: &Tenant) -> TimeZone {
    tenant
        .model
        .time_zone
        .parse()
        .unwrap_or(TimeZone(chrono_tz::UTC))
}

fn trimmed(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Refuses a trainer who does not hold the trainer role (active) in the gym.
pub async fn ensure_trainer(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    account: AccountId,
) -> ApiResult<()> {
    let found = scoped::<membership::Entity>(tenant)
        .filter(membership::Column::AccountId.eq(account.uuid()))
        .filter(membership::Column::Role.eq("trainer"))
        .filter(membership::Column::Status.eq(membership::STATUS_ACTIVE))
        .one(db)
        .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(ScheduleError::TrainerNotEligible.into()),
    }
}

async fn active_membership(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    account: AccountId,
) -> Result<Option<membership::Model>, DbErr> {
    scoped::<membership::Entity>(tenant)
        .filter(membership::Column::AccountId.eq(account.uuid()))
        .filter(membership::Column::Status.eq(membership::STATUS_ACTIVE))
        .one(db)
        .await
}

// ---------------------------------------------------------------- notifications

const CANCELLED: (Localized, Localized) = (
    Localized {
        en: "Class cancelled: {class}",
        es: "Clase cancelada: {class}",
    },
    Localized {
        en: "{class} on {when} has been cancelled. {reason}",
        es: "La clase {class} del {when} se ha cancelado. {reason}",
    },
);
const PROMOTED: (Localized, Localized) = (
    Localized {
        en: "You got a place: {class}",
        es: "Tienes plaza: {class}",
    },
    Localized {
        en: "A place opened up in {class} on {when}: you are booked.",
        es: "Se ha liberado una plaza en {class} el {when}: ya estás dentro.",
    },
);
const CHANGED: (Localized, Localized) = (
    Localized {
        en: "Class changed: {class}",
        es: "Clase modificada: {class}",
    },
    Localized {
        en: "{class} now starts on {when}.",
        es: "La clase {class} empieza ahora el {when}.",
    },
);

/// One message to write: to whom, about which session, with the text's values.
struct Notice {
    account: uuid::Uuid,
    session: uuid::Uuid,
    values: Vec<(&'static str, String)>,
}

/// One push message per notice, in each recipient's language, in the caller's transaction;
/// the recipients' locales are read in one query.
async fn notify(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    kind: &'static str,
    texts: (Localized, Localized),
    notices: &[Notice],
) -> Result<(), DbErr> {
    if notices.is_empty() {
        return Ok(());
    }
    let ids: Vec<uuid::Uuid> = notices.iter().map(|n| n.account).collect();
    let locales: std::collections::HashMap<uuid::Uuid, String> = account::Entity::find()
        .filter(account::Column::Id.is_in(ids))
        .select_only()
        .column(account::Column::Id)
        .column(account::Column::Locale)
        .into_tuple::<(uuid::Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    for notice in notices {
        let locale = locales.get(&notice.account).map_or("en", String::as_str);
        let values: Vec<(&str, &str)> = notice
            .values
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        outbox::enqueue(
            db,
            NewMessage {
                tenant: Some(tenant),
                channel: Channel::Push,
                account: Some(AccountId(notice.account)),
                recipient: String::new(),
                kind,
                subject: outbox::render(texts.0.pick(locale), &values)
                    .trim()
                    .to_owned(),
                body: outbox::render(texts.1.pick(locale), &values)
                    .trim()
                    .to_owned(),
                data: json!({ "open": format!("schedule/sessions/{}", notice.session) }),
            },
        )
        .await?;
    }
    Ok(())
}

fn when(zone: TimeZone, at: DateTime<Utc>) -> String {
    at.with_timezone(&zone.0)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

async fn class_name(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    class: uuid::Uuid,
) -> Result<String, DbErr> {
    Ok(scoped::<class::Entity>(tenant)
        .filter(class::Column::Id.eq(class))
        .one(db)
        .await?
        .map(|c| c.name)
        .unwrap_or_default())
}

// ---------------------------------------------------------------- categories

/// Every category of the gym, by name.
pub async fn list_categories(
    db: &DatabaseConnection,
    tenant: TenantId,
) -> ApiResult<Vec<CategoryView>> {
    Ok(scoped::<category::Entity>(tenant)
        .order_by_asc(category::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(CategoryView::from)
        .collect())
}

async fn find_category(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: CategoryId,
) -> ApiResult<category::Model> {
    scoped::<category::Entity>(tenant)
        .filter(category::Column::Id.eq(id.uuid()))
        .one(db)
        .await?
        .ok_or_else(|| ScheduleError::CategoryNotFound.into())
}

/// One category.
pub async fn get_category(
    db: &DatabaseConnection,
    tenant: TenantId,
    id: CategoryId,
) -> ApiResult<CategoryView> {
    find_category(db, tenant, id).await.map(CategoryView::from)
}

fn name_taken(error: DbErr) -> ApiError {
    if repo::is_unique_violation(&error) {
        ScheduleError::CategoryNameTaken.into()
    } else {
        error.into()
    }
}

/// Creates a category.
pub async fn create_category(
    db: &DatabaseConnection,
    tenant: TenantId,
    req: CreateCategoryRequest,
) -> ApiResult<CategoryView> {
    let now = Utc::now();
    let row = category::ActiveModel {
        id: Set(CategoryId::new().uuid()),
        tenant_id: Set(tenant.uuid()),
        name: Set(req.name.trim().to_owned()),
        color: Set(req.color.map(|c| c.to_ascii_uppercase())),
        icon: Set(trimmed(req.icon)),
        created_at: Set(now),
        updated_at: Set(now),
    };
    row.insert(db)
        .await
        .map(CategoryView::from)
        .map_err(name_taken)
}

/// Changes a category.
pub async fn update_category(
    db: &DatabaseConnection,
    tenant: TenantId,
    id: CategoryId,
    req: UpdateCategoryRequest,
) -> ApiResult<CategoryView> {
    let mut row = find_category(db, tenant, id).await?.into_active_model();
    if let Some(name) = req.name {
        row.name = Set(name.trim().to_owned());
    }
    if let Some(color) = req.color {
        row.color = Set(Some(color.to_ascii_uppercase()));
    }
    if req.icon.is_some() {
        row.icon = Set(trimmed(req.icon));
    }
    row.updated_at = Set(Utc::now());
    row.update(db)
        .await
        .map(CategoryView::from)
        .map_err(name_taken)
}

/// Deletes a category; its classes stay, without a category.
pub async fn delete_category(
    db: &DatabaseConnection,
    tenant: TenantId,
    id: CategoryId,
) -> ApiResult<()> {
    let txn = begin_write(db).await?;
    find_category(&txn, tenant, id).await?;
    class::Entity::update_many()
        .col_expr(
            class::Column::CategoryId,
            Expr::value(Option::<uuid::Uuid>::None),
        )
        .filter(class::Column::TenantId.eq(tenant.uuid()))
        .filter(class::Column::CategoryId.eq(id.uuid()))
        .exec(&txn)
        .await?;
    category::Entity::delete_many()
        .filter(category::Column::TenantId.eq(tenant.uuid()))
        .filter(category::Column::Id.eq(id.uuid()))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- classes

/// The gym's classes, by name.
pub async fn list_classes(
    db: &DatabaseConnection,
    tenant: TenantId,
    query: &ClassQuery,
) -> ApiResult<Vec<ClassView>> {
    let mut select = scoped::<class::Entity>(tenant);
    if let Some(active) = query.active {
        select = select.filter(class::Column::Active.eq(active));
    }
    if let Some(category) = query.category_id {
        select = select.filter(class::Column::CategoryId.eq(category.uuid()));
    }
    Ok(select
        .order_by_asc(class::Column::Name)
        .order_by_asc(class::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(ClassView::from)
        .collect())
}

async fn find_class(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: ClassId,
) -> ApiResult<class::Model> {
    scoped::<class::Entity>(tenant)
        .filter(class::Column::Id.eq(id.uuid()))
        .one(db)
        .await?
        .ok_or_else(|| ScheduleError::ClassNotFound.into())
}

/// One class.
pub async fn get_class(
    db: &DatabaseConnection,
    tenant: TenantId,
    id: ClassId,
) -> ApiResult<ClassView> {
    find_class(db, tenant, id).await.map(ClassView::from)
}

/// Creates a class.
pub async fn create_class(
    db: &DatabaseConnection,
    tenant: TenantId,
    req: CreateClassRequest,
) -> ApiResult<ClassView> {
    if let Some(category) = req.category_id {
        find_category(db, tenant, category).await?;
    }
    if let Some(trainer) = req.default_trainer_id {
        ensure_trainer(db, tenant, trainer).await?;
    }
    let now = Utc::now();
    let row = class::ActiveModel {
        id: Set(ClassId::new().uuid()),
        tenant_id: Set(tenant.uuid()),
        category_id: Set(req.category_id.map(CategoryId::uuid)),
        name: Set(req.name.trim().to_owned()),
        description: Set(trimmed(req.description)),
        duration_minutes: Set(req.duration_minutes),
        capacity: Set(req.capacity),
        difficulty: Set(req.difficulty.as_str().to_owned()),
        default_trainer_id: Set(req.default_trainer_id.map(AccountId::uuid)),
        active: Set(req.active.unwrap_or(true)),
        created_at: Set(now),
        updated_at: Set(now),
    };
    Ok(row.insert(db).await?.into())
}

/// Changes a class (its sessions keep their own capacity, trainer and times).
pub async fn update_class(
    db: &DatabaseConnection,
    tenant: TenantId,
    id: ClassId,
    req: UpdateClassRequest,
) -> ApiResult<ClassView> {
    let mut row = find_class(db, tenant, id).await?.into_active_model();
    if let Some(category) = req.category_id {
        find_category(db, tenant, category).await?;
        row.category_id = Set(Some(category.uuid()));
    }
    if let Some(trainer) = req.default_trainer_id {
        ensure_trainer(db, tenant, trainer).await?;
        row.default_trainer_id = Set(Some(trainer.uuid()));
    }
    if let Some(name) = req.name {
        row.name = Set(name.trim().to_owned());
    }
    if req.description.is_some() {
        row.description = Set(trimmed(req.description));
    }
    if let Some(v) = req.duration_minutes {
        row.duration_minutes = Set(v);
    }
    if let Some(v) = req.capacity {
        row.capacity = Set(v);
    }
    if let Some(v) = req.difficulty {
        row.difficulty = Set(v.as_str().to_owned());
    }
    if let Some(v) = req.active {
        row.active = Set(v);
    }
    row.updated_at = Set(Utc::now());
    Ok(row.update(db).await?.into())
}

// ---------------------------------------------------------------- sessions: reading

/// Largest page of sessions.
pub const MAX_SESSION_PAGE: u64 = 500;
/// Default page of sessions.
pub const DEFAULT_SESSION_PAGE: u64 = 200;
/// Widest range of one session list.
pub const MAX_RANGE_DAYS: i64 = 31;

fn session_view(row: SessionRow, zone: TimeZone, now: DateTime<Utc>) -> SessionView {
    let my_booking = match (&row.my_booking_id, &row.my_waitlist_id) {
        (Some(id), _) => Some(MyBookingView {
            state: match row.my_booking_status.as_deref() {
                Some(booking::STATUS_ATTENDED) => MyBookingState::Attended,
                Some(booking::STATUS_NO_SHOW) => MyBookingState::NoShow,
                _ => MyBookingState::Booked,
            },
            booking_id: Some(BookingId(*id)),
            waitlist_entry_id: None,
            position: None,
        }),
        (None, Some(id)) => Some(MyBookingView {
            state: MyBookingState::Waitlisted,
            booking_id: None,
            waitlist_entry_id: Some(WaitlistEntryId(*id)),
            position: row.my_waitlist_place,
        }),
        (None, None) => None,
    };
    let cancelled = row.status == session::STATUS_CANCELLED;
    SessionView {
        id: ClassSessionId(row.id),
        class: SessionClassView {
            id: ClassId(row.class_id),
            name: row.class_name,
            category_id: row.category_id.map(CategoryId),
            category_name: row.category_name,
            category_color: row.category_color,
        },
        series_id: row.series_id.map(SeriesId),
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        starts_at_local: row.starts_at.with_timezone(&zone.0).fixed_offset(),
        ends_at_local: row.ends_at.with_timezone(&zone.0).fixed_offset(),
        time_zone: zone,
        status: SessionStatus::at(&row.status, row.starts_at, row.ends_at, now),
        trainer: row.trainer_id.map(|id| TrainerView {
            account_id: AccountId(id),
            full_name: row.trainer_name.unwrap_or_default(),
        }),
        room: row.room,
        capacity: row.capacity,
        booked_count: row.booked_count,
        places_left: if cancelled {
            0
        } else {
            Ord::max(row.capacity - row.booked_count, 0)
        },
        waitlist_count: row.waitlist_count,
        notes: row.notes,
        sequence: row.sequence,
        my_booking,
    }
}

/// Sessions in a range (default: the next 7 days), filtered, one query per page.
pub async fn list_sessions(
    db: &DatabaseConnection,
    tenant: &Tenant,
    query: &SessionQuery,
) -> ApiResult<Page<SessionView>> {
    let now = Utc::now();
    let from = query.from.unwrap_or(now);
    let to = query.to.unwrap_or(from + Duration::days(7));
    if to <= from || to - from > Duration::days(MAX_RANGE_DAYS) {
        return Err(ApiError::bad_request(
            "schedule.invalid_range",
            format!("`to` must be after `from`, by at most {MAX_RANGE_DAYS} days."),
        ));
    }
    let limit = match query.limit {
        None => DEFAULT_SESSION_PAGE,
        Some(n) if (1..=MAX_SESSION_PAGE).contains(&n) => n,
        Some(_) => {
            return Err(ApiError::bad_request(
                "request.invalid_limit",
                format!("`limit` must be between 1 and {MAX_SESSION_PAGE}."),
            ));
        }
    };
    let after = match query.cursor.as_deref().map(Cursor::decode).transpose()? {
        Some(cursor) => Some((
            DateTime::parse_from_rfc3339(&cursor.key)
                .map_err(|_| {
                    ApiError::bad_request(
                        "request.invalid_cursor",
                        "The cursor is not valid; start again without it.",
                    )
                })?
                .with_timezone(&Utc),
            cursor.id,
        )),
        None => None,
    };
    let filter = SessionFilter {
        id: None,
        from: Some(from),
        to: Some(to),
        class: query.class_id.map(ClassId::uuid),
        trainer: query.trainer_id.map(AccountId::uuid),
        category: query.category_id.map(CategoryId::uuid),
        after,
        limit: limit + 1,
    };
    let rows = repo::session_rows(db, tenant.id, tenant.account_id, &filter).await?;
    let zone = zone_of(tenant);
    Ok(Page::from_rows(
        rows,
        limit,
        |row| Cursor {
            key: row.starts_at.to_rfc3339(),
            id: row.id,
        },
        |row| session_view(row, zone, now),
    ))
}

/// One session, as the caller sees it.
pub async fn get_session(
    db: &impl ConnectionTrait,
    tenant: &Tenant,
    id: ClassSessionId,
) -> ApiResult<SessionView> {
    let filter = SessionFilter {
        id: Some(id),
        limit: 1,
        ..SessionFilter::default()
    };
    let row = repo::session_rows(db, tenant.id, tenant.account_id, &filter)
        .await?
        .into_iter()
        .next()
        .ok_or(ScheduleError::SessionNotFound)?;
    Ok(session_view(row, zone_of(tenant), Utc::now()))
}

// ---------------------------------------------------------------- sessions: scheduling

struct Template {
    class: class::Model,
    trainer: Option<uuid::Uuid>,
    duration: i32,
    capacity: i32,
}

async fn template(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    class_id: ClassId,
    trainer: Option<AccountId>,
    duration: Option<i32>,
    capacity: Option<i32>,
) -> ApiResult<Template> {
    let class = find_class(db, tenant, class_id).await?;
    if !class.active {
        return Err(ScheduleError::ClassInactive.into());
    }
    let trainer = trainer.map(AccountId::uuid).or(class.default_trainer_id);
    if let Some(trainer) = trainer {
        ensure_trainer(db, tenant, AccountId(trainer)).await?;
    }
    Ok(Template {
        trainer,
        duration: duration.unwrap_or(class.duration_minutes),
        capacity: capacity.unwrap_or(class.capacity),
        class,
    })
}

#[expect(clippy::too_many_arguments, reason = "one row's columns")]
fn new_session(
    tenant: TenantId,
    t: &Template,
    starts_at: DateTime<Utc>,
    room: Option<String>,
    notes: Option<String>,
    series: Option<(uuid::Uuid, i32)>,
    now: DateTime<Utc>,
    id: uuid::Uuid,
) -> session::ActiveModel {
    session::ActiveModel {
        id: Set(id),
        tenant_id: Set(tenant.uuid()),
        class_id: Set(t.class.id),
        series_id: Set(series.map(|(s, _)| s)),
        occurrence_index: Set(series.map(|(_, i)| i)),
        original_starts_at: Set(series.map(|_| starts_at)),
        starts_at: Set(starts_at),
        ends_at: Set(starts_at + Duration::minutes(i64::from(t.duration))),
        trainer_id: Set(t.trainer),
        room: Set(room),
        capacity: Set(t.capacity),
        booked_count: Set(0),
        waitlist_count: Set(0),
        waitlist_seq: Set(0),
        status: Set(session::STATUS_SCHEDULED.to_owned()),
        cancelled_at: Set(None),
        notes: Set(notes),
        sequence: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// Schedules a one-off session.
pub async fn create_session(
    db: &DatabaseConnection,
    tenant: &Tenant,
    req: CreateSessionRequest,
) -> ApiResult<SessionView> {
    let now = Utc::now();
    if req.starts_at <= now {
        return Err(ScheduleError::StartsInPast.into());
    }
    let t = template(
        db,
        tenant.id,
        req.class_id,
        req.trainer_id,
        req.duration_minutes,
        req.capacity,
    )
    .await?;
    let id = ClassSessionId::new();
    new_session(
        tenant.id,
        &t,
        req.starts_at,
        trimmed(req.room),
        trimmed(req.notes),
        None,
        now,
        id.uuid(),
    )
    .insert(db)
    .await?;
    get_session(db, tenant, id).await
}

/// Creates a recurring series and materialises its sessions (those in the future, within a
/// year) in one multi-row insert.
pub async fn create_series(
    db: &DatabaseConnection,
    tenant: &Tenant,
    req: CreateSeriesRequest,
) -> ApiResult<SeriesView> {
    let now = Utc::now();
    let zone = zone_of(tenant);
    let Some(start_time) = req.start_time() else {
        return Err(ApiError::validation(vec![palestra_core::FieldError::new(
            "start_time",
            "invalid",
            "must be a local time HH:MM",
        )]));
    };
    if req.starts_on < zone.local_date(now) {
        return Err(ScheduleError::StartsInPast.into());
    }
    let t = template(
        db,
        tenant.id,
        req.class_id,
        req.trainer_id,
        req.duration_minutes,
        req.capacity,
    )
    .await?;
    let weekdays: Vec<chrono::Weekday> = {
        let mut days: Vec<_> = req
            .weekdays
            .iter()
            .filter_map(|d| recurrence::parse_weekday(d))
            .collect();
        days.sort_by_key(chrono::Weekday::num_days_from_monday);
        days.dedup();
        days
    };
    let rule = Rule {
        weekdays: weekdays.clone(),
        start_time,
        interval_weeks: req.interval_weeks.unwrap_or(1),
        starts_on: req.starts_on,
        end: match (req.until, req.count) {
            (Some(until), _) => End::Until(until),
            (None, count) => End::Count(count.unwrap_or(1)),
        },
    };
    let room = trimmed(req.room);
    let notes = trimmed(req.notes);
    let series_id = SeriesId::new().uuid();
    let series_row = series::ActiveModel {
        id: Set(series_id),
        tenant_id: Set(tenant.id.uuid()),
        class_id: Set(t.class.id),
        trainer_id: Set(t.trainer),
        room: Set(room.clone()),
        capacity: Set(t.capacity),
        notes: Set(notes.clone()),
        time_zone: Set(zone.name().to_owned()),
        weekdays: Set(recurrence::format_weekdays(&weekdays)),
        start_time: Set(start_time.format("%H:%M").to_string()),
        duration_minutes: Set(t.duration),
        interval_weeks: Set(i32::try_from(rule.interval_weeks).unwrap_or(1)),
        starts_on: Set(req.starts_on),
        until_date: Set(req.until),
        count: Set(req.count.and_then(|c| i32::try_from(c).ok())),
        status: Set(series::STATUS_ACTIVE.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let sessions: Vec<session::ActiveModel> = rule
        .occurrences(zone)
        .into_iter()
        .filter(|o| o.starts_at > now)
        .map(|o| {
            new_session(
                tenant.id,
                &t,
                o.starts_at,
                room.clone(),
                notes.clone(),
                Some((series_id, i32::try_from(o.index).unwrap_or(i32::MAX))),
                now,
                ClassSessionId::new().uuid(),
            )
        })
        .collect();
    let made = sessions.len() as u64;
    let txn = begin_write(db).await?;
    let series_model = series_row.insert(&txn).await?;
    if !sessions.is_empty() {
        session::Entity::insert_many(sessions)
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(SeriesView::new(series_model, made))
}

async fn find_series(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: SeriesId,
) -> ApiResult<series::Model> {
    scoped::<series::Entity>(tenant)
        .filter(series::Column::Id.eq(id.uuid()))
        .one(db)
        .await?
        .ok_or_else(|| ScheduleError::SeriesNotFound.into())
}

/// One series.
pub async fn get_series(
    db: &DatabaseConnection,
    tenant: TenantId,
    id: SeriesId,
) -> ApiResult<SeriesView> {
    let row = find_series(db, tenant, id).await?;
    Ok(SeriesView::new(row, 0))
}

async fn find_session_model(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: ClassSessionId,
) -> ApiResult<session::Model> {
    repo::find_session(db, tenant, id)
        .await?
        .ok_or_else(|| ScheduleError::SessionNotFound.into())
}

/// The sessions an edit of `first` with `scope` touches: it alone, or it and the later
/// not-started, not-cancelled ones of its series.
async fn scoped_sessions(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    first: &session::Model,
    scope: EditScope,
    now: DateTime<Utc>,
) -> Result<Vec<session::Model>, DbErr> {
    match (scope, first.series_id) {
        (EditScope::ThisAndFollowing, Some(series)) => {
            // "Following" is by the series' own order (the rule's starts), so an occurrence
            // moved on its own stays where the rule put it.
            let from = match first.original_starts_at {
                Some(original) => session::Column::OriginalStartsAt.gte(original),
                None => session::Column::StartsAt.gte(first.starts_at),
            };
            scoped::<session::Entity>(tenant)
                .filter(session::Column::SeriesId.eq(series))
                .filter(from)
                .filter(session::Column::StartsAt.gt(now))
                .filter(session::Column::Status.eq(session::STATUS_SCHEDULED))
                .order_by_asc(session::Column::StartsAt)
                .all(db)
                .await
        }
        _ => Ok(vec![first.clone()]),
    }
}

/// Edits a session, or it and the following ones of its series. Booked members hear of a new
/// time; a larger capacity takes people off the waitlist at once.
pub async fn update_session(
    ctx: &AppContext,
    tenant: &Tenant,
    id: ClassSessionId,
    req: UpdateSessionRequest,
) -> ApiResult<SessionView> {
    let now = Utc::now();
    let zone = zone_of(tenant);
    if let Some(trainer) = req.trainer_id {
        ensure_trainer(&ctx.db, tenant.id, trainer).await?;
    }
    let rules = settings::load(&ctx.db, tenant.id).await?;
    let txn = begin_write(&ctx.db).await?;
    let first = find_session_model(&txn, tenant.id, id).await?;
    if first.status == session::STATUS_CANCELLED {
        return Err(ScheduleError::SessionCancelled.into());
    }
    if first.starts_at <= now {
        return Err(ScheduleError::SessionStarted.into());
    }
    let targets = scoped_sessions(&txn, tenant.id, &first, req.scope, now).await?;
    let new_time: Option<NaiveTime> = req.start_time();
    let mut moved: Vec<(uuid::Uuid, DateTime<Utc>)> = Vec::new();
    for target in &targets {
        let starts_at = match (req.starts_at, new_time) {
            (Some(at), _) => at,
            (None, Some(time)) => zone.instant_at(zone.local_date(target.starts_at), time),
            (None, None) => target.starts_at,
        };
        if starts_at <= now {
            return Err(ScheduleError::StartsInPast.into());
        }
        let duration = req
            .duration_minutes
            .map_or(target.ends_at - target.starts_at, |m| {
                Duration::minutes(i64::from(m))
            });
        let mut update = session::Entity::update_many()
            .col_expr(session::Column::StartsAt, Expr::value(starts_at))
            .col_expr(session::Column::EndsAt, Expr::value(starts_at + duration))
            .col_expr(
                session::Column::Sequence,
                Expr::col(session::Column::Sequence).add(1),
            )
            .col_expr(session::Column::UpdatedAt, Expr::value(now))
            .filter(session::Column::TenantId.eq(tenant.id.uuid()))
            .filter(session::Column::Id.eq(target.id))
            .filter(session::Column::Status.eq(session::STATUS_SCHEDULED));
        if let Some(trainer) = req.trainer_id {
            update = update.col_expr(session::Column::TrainerId, Expr::value(trainer.uuid()));
        }
        if req.room.is_some() {
            update = update.col_expr(
                session::Column::Room,
                Expr::value(trimmed(req.room.clone())),
            );
        }
        if req.notes.is_some() {
            update = update.col_expr(
                session::Column::Notes,
                Expr::value(trimmed(req.notes.clone())),
            );
        }
        if let Some(capacity) = req.capacity {
            // Never below the places taken: the condition makes a racing booking win or lose
            // cleanly, and the check constraint backs it.
            update = update
                .col_expr(session::Column::Capacity, Expr::value(capacity))
                .filter(session::Column::BookedCount.lte(capacity));
        }
        let result = update.exec(&txn).await?;
        if result.rows_affected != 1 {
            let current = find_session_model(&txn, tenant.id, ClassSessionId(target.id)).await?;
            return Err(if current.status == session::STATUS_CANCELLED {
                ScheduleError::SessionCancelled
            } else {
                ScheduleError::CapacityBelowBooked(current.booked_count)
            }
            .into());
        }
        if starts_at != target.starts_at {
            moved.push((target.id, starts_at));
        }
        if req.capacity.is_some_and(|c| c > target.capacity)
            && target.waitlist_count > 0
            && now < rules.waitlist_closes_at(starts_at)
        {
            promote_waiting(&txn, tenant.id, zone, ClassSessionId(target.id), now).await?;
        }
    }
    // The series' template follows an edit of "this and following".
    if let (EditScope::ThisAndFollowing, Some(series_id)) = (req.scope, first.series_id) {
        let mut update = series::Entity::update_many()
            .col_expr(series::Column::UpdatedAt, Expr::value(now))
            .filter(series::Column::TenantId.eq(tenant.id.uuid()))
            .filter(series::Column::Id.eq(series_id));
        if let Some(time) = new_time {
            update = update.col_expr(
                series::Column::StartTime,
                Expr::value(time.format("%H:%M").to_string()),
            );
        }
        if let Some(v) = req.duration_minutes {
            update = update.col_expr(series::Column::DurationMinutes, Expr::value(v));
        }
        if let Some(v) = req.capacity {
            update = update.col_expr(series::Column::Capacity, Expr::value(v));
        }
        if let Some(v) = req.trainer_id {
            update = update.col_expr(series::Column::TrainerId, Expr::value(v.uuid()));
        }
        if req.room.is_some() {
            update = update.col_expr(series::Column::Room, Expr::value(trimmed(req.room.clone())));
        }
        if req.notes.is_some() {
            update = update.col_expr(
                series::Column::Notes,
                Expr::value(trimmed(req.notes.clone())),
            );
        }
        update.exec(&txn).await?;
    }
    if !moved.is_empty() {
        let name = class_name(&txn, tenant.id, first.class_id).await?;
        let booked = booked_members(
            &txn,
            tenant.id,
            &moved.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        )
        .await?;
        let notices: Vec<Notice> = moved
            .iter()
            .flat_map(|(session_id, starts_at)| {
                let when = when(zone, *starts_at);
                let name = name.clone();
                booked.iter().filter(move |(_, s)| s == session_id).map(
                    move |(account, session)| Notice {
                        account: *account,
                        session: *session,
                        values: vec![("class", name.clone()), ("when", when.clone())],
                    },
                )
            })
            .collect();
        notify(
            &txn,
            tenant.id,
            "schedule.session_changed",
            CHANGED,
            &notices,
        )
        .await?;
    }
    txn.commit().await?;
    get_session(&ctx.db, tenant, id).await
}

/// (account, session) of every booked place in these sessions, in one query.
async fn booked_members(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    sessions: &[uuid::Uuid],
) -> Result<Vec<(uuid::Uuid, uuid::Uuid)>, DbErr> {
    if sessions.is_empty() {
        return Ok(Vec::new());
    }
    scoped::<booking::Entity>(tenant)
        .filter(booking::Column::SessionId.is_in(sessions.iter().copied()))
        .filter(booking::Column::Status.eq(booking::STATUS_BOOKED))
        .select_only()
        .column(booking::Column::AccountId)
        .column(booking::Column::SessionId)
        .into_tuple::<(uuid::Uuid, uuid::Uuid)>()
        .all(db)
        .await
}

/// Cancels sessions in the caller's transaction: their bookings end, their waitlists close,
/// booked members are notified. Returns (sessions, bookings) cancelled.
async fn cancel_sessions(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    zone: TimeZone,
    targets: &[session::Model],
    by: AccountId,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(u64, u64), DbErr> {
    let ids: Vec<uuid::Uuid> = targets.iter().map(|s| s.id).collect();
    if ids.is_empty() {
        return Ok((0, 0));
    }
    let booked = booked_members(db, tenant, &ids).await?;
    let sessions = session::Entity::update_many()
        .col_expr(
            session::Column::Status,
            Expr::value(session::STATUS_CANCELLED),
        )
        .col_expr(session::Column::CancelledAt, Expr::value(now))
        .col_expr(session::Column::BookedCount, Expr::value(0))
        .col_expr(session::Column::WaitlistCount, Expr::value(0))
        .col_expr(
            session::Column::Sequence,
            Expr::col(session::Column::Sequence).add(1),
        )
        .col_expr(session::Column::UpdatedAt, Expr::value(now))
        .filter(session::Column::TenantId.eq(tenant.uuid()))
        .filter(session::Column::Id.is_in(ids.clone()))
        .filter(session::Column::Status.eq(session::STATUS_SCHEDULED))
        .exec(db)
        .await?
        .rows_affected;
    let bookings = booking::Entity::update_many()
        .col_expr(
            booking::Column::Status,
            Expr::value(booking::STATUS_CANCELLED),
        )
        .col_expr(booking::Column::CancelledAt, Expr::value(now))
        .col_expr(booking::Column::CancelledBy, Expr::value(by.uuid()))
        .col_expr(booking::Column::UpdatedAt, Expr::value(now))
        .filter(booking::Column::TenantId.eq(tenant.uuid()))
        .filter(booking::Column::SessionId.is_in(ids.clone()))
        .filter(booking::Column::Status.eq(booking::STATUS_BOOKED))
        .exec(db)
        .await?
        .rows_affected;
    waitlist_entry::Entity::update_many()
        .col_expr(waitlist_entry::Column::Status, Expr::value("closed"))
        .col_expr(waitlist_entry::Column::UpdatedAt, Expr::value(now))
        .filter(waitlist_entry::Column::TenantId.eq(tenant.uuid()))
        .filter(waitlist_entry::Column::SessionId.is_in(ids))
        .filter(waitlist_entry::Column::Status.eq(waitlist_entry::STATUS_WAITING))
        .exec(db)
        .await?;
    let reason = reason.unwrap_or_default();
    let class_ids: Vec<uuid::Uuid> = targets.iter().map(|t| t.class_id).collect();
    let names: std::collections::HashMap<uuid::Uuid, String> = scoped::<class::Entity>(tenant)
        .filter(class::Column::Id.is_in(class_ids))
        .select_only()
        .column(class::Column::Id)
        .column(class::Column::Name)
        .into_tuple::<(uuid::Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let notices: Vec<Notice> = targets
        .iter()
        .flat_map(|target| {
            let name = names.get(&target.class_id).cloned().unwrap_or_default();
            let when = when(zone, target.starts_at);
            booked
                .iter()
                .filter(move |(_, s)| *s == target.id)
                .map(move |(account, session)| Notice {
                    account: *account,
                    session: *session,
                    values: vec![
                        ("class", name.clone()),
                        ("when", when.clone()),
                        ("reason", reason.to_owned()),
                    ],
                })
        })
        .collect();
    notify(
        db,
        tenant,
        "schedule.session_cancelled",
        CANCELLED,
        &notices,
    )
    .await?;
    Ok((sessions, bookings))
}

/// Cancels a session, or it and the following ones of its series.
pub async fn cancel_session(
    db: &DatabaseConnection,
    tenant: &Tenant,
    id: ClassSessionId,
    req: CancelSessionRequest,
) -> ApiResult<CancelledView> {
    let now = Utc::now();
    let txn = begin_write(db).await?;
    let first = find_session_model(&txn, tenant.id, id).await?;
    if first.status == session::STATUS_CANCELLED {
        return Err(ScheduleError::SessionCancelled.into());
    }
    if first.starts_at <= now {
        return Err(ScheduleError::SessionStarted.into());
    }
    let targets = scoped_sessions(&txn, tenant.id, &first, req.scope, now).await?;
    let (sessions, bookings) = cancel_sessions(
        &txn,
        tenant.id,
        zone_of(tenant),
        &targets,
        tenant.account_id,
        trimmed(req.reason).as_deref(),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(CancelledView {
        sessions_cancelled: sessions,
        bookings_cancelled: bookings,
    })
}

/// Cancels a series: it makes no more sessions, and its sessions not yet started are cancelled.
pub async fn cancel_series(
    db: &DatabaseConnection,
    tenant: &Tenant,
    id: SeriesId,
    req: CancelSessionRequest,
) -> ApiResult<CancelledView> {
    let now = Utc::now();
    let txn = begin_write(db).await?;
    let row = find_series(&txn, tenant.id, id).await?;
    if row.status == series::STATUS_CANCELLED {
        return Err(ScheduleError::SeriesCancelled.into());
    }
    series::Entity::update_many()
        .col_expr(
            series::Column::Status,
            Expr::value(series::STATUS_CANCELLED),
        )
        .col_expr(series::Column::UpdatedAt, Expr::value(now))
        .filter(series::Column::TenantId.eq(tenant.id.uuid()))
        .filter(series::Column::Id.eq(id.uuid()))
        .exec(&txn)
        .await?;
    let targets = scoped::<session::Entity>(tenant.id)
        .filter(session::Column::SeriesId.eq(id.uuid()))
        .filter(session::Column::StartsAt.gt(now))
        .filter(session::Column::Status.eq(session::STATUS_SCHEDULED))
        .all(&txn)
        .await?;
    let (sessions, bookings) = cancel_sessions(
        &txn,
        tenant.id,
        zone_of(tenant),
        &targets,
        tenant.account_id,
        trimmed(req.reason).as_deref(),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(CancelledView {
        sessions_cancelled: sessions,
        bookings_cancelled: bookings,
    })
}

// ---------------------------------------------------------------- bookings

/// Whose place a request is about: the caller's, or (staff only) a member's.
async fn target_member(
    db: &impl ConnectionTrait,
    tenant: &Tenant,
    account: Option<AccountId>,
) -> ApiResult<AccountId> {
    match account {
        Some(account) if account != tenant.account_id => {
            if !ManageBookings::granted_to(tenant.role) {
                return Err(ApiError::forbidden(
                    "auth.forbidden",
                    format!(
                        "Your role may not book for others (needs `{}`).",
                        ManageBookings::NAME
                    ),
                )
                .with_extension("permission", json!(ManageBookings::NAME)));
            }
            active_membership(db, tenant.id, account)
                .await?
                .ok_or(ScheduleError::MemberNotFound)?;
            Ok(account)
        }
        // The caller's own membership came with the tenant binding.
        _ if tenant.membership_active => Ok(tenant.account_id),
        _ => Err(ScheduleError::MembershipInactive.into()),
    }
}

fn ensure_bookable(
    s: &session::Model,
    rules: &Rules,
    now: DateTime<Utc>,
) -> Result<(), ScheduleError> {
    if s.status == session::STATUS_CANCELLED {
        return Err(ScheduleError::SessionCancelled);
    }
    if s.starts_at <= now {
        return Err(ScheduleError::SessionStarted);
    }
    let opens = rules.booking_opens_at(s.starts_at);
    if now < opens {
        return Err(ScheduleError::BookingWindowClosed(opens));
    }
    Ok(())
}

/// Books a place: the rules, then the place taken by a conditional update and the booking
/// written in one transaction.
pub async fn book(
    ctx: &AppContext,
    tenant: &Tenant,
    id: ClassSessionId,
    req: BookRequest,
) -> ApiResult<BookingView> {
    let now = Utc::now();
    let (s, rules) =
        settings::with_rules::<session::Entity>(&ctx.db, tenant.id, session::Column::Id, id.uuid())
            .await?
            .ok_or(ScheduleError::SessionNotFound)?;
    ensure_bookable(&s, &rules, now)?;
    let member = target_member(&ctx.db, tenant, req.account_id).await?;
    ctx.check_booking_allowed(tenant.id, member).await?;

    let txn = begin_write(&ctx.db).await?;
    if !repo::take_place(&txn, tenant.id, id, now).await? {
        // No place: say why (read only on a refusal, never on the way that books).
        if repo::active_booking(&txn, tenant.id, id, member)
            .await?
            .is_some()
        {
            return Err(ScheduleError::AlreadyBooked.into());
        }
        let current = find_session_model(&txn, tenant.id, id).await?;
        return Err(if current.status == session::STATUS_CANCELLED {
            ScheduleError::SessionCancelled
        } else {
            ScheduleError::SessionFull
        }
        .into());
    }
    // A second booking of the member is refused by the unique index on active bookings, below
    // (the place taken above goes back with the rollback).
    let row = repo::insert_booking(
        &txn,
        tenant.id,
        NewBooking {
            session: id,
            account: member,
            booked_by: tenant.account_id,
            walk_in: false,
            status: booking::STATUS_BOOKED,
        },
        now,
    )
    .await
    .map_err(|e| -> ApiError {
        if repo::is_unique_violation(&e) {
            ScheduleError::AlreadyBooked.into()
        } else {
            e.into()
        }
    })?;
    // Someone waiting who got a place by booking leaves the line; the line's length read with
    // the session spares the look when nobody waits. (A member who joins the line while their
    // own booking is under way keeps waiting; a promotion then only ends the wait.)
    if s.waitlist_count > 0
        && let Some(entry) = repo::waiting_entry(&txn, tenant.id, id, member).await?
    {
        leave_line(&txn, tenant.id, &entry, now).await?;
    }
    txn.commit().await?;
    Ok(row.into())
}

async fn leave_line(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    entry: &waitlist_entry::Model,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    repo::lock_session(db, tenant, ClassSessionId(entry.session_id)).await?;
    let left = waitlist_entry::Entity::update_many()
        .col_expr(
            waitlist_entry::Column::Status,
            Expr::value(waitlist_entry::STATUS_LEFT),
        )
        .col_expr(waitlist_entry::Column::UpdatedAt, Expr::value(now))
        .filter(waitlist_entry::Column::TenantId.eq(tenant.uuid()))
        .filter(waitlist_entry::Column::Id.eq(entry.id))
        .filter(waitlist_entry::Column::Status.eq(waitlist_entry::STATUS_WAITING))
        .exec(db)
        .await?
        .rows_affected
        == 1;
    if left {
        move_waitlist_count(db, tenant, entry.session_id, -1, now).await?;
    }
    Ok(left)
}

async fn move_waitlist_count(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    session_id: uuid::Uuid,
    by: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    session::Entity::update_many()
        .col_expr(
            session::Column::WaitlistCount,
            Expr::col(session::Column::WaitlistCount).add(by),
        )
        .col_expr(session::Column::UpdatedAt, Expr::value(now))
        .filter(session::Column::TenantId.eq(tenant.uuid()))
        .filter(session::Column::Id.eq(session_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Gives free places to the people waiting, first in line first, each through the same
/// conditional update as a booking; notifies each. Runs in the caller's transaction, after it
/// touched the session row (on Postgres that row lock orders concurrent promotions).
pub async fn promote_waiting(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    zone: TimeZone,
    session_id: ClassSessionId,
    now: DateTime<Utc>,
) -> Result<u32, DbErr> {
    let mut promoted = 0;
    loop {
        let Some(entry) = repo::waiting_line(db, tenant, session_id, 1)
            .await?
            .into_iter()
            .next()
        else {
            break;
        };
        let member = AccountId(entry.account_id);
        // Someone who lost their membership while waiting leaves the line instead.
        if active_membership(db, tenant, member).await?.is_none() {
            waitlist_entry::Entity::update_many()
                .col_expr(waitlist_entry::Column::Status, Expr::value("closed"))
                .col_expr(waitlist_entry::Column::UpdatedAt, Expr::value(now))
                .filter(waitlist_entry::Column::TenantId.eq(tenant.uuid()))
                .filter(waitlist_entry::Column::Id.eq(entry.id))
                .exec(db)
                .await?;
            move_waitlist_count(db, tenant, session_id.uuid(), -1, now).await?;
            continue;
        }
        if !repo::take_place(db, tenant, session_id, now).await? {
            break;
        }
        let booking_id = if repo::active_booking(db, tenant, session_id, member)
            .await?
            .is_some()
        {
            // Holds a place already: give it back and just end the wait.
            repo::release_place(db, tenant, session_id, now).await?;
            None
        } else {
            let row = repo::insert_booking(
                db,
                tenant,
                NewBooking {
                    session: session_id,
                    account: member,
                    booked_by: AccountId(entry.added_by),
                    walk_in: false,
                    status: booking::STATUS_BOOKED,
                },
                now,
            )
            .await?;
            Some(row.id)
        };
        waitlist_entry::Entity::update_many()
            .col_expr(
                waitlist_entry::Column::Status,
                Expr::value(waitlist_entry::STATUS_PROMOTED),
            )
            .col_expr(waitlist_entry::Column::BookingId, Expr::value(booking_id))
            .col_expr(waitlist_entry::Column::UpdatedAt, Expr::value(now))
            .filter(waitlist_entry::Column::TenantId.eq(tenant.uuid()))
            .filter(waitlist_entry::Column::Id.eq(entry.id))
            .exec(db)
            .await?;
        move_waitlist_count(db, tenant, session_id.uuid(), -1, now).await?;
        if booking_id.is_some() {
            let s = repo::find_session(db, tenant, session_id).await?;
            if let Some(s) = s {
                let name = class_name(db, tenant, s.class_id).await?;
                let when = when(zone, s.starts_at);
                notify(
                    db,
                    tenant,
                    "schedule.waitlist_promoted",
                    PROMOTED,
                    &[Notice {
                        account: entry.account_id,
                        session: s.id,
                        values: vec![("class", name), ("when", when)],
                    }],
                )
                .await?;
            }
            promoted += 1;
        }
    }
    Ok(promoted)
}

async fn find_booking_for(
    db: &impl ConnectionTrait,
    tenant: &Tenant,
    id: BookingId,
    staff_may: bool,
) -> ApiResult<booking::Model> {
    let row = repo::find_booking(db, tenant.id, id)
        .await?
        .ok_or(ScheduleError::BookingNotFound)?;
    // Someone else's booking is invisible to a member: 404, not 403.
    if row.account_id != tenant.account_id.uuid() && !staff_may {
        return Err(ScheduleError::BookingNotFound.into());
    }
    Ok(row)
}

/// One booking: the member's own, or any for staff.
pub async fn get_booking(
    db: &DatabaseConnection,
    tenant: &Tenant,
    id: BookingId,
) -> ApiResult<BookingView> {
    find_booking_for(db, tenant, id, ManageBookings::granted_to(tenant.role))
        .await
        .map(BookingView::from)
}

/// Cancels a booked place (late after the cut-off); the first in line gets it.
pub async fn cancel_booking(
    ctx: &AppContext,
    tenant: &Tenant,
    id: BookingId,
) -> ApiResult<BookingView> {
    // Microseconds, as the database keeps them: the answer is built from this value.
    let now = Utc::now().trunc_subsecs(6);
    let (row, rules) =
        settings::with_rules::<booking::Entity>(&ctx.db, tenant.id, booking::Column::Id, id.uuid())
            .await?
            .ok_or(ScheduleError::BookingNotFound)?;
    // Someone else's booking is invisible to a member: 404, not 403.
    if row.account_id != tenant.account_id.uuid() && !ManageBookings::granted_to(tenant.role) {
        return Err(ScheduleError::BookingNotFound.into());
    }
    if row.status != booking::STATUS_BOOKED {
        return Err(ScheduleError::BookingNotActive.into());
    }
    let session_id = ClassSessionId(row.session_id);
    let txn = begin_write(&ctx.db).await?;
    // The place goes back first: that update takes the session's lock (every write to a
    // session's bookings takes it first) and reads the session as it stands. Whatever refuses
    // below rolls it back.
    let s = repo::release_place_and_read(&txn, tenant.id, session_id, now)
        .await?
        .ok_or(ScheduleError::SessionNotFound)?;
    if s.starts_at <= now {
        return Err(ScheduleError::SessionStarted.into());
    }
    let status = if rules.is_late_cancellation(s.starts_at, now) {
        booking::STATUS_LATE_CANCELLED
    } else {
        booking::STATUS_CANCELLED
    };
    if !repo::cancel_booking_row(&txn, tenant.id, id, status, tenant.account_id, now).await? {
        return Err(ScheduleError::BookingNotActive.into());
    }
    // The line's length was read under the session's lock: nobody joins it meanwhile.
    if s.waitlist_count > 0 && now < rules.waitlist_closes_at(s.starts_at) {
        promote_waiting(&txn, tenant.id, zone_of(tenant), session_id, now).await?;
    }
    txn.commit().await?;
    // The row as the update left it, without reading it again.
    Ok(booking::Model {
        status: status.to_owned(),
        cancelled_at: Some(now),
        cancelled_by: Some(tenant.account_id.uuid()),
        updated_at: now,
        ..row
    }
    .into())
}

/// Staff mark a booked member attended or no-show (the place stays taken either way).
pub async fn mark_attendance(
    db: &DatabaseConnection,
    tenant: &Tenant,
    id: BookingId,
    mark: AttendanceMark,
) -> ApiResult<BookingView> {
    let now = Utc::now();
    let row = repo::find_booking(db, tenant.id, id)
        .await?
        .ok_or(ScheduleError::BookingNotFound)?;
    let s = find_session_model(db, tenant.id, ClassSessionId(row.session_id)).await?;
    if s.status == session::STATUS_CANCELLED {
        return Err(ScheduleError::SessionCancelled.into());
    }
    let status = match mark {
        AttendanceMark::Attended => {
            if now < s.starts_at - Duration::minutes(ATTENDANCE_OPENS_MINUTES) {
                return Err(ScheduleError::SessionNotStarted.into());
            }
            booking::STATUS_ATTENDED
        }
        AttendanceMark::NoShow => {
            if now < s.starts_at {
                return Err(ScheduleError::SessionNotStarted.into());
            }
            booking::STATUS_NO_SHOW
        }
    };
    if !repo::mark_attendance(db, tenant.id, id, status, tenant.account_id, now).await? {
        return Err(ScheduleError::BookingNotActive.into());
    }
    let row = repo::find_booking(db, tenant.id, id)
        .await?
        .ok_or(ScheduleError::BookingNotFound)?;
    Ok(row.into())
}

/// Attendance can be marked from this many minutes before the start.
pub const ATTENDANCE_OPENS_MINUTES: i64 = 60;

// ---------------------------------------------------------------- waitlist

/// Joins a full session's waitlist; the position is handed out from the session row, so the
/// line is in joining order whatever the concurrency.
pub async fn join_waitlist(
    ctx: &AppContext,
    tenant: &Tenant,
    id: ClassSessionId,
    req: BookRequest,
) -> ApiResult<WaitlistEntryView> {
    let now = Utc::now();
    let rules = settings::load(&ctx.db, tenant.id).await?;
    let s = find_session_model(&ctx.db, tenant.id, id).await?;
    ensure_bookable(&s, &rules, now)?;
    if now >= rules.waitlist_closes_at(s.starts_at) {
        return Err(ScheduleError::WaitlistClosed.into());
    }
    let member = target_member(&ctx.db, tenant, req.account_id).await?;
    ctx.check_booking_allowed(tenant.id, member).await?;

    let txn = begin_write(&ctx.db).await?;
    // Takes the session row (lock on Postgres) and the next position.
    session::Entity::update_many()
        .col_expr(
            session::Column::WaitlistSeq,
            Expr::col(session::Column::WaitlistSeq).add(1),
        )
        .col_expr(
            session::Column::WaitlistCount,
            Expr::col(session::Column::WaitlistCount).add(1),
        )
        .filter(session::Column::TenantId.eq(tenant.id.uuid()))
        .filter(session::Column::Id.eq(id.uuid()))
        .exec(&txn)
        .await?;
    let s = find_session_model(&txn, tenant.id, id).await?;
    if s.booked_count < s.capacity {
        return Err(ScheduleError::SessionNotFull.into());
    }
    if repo::active_booking(&txn, tenant.id, id, member)
        .await?
        .is_some()
    {
        return Err(ScheduleError::AlreadyBooked.into());
    }
    if repo::waiting_entry(&txn, tenant.id, id, member)
        .await?
        .is_some()
    {
        return Err(ScheduleError::AlreadyWaitlisted.into());
    }
    let entry = waitlist_entry::ActiveModel {
        id: Set(WaitlistEntryId::new().uuid()),
        tenant_id: Set(tenant.id.uuid()),
        session_id: Set(id.uuid()),
        account_id: Set(member.uuid()),
        position: Set(s.waitlist_seq),
        status: Set(waitlist_entry::STATUS_WAITING.to_owned()),
        added_by: Set(tenant.account_id.uuid()),
        booking_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| -> ApiError {
        if repo::is_unique_violation(&e) {
            ScheduleError::AlreadyWaitlisted.into()
        } else {
            e.into()
        }
    })?;
    let place = repo::place_in_line(&txn, tenant.id, id, entry.position).await?;
    txn.commit().await?;
    Ok(WaitlistEntryView::new(
        entry,
        i64::try_from(place).unwrap_or(i64::MAX),
    ))
}

/// One waitlist entry, with its place in line: the member's own, or any for staff.
pub async fn get_waitlist_entry(
    db: &DatabaseConnection,
    tenant: &Tenant,
    id: WaitlistEntryId,
) -> ApiResult<WaitlistEntryView> {
    let entry = find_entry_for(db, tenant, id).await?;
    let place = if entry.status == waitlist_entry::STATUS_WAITING {
        i64::try_from(
            repo::place_in_line(
                db,
                tenant.id,
                ClassSessionId(entry.session_id),
                entry.position,
            )
            .await?,
        )
        .unwrap_or(i64::MAX)
    } else {
        0
    };
    Ok(WaitlistEntryView::new(entry, place))
}

async fn find_entry_for(
    db: &impl ConnectionTrait,
    tenant: &Tenant,
    id: WaitlistEntryId,
) -> ApiResult<waitlist_entry::Model> {
    let entry = scoped::<waitlist_entry::Entity>(tenant.id)
        .filter(waitlist_entry::Column::Id.eq(id.uuid()))
        .one(db)
        .await?
        .ok_or(ScheduleError::NotWaitlisted)?;
    if entry.account_id != tenant.account_id.uuid() && !ManageBookings::granted_to(tenant.role) {
        return Err(ScheduleError::NotWaitlisted.into());
    }
    Ok(entry)
}

/// Leaves the waitlist (one's own place, or any for staff).
pub async fn leave_waitlist(
    db: &DatabaseConnection,
    tenant: &Tenant,
    id: WaitlistEntryId,
) -> ApiResult<()> {
    let now = Utc::now();
    let txn = begin_write(db).await?;
    let entry = find_entry_for(&txn, tenant, id).await?;
    if !leave_line(&txn, tenant.id, &entry, now).await? {
        return Err(ScheduleError::NotWaitlisted.into());
    }
    txn.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- settings

/// The gym's booking rules.
pub async fn get_settings(
    db: &DatabaseConnection,
    tenant: TenantId,
) -> ApiResult<ScheduleSettingsView> {
    Ok(settings::load(db, tenant).await?.into())
}

/// Replaces the gym's booking rules (an upsert of its row).
pub async fn put_settings(
    db: &DatabaseConnection,
    tenant: TenantId,
    req: ScheduleSettingsView,
) -> ApiResult<ScheduleSettingsView> {
    use crate::entities::settings as row;
    use sea_orm::sea_query::OnConflict;
    row::Entity::insert(row::ActiveModel {
        tenant_id: Set(tenant.uuid()),
        booking_window_days: Set(req.booking_window_days),
        cancellation_cutoff_minutes: Set(req.cancellation_cutoff_minutes),
        waitlist_close_minutes: Set(req.waitlist_close_minutes),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(row::Column::TenantId)
            .update_columns([
                row::Column::BookingWindowDays,
                row::Column::CancellationCutoffMinutes,
                row::Column::WaitlistCloseMinutes,
                row::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    get_settings(db, tenant).await
}

// ---------------------------------------------------------------- account deletion

/// Frees what a deleted account held, inside the deletion's transaction: its booked places in
/// sessions not yet started are cancelled and go to the waitlist, its waiting entries end. Past
/// bookings stay as history (the account keeps its id, without personal data).
pub async fn erase_account(txn: &impl ConnectionTrait, account: AccountId) -> Result<(), DbErr> {
    use palestra_core::entities::tenant;
    let now = Utc::now();
    // The account's own rows in every gym: deliberately not scoped to one tenant.
    let booked = booking::Entity::find()
        .find_also_related(session::Entity)
        .filter(booking::Column::AccountId.eq(account.uuid()))
        .filter(booking::Column::Status.eq(booking::STATUS_BOOKED))
        .filter(session::Column::StartsAt.gt(now))
        .all(txn)
        .await?;
    for (row, s) in booked {
        let Some(s) = s else { continue };
        let tenant = TenantId(row.tenant_id);
        repo::lock_session(txn, tenant, ClassSessionId(s.id)).await?;
        let cancelled = repo::cancel_booking_row(
            txn,
            tenant,
            BookingId(row.id),
            booking::STATUS_CANCELLED,
            account,
            now,
        )
        .await?;
        if cancelled {
            repo::release_place(txn, tenant, ClassSessionId(s.id), now).await?;
            let rules = settings::load(txn, tenant).await?;
            if now < rules.waitlist_closes_at(s.starts_at) {
                let zone = tenant::Entity::find_by_id(tenant.uuid())
                    .one(txn)
                    .await?
                    .and_then(|t| t.time_zone.parse().ok())
                    .unwrap_or(TimeZone(chrono_tz::UTC));
                promote_waiting(txn, tenant, zone, ClassSessionId(s.id), now).await?;
            }
        }
    }
    let waiting = waitlist_entry::Entity::find()
        .filter(waitlist_entry::Column::AccountId.eq(account.uuid()))
        .filter(waitlist_entry::Column::Status.eq(waitlist_entry::STATUS_WAITING))
        .all(txn)
        .await?;
    for entry in waiting {
        leave_line(txn, TenantId(entry.tenant_id), &entry, now).await?;
    }
    // Its calendar feed URLs stop working. The check-in code's version row stays: without it
    // the member's first code would verify again.
    calendar_feed::Entity::delete_many()
        .filter(calendar_feed::Column::AccountId.eq(account.uuid()))
        .exec(txn)
        .await?;
    Ok(())
}
