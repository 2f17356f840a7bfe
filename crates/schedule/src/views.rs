//! Request and response bodies of categories, classes, sessions, series, bookings, the waitlist
//! and the booking rules.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use palestra_core::ids::AccountId;
use palestra_core::time::TimeZone;
use palestra_core::types::check_text;
use palestra_core::{FieldError, Validate};

use crate::entities::{booking, category, class, series, waitlist_entry};
use crate::ids::{BookingId, CategoryId, ClassId, ClassSessionId, SeriesId, WaitlistEntryId};
use crate::recurrence::{self, parse_weekday};
use crate::settings::Rules;

fn check_color(errors: &mut Vec<FieldError>, color: Option<&str>) {
    if let Some(color) = color {
        let ok = color.len() == 7
            && color.starts_with('#')
            && color[1..].chars().all(|c| c.is_ascii_hexdigit());
        if !ok {
            errors.push(FieldError::new(
                "color",
                "invalid",
                "must be a colour like #1A2B3C",
            ));
        }
    }
}

fn check_range(errors: &mut Vec<FieldError>, field: &str, value: Option<i64>, min: i64, max: i64) {
    if let Some(value) = value
        && !(min..=max).contains(&value)
    {
        errors.push(FieldError::new(
            field,
            "out_of_range",
            format!("must be between {min} and {max}"),
        ));
    }
}

fn check_optional_text(errors: &mut Vec<FieldError>, field: &str, value: Option<&str>, max: usize) {
    if let Some(value) = value {
        check_text(errors, field, value, 0, max);
    }
}

fn finish(errors: Vec<FieldError>) -> Result<(), Vec<FieldError>> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

// ---------------------------------------------------------------- categories

/// A new class category.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCategoryRequest {
    /// 1 to 80 characters, unique in the gym.
    pub name: String,
    /// `#RRGGBB`.
    pub color: Option<String>,
    /// An icon name of the client's icon set, up to 40 characters.
    pub icon: Option<String>,
}

impl Validate for CreateCategoryRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_text(&mut errors, "name", &self.name, 1, 80);
        check_color(&mut errors, self.color.as_deref());
        check_optional_text(&mut errors, "icon", self.icon.as_deref(), 40);
        finish(errors)
    }
}

/// Changes to a category; omitted fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCategoryRequest {
    /// 1 to 80 characters, unique in the gym.
    pub name: Option<String>,
    /// `#RRGGBB`.
    pub color: Option<String>,
    /// Icon name.
    pub icon: Option<String>,
}

impl Validate for UpdateCategoryRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Some(name) = &self.name {
            check_text(&mut errors, "name", name, 1, 80);
        }
        check_color(&mut errors, self.color.as_deref());
        check_optional_text(&mut errors, "icon", self.icon.as_deref(), 40);
        finish(errors)
    }
}

/// A class category.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryView {
    pub id: CategoryId,
    pub name: String,
    pub color: Option<String>,
    pub icon: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<category::Model> for CategoryView {
    fn from(m: category::Model) -> Self {
        Self {
            id: CategoryId(m.id),
            name: m.name,
            color: m.color,
            icon: m.icon,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

// ---------------------------------------------------------------- classes

/// How hard a class is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Difficulty {
    /// Anyone.
    #[default]
    AllLevels,
    /// Beginners.
    Beginner,
    /// Some experience.
    Intermediate,
    /// Experienced.
    Advanced,
}

impl Difficulty {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AllLevels => "all_levels",
            Self::Beginner => "beginner",
            Self::Intermediate => "intermediate",
            Self::Advanced => "advanced",
        }
    }

    /// Parses a stored name.
    pub fn parse(value: &str) -> Self {
        match value {
            "beginner" => Self::Beginner,
            "intermediate" => Self::Intermediate,
            "advanced" => Self::Advanced,
            _ => Self::AllLevels,
        }
    }
}

