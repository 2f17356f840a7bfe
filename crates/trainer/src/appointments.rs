//! Appointments: booking (by the trainer, or by a client for a self-bookable type), recurring
//! series, rescheduling, cancellation with a cut-off, completion and no-shows.
//!
//! **No double booking.** The blocked range of an appointment (session plus buffers) may not
//! overlap the blocked range of another that takes place. Postgres enforces it with an exclusion
//! constraint, so concurrent bookings of different times never wait for each other; on SQLite
//! the write transaction is `BEGIN IMMEDIATE`, which serialises writers, and the range is
//! checked inside it before it is written. Either way the check and the write happen in one
//! transaction, with the credits consumed.

use chrono::{DateTime, Days, Duration, NaiveDate, SubsecRound, Utc};
use palestra_core::entities::{account, membership};
use palestra_core::ids::{AccountId, TenantId};
use palestra_core::outbox::{self, Channel, Localized, NewMessage, render};
use palestra_core::scope::scoped;
use palestra_core::time::TimeZone;
use palestra_core::{ApiError, FieldError, Validate};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, DbErr,
    EntityTrait, QueryFilter, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::availability::{self, zone_of};
use crate::credits;
use crate::entities::{appointment, appointment_type};
use crate::error::TrainerError;

/// At most this many occurrences in one recurring request.
pub const MAX_OCCURRENCES: usize = 52;

/// A booking.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookRequest {
    /// The appointment type.
    pub type_id: Uuid,
    /// The start, RFC 3339.
    pub starts_at: DateTime<Utc>,
    /// The client's account: required from staff; a client books for themself (omit it).
    pub client_id: Option<Uuid>,
    /// Notes for the session (visible to the client).
    pub notes: Option<String>,
}

fn check_notes(notes: Option<&String>, errors: &mut Vec<FieldError>) {
    if notes.is_some_and(|n| n.chars().count() > 4000) {
        errors.push(FieldError::new(
            "notes",
            "too_long",
            "at most 4000 characters",
        ));
    }
}

impl Validate for BookRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_notes(self.notes.as_ref(), &mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// A recurring booking: the same wall time every N weeks, `count` times or until a date.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecurringRequest {
    /// The appointment type.
    pub type_id: Uuid,
    /// The first start; later ones keep its wall time in the trainer's zone.
    pub starts_at: DateTime<Utc>,
    /// The client's account (required from staff; a client omits it).
    pub client_id: Option<Uuid>,
    /// Notes for every session.
    pub notes: Option<String>,
    /// Every this many weeks (1 to 12, default 1).
    pub every_weeks: Option<u32>,
    /// How many occurrences (1 to 52); or give `until`.
    pub count: Option<u32>,
    /// Last local date (included); or give `count`.
    pub until: Option<NaiveDate>,
}

