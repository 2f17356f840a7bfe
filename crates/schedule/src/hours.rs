//! Opening hours: a weekly template per gym (per weekday, closed or one or more open intervals)
//! and special days (a date with its own hours, or closed, and why). The effective hours of a
//! local date are its special day's, else its weekday's; their instants are computed in the
//! gym's zone, right across daylight-saving changes.
//!
//! Not here: the sessions of the timetable (they may lie outside opening hours: a closed gym
//! can still host an outdoor class).

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc, Weekday};
use palestra_core::ids::TenantId;
use palestra_core::scope::scoped;
use palestra_core::time::TimeZone;
use palestra_core::{FieldError, Validate};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::entities::{opening_hours, special_day};

/// The longest range `GET /hours` answers, in days.
pub const MAX_RANGE_DAYS: i64 = 93;
/// At most this many intervals per day.
pub const MAX_INTERVALS_PER_DAY: usize = 8;

/// Minutes in a day: `24:00` closes at the end of the day.
const DAY_MINUTES: u16 = 24 * 60;

/// An open interval of a day, in local wall time: `"06:00"` to `"22:00"`; `"24:00"` closes at
/// the end of the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenInterval {
    /// Opening time, `HH:MM` (00:00 to 23:59).
    #[schema(example = "06:00")]
    pub opens: String,
    /// Closing time, `HH:MM` (00:01 to 24:00), after the opening time.
    #[schema(example = "22:00")]
    pub closes: String,
}

impl OpenInterval {
    fn new(opens: &str, closes: &str) -> Self {
        Self {
            opens: opens.to_owned(),
            closes: closes.to_owned(),
        }
    }
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

/// Checks the intervals of one day; errors carry paths under `path` (`monday[1].closes`).
pub fn validate_intervals(path: &str, intervals: &[OpenInterval], errors: &mut Vec<FieldError>) {
    if intervals.len() > MAX_INTERVALS_PER_DAY {
        errors.push(FieldError::new(
            path,
            "too_many",
            format!("at most {MAX_INTERVALS_PER_DAY} intervals a day"),
        ));
        return;
    }
    let mut parsed = Vec::with_capacity(intervals.len());
    for (i, interval) in intervals.iter().enumerate() {
        let opens = parse_wall_time(&interval.opens).filter(|m| *m < DAY_MINUTES);
        let closes = parse_wall_time(&interval.closes);
        if opens.is_none() {
            errors.push(FieldError::new(
                format!("{path}[{i}].opens"),
                "invalid_time",
                "an opening time is HH:MM from 00:00 to 23:59",
            ));
        }
        if closes.is_none() {
            errors.push(FieldError::new(
                format!("{path}[{i}].closes"),
                "invalid_time",
                "a closing time is HH:MM from 00:01 to 24:00",
            ));
        }
        if let (Some(opens), Some(closes)) = (opens, closes) {
            if opens >= closes {
                errors.push(FieldError::new(
                    format!("{path}[{i}].closes"),
                    "before_opening",
                    "the closing time must be after the opening time",
                ));
            } else {
                parsed.push((i, opens, closes));
            }
        }
    }
    parsed.sort_by_key(|(_, opens, _)| *opens);
    for pair in parsed.windows(2) {
        let (_, _, previous_closes) = pair[0];
        let (i, opens, _) = pair[1];
        if opens < previous_closes {
            errors.push(FieldError::new(
                format!("{path}[{i}]"),
                "overlap",
                "intervals of a day must not overlap",
            ));
        }
    }
}

/// The weekly template: each weekday's open intervals; an empty (or omitted) day is closed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeeklyHours {
    #[serde(default)]
    pub monday: Vec<OpenInterval>,
    #[serde(default)]
    pub tuesday: Vec<OpenInterval>,
    #[serde(default)]
    pub wednesday: Vec<OpenInterval>,
    #[serde(default)]
    pub thursday: Vec<OpenInterval>,
    #[serde(default)]
    pub friday: Vec<OpenInterval>,
    #[serde(default)]
    pub saturday: Vec<OpenInterval>,
    #[serde(default)]
    pub sunday: Vec<OpenInterval>,
}