/// A new class.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateClassRequest {
    /// 1 to 120 characters.
    pub name: String,
    /// Up to 4000 characters.
    pub description: Option<String>,
    pub category_id: Option<CategoryId>,
    /// 5 to 600 minutes.
    pub duration_minutes: i32,
    /// 1 to 1000 places: the default of its sessions.
    pub capacity: i32,
    #[serde(default)]
    pub difficulty: Difficulty,
    /// Must hold the trainer role in the gym.
    pub default_trainer_id: Option<AccountId>,
    /// Default true; sessions cannot be scheduled for an inactive class.
    pub active: Option<bool>,
}

impl Validate for CreateClassRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_text(&mut errors, "name", &self.name, 1, 120);
        check_optional_text(
            &mut errors,
            "description",
            self.description.as_deref(),
            4000,
        );
        check_range(
            &mut errors,
            "duration_minutes",
            Some(self.duration_minutes.into()),
            5,
            600,
        );
        check_range(&mut errors, "capacity", Some(self.capacity.into()), 1, 1000);
        finish(errors)
    }
}

/// Changes to a class; omitted fields stay as they are. Existing sessions keep their own
/// capacity and trainer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateClassRequest {
    pub name: Option<String>,
    pub description: Option<String>,
    pub category_id: Option<CategoryId>,
    pub duration_minutes: Option<i32>,
    pub capacity: Option<i32>,
    pub difficulty: Option<Difficulty>,
    pub default_trainer_id: Option<AccountId>,
    pub active: Option<bool>,
}

impl Validate for UpdateClassRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Some(name) = &self.name {
            check_text(&mut errors, "name", name, 1, 120);
        }
        check_optional_text(
            &mut errors,
            "description",
            self.description.as_deref(),
            4000,
        );
        check_range(
            &mut errors,
            "duration_minutes",
            self.duration_minutes.map(Into::into),
            5,
            600,
        );
        check_range(
            &mut errors,
            "capacity",
            self.capacity.map(Into::into),
            1,
            1000,
        );
        finish(errors)
    }
}

/// A class of the timetable.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClassView {
    pub id: ClassId,
    pub name: String,
    pub description: Option<String>,
    pub category_id: Option<CategoryId>,
    pub duration_minutes: i32,
    pub capacity: i32,
    pub difficulty: Difficulty,
    pub default_trainer_id: Option<AccountId>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<class::Model> for ClassView {
    fn from(m: class::Model) -> Self {
        Self {
            id: ClassId(m.id),
            name: m.name,
            description: m.description,
            category_id: m.category_id.map(CategoryId),
            duration_minutes: m.duration_minutes,
            capacity: m.capacity,
            difficulty: Difficulty::parse(&m.difficulty),
            default_trainer_id: m.default_trainer_id.map(AccountId),
            active: m.active,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// Filters of the class list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClassQuery {
    /// Only active (true) or inactive (false) classes.
    pub active: Option<bool>,
    /// Only classes of this category.
    pub category_id: Option<CategoryId>,
}

// ---------------------------------------------------------------- sessions

/// A one-off session.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSessionRequest {
    pub class_id: ClassId,
    /// The start, RFC 3339 (any offset; stored as UTC). Must be in the future.
    pub starts_at: DateTime<Utc>,
    /// Default: the class's duration. 5 to 600.
    pub duration_minutes: Option<i32>,
    /// Default: the class's trainer. Must hold the trainer role in the gym.
    pub trainer_id: Option<AccountId>,
    /// Up to 80 characters.
    pub room: Option<String>,
    /// Default: the class's capacity. 1 to 1000.
    pub capacity: Option<i32>,
    /// Up to 2000 characters.
    pub notes: Option<String>,
}

fn check_session_fields(
    errors: &mut Vec<FieldError>,
    duration: Option<i32>,
    capacity: Option<i32>,
    room: Option<&str>,
    notes: Option<&str>,
) {
    check_range(errors, "duration_minutes", duration.map(Into::into), 5, 600);
    check_range(errors, "capacity", capacity.map(Into::into), 1, 1000);
    check_optional_text(errors, "room", room, 80);
    check_optional_text(errors, "notes", notes, 2000);
}

impl Validate for CreateSessionRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_session_fields(
            &mut errors,
            self.duration_minutes,
            self.capacity,
            self.room.as_deref(),
            self.notes.as_deref(),
        );
        finish(errors)
    }
}