impl Validate for RecurringRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_notes(self.notes.as_ref(), &mut errors);
        if self.every_weeks.is_some_and(|w| !(1..=12).contains(&w)) {
            errors.push(FieldError::new("every_weeks", "out_of_range", "1 to 12"));
        }
        match (self.count, self.until) {
            (Some(c), None) if (1..=52).contains(&c) => {}
            (Some(_), None) => errors.push(FieldError::new("count", "out_of_range", "1 to 52")),
            (None, Some(_)) => {}
            _ => errors.push(FieldError::new(
                "count",
                "required",
                "give exactly one of `count` and `until`",
            )),
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// An appointment as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AppointmentView {
    pub id: Uuid,
    /// The client's account.
    pub client_id: Uuid,
    pub type_id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The time taken from the trainer's calendar, buffers included.
    pub blocked_from: DateTime<Utc>,
    pub blocked_until: DateTime<Utc>,
    /// `booked`, `cancelled`, `late_cancelled`, `completed` or `no_show`.
    pub status: String,
    pub notes: Option<String>,
    /// The recurring series it belongs to.
    pub series_id: Option<Uuid>,
    /// Who booked it.
    pub booked_by: Uuid,
    /// Credits it consumed.
    pub credits: i32,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
    /// Bumped by every change (iCalendar SEQUENCE).
    pub sequence: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<appointment::Model> for AppointmentView {
    fn from(m: appointment::Model) -> Self {
        Self {
            id: m.id,
            client_id: m.client_id,
            type_id: m.type_id,
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            blocked_from: m.blocked_from,
            blocked_until: m.blocked_until,
            status: m.status,
            notes: m.notes,
            series_id: m.series_id,
            booked_by: m.booked_by,
            credits: m.credits,
            cancelled_at: m.cancelled_at,
            cancel_reason: m.cancel_reason,
            sequence: m.sequence,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// One occurrence of a recurring request that could not be booked.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkippedOccurrence {
    /// Its start.
    pub starts_at: DateTime<Utc>,
    /// The problem code (`trainer.slot_taken`, `trainer.no_credits`, …).
    pub code: String,
    /// Why, in words.
    pub detail: String,
}

/// What a recurring request booked and what it could not.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecurringView {
    /// The series id shared by the booked appointments.
    pub series_id: Uuid,
    /// Booked occurrences.
    pub booked: Vec<AppointmentView>,
    /// Occurrences that could not be booked, with the reason.
    pub skipped: Vec<SkippedOccurrence>,
}

/// The caller as a booking sees them.
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    /// The workspace.
    pub tenant: TenantId,
    /// The caller's account.
    pub account: AccountId,
    /// Whether they are staff (owner, admin, trainer) rather than a client.
    pub staff: bool,
}

/// The client a booking is for: their account row.
async fn resolve_client(
    db: &impl ConnectionTrait,
    caller: Caller,
    requested: Option<Uuid>,
) -> Result<account::Model, ApiError> {
    let client = match (caller.staff, requested) {
        (true, Some(id)) => id,
        (true, None) => {
            return Err(ApiError::validation(vec![FieldError::new(
                "client_id",
                "required",
                "staff name the client they book for",
            )]));
        }
        (false, None) => caller.account.uuid(),
        (false, Some(id)) if id == caller.account.uuid() => id,
        (false, Some(_)) => return Err(TrainerError::ClientNotFound.into()),
    };
    let row = scoped::<membership::Entity>(caller.tenant)
        .find_also_related(account::Entity)
        .filter(membership::Column::AccountId.eq(client))
        .filter(membership::Column::Role.eq("member"))
        .one(db)
        .await?;
    match row {
        Some((m, Some(a))) if membership::STATUSES_WITH_ACCESS.contains(&m.status.as_str()) => {
            Ok(a)
        }
        Some(_) => Err(TrainerError::ClientInactive.into()),
        None => Err(TrainerError::ClientNotFound.into()),
    }
}

/// Loads a type that the caller may book.
async fn bookable_type(
    db: &impl ConnectionTrait,
    caller: Caller,
    id: Uuid,
) -> Result<appointment_type::Model, ApiError> {
    let kind = availability::find_type(db, caller.tenant, id)
        .await?
        .ok_or(TrainerError::TypeNotFound)?;
    if !caller.staff && !kind.self_bookable {
        return Err(TrainerError::NotSelfBookable.into());
    }
    if !kind.active {
        return Err(TrainerError::TypeInactive.into());
    }
    Ok(kind)
}

/// What a client's own booking (or move) must honour: notice, horizon, working hours.
async fn check_client_rules(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    zone: TimeZone,
    kind: &appointment_type::Model,
    start: DateTime<Utc>,
) -> Result<(), ApiError> {
    let now = Utc::now();
    let rules = availability::rules_of(kind);
    if start < now + rules.min_notice {
        return Err(TrainerError::TooSoon(kind.min_notice_minutes).into());
    }
    if start > now + rules.max_ahead {
        return Err(TrainerError::TooFarAhead(kind.max_days_ahead).into());
    }
    let date = zone.local_date(start);
    let from = date.checked_sub_days(Days::new(1)).unwrap_or(date);
    let to = date.checked_add_days(Days::new(1)).unwrap_or(date);
    let working = availability::working_spans(db, tenant, zone, from, to).await?;
    let end = start + rules.duration;
    if !working.iter().any(|&(s, e)| s <= start && end <= e) {
        return Err(TrainerError::OutsideWorkingHours.into());
    }
    Ok(())
}

fn blocked(
    kind: &appointment_type::Model,
    start: DateTime<Utc>,
) -> (DateTime<Utc>, DateTime<Utc>, DateTime<Utc>) {
    let rules = availability::rules_of(kind);
    let end = start + rules.duration;
    (end, start - rules.buffer_before, end + rules.buffer_after)
}

/// Fails with `trainer.slot_taken` when `[from, until)` overlaps a blocking appointment.
///
/// SQLite: `BEGIN IMMEDIATE` serialises writers, so this check reads a calendar that nobody
/// changes before the transaction ends. Postgres: the exclusion constraint
/// `ex_trainer_appointments_overlap` refuses the overlapping row itself when it is written
/// (waiting for a transaction that holds an overlapping row it cannot see yet), so bookings of
/// different times never queue behind one another; [`overlap_refused`] turns that refusal into
/// the same error.
async fn check_free(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    except: Option<Uuid>,
) -> Result<(), ApiError> {
    if txn.get_database_backend() == DbBackend::Postgres {
        return Ok(());
    }
    let busy = availability::busy_spans(txn, tenant, from, until, except).await?;
    if busy.iter().any(|&(s, e)| s < until && from < e) {
        return Err(TrainerError::SlotTaken.into());
    }
    Ok(())
}

/// A write refused by the calendar's exclusion constraint is a taken slot. So is a deadlock at
/// that write: two overlapping rows written at once can each wait for the other's check, and
/// Postgres fails one of them while the other is booked.
fn overlap_refused(error: DbErr) -> ApiError {
    if palestra_core::db::is_exclusion_violation(&error) || palestra_core::db::is_deadlock(&error) {
        TrainerError::SlotTaken.into()
    } else {
        error.into()
    }
}

/// Inserts one appointment after checking the calendar, consuming its credits, and writes
/// the client's notification, in the caller's write transaction.
#[expect(clippy::too_many_arguments, reason = "one booking's facts, all needed")]
async fn place(
    txn: &DatabaseTransaction,
    caller: Caller,
    zone: TimeZone,
    kind: &appointment_type::Model,
    client: &account::Model,
    start: DateTime<Utc>,
    series: Option<Uuid>,
    notes: Option<String>,
) -> Result<appointment::Model, ApiError> {
    let (end, blocked_from, blocked_until) = blocked(kind, start);
    check_free(txn, caller.tenant, blocked_from, blocked_until, None).await?;
    let now = Utc::now();
    let model = appointment::Model {
        id: Uuid::now_v7(),
        tenant_id: caller.tenant.uuid(),
        client_id: client.id,
        type_id: kind.id,
        starts_at: start,
        ends_at: end,
        blocked_from,
        blocked_until,
        status: appointment::STATUS_BOOKED.to_owned(),
        notes,
        series_id: series,
        booked_by: caller.account.uuid(),
        credits: kind.credits,
        cancelled_at: None,
        cancelled_by: None,
        cancel_reason: None,
        sequence: 0,
        created_at: now,
        updated_at: now,
    };
    appointment::Entity::insert(appointment::ActiveModel::from(model.clone()))
        .exec_without_returning(txn)
        .await
        .map_err(overlap_refused)?;
    credits::consume(
        txn,
        caller.tenant,
        AccountId(client.id),
        model.id,
        kind.credits,
        caller.account,
    )
    .await?;
    notify(
        txn,
        caller.tenant,
        client,
        zone,
        &kind.name,
        &model,
        &BOOKED,
    )
    .await?;
    Ok(model)
}

/// Books one appointment. A taken slot answers 409 `trainer.slot_taken` with `next_slots`.
#[tracing::instrument(skip_all, fields(tenant = %caller.tenant))]
pub async fn book(
    db: &sea_orm::DatabaseConnection,
    caller: Caller,
    tenant_model: &palestra_core::entities::tenant::Model,
    request: BookRequest,
) -> Result<appointment::Model, ApiError> {
    let zone = zone_of(tenant_model);
    let kind = bookable_type(db, caller, request.type_id).await?;
    let client = resolve_client(db, caller, request.client_id).await?;
    if caller.staff {
        // Staff may record a past session, but not invent one years away.
        if request.starts_at > Utc::now() + Duration::days(730) {
            return Err(TrainerError::TooFarAhead(730).into());
        }
    } else {
        check_client_rules(db, caller.tenant, zone, &kind, request.starts_at).await?;
    }
    let result = async {
        let txn = palestra_core::db::begin_write(db).await?;
        let model = place(
            &txn,
            caller,
            zone,
            &kind,
            &client,
            request.starts_at,
            None,
            request.notes.clone(),
        )
        .await?;
        txn.commit().await?;
        Ok::<_, ApiError>(model)
    }
    .await;
    match result {
        Err(error) if error.code() == "trainer.slot_taken" => {
            let next =
                availability::next_free_slots(db, caller.tenant, zone, &kind, request.starts_at, 3)
                    .await?;
            Err(error.with_extension("next_slots", json!(next)))
        }
        other => other,
    }
}

/// The starts of a recurring request, in the trainer's wall time.
pub fn occurrences(zone: TimeZone, request: &RecurringRequest) -> Vec<DateTime<Utc>> {
    let local = request.starts_at.with_timezone(&zone.0);
    let (date, time) = (local.date_naive(), local.time());
    let step = u64::from(request.every_weeks.unwrap_or(1)) * 7;
    let mut out = Vec::new();
    for k in 0..MAX_OCCURRENCES as u64 {
        if request.count.is_some_and(|c| k >= u64::from(c)) {
            break;
        }
        let Some(day) = date.checked_add_days(Days::new(k * step)) else {
            break;
        };
        if request.until.is_some_and(|u| day > u) {
            break;
        }
        out.push(zone.instant_at(day, time));
    }
    out
}

/// Books a recurring series in one transaction; each occurrence that cannot be booked is
/// reported instead (savepoints keep the others).
#[tracing::instrument(skip_all, fields(tenant = %caller.tenant))]
pub async fn book_recurring(
    db: &sea_orm::DatabaseConnection,
    caller: Caller,
    tenant_model: &palestra_core::entities::tenant::Model,
    request: RecurringRequest,
) -> Result<RecurringView, ApiError> {
    let zone = zone_of(tenant_model);
    let kind = bookable_type(db, caller, request.type_id).await?;
    let client = resolve_client(db, caller, request.client_id).await?;
    let series = Uuid::now_v7();
    let txn = palestra_core::db::begin_write(db).await?;
    let mut booked = Vec::new();
    let mut skipped = Vec::new();
    for start in occurrences(zone, &request) {
        let rules = if caller.staff {
            Ok(())
        } else {
            check_client_rules(&txn, caller.tenant, zone, &kind, start).await
        };
        let outcome = match rules {
            Err(e) => Err(e),
            Ok(()) => {
                let savepoint = txn.begin().await?;
                match place(
                    &savepoint,
                    caller,
                    zone,
                    &kind,
                    &client,
                    start,
                    Some(series),
                    request.notes.clone(),
                )
                .await
                {
                    Ok(model) => {
                        savepoint.commit().await?;
                        Ok(model)
                    }
                    Err(e) => {
                        savepoint.rollback().await?;
                        Err(e)
                    }
                }
            }
        };
        match outcome {
            Ok(model) => booked.push(model.into()),
            Err(e) if e.problem().status < 500 => {
                let problem = e.problem();
                skipped.push(SkippedOccurrence {
                    starts_at: start,
                    code: problem.code,
                    detail: problem.detail.unwrap_or_default(),
                });
            }
            Err(e) => return Err(e),
        }
    }
    txn.commit().await?;
    Ok(RecurringView {
        series_id: series,
        booked,
        skipped,
    })
}

/// An appointment the caller may see: any for staff, their own for a client.
pub async fn find_visible(
    db: &impl ConnectionTrait,
    caller: Caller,
    id: Uuid,
) -> Result<appointment::Model, ApiError> {
    let mut select =
        scoped::<appointment::Entity>(caller.tenant).filter(appointment::Column::Id.eq(id));
    if !caller.staff {
        select = select.filter(appointment::Column::ClientId.eq(caller.account.uuid()));
    }
    select
        .one(db)
        .await?
        .ok_or_else(|| TrainerError::AppointmentNotFound.into())
}

/// A cancellation.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    /// Why (up to 500 characters).
    pub reason: Option<String>,
    /// Staff only: record it as a late cancellation (credits forfeited) although the trainer
    /// cancels. A client's lateness is decided by the cut-off.
    pub late: Option<bool>,
}