impl WeeklyHours {
    /// What a new gym starts with: weekdays 06:00–22:00, Saturday 08:00–20:00, Sunday
    /// 09:00–14:00.
    pub fn default_template() -> Self {
        let weekday = vec![OpenInterval::new("06:00", "22:00")];
        Self {
            monday: weekday.clone(),
            tuesday: weekday.clone(),
            wednesday: weekday.clone(),
            thursday: weekday.clone(),
            friday: weekday,
            saturday: vec![OpenInterval::new("08:00", "20:00")],
            sunday: vec![OpenInterval::new("09:00", "14:00")],
        }
    }

    /// The intervals of a weekday.
    pub fn day(&self, weekday: Weekday) -> &[OpenInterval] {
        match weekday {
            Weekday::Mon => &self.monday,
            Weekday::Tue => &self.tuesday,
            Weekday::Wed => &self.wednesday,
            Weekday::Thu => &self.thursday,
            Weekday::Fri => &self.friday,
            Weekday::Sat => &self.saturday,
            Weekday::Sun => &self.sunday,
        }
    }

    fn days(&self) -> [(&'static str, &[OpenInterval]); 7] {
        [
            ("monday", &self.monday),
            ("tuesday", &self.tuesday),
            ("wednesday", &self.wednesday),
            ("thursday", &self.thursday),
            ("friday", &self.friday),
            ("saturday", &self.saturday),
            ("sunday", &self.sunday),
        ]
    }

    /// Kept in opening order, so reads need not sort.
    fn sorted(mut self) -> Self {
        for day in [
            &mut self.monday,
            &mut self.tuesday,
            &mut self.wednesday,
            &mut self.thursday,
            &mut self.friday,
            &mut self.saturday,
            &mut self.sunday,
        ] {
            day.sort_by_key(|i| parse_wall_time(&i.opens));
        }
        self
    }
}

impl Validate for WeeklyHours {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        for (name, intervals) in self.days() {
            validate_intervals(name, intervals, &mut errors);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// The gym's weekly template, as stored and answered.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WeeklyHoursView {
    /// The gym's IANA time zone: every time here is wall time there.
    pub time_zone: String,
    /// The template.
    #[serde(flatten)]
    pub weekly: WeeklyHours,
    /// Last change.
    pub updated_at: Option<DateTime<Utc>>,
}

/// A special day to create or replace.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecialDayRequest {
    /// The local date.
    pub date: NaiveDate,
    /// Closed all day; then `intervals` must be empty.
    pub closed: bool,
    /// The open intervals when not closed (at least one).
    #[serde(default)]
    pub intervals: Vec<OpenInterval>,
    /// Why the day is special (`Christmas`, `Staff training`), 1 to 200 characters.
    pub description: String,
}

impl Validate for SpecialDayRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let description = self.description.trim();
        if description.is_empty() || description.chars().count() > 200 {
            errors.push(FieldError::new(
                "description",
                "length",
                "a description has 1 to 200 characters",
            ));
        }
        if self.closed && !self.intervals.is_empty() {
            errors.push(FieldError::new(
                "intervals",
                "closed_day",
                "a closed day has no open intervals",
            ));
        }
        if !self.closed && self.intervals.is_empty() {
            errors.push(FieldError::new(
                "intervals",
                "required",
                "an open special day needs at least one interval (or set `closed`)",
            ));
        }
        validate_intervals("intervals", &self.intervals, &mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// A special day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SpecialDayView {
    pub id: uuid::Uuid,
    pub date: NaiveDate,
    pub closed: bool,
    pub intervals: Vec<OpenInterval>,
    pub description: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<special_day::Model> for SpecialDayView {
    fn from(row: special_day::Model) -> Self {
        Self {
            id: row.id,
            date: row.date,
            closed: row.closed,
            intervals: intervals_of(&row.intervals),
            description: row.description,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// A local date range (`from` and `to` included).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HoursQuery {
    /// First local date (default: today in the gym's zone).
    pub from: Option<NaiveDate>,
    /// Last local date, included (default: six days after `from`); at most 93 days in all.
    pub to: Option<NaiveDate>,
}

impl HoursQuery {
    /// The dates asked for, with defaults, or a 422 naming the bad parameter.
    pub fn range(&self, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), FieldError> {
        let from = self.from.unwrap_or(today);
        let to = self
            .to
            .unwrap_or_else(|| from.checked_add_days(Days::new(6)).unwrap_or(from));
        if to < from {
            return Err(FieldError::new(
                "to",
                "before_from",
                "`to` must not be before `from`",
            ));
        }
        if (to - from).num_days() >= MAX_RANGE_DAYS {
            return Err(FieldError::new(
                "to",
                "range_too_long",
                format!("at most {MAX_RANGE_DAYS} days at once"),
            ));
        }
        Ok((from, to))
    }
}

/// An open interval of a given date, in wall time and as instants.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EffectiveInterval {
    /// Opening wall time, `HH:MM`.
    pub opens: String,
    /// Closing wall time, `HH:MM` (`24:00`: end of the day).
    pub closes: String,
    /// The opening instant (UTC). A wall time skipped by a daylight-saving change is moved
    /// forward by the gap; a repeated one is its first occurrence.
    pub opens_at: DateTime<Utc>,
    /// The closing instant (UTC), same rules.
    pub closes_at: DateTime<Utc>,
}

/// The hours of one local date.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DayHoursView {
    /// The local date.
    pub date: NaiveDate,
    /// `monday` to `sunday`.
    pub weekday: String,
    /// Closed all day.
    pub closed: bool,
    /// Whether a special day decided these hours.
    pub special: bool,
    /// The special day's description.
    pub description: Option<String>,
    /// The open intervals, in order.
    pub intervals: Vec<EffectiveInterval>,
}

/// The effective hours of a range of dates.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HoursView {
    /// The gym's IANA time zone.
    pub time_zone: String,
    /// One entry per local date, in order.
    pub days: Vec<DayHoursView>,
}

fn weekday_name(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Mon => "monday",
        Weekday::Tue => "tuesday",
        Weekday::Wed => "wednesday",
        Weekday::Thu => "thursday",
        Weekday::Fri => "friday",
        Weekday::Sat => "saturday",
        Weekday::Sun => "sunday",
    }
}