/// A weekly recurring series, in the gym's wall time (an RFC 5545 RRULE subset).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSeriesRequest {
    pub class_id: ClassId,
    /// RFC 5545 weekday codes: `MO`, `TU`, `WE`, `TH`, `FR`, `SA`, `SU`.
    #[schema(example = json!(["MO", "WE"]))]
    pub weekdays: Vec<String>,
    /// Local start time `HH:MM`, kept across daylight-saving changes.
    #[schema(value_type = String, example = "07:00")]
    pub start_time: String,
    /// Every how many weeks, 1 to 52 (default 1).
    pub interval_weeks: Option<u32>,
    /// The first local date that may hold a session (today or later).
    pub starts_on: NaiveDate,
    /// The last local date that may hold a session (inclusive), at most a year after
    /// `starts_on`. Exactly one of `until` and `count`.
    pub until: Option<NaiveDate>,
    /// How many sessions, 1 to 400 (none are made beyond a year).
    pub count: Option<u32>,
    pub duration_minutes: Option<i32>,
    pub trainer_id: Option<AccountId>,
    pub room: Option<String>,
    pub capacity: Option<i32>,
    pub notes: Option<String>,
}

impl CreateSeriesRequest {
    /// The local start time, parsed.
    pub fn start_time(&self) -> Option<NaiveTime> {
        NaiveTime::parse_from_str(&self.start_time, "%H:%M").ok()
    }
}

impl Validate for CreateSeriesRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.weekdays.is_empty() {
            errors.push(FieldError::new(
                "weekdays",
                "too_short",
                "name at least one weekday",
            ));
        }
        for (i, day) in self.weekdays.iter().enumerate() {
            if parse_weekday(day).is_none() {
                errors.push(FieldError::new(
                    format!("weekdays[{i}]"),
                    "invalid",
                    "must be one of MO, TU, WE, TH, FR, SA, SU",
                ));
            }
        }
        if self.start_time().is_none() {
            errors.push(FieldError::new(
                "start_time",
                "invalid",
                "must be a local time HH:MM",
            ));
        }
        check_range(
            &mut errors,
            "interval_weeks",
            self.interval_weeks.map(Into::into),
            1,
            52,
        );
        match (self.until, self.count) {
            (Some(_), Some(_)) | (None, None) => errors.push(FieldError::new(
                "until",
                "invalid",
                "give exactly one of `until` and `count`",
            )),
            (Some(until), None) => {
                if until < self.starts_on {
                    errors.push(FieldError::new(
                        "until",
                        "invalid",
                        "must not be before `starts_on`",
                    ));
                } else if (until - self.starts_on).num_days()
                    > i64::try_from(recurrence::HORIZON_DAYS).unwrap_or(i64::MAX)
                {
                    errors.push(FieldError::new(
                        "until",
                        "too_far",
                        "must be at most a year after `starts_on`",
                    ));
                }
            }
            (None, Some(count)) => check_range(&mut errors, "count", Some(count.into()), 1, 400),
        }
        check_session_fields(
            &mut errors,
            self.duration_minutes,
            self.capacity,
            self.room.as_deref(),
            self.notes.as_deref(),
        );
        finish(errors)
    }
}

/// A recurring series.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeriesView {
    pub id: SeriesId,
    pub class_id: ClassId,
    /// The rule as an RFC 5545 RRULE value (`UNTIL` as a local date).
    #[schema(example = "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;COUNT=20")]
    pub rrule: String,
    pub weekdays: Vec<String>,
    /// Local `HH:MM`.
    pub start_time: String,
    pub time_zone: TimeZone,
    pub interval_weeks: i32,
    pub starts_on: NaiveDate,
    pub until: Option<NaiveDate>,
    pub count: Option<i32>,
    pub duration_minutes: i32,
    pub trainer_id: Option<AccountId>,
    pub room: Option<String>,
    pub capacity: i32,
    pub notes: Option<String>,
    /// `active` or `cancelled`.
    pub status: String,
    /// Sessions this request made or changed.
    pub sessions_affected: u64,
    pub created_at: DateTime<Utc>,
}