impl Validate for CancelRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        if self
            .reason
            .as_ref()
            .is_some_and(|r| r.chars().count() > 500)
        {
            return Err(vec![FieldError::new(
                "reason",
                "too_long",
                "at most 500 characters",
            )]);
        }
        Ok(())
    }
}

/// Cancels: before the cut-off it is `cancelled` and credits come back; after it,
/// `late_cancelled` and credits are forfeited. Staff cancellations are timely unless `late`.
#[tracing::instrument(skip_all, fields(tenant = %caller.tenant, appointment = %id))]
pub async fn cancel(
    db: &sea_orm::DatabaseConnection,
    caller: Caller,
    tenant_model: &palestra_core::entities::tenant::Model,
    id: Uuid,
    request: CancelRequest,
) -> Result<appointment::Model, ApiError> {
    let zone = zone_of(tenant_model);
    let txn = palestra_core::db::begin_write(db).await?;
    // The appointment with its client and type, in one query: the cut-off and the
    // notification need them.
    let mut select =
        scoped::<appointment::Entity>(caller.tenant).filter(appointment::Column::Id.eq(id));
    if !caller.staff {
        select = select.filter(appointment::Column::ClientId.eq(caller.account.uuid()));
    }
    let (current, client_account, kind) = select
        .find_also_related(account::Entity)
        .find_also_related(appointment_type::Entity)
        .one(&txn)
        .await?
        .ok_or(TrainerError::AppointmentNotFound)?;
    if current.status != appointment::STATUS_BOOKED {
        return Err(TrainerError::AppointmentNotActive.into());
    }
    // Microseconds, as the database keeps them: the answer is built from this value.
    let now = Utc::now().trunc_subsecs(6);
    let late = if caller.staff {
        request.late.unwrap_or(false)
    } else {
        if current.starts_at <= now {
            return Err(TrainerError::AppointmentStarted.into());
        }
        let cutoff = cutoff_minutes(&txn, caller.tenant, kind.as_ref()).await?;
        now > current.starts_at - Duration::minutes(i64::from(cutoff))
    };
    let status = if late {
        appointment::STATUS_LATE_CANCELLED
    } else {
        appointment::STATUS_CANCELLED
    };
    let updated = appointment::Entity::update_many()
        .col_expr(appointment::Column::Status, Expr::value(status))
        .col_expr(appointment::Column::CancelledAt, Expr::value(now))
        .col_expr(
            appointment::Column::CancelledBy,
            Expr::value(caller.account.uuid()),
        )
        .col_expr(
            appointment::Column::CancelReason,
            Expr::value(request.reason.as_deref()),
        )
        .col_expr(appointment::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            appointment::Column::Sequence,
            Expr::col(appointment::Column::Sequence).add(1),
        )
        .filter(appointment::Column::TenantId.eq(caller.tenant.uuid()))
        .filter(appointment::Column::Id.eq(id))
        .filter(appointment::Column::Status.eq(appointment::STATUS_BOOKED))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(TrainerError::AppointmentNotActive.into());
    }
    let client = AccountId(current.client_id);
    if late {
        credits::forfeit(&txn, caller.tenant, client, id, caller.account).await?;
    } else {
        credits::refund(&txn, caller.tenant, client, id, caller.account).await?;
    }
    // The row as the update left it, without reading it again.
    let model = appointment::Model {
        status: status.to_owned(),
        cancelled_at: Some(now),
        cancelled_by: Some(caller.account.uuid()),
        cancel_reason: request.reason,
        updated_at: now,
        sequence: current.sequence + 1,
        ..current
    };
    if let (Some(client), Some(kind)) = (client_account, kind) {
        notify(
            &txn,
            caller.tenant,
            &client,
            zone,
            &kind.name,
            &model,
            &CANCELLED,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(model)
}

/// The cancellation cut-off of an appointment's type, else the workspace's.
async fn cutoff_minutes(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    kind: Option<&appointment_type::Model>,
) -> Result<i32, DbErr> {
    match kind.and_then(|k| k.cancel_cutoff_minutes) {
        Some(m) => Ok(m),
        None => Ok(availability::load_settings(db, tenant)
            .await?
            .cancel_cutoff_minutes),
    }
}

/// A move to another start.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescheduleRequest {
    /// The new start.
    pub starts_at: DateTime<Utc>,
}