fn intervals_of(value: &serde_json::Value) -> Vec<OpenInterval> {
    serde_json::from_value(value.clone()).unwrap_or_else(|error| {
        tracing::warn!(%error, "stored opening intervals do not parse; read as closed");
        Vec::new()
    })
}

fn instant_of(zone: TimeZone, date: NaiveDate, minutes: u16) -> DateTime<Utc> {
    if minutes >= DAY_MINUTES {
        return zone.start_of_day(date.checked_add_days(Days::new(1)).unwrap_or(date));
    }
    let time = NaiveTime::from_num_seconds_from_midnight_opt(u32::from(minutes) * 60, 0)
        .unwrap_or(NaiveTime::MIN);
    zone.instant_at(date, time)
}

/// The intervals of a date as instants. Wall times skipped by a spring-forward change move
/// forward by the gap, so an interval that then no longer opens before it closes (02:30 to 03:00
/// on a night that jumps from 02:00 to 03:00) is left out.
pub fn effective_intervals(
    zone: TimeZone,
    date: NaiveDate,
    intervals: &[OpenInterval],
) -> Vec<EffectiveInterval> {
    intervals
        .iter()
        .filter_map(|interval| {
            let opens = parse_wall_time(&interval.opens)?;
            let closes = parse_wall_time(&interval.closes)?;
            let opens_at = instant_of(zone, date, opens);
            let closes_at = instant_of(zone, date, closes);
            (opens_at < closes_at).then(|| EffectiveInterval {
                opens: interval.opens.clone(),
                closes: interval.closes.clone(),
                opens_at,
                closes_at,
            })
        })
        .collect()
}