impl SeriesView {
    /// The view of a series row.
    pub fn new(m: series::Model, sessions_affected: u64) -> Self {
        let weekdays = recurrence::parse_weekdays(&m.weekdays);
        let rule = recurrence::Rule {
            weekdays: weekdays.clone(),
            start_time: NaiveTime::parse_from_str(&m.start_time, "%H:%M").unwrap_or_default(),
            interval_weeks: u32::try_from(m.interval_weeks).unwrap_or(1),
            starts_on: m.starts_on,
            end: match (m.until_date, m.count) {
                (Some(until), _) => recurrence::End::Until(until),
                (None, count) => {
                    recurrence::End::Count(count.and_then(|c| u32::try_from(c).ok()).unwrap_or(0))
                }
            },
        };
        Self {
            id: SeriesId(m.id),
            class_id: ClassId(m.class_id),
            rrule: rule.to_rrule(),
            weekdays: weekdays
                .iter()
                .map(|d| recurrence::weekday_code(*d).to_owned())
                .collect(),
            start_time: m.start_time,
            time_zone: m.time_zone.parse().unwrap_or(TimeZone(chrono_tz::UTC)),
            interval_weeks: m.interval_weeks,
            starts_on: m.starts_on,
            until: m.until_date,
            count: m.count,
            duration_minutes: m.duration_minutes,
            trainer_id: m.trainer_id.map(AccountId),
            room: m.room,
            capacity: m.capacity,
            notes: m.notes,
            status: m.status,
            sessions_affected,
            created_at: m.created_at,
        }
    }
}

/// Which occurrences an edit or cancellation applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum EditScope {
    /// This session only.
    #[default]
    This,
    /// This session and every later one of its series (not yet started).
    ThisAndFollowing,
}

/// Changes to a session (or to it and the following ones of its series); omitted fields stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSessionRequest {
    /// Default `this`.
    #[serde(default)]
    pub scope: EditScope,
    /// A new start (scope `this` only).
    pub starts_at: Option<DateTime<Utc>>,
    /// A new local start time `HH:MM`, applied on each session's own local date (either scope).
    #[schema(value_type = Option<String>, example = "18:30")]
    pub start_time: Option<String>,
    pub duration_minutes: Option<i32>,
    pub trainer_id: Option<AccountId>,
    pub room: Option<String>,
    /// Not below the places already booked.
    pub capacity: Option<i32>,
    pub notes: Option<String>,
}

impl UpdateSessionRequest {
    /// The local start time, parsed.
    pub fn start_time(&self) -> Option<NaiveTime> {
        self.start_time
            .as_deref()
            .and_then(|t| NaiveTime::parse_from_str(t, "%H:%M").ok())
    }
}

impl Validate for UpdateSessionRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.start_time.is_some() && self.start_time().is_none() {
            errors.push(FieldError::new(
                "start_time",
                "invalid",
                "must be a local time HH:MM",
            ));
        }
        if self.starts_at.is_some() && self.start_time.is_some() {
            errors.push(FieldError::new(
                "starts_at",
                "invalid",
                "give `starts_at` or `start_time`, not both",
            ));
        }
        if self.starts_at.is_some() && self.scope == EditScope::ThisAndFollowing {
            errors.push(FieldError::new(
                "starts_at",
                "invalid",
                "moves one session only; use `start_time` for the following ones",
            ));
        }
        check_session_fields(
            &mut errors,
            self.duration_minutes,
            self.capacity,
            self.room.as_deref(),
            self.notes.as_deref(),
        );
        finish(errors)
    }
}

/// Cancelling a session (or it and the following ones of its series).
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct CancelSessionRequest {
    /// Default `this`.
    #[serde(default)]
    pub scope: EditScope,
    /// Told to the booked members, up to 500 characters.
    pub reason: Option<String>,
}

impl Validate for CancelSessionRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_optional_text(&mut errors, "reason", self.reason.as_deref(), 500);
        finish(errors)
    }
}