impl Validate for RescheduleRequest {}

/// Moves a booked appointment; the new time must be free (buffers included). A client moves
/// their own, before the cut-off, to a slot they could book.
#[tracing::instrument(skip_all, fields(tenant = %caller.tenant, appointment = %id))]
pub async fn reschedule(
    db: &sea_orm::DatabaseConnection,
    caller: Caller,
    tenant_model: &palestra_core::entities::tenant::Model,
    id: Uuid,
    request: RescheduleRequest,
) -> Result<appointment::Model, ApiError> {
    let zone = zone_of(tenant_model);
    let current = find_visible(db, caller, id).await?;
    let kind = availability::find_type(db, caller.tenant, current.type_id)
        .await?
        .ok_or(TrainerError::TypeNotFound)?;
    if !caller.staff {
        if !kind.self_bookable {
            return Err(TrainerError::NotSelfBookable.into());
        }
        let cutoff = cutoff_minutes(db, caller.tenant, Some(&kind)).await?;
        if Utc::now() > current.starts_at - Duration::minutes(i64::from(cutoff)) {
            return Err(TrainerError::CutOffPassed.into());
        }
        check_client_rules(db, caller.tenant, zone, &kind, request.starts_at).await?;
    }
    let result = async {
        let txn = palestra_core::db::begin_write(db).await?;
        let (end, blocked_from, blocked_until) = blocked(&kind, request.starts_at);
        check_free(&txn, caller.tenant, blocked_from, blocked_until, Some(id)).await?;
        let now = Utc::now();
        let updated = appointment::Entity::update_many()
            .col_expr(
                appointment::Column::StartsAt,
                Expr::value(request.starts_at),
            )
            .col_expr(appointment::Column::EndsAt, Expr::value(end))
            .col_expr(appointment::Column::BlockedFrom, Expr::value(blocked_from))
            .col_expr(
                appointment::Column::BlockedUntil,
                Expr::value(blocked_until),
            )
            .col_expr(appointment::Column::UpdatedAt, Expr::value(now))
            .col_expr(
                appointment::Column::Sequence,
                Expr::col(appointment::Column::Sequence).add(1),
            )
            .filter(appointment::Column::TenantId.eq(caller.tenant.uuid()))
            .filter(appointment::Column::Id.eq(id))
            .filter(appointment::Column::Status.eq(appointment::STATUS_BOOKED))
            .exec(&txn)
            .await
            .map_err(overlap_refused)?;
        if updated.rows_affected != 1 {
            return Err(TrainerError::AppointmentNotActive.into());
        }
        let model = find_visible(&txn, caller, id).await?;
        notify_client(&txn, caller.tenant, zone, &model, &RESCHEDULED).await?;
        txn.commit().await?;
        Ok::<_, ApiError>(model)
    }
    .await;
    match result {
        Err(error) if error.code() == "trainer.slot_taken" => {
            let next =
                availability::next_free_slots(db, caller.tenant, zone, &kind, request.starts_at, 3)
                    .await?;
            Err(error.with_extension("next_slots", json!(next)))
        }
        other => other,
    }
}