/// The effective hours of every date of `[from, to]`, from the template and special days.
pub fn effective_hours(
    zone: TimeZone,
    weekly: &WeeklyHours,
    special: &[special_day::Model],
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<DayHoursView> {
    from.iter_days()
        .take_while(|date| *date <= to)
        .map(|date| {
            let weekday = date.weekday();
            let (intervals, special_day) = match special.iter().find(|s| s.date == date) {
                Some(day) => (intervals_of(&day.intervals), Some(day)),
                None => (weekly.day(weekday).to_vec(), None),
            };
            let intervals = if special_day.is_some_and(|d| d.closed) {
                Vec::new()
            } else {
                effective_intervals(zone, date, &intervals)
            };
            DayHoursView {
                date,
                weekday: weekday_name(weekday).to_owned(),
                closed: intervals.is_empty(),
                special: special_day.is_some(),
                description: special_day.map(|d| d.description.clone()),
                intervals,
            }
        })
        .collect()
}

/// The gym's weekly template and when it last changed; the default template when the gym has
/// no row (a gym created before opening hours existed).
pub async fn load_weekly(
    db: &impl ConnectionTrait,
    tenant: TenantId,
) -> Result<(WeeklyHours, Option<DateTime<Utc>>), DbErr> {
    Ok(
        match scoped::<opening_hours::Entity>(tenant).one(db).await? {
            Some(row) => (
                serde_json::from_value(row.weekly).unwrap_or_else(|error| {
                    tracing::warn!(%error, "stored weekly hours do not parse; read as closed");
                    WeeklyHours::default()
                }),
                Some(row.updated_at),
            ),
            None => (WeeklyHours::default_template(), None),
        },
    )
}

/// Writes the gym's weekly template (insert or replace).
pub async fn save_weekly(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    weekly: WeeklyHours,
    now: DateTime<Utc>,
) -> Result<WeeklyHours, DbErr> {
    let weekly = weekly.sorted();
    let value = serde_json::to_value(&weekly).map_err(|e| DbErr::Custom(e.to_string()))?;
    opening_hours::Entity::insert(opening_hours::ActiveModel {
        tenant_id: Set(tenant.uuid()),
        weekly: Set(value),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(opening_hours::Column::TenantId)
            .update_columns([
                opening_hours::Column::Weekly,
                opening_hours::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(weekly)
}

/// The special days of `[from, to]`, by date.
pub async fn special_days_between(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<special_day::Model>, DbErr> {
    scoped::<special_day::Entity>(tenant)
        .filter(special_day::Column::Date.gte(from))
        .filter(special_day::Column::Date.lte(to))
        .order_by_asc(special_day::Column::Date)
        .all(db)
        .await
}

/// One special day.
pub async fn find_special_day(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: uuid::Uuid,
) -> Result<Option<special_day::Model>, DbErr> {
    scoped::<special_day::Entity>(tenant)
        .filter(special_day::Column::Id.eq(id))
        .one(db)
        .await
}

/// The stored form of a special day request.
pub fn intervals_value(request: &SpecialDayRequest) -> serde_json::Value {
    let mut intervals = if request.closed {
        Vec::new()
    } else {
        request.intervals.clone()
    };
    intervals.sort_by_key(|i| parse_wall_time(&i.opens));
    serde_json::to_value(intervals).unwrap_or_else(|_| serde_json::Value::Array(Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(intervals: &[(&str, &str)]) -> Vec<OpenInterval> {
        intervals
            .iter()
            .map(|(o, c)| OpenInterval::new(o, c))
            .collect()
    }

    fn errors_of(intervals: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut errors = Vec::new();
        validate_intervals("monday", &day(intervals), &mut errors);
        errors.into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn wall_times_parse_strictly() {
        assert_eq!(parse_wall_time("00:00"), Some(0));
        assert_eq!(parse_wall_time("24:00"), Some(1440));
        assert_eq!(parse_wall_time("07:30"), Some(450));
        for bad in ["24:01", "7:30", "07:60", "25:00", "", "ab:cd", "07:30:00"] {
            assert_eq!(parse_wall_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn intervals_are_checked_with_field_paths() {
        assert!(errors_of(&[("06:00", "12:00"), ("12:00", "24:00")]).is_empty());
        assert_eq!(
            errors_of(&[("10:00", "09:00")]),
            [("monday[0].closes".into(), "before_opening".into())]
        );
        assert_eq!(
            errors_of(&[("06:00", "12:00"), ("11:00", "13:00")]),
            [("monday[1]".into(), "overlap".into())]
        );
        assert_eq!(
            errors_of(&[("24:00", "24:00")]),
            [("monday[0].opens".into(), "invalid_time".into())]
        );
    }

    #[test]
    fn the_default_template_is_valid() {
        assert!(WeeklyHours::default_template().validate().is_ok());
    }

    #[test]
    fn hours_follow_the_wall_clock_across_dst() {
        let madrid: TimeZone = "Europe/Madrid".parse().unwrap_or(TimeZone(chrono_tz::UTC));
        let weekly = WeeklyHours {
            sunday: day(&[("00:00", "24:00")]),
            ..WeeklyHours::default()
        };
        // 2026-03-29 is a Sunday with 23 hours in Madrid; 2026-10-25 one with 25.
        let spring = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap_or_default();
        let days = effective_hours(madrid, &weekly, &[], spring, spring);
        let interval = &days[0].intervals[0];
        assert_eq!((interval.closes_at - interval.opens_at).num_hours(), 23);
        let autumn = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap_or_default();
        let days = effective_hours(madrid, &weekly, &[], autumn, autumn);
        let interval = &days[0].intervals[0];
        assert_eq!((interval.closes_at - interval.opens_at).num_hours(), 25);
    }

    const ZONES: [&str; 4] = [
        "America/Mexico_City",
        "Europe/Madrid",
        "America/New_York",
        "Australia/Sydney",
    ];

    proptest::proptest! {
        /// Whatever the zone and date, a day open 00:00–24:00 lasts exactly that local day (23,
        /// 24 or 25 hours), and every interval kept opens before it closes, in order.
        #[test]
        fn effective_hours_cover_the_local_day_across_dst(
            zone in 0..ZONES.len(),
            offset in 0u64..1100,
            opens in 0u16..1380,
            length in 1u16..600,
        ) {
            let zone: TimeZone = ZONES[zone].parse().unwrap_or(TimeZone(chrono_tz::UTC));
            let date = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default() + Days::new(offset);
            let whole = effective_intervals(zone, date, &day(&[("00:00", "24:00")]));
            let (start, end) = zone.day_range(date);
            proptest::prop_assert_eq!(whole.len(), 1);
            proptest::prop_assert_eq!((whole[0].opens_at, whole[0].closes_at), (start, end));

            let closes = (opens + length).min(DAY_MINUTES);
            let text = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
            let kept = effective_intervals(zone, date, &day(&[(&text(opens), &text(closes))]));
            for interval in &kept {
                proptest::prop_assert!(interval.opens_at < interval.closes_at);
                proptest::prop_assert!(start <= interval.opens_at && interval.closes_at <= end);
            }
            // Only a daylight-saving gap can swallow an interval.
            if kept.is_empty() {
                proptest::prop_assert!((end - start).num_hours() < 24);
            }
        }
    }

    #[test]
    fn a_dst_gap_moves_wall_times_forward_and_can_swallow_an_interval() {
        let madrid: TimeZone = "Europe/Madrid".parse().unwrap_or(TimeZone(chrono_tz::UTC));
        let spring = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap_or_default();
        // 02:30 does not exist that night: it reads as 03:30, after 03:00.
        let kept = effective_intervals(madrid, spring, &day(&[("02:30", "03:00")]));
        assert!(kept.is_empty());
        let kept = effective_intervals(madrid, spring, &day(&[("01:00", "04:00")]));
        assert_eq!((kept[0].closes_at - kept[0].opens_at).num_hours(), 2);
    }
}