/// The result of a cancellation.
#[derive(Debug, Serialize, ToSchema)]
pub struct CancelledView {
    /// Sessions cancelled by this request.
    pub sessions_cancelled: u64,
    /// Bookings ended (their members were notified).
    pub bookings_cancelled: u64,
}

/// A session's state: `scheduled`, `in_progress`, `completed` (by the clock) or `cancelled`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    /// Not started.
    Scheduled,
    /// Started, not ended.
    InProgress,
    /// Ended.
    Completed,
    /// Cancelled.
    Cancelled,
}

impl SessionStatus {
    /// The status of a session at `now`.
    pub fn at(
        stored: &str,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Self {
        if stored == crate::entities::session::STATUS_CANCELLED {
            Self::Cancelled
        } else if now < starts_at {
            Self::Scheduled
        } else if now < ends_at {
            Self::InProgress
        } else {
            Self::Completed
        }
    }
}

/// The class of a session, in short.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionClassView {
    pub id: ClassId,
    pub name: String,
    pub category_id: Option<CategoryId>,
    pub category_name: Option<String>,
    pub category_color: Option<String>,
}

/// The trainer of a session.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrainerView {
    pub account_id: AccountId,
    pub full_name: String,
}

/// The caller's own place in a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MyBookingState {
    /// Holds a place.
    Booked,
    /// Came.
    Attended,
    /// Did not come.
    NoShow,
    /// On the waitlist.
    Waitlisted,
}

/// The caller's own booking or waitlist entry in a session.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyBookingView {
    pub state: MyBookingState,
    /// The booking (booked, attended, no-show).
    pub booking_id: Option<BookingId>,
    /// The waitlist entry (waitlisted).
    pub waitlist_entry_id: Option<WaitlistEntryId>,
    /// Place in line, 1 = next (waitlisted).
    pub position: Option<i64>,
}

/// A session of the timetable.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub id: ClassSessionId,
    pub class: SessionClassView,
    pub series_id: Option<SeriesId>,
    /// Start, UTC.
    #[serde(serialize_with = "palestra_core::time::rfc3339")]
    pub starts_at: DateTime<Utc>,
    /// End, UTC.
    #[serde(serialize_with = "palestra_core::time::rfc3339")]
    pub ends_at: DateTime<Utc>,
    /// Start in the gym's local time, with its offset that day.
    #[schema(value_type = String, example = "2026-03-30T07:00:00+02:00")]
    #[serde(serialize_with = "palestra_core::time::rfc3339")]
    pub starts_at_local: DateTime<FixedOffset>,
    /// End in the gym's local time, with its offset.
    #[schema(value_type = String, example = "2026-03-30T08:00:00+02:00")]
    #[serde(serialize_with = "palestra_core::time::rfc3339")]
    pub ends_at_local: DateTime<FixedOffset>,
    /// The gym's zone.
    pub time_zone: TimeZone,
    pub status: SessionStatus,
    pub trainer: Option<TrainerView>,
    pub room: Option<String>,
    pub capacity: i32,
    pub booked_count: i32,
    pub places_left: i32,
    pub waitlist_count: i32,
    pub notes: Option<String>,
    /// Bumped by every change (iCalendar SEQUENCE).
    pub sequence: i32,
    /// The caller's own booking or waitlist place, if any.
    pub my_booking: Option<MyBookingView>,
}

/// Filters of the session list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionQuery {
    /// Sessions starting at or after this instant (default: now).
    pub from: Option<DateTime<Utc>>,
    /// Sessions starting before this instant (default: 7 days after `from`; at most 31 days).
    pub to: Option<DateTime<Utc>>,
    pub class_id: Option<ClassId>,
    /// The trainer's account id.
    pub trainer_id: Option<AccountId>,
    pub category_id: Option<CategoryId>,
    /// Items per page, 1 to 500 (default 200).
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

// ---------------------------------------------------------------- bookings

/// Who the place is for.
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct BookRequest {
    /// The member to book for (staff only); default: the caller.
    pub account_id: Option<AccountId>,
}