/// How a session went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It took place.
    Completed,
    /// The client did not come: credits forfeited.
    NoShow,
}

/// Marks a booked appointment that has started as completed or no-show.
#[tracing::instrument(skip_all, fields(tenant = %caller.tenant, appointment = %id))]
pub async fn mark(
    db: &sea_orm::DatabaseConnection,
    caller: Caller,
    id: Uuid,
    outcome: Outcome,
) -> Result<appointment::Model, ApiError> {
    let txn = palestra_core::db::begin_write(db).await?;
    let current = find_visible(&txn, caller, id).await?;
    if current.status != appointment::STATUS_BOOKED {
        return Err(TrainerError::AppointmentNotActive.into());
    }
    let now = Utc::now();
    if current.starts_at > now {
        return Err(TrainerError::AppointmentNotStarted.into());
    }
    let status = match outcome {
        Outcome::Completed => appointment::STATUS_COMPLETED,
        Outcome::NoShow => appointment::STATUS_NO_SHOW,
    };
    let updated = appointment::Entity::update_many()
        .col_expr(appointment::Column::Status, Expr::value(status))
        .col_expr(appointment::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            appointment::Column::Sequence,
            Expr::col(appointment::Column::Sequence).add(1),
        )
        .filter(appointment::Column::TenantId.eq(caller.tenant.uuid()))
        .filter(appointment::Column::Id.eq(id))
        .filter(appointment::Column::Status.eq(appointment::STATUS_BOOKED))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(TrainerError::AppointmentNotActive.into());
    }
    if outcome == Outcome::NoShow {
        credits::forfeit(
            &txn,
            caller.tenant,
            AccountId(current.client_id),
            id,
            caller.account,
        )
        .await?;
    }
    let model = find_visible(&txn, caller, id).await?;
    txn.commit().await?;
    Ok(model)
}

