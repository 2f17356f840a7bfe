//! Availability: the weekly working hours (in the trainer's zone, one JSON value on the
//! workspace's settings row), exceptions on dates (time off, extra hours), appointment types,
//! and the bookable slots they give (computed by [`crate::slots`]).

use std::collections::HashMap;

use chrono::{DateTime, Days, Duration, NaiveDate, SecondsFormat, Utc, Weekday};
use palestra_core::ids::TenantId;
use palestra_core::money::Currency;
use palestra_core::scope::scoped;
use palestra_core::time::TimeZone;
use palestra_core::{FieldError, Validate};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::entities::{appointment, appointment_type, availability_exception, settings};
use crate::slots::{self, DAY_MINUTES, DayChange, SlotRules, Span, WallRange};

/// At most this many intervals a day.
pub const MAX_INTERVALS_PER_DAY: usize = 8;
/// The longest range `GET /availability` answers, in days.
pub const MAX_RANGE_DAYS: i64 = 31;
/// The longest an appointment's blocked range can be (a day of session and two buffers of
/// 12 h): overlap queries look back this far, so they stay bounded.
pub const MAX_BLOCK: Duration = Duration::hours(48);
/// The workspace's cancellation cut-off until it sets one.
pub const DEFAULT_CANCEL_CUTOFF_MINUTES: i32 = 24 * 60;

/// A working interval of a day, in local wall time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkInterval {
    /// Start, `HH:MM` (00:00 to 23:59).
    #[schema(example = "09:00")]
    pub starts: String,
    /// End, `HH:MM` (00:01 to 24:00), after the start.
    #[schema(example = "17:00")]
    pub ends: String,
}

/// Minutes since midnight of `HH:MM` (`24:00` allowed), or `None`.
pub fn parse_wall_time(text: &str) -> Option<u16> {
    let (hours, minutes) = text.split_once(':')?;
    if hours.len() != 2 || minutes.len() != 2 {
        return None;
    }
    let hours: u16 = hours.parse().ok()?;
    let minutes: u16 = minutes.parse().ok()?;
    if minutes > 59 || hours > 24 || (hours == 24 && minutes != 0) {
        return None;
    }
    Some(hours * 60 + minutes)
}

fn format_wall_time(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

fn range_of(
    path: &str,
    starts: &str,
    ends: &str,
    errors: &mut Vec<FieldError>,
) -> Option<WallRange> {
    let start = parse_wall_time(starts).filter(|m| *m < DAY_MINUTES);
    let end = parse_wall_time(ends).filter(|m| *m > 0);
    if start.is_none() {
        errors.push(FieldError::new(
            format!("{path}.starts"),
            "invalid_time",
            "a start is HH:MM from 00:00 to 23:59",
        ));
    }
    if end.is_none() {
        errors.push(FieldError::new(
            format!("{path}.ends"),
            "invalid_time",
            "an end is HH:MM from 00:01 to 24:00",
        ));
    }
    let (start, end) = (start?, end?);
    if start >= end {
        errors.push(FieldError::new(
            format!("{path}.ends"),
            "before_start",
            "the end must be after the start",
        ));
        return None;
    }
    Some(WallRange { start, end })
}

/// The weekly working hours: per weekday, its intervals (none: not working that day).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeeklyHours {
    #[serde(default)]
    pub monday: Vec<WorkInterval>,
    #[serde(default)]
    pub tuesday: Vec<WorkInterval>,
    #[serde(default)]
    pub wednesday: Vec<WorkInterval>,
    #[serde(default)]
    pub thursday: Vec<WorkInterval>,
    #[serde(default)]
    pub friday: Vec<WorkInterval>,
    #[serde(default)]
    pub saturday: Vec<WorkInterval>,
    #[serde(default)]
    pub sunday: Vec<WorkInterval>,
}

impl WeeklyHours {
    /// Monday to Friday, 09:00 to 17:00: a new workspace's hours until the trainer sets theirs.
    pub fn default_hours() -> Self {
        let day = || {
            vec![WorkInterval {
                starts: "09:00".into(),
                ends: "17:00".into(),
            }]
        };
        Self {
            monday: day(),
            tuesday: day(),
            wednesday: day(),
            thursday: day(),
            friday: day(),
            saturday: vec![],
            sunday: vec![],
        }
    }