impl Validate for BookRequest {}

/// A booking's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    /// Holds a place.
    Booked,
    /// Cancelled before the cut-off.
    Cancelled,
    /// Cancelled after the cut-off.
    LateCancelled,
    /// Came.
    Attended,
    /// Did not come.
    NoShow,
}

impl BookingStatus {
    /// Parses a stored name.
    pub fn parse(value: &str) -> Self {
        match value {
            booking::STATUS_CANCELLED => Self::Cancelled,
            booking::STATUS_LATE_CANCELLED => Self::LateCancelled,
            booking::STATUS_ATTENDED => Self::Attended,
            booking::STATUS_NO_SHOW => Self::NoShow,
            _ => Self::Booked,
        }
    }
}

/// A member's place in a session.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingView {
    pub id: BookingId,
    pub session_id: ClassSessionId,
    pub account_id: AccountId,
    pub status: BookingStatus,
    /// The member, or the staff member who booked for them.
    pub booked_by: AccountId,
    /// Taken at the door.
    pub walk_in: bool,
    pub created_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub attendance_marked_at: Option<DateTime<Utc>>,
}

impl From<booking::Model> for BookingView {
    fn from(m: booking::Model) -> Self {
        Self {
            id: BookingId(m.id),
            session_id: ClassSessionId(m.session_id),
            account_id: AccountId(m.account_id),
            status: BookingStatus::parse(&m.status),
            booked_by: AccountId(m.booked_by),
            walk_in: m.walk_in,
            created_at: m.created_at,
            cancelled_at: m.cancelled_at,
            attendance_marked_at: m.attendance_marked_at,
        }
    }
}

/// What staff record about a booked member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceMark {
    /// Came (keeps the place).
    Attended,
    /// Did not come (after the start only).
    NoShow,
}

/// Marking attendance.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceRequest {
    pub status: AttendanceMark,
}

impl Validate for AttendanceRequest {}

/// A place on a session's waitlist.
#[derive(Debug, Serialize, ToSchema)]
pub struct WaitlistEntryView {
    pub id: WaitlistEntryId,
    pub session_id: ClassSessionId,
    pub account_id: AccountId,
    /// Place in line now, 1 = next.
    pub position: i64,
    /// `waiting`, `promoted`, `left` or `closed`.
    pub status: String,
    pub created_at: DateTime<Utc>,
}

impl WaitlistEntryView {
    /// The view of an entry with its current place in line.
    pub fn new(m: waitlist_entry::Model, position: i64) -> Self {
        Self {
            id: WaitlistEntryId(m.id),
            session_id: ClassSessionId(m.session_id),
            account_id: AccountId(m.account_id),
            position,
            status: m.status,
            created_at: m.created_at,
        }
    }
}

// ---------------------------------------------------------------- settings

/// The gym's booking rules.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleSettingsView {
    /// Booking opens this many days before a session, 1 to 365 (default 14).
    pub booking_window_days: i32,
    /// Cancelling later than this many minutes before the start is a late cancellation,
    /// 0 to 10080 (default 120).
    pub cancellation_cutoff_minutes: i32,
    /// The waitlist closes this many minutes before the start, 0 to 1440 (default 30).
    pub waitlist_close_minutes: i32,
}

impl From<Rules> for ScheduleSettingsView {
    fn from(r: Rules) -> Self {
        Self {
            booking_window_days: r.booking_window_days,
            cancellation_cutoff_minutes: r.cancellation_cutoff_minutes,
            waitlist_close_minutes: r.waitlist_close_minutes,
        }
    }
}

impl Validate for ScheduleSettingsView {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_range(
            &mut errors,
            "booking_window_days",
            Some(self.booking_window_days.into()),
            1,
            365,
        );
        check_range(
            &mut errors,
            "cancellation_cutoff_minutes",
            Some(self.cancellation_cutoff_minutes.into()),
            0,
            10_080,
        );
        check_range(
            &mut errors,
            "waitlist_close_minutes",
            Some(self.waitlist_close_minutes.into()),
            0,
            1440,
        );
        finish(errors)
    }
}