/// A change of an appointment's notes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotesRequest {
    /// The session notes (null clears them).
    pub notes: Option<String>,
}

impl Validate for NotesRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_notes(self.notes.as_ref(), &mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Sets an appointment's notes.
pub async fn set_notes(
    db: &sea_orm::DatabaseConnection,
    caller: Caller,
    id: Uuid,
    notes: Option<String>,
) -> Result<appointment::Model, ApiError> {
    let current = find_visible(db, caller, id).await?;
    let mut active: appointment::ActiveModel = current.into();
    active.notes = Set(notes);
    active.updated_at = Set(Utc::now());
    Ok(sea_orm::ActiveModelTrait::update(active, db).await?)
}

// ----- notifications -----

struct Texts {
    kind: &'static str,
    subject: Localized,
    body: Localized,
}

const BOOKED: Texts = Texts {
    kind: "trainer.appointment_booked",
    subject: Localized {
        en: "Appointment booked: {type}",
        es: "Cita reservada: {type}",
    },
    body: Localized {
        en: "Hello {name},\n\nYour {type} is booked for {when}.",
        es: "Hola {name}:\n\nTu {type} está reservada para el {when}.",
    },
};

const RESCHEDULED: Texts = Texts {
    kind: "trainer.appointment_rescheduled",
    subject: Localized {
        en: "Appointment moved: {type}",
        es: "Cita cambiada: {type}",
    },
    body: Localized {
        en: "Hello {name},\n\nYour {type} now takes place on {when}.",
        es: "Hola {name}:\n\nTu {type} es ahora el {when}.",
    },
};

const CANCELLED: Texts = Texts {
    kind: "trainer.appointment_cancelled",
    subject: Localized {
        en: "Appointment cancelled: {type}",
        es: "Cita cancelada: {type}",
    },
    body: Localized {
        en: "Hello {name},\n\nYour {type} of {when} is cancelled.",
        es: "Hola {name}:\n\nTu {type} del {when} está cancelada.",
    },
};

async fn notify(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    client: &account::Model,
    zone: TimeZone,
    type_name: &str,
    model: &appointment::Model,
    texts: &Texts,
) -> Result<(), DbErr> {
    // The client's own zone when they set one, else the trainer's.
    let shown: TimeZone = client
        .time_zone
        .as_deref()
        .and_then(|z| z.parse().ok())
        .unwrap_or(zone);
    let when = model
        .starts_at
        .with_timezone(&shown.0)
        .format("%Y-%m-%d %H:%M %Z")
        .to_string();
    let values = [
        ("name", client.full_name.as_str()),
        ("type", type_name),
        ("when", when.as_str()),
    ];
    outbox::enqueue(
        db,
        NewMessage {
            tenant: Some(tenant),
            channel: Channel::Email,
            account: Some(AccountId(client.id)),
            recipient: client.email.clone(),
            kind: texts.kind,
            subject: render(texts.subject.pick(&client.locale), &values),
            body: render(texts.body.pick(&client.locale), &values),
            data: json!({ "appointment_id": model.id, "starts_at": model.starts_at }),
        },
    )
    .await
}

async fn notify_client(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    zone: TimeZone,
    model: &appointment::Model,
    texts: &Texts,
) -> Result<(), DbErr> {
    let client = account::Entity::find_by_id(model.client_id).one(db).await?;
    let kind = availability::find_type(db, tenant, model.type_id).await?;
    if let (Some(client), Some(kind)) = (client, kind) {
        notify(db, tenant, &client, zone, &kind.name, model, texts).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn request(
        start: DateTime<Utc>,
        every: u32,
        count: Option<u32>,
        until: Option<NaiveDate>,
    ) -> RecurringRequest {
        RecurringRequest {
            type_id: Uuid::nil(),
            starts_at: start,
            client_id: None,
            notes: None,
            every_weeks: Some(every),
            count,
            until,
        }
    }

    #[test]
    fn occurrences_keep_the_wall_time_across_a_change_of_offset() {
        let madrid: TimeZone = "Europe/Madrid".parse().unwrap();
        // Monday 22 March 2027, 10:00 CET; clocks go forward on the 28th.
        let start = Utc.with_ymd_and_hms(2027, 3, 22, 9, 0, 0).unwrap();
        let starts = occurrences(madrid, &request(start, 1, Some(3), None));
        assert_eq!(
            starts,
            vec![
                start,
                Utc.with_ymd_and_hms(2027, 3, 29, 8, 0, 0).unwrap(),
                Utc.with_ymd_and_hms(2027, 4, 5, 8, 0, 0).unwrap(),
            ]
        );
    }

    #[test]
    fn occurrences_stop_at_until_or_the_cap() {
        let madrid: TimeZone = "Europe/Madrid".parse().unwrap();
        let start = Utc.with_ymd_and_hms(2027, 1, 4, 9, 0, 0).unwrap();
        let until = NaiveDate::from_ymd_opt(2027, 2, 1).unwrap();
        let starts = occurrences(madrid, &request(start, 2, None, Some(until)));
        // 4 Jan, 18 Jan, 1 Feb.
        assert_eq!(starts.len(), 3);
        let far = NaiveDate::from_ymd_opt(2040, 1, 1).unwrap();
        assert_eq!(
            occurrences(madrid, &request(start, 1, None, Some(far))).len(),
            MAX_OCCURRENCES
        );
    }

    #[test]
    fn a_wall_time_skipped_by_the_change_moves_forward_by_the_gap() {
        let madrid: TimeZone = "Europe/Madrid".parse().unwrap();
        // Sunday 21 March 2027, 02:30 CET; on the 28th 02:30 does not exist.
        let start = Utc.with_ymd_and_hms(2027, 3, 21, 1, 30, 0).unwrap();
        let starts = occurrences(madrid, &request(start, 1, Some(2), None));
        // 03:30 CEST = 01:30Z.
        assert_eq!(
            starts[1],
            Utc.with_ymd_and_hms(2027, 3, 28, 1, 30, 0).unwrap()
        );
    }
}