    fn days(&self) -> [(&'static str, Weekday, &Vec<WorkInterval>); 7] {
        [
            ("monday", Weekday::Mon, &self.monday),
            ("tuesday", Weekday::Tue, &self.tuesday),
            ("wednesday", Weekday::Wed, &self.wednesday),
            ("thursday", Weekday::Thu, &self.thursday),
            ("friday", Weekday::Fri, &self.friday),
            ("saturday", Weekday::Sat, &self.saturday),
            ("sunday", Weekday::Sun, &self.sunday),
        ]
    }

    /// The parsed ranges of each weekday (invalid ones dropped; stored hours were validated).
    pub fn ranges(&self) -> HashMap<Weekday, Vec<WallRange>> {
        let mut ignored = Vec::new();
        self.days()
            .into_iter()
            .map(|(name, day, intervals)| {
                let ranges = intervals
                    .iter()
                    .filter_map(|i| range_of(name, &i.starts, &i.ends, &mut ignored))
                    .collect();
                (day, ranges)
            })
            .collect()
    }
}

impl Validate for WeeklyHours {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        for (name, _, intervals) in self.days() {
            if intervals.len() > MAX_INTERVALS_PER_DAY {
                errors.push(FieldError::new(
                    name,
                    "too_many",
                    format!("at most {MAX_INTERVALS_PER_DAY} intervals a day"),
                ));
                continue;
            }
            let mut ranges: Vec<_> = intervals
                .iter()
                .enumerate()
                .filter_map(|(i, interval)| {
                    range_of(
                        &format!("{name}[{i}]"),
                        &interval.starts,
                        &interval.ends,
                        &mut errors,
                    )
                    .map(|r| (i, r))
                })
                .collect();
            ranges.sort_by_key(|(_, r)| r.start);
            for pair in ranges.windows(2) {
                if pair[1].1.start < pair[0].1.end {
                    errors.push(FieldError::new(
                        format!("{name}[{}]", pair[1].0),
                        "overlap",
                        "intervals of a day must not overlap",
                    ));
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// The weekly hours with the zone they are read in.
#[derive(Debug, Serialize, ToSchema)]
pub struct WeeklyHoursView {
    /// The trainer's IANA time zone (the workspace's).
    pub time_zone: String,
    /// Per weekday, the working intervals in that zone's wall time.
    pub weekly: WeeklyHours,
}

/// The workspace's settings row, or its defaults.
pub struct Settings {
    /// Weekly hours.
    pub weekly: WeeklyHours,
    /// Cancellation cut-off in minutes.
    pub cancel_cutoff_minutes: i32,
}

/// Reads the workspace's settings (defaults when it has no row yet).
pub async fn load_settings(db: &impl ConnectionTrait, tenant: TenantId) -> Result<Settings, DbErr> {
    let row = scoped::<settings::Entity>(tenant).one(db).await?;
    Ok(settings_of(row))
}

/// An appointment type of the workspace with the workspace's settings, in one query.
pub async fn type_with_settings(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<(appointment_type::Model, Settings)>, DbErr> {
    let row = palestra_core::scope::find_with_tenant_row::<
        appointment_type::Entity,
        settings::Entity,
    >(db, tenant, appointment_type::Column::Id, id)
    .await?;
    Ok(row.map(|(kind, settings)| (kind, settings_of(settings))))
}

fn settings_of(row: Option<settings::Model>) -> Settings {
    match row {
        Some(row) => Settings {
            weekly: serde_json::from_value(row.weekly_hours).unwrap_or_default(),
            cancel_cutoff_minutes: row.cancel_cutoff_minutes,
        },
        None => Settings {
            weekly: WeeklyHours::default_hours(),
            cancel_cutoff_minutes: DEFAULT_CANCEL_CUTOFF_MINUTES,
        },
    }
}

fn settings_row(tenant: TenantId, weekly: &WeeklyHours) -> settings::ActiveModel {
    settings::ActiveModel {
        tenant_id: Set(tenant.uuid()),
        weekly_hours: Set(serde_json::to_value(weekly).unwrap_or_default()),
        cancel_cutoff_minutes: Set(DEFAULT_CANCEL_CUTOFF_MINUTES),
        updated_at: Set(Utc::now()),
    }
}

/// Makes sure the workspace has its settings row, with default hours.
pub async fn ensure_settings(db: &impl ConnectionTrait, tenant: TenantId) -> Result<(), DbErr> {
    settings::Entity::insert(settings_row(tenant, &WeeklyHours::default_hours()))
        .on_conflict_do_nothing()
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

/// Replaces the weekly hours.
pub async fn save_weekly(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    weekly: &WeeklyHours,
) -> Result<(), DbErr> {
    settings::Entity::insert(settings_row(tenant, weekly))
        .on_conflict(
            OnConflict::column(settings::Column::TenantId)
                .update_columns([settings::Column::WeeklyHours, settings::Column::UpdatedAt])
                .to_owned(),
        )
        .exec(db)
        .await
        .map(|_| ())
}

/// The workspace's booking policy.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyView {
    /// A client's cancellation later than this many minutes before the start is late (0 to
    /// 30 days; an appointment type may override it).
    pub cancel_cutoff_minutes: i32,
}

impl Validate for PolicyView {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        if (0..=60 * 24 * 30).contains(&self.cancel_cutoff_minutes) {
            Ok(())
        } else {
            Err(vec![FieldError::new(
                "cancel_cutoff_minutes",
                "out_of_range",
                "0 to 30 days in minutes",
            )])
        }
    }
}

/// Sets the workspace's cancellation cut-off.
pub async fn save_policy(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    policy: &PolicyView,
) -> Result<(), DbErr> {
    ensure_settings(db, tenant).await?;
    settings::Entity::update_many()
        .col_expr(
            settings::Column::CancelCutoffMinutes,
            sea_orm::sea_query::Expr::value(policy.cancel_cutoff_minutes),
        )
        .col_expr(
            settings::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(settings::Column::TenantId.eq(tenant.uuid()))
        .exec(db)
        .await
        .map(|_| ())
}

// ----- exceptions -----

/// What an exception does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionKind {
    /// Away: the interval (or the whole day without one) takes no appointments.
    TimeOff,
    /// Working beyond the weekly hours in the interval.
    ExtraHours,
}

impl ExceptionKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::TimeOff => availability_exception::KIND_TIME_OFF,
            Self::ExtraHours => availability_exception::KIND_EXTRA_HOURS,
        }
    }
}

/// A new exception on a date of the trainer's calendar.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExceptionRequest {
    /// The local date.
    pub date: NaiveDate,
    /// Time off or extra hours.
    pub kind: ExceptionKind,
    /// Start, `HH:MM`; omitted with `ends` for a whole day off.
    pub starts: Option<String>,
    /// End, `HH:MM` (24:00 allowed).
    pub ends: Option<String>,
    /// Why (shown to staff only).
    pub note: Option<String>,
}

impl ExceptionRequest {
    /// The wall range, once validated.
    pub fn range(&self) -> Option<WallRange> {
        let mut ignored = Vec::new();
        match (&self.starts, &self.ends) {
            (Some(s), Some(e)) => range_of("", s, e, &mut ignored),
            _ => None,
        }
    }
}

impl Validate for ExceptionRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        match (&self.starts, &self.ends) {
            (Some(s), Some(e)) => {
                range_of("interval", s, e, &mut errors);
            }
            (None, None) if self.kind == ExceptionKind::TimeOff => {}
            _ => errors.push(FieldError::new(
                "starts",
                "required",
                "give both `starts` and `ends` (only a time off may omit both, for the whole day)",
            )),
        }
        if self.note.as_ref().is_some_and(|n| n.chars().count() > 500) {
            errors.push(FieldError::new(
                "note",
                "too_long",
                "at most 500 characters",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// An exception as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExceptionView {
    pub id: Uuid,
    pub date: NaiveDate,
    pub kind: ExceptionKind,
    /// `HH:MM`, absent for a whole day.
    pub starts: Option<String>,
    /// `HH:MM`, absent for a whole day.
    pub ends: Option<String>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<availability_exception::Model> for ExceptionView {
    fn from(m: availability_exception::Model) -> Self {
        let minute = |v: Option<i32>| v.and_then(|m| u16::try_from(m).ok()).map(format_wall_time);
        Self {
            id: m.id,
            date: m.date,
            kind: if m.kind == availability_exception::KIND_EXTRA_HOURS {
                ExceptionKind::ExtraHours
            } else {
                ExceptionKind::TimeOff
            },
            starts: minute(m.start_minute),
            ends: minute(m.end_minute),
            note: m.note,
            created_at: m.created_at,
        }
    }
}

/// Creates an exception.
pub async fn create_exception(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    request: ExceptionRequest,
) -> Result<availability_exception::Model, DbErr> {
    let range = request.range();
    let model = availability_exception::Model {
        id: Uuid::now_v7(),
        tenant_id: tenant.uuid(),
        date: request.date,
        kind: request.kind.as_str().to_owned(),
        start_minute: range.map(|r| i32::from(r.start)),
        end_minute: range.map(|r| i32::from(r.end)),
        note: request.note,
        created_at: Utc::now(),
    };
    availability_exception::Entity::insert(availability_exception::ActiveModel::from(
        model.clone(),
    ))
    .exec_without_returning(db)
    .await?;
    Ok(model)
}

/// Replaces an exception's date, kind, interval and note; the row, if it existed.
pub async fn update_exception(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
    request: ExceptionRequest,
) -> Result<Option<availability_exception::Model>, DbErr> {
    let Some(old) = scoped::<availability_exception::Entity>(tenant)
        .filter(availability_exception::Column::Id.eq(id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let range = request.range();
    let model = availability_exception::Model {
        date: request.date,
        kind: request.kind.as_str().to_owned(),
        start_minute: range.map(|r| i32::from(r.start)),
        end_minute: range.map(|r| i32::from(r.end)),
        note: request.note,
        ..old
    };
    let mut active = availability_exception::ActiveModel::from(model.clone());
    active = sea_orm::ActiveModelTrait::reset_all(active);
    active.id = sea_orm::ActiveValue::Unchanged(model.id);
    active.tenant_id = sea_orm::ActiveValue::Unchanged(model.tenant_id);
    active.created_at = sea_orm::ActiveValue::Unchanged(model.created_at);
    availability_exception::Entity::update(active)
        .exec(db)
        .await?;
    Ok(Some(model))
}

/// The exceptions of the local dates `from..=to`, in date order.
pub async fn exceptions_between(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<availability_exception::Model>, DbErr> {
    scoped::<availability_exception::Entity>(tenant)
        .filter(availability_exception::Column::Date.between(from, to))
        .order_by_asc(availability_exception::Column::Date)
        .order_by_asc(availability_exception::Column::Id)
        .limit(1000)
        .all(db)
        .await
}

/// Deletes an exception; whether it existed.
pub async fn delete_exception(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
) -> Result<bool, DbErr> {
    let result = availability_exception::Entity::delete_many()
        .filter(availability_exception::Column::TenantId.eq(tenant.uuid()))
        .filter(availability_exception::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// A date range query: local dates, `to` included.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DateRangeQuery {
    /// First local date (default: today in the trainer's zone).
    pub from: Option<NaiveDate>,
    /// Last local date, included (default: 30 days after `from`).
    pub to: Option<NaiveDate>,
}

impl DateRangeQuery {
    /// The checked range.
    pub fn range(
        &self,
        today: NaiveDate,
        max_days: i64,
    ) -> Result<(NaiveDate, NaiveDate), FieldError> {
        let from = self.from.unwrap_or(today);
        let to = self
            .to
            .unwrap_or_else(|| from.checked_add_days(Days::new(30)).unwrap_or(from));
        if to < from {
            return Err(FieldError::new(
                "to",
                "before_from",
                "`to` must not be before `from`",
            ));
        }
        if (to - from).num_days() > max_days {
            return Err(FieldError::new(
                "to",
                "range_too_long",
                format!("at most {max_days} days"),
            ));
        }
        Ok((from, to))
    }
}

// ----- appointment types -----

/// An appointment type to create or replace.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppointmentTypeRequest {
    /// 1 to 120 characters.
    pub name: String,
    /// Session length, 5 to 720 minutes.
    pub duration_minutes: i32,
    /// Price in minor units (0: free).
    #[serde(default)]
    pub price_minor: i64,
    /// ISO 4217 code; default: the workspace's currency.
    pub currency: Option<Currency>,
    /// Kept free before, 0 to 720 minutes.
    #[serde(default)]
    pub buffer_before_minutes: i32,
    /// Kept free after, 0 to 720 minutes.
    #[serde(default)]
    pub buffer_after_minutes: i32,
    /// Clients book at least this long ahead (minutes, default 0).
    #[serde(default)]
    pub min_notice_minutes: i32,
    /// Clients book at most this far ahead (days, 1 to 365, default 60).
    pub max_days_ahead: Option<i32>,
    /// Where it takes place.
    pub location: Option<String>,
    /// A video call link, `https://…`.
    pub online_link: Option<String>,
    /// Whether clients may book it themselves (default true).
    pub self_bookable: Option<bool>,
    /// Session credits one appointment consumes (default 0).
    #[serde(default)]
    pub credits: i32,
    /// A cancellation later than this many minutes before the start is late (default: the
    /// workspace's, 24 h).
    pub cancel_cutoff_minutes: Option<i32>,
}

impl Validate for AppointmentTypeRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut check = |ok: bool, field: &str, code: &str, message: &str| {
            if !ok {
                errors.push(FieldError::new(field, code, message));
            }
        };
        let name = self.name.trim().chars().count();
        check(
            (1..=120).contains(&name),
            "name",
            "length",
            "1 to 120 characters",
        );
        check(
            (5..=720).contains(&self.duration_minutes),
            "duration_minutes",
            "out_of_range",
            "5 to 720 minutes",
        );
        check(
            self.price_minor >= 0,
            "price_minor",
            "negative",
            "must not be negative",
        );
        for (field, value) in [
            ("buffer_before_minutes", self.buffer_before_minutes),
            ("buffer_after_minutes", self.buffer_after_minutes),
        ] {
            check(
                (0..=720).contains(&value),
                field,
                "out_of_range",
                "0 to 720 minutes",
            );
        }
        check(
            (0..=60 * 24 * 90).contains(&self.min_notice_minutes),
            "min_notice_minutes",
            "out_of_range",
            "0 to 90 days in minutes",
        );
        check(
            self.max_days_ahead.is_none_or(|d| (1..=365).contains(&d)),
            "max_days_ahead",
            "out_of_range",
            "1 to 365 days",
        );
        check(
            self.location
                .as_ref()
                .is_none_or(|l| l.chars().count() <= 200),
            "location",
            "too_long",
            "at most 200 characters",
        );
        check(
            self.online_link.as_ref().is_none_or(|l| {
                l.len() <= 500 && (l.starts_with("https://") || l.starts_with("http://"))
            }),
            "online_link",
            "invalid_url",
            "an http(s) URL of at most 500 characters",
        );
        check(
            (0..=100).contains(&self.credits),
            "credits",
            "out_of_range",
            "0 to 100",
        );
        check(
            self.cancel_cutoff_minutes
                .is_none_or(|m| (0..=60 * 24 * 30).contains(&m)),
            "cancel_cutoff_minutes",
            "out_of_range",
            "0 to 30 days in minutes",
        );
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// An appointment type as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppointmentTypeView {
    pub id: Uuid,
    pub name: String,
    pub duration_minutes: i32,
    pub price_minor: i64,
    pub currency: String,
    pub buffer_before_minutes: i32,
    pub buffer_after_minutes: i32,
    pub min_notice_minutes: i32,
    pub max_days_ahead: i32,
    pub location: Option<String>,
    pub online_link: Option<String>,
    pub self_bookable: bool,
    pub credits: i32,
    pub cancel_cutoff_minutes: Option<i32>,
    /// Archived types take no new appointments.
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<appointment_type::Model> for AppointmentTypeView {
    fn from(m: appointment_type::Model) -> Self {
        Self {
            id: m.id,
            name: m.name,
            duration_minutes: m.duration_minutes,
            price_minor: m.price_minor,
            currency: m.currency,
            buffer_before_minutes: m.buffer_before_minutes,
            buffer_after_minutes: m.buffer_after_minutes,
            min_notice_minutes: m.min_notice_minutes,
            max_days_ahead: m.max_days_ahead,
            location: m.location,
            online_link: m.online_link,
            self_bookable: m.self_bookable,
            credits: m.credits,
            cancel_cutoff_minutes: m.cancel_cutoff_minutes,
            active: m.active,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// The row a request describes (new id and times; the caller keeps the old ones on update).
pub fn type_model(
    tenant: TenantId,
    default_currency: &str,
    r: AppointmentTypeRequest,
) -> appointment_type::Model {
    let now = Utc::now();
    appointment_type::Model {
        id: Uuid::now_v7(),
        tenant_id: tenant.uuid(),
        name: r.name.trim().to_owned(),
        duration_minutes: r.duration_minutes,
        price_minor: r.price_minor,
        currency: r
            .currency
            .map_or_else(|| default_currency.to_owned(), |c| c.code().to_owned()),
        buffer_before_minutes: r.buffer_before_minutes,
        buffer_after_minutes: r.buffer_after_minutes,
        min_notice_minutes: r.min_notice_minutes,
        max_days_ahead: r.max_days_ahead.unwrap_or(60),
        location: r.location,
        online_link: r.online_link,
        self_bookable: r.self_bookable.unwrap_or(true),
        credits: r.credits,
        cancel_cutoff_minutes: r.cancel_cutoff_minutes,
        active: true,
        created_at: now,
        updated_at: now,
    }
}

/// A type of the workspace.
pub async fn find_type(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<appointment_type::Model>, DbErr> {
    scoped::<appointment_type::Entity>(tenant)
        .filter(appointment_type::Column::Id.eq(id))
        .one(db)
        .await
}

/// The slot rules of a type.
pub fn rules_of(t: &appointment_type::Model) -> SlotRules {
    SlotRules {
        duration: Duration::minutes(i64::from(t.duration_minutes)),
        buffer_before: Duration::minutes(i64::from(t.buffer_before_minutes)),
        buffer_after: Duration::minutes(i64::from(t.buffer_after_minutes)),
        min_notice: Duration::minutes(i64::from(t.min_notice_minutes)),
        max_ahead: Duration::days(i64::from(t.max_days_ahead)),
    }
}

// ----- slots -----

/// A query for bookable slots.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AvailabilityQuery {
    /// The appointment type.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub type_id: Uuid,
    /// First local date, in the trainer's zone (default: today).
    pub from: Option<NaiveDate>,
    /// Last local date, included (default and maximum: 31 days after `from`).
    pub to: Option<NaiveDate>,
    /// IANA zone to show local times in (default: the caller's account zone, else the
    /// trainer's).
    pub tz: Option<TimeZone>,
}

/// A bookable slot.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SlotView {
    /// Start, UTC.
    #[serde(serialize_with = "palestra_core::time::rfc3339")]
    pub starts_at: DateTime<Utc>,
    /// End, UTC.
    #[serde(serialize_with = "palestra_core::time::rfc3339")]
    pub ends_at: DateTime<Utc>,
    /// Start in the shown zone, RFC 3339 with its offset.
    #[schema(example = "2026-03-30T10:00:00+02:00")]
    pub local_starts_at: String,
    /// End in the shown zone, RFC 3339 with its offset.
    pub local_ends_at: String,
}

/// Slots of a type, in one zone.
#[derive(Debug, Serialize, ToSchema)]
pub struct AvailabilityView {
    /// The type.
    pub type_id: Uuid,
    /// The zone local times are shown in.
    pub time_zone: String,
    /// The trainer's zone, in which working hours are set.
    pub trainer_time_zone: String,
    /// Bookable slots in start order.
    pub slots: Vec<SlotView>,
}

/// A slot as shown in a zone.
pub fn slot_view(start: DateTime<Utc>, duration: Duration, shown: TimeZone) -> SlotView {
    let end = start + duration;
    SlotView {
        starts_at: start,
        ends_at: end,
        local_starts_at: start
            .with_timezone(&shown.0)
            .to_rfc3339_opts(SecondsFormat::Secs, false),
        local_ends_at: end
            .with_timezone(&shown.0)
            .to_rfc3339_opts(SecondsFormat::Secs, false),
    }
}

/// The working spans of local dates `from..=to` (weekly hours and exceptions; two queries).
pub async fn working_spans(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    zone: TimeZone,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Span>, DbErr> {
    let settings = load_settings(db, tenant).await?;
    working_spans_of(db, tenant, zone, &settings.weekly, from, to).await
}

/// [`working_spans`] with the weekly hours already read.
pub async fn working_spans_of(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    zone: TimeZone,
    weekly: &WeeklyHours,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Span>, DbErr> {
    let weekly = weekly.ranges();
    let exceptions = exceptions_between(db, tenant, from, to).await?;
    let mut changes: HashMap<NaiveDate, Vec<DayChange>> = HashMap::new();
    for e in exceptions {
        let range = match (e.start_minute, e.end_minute) {
            (Some(s), Some(end)) => u16::try_from(s)
                .ok()
                .zip(u16::try_from(end).ok())
                .map(|(start, end)| WallRange { start, end }),
            _ => None,
        };
        let change = if e.kind == availability_exception::KIND_EXTRA_HOURS {
            match range {
                Some(r) => DayChange::Extra(r),
                None => continue,
            }
        } else {
            DayChange::TimeOff(range)
        };
        changes.entry(e.date).or_default().push(change);
    }
    Ok(slots::working_spans(
        zone,
        |day| weekly.get(&day).cloned().unwrap_or_default(),
        |date| changes.get(&date).cloned().unwrap_or_default(),
        from,
        to,
    ))
}

/// The blocked ranges of appointments that take the trainer's time and touch `[from, to)`,
/// leaving out `except` (an appointment being moved). Bounded by [`MAX_BLOCK`].
pub async fn busy_spans(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    except: Option<Uuid>,
) -> Result<Vec<Span>, DbErr> {
    let mut select = scoped::<appointment::Entity>(tenant)
        .select_only()
        .column(appointment::Column::BlockedFrom)
        .column(appointment::Column::BlockedUntil)
        .filter(appointment::Column::BlockedFrom.lt(to))
        .filter(appointment::Column::BlockedFrom.gt(from - MAX_BLOCK))
        .filter(appointment::Column::BlockedUntil.gt(from))
        // Written out, not bound: a prepared statement's generic plan can use the partial
        // index `ix_trainer_appointments_blocking` only when the query states its predicate.
        .filter(Expr::cust(appointment::BLOCKING_PREDICATE));
    if let Some(id) = except {
        select = select.filter(appointment::Column::Id.ne(id));
    }
    select
        .order_by_asc(appointment::Column::BlockedFrom)
        .into_tuple::<(DateTime<Utc>, DateTime<Utc>)>()
        .all(db)
        .await
}

/// The first `count` free slots of a type from `after` on (within two weeks), for a 409.
pub async fn next_free_slots(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    zone: TimeZone,
    kind: &appointment_type::Model,
    after: DateTime<Utc>,
    count: usize,
) -> Result<Vec<SlotView>, DbErr> {
    let now = Utc::now();
    let from = zone.local_date(after.max(now));
    let to = from.checked_add_days(Days::new(14)).unwrap_or(from);
    let window = (zone.start_of_day(from), zone.day_range(to).1);
    let working = working_spans(db, tenant, zone, from, to).await?;
    let busy = busy_spans(db, tenant, window.0, window.1, None).await?;
    let rules = rules_of(kind);
    Ok(slots::free_slots(&working, &busy, &rules, now, window)
        .into_iter()
        .filter(|s| *s >= after)
        .take(count)
        .map(|s| slot_view(s, rules.duration, zone))
        .collect())
}

/// The workspace's zone; a stored zone that no longer parses reads as UTC (logged).
pub fn zone_of(model: &palestra_core::entities::tenant::Model) -> TimeZone {
    model.time_zone.parse().unwrap_or_else(|error: String| {
        tracing::warn!(%error, tenant = %model.id, "tenant time zone does not parse; using UTC");
        TimeZone(chrono_tz::UTC)
    })
}
