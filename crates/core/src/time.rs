//! Tenant time zones and wall-clock helpers.
//!
//! Instants are UTC. Every tenant has an IANA zone, and wall-clock ideas (today, this week,
//! 07:00 every Monday) are computed in that zone, right across daylight-saving changes.

use chrono::{
    DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone as _, Utc,
};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::ToSchema;

/// A validated IANA time zone name, such as `Europe/Madrid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeZone(pub Tz);

impl TimeZone {
    /// The IANA name.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The local calendar date of an instant in this zone.
    pub fn local_date(self, instant: DateTime<Utc>) -> NaiveDate {
        instant.with_timezone(&self.0).date_naive()
    }

    /// The instant a local wall time names. A time skipped by a spring-forward change is moved
    /// forward by the gap (02:30 becomes 03:30); a repeated autumn time takes its first occurrence.
    pub fn instant_at(self, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
        resolve_local(self.0, date.and_time(time))
    }

    /// The instant local midnight starts a date (not always 00:00 where DST starts at midnight).
    pub fn start_of_day(self, date: NaiveDate) -> DateTime<Utc> {
        self.instant_at(date, NaiveTime::MIN)
    }

    /// The half-open UTC range `[start, end)` of a local calendar date.
    pub fn day_range(self, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        let next = date.checked_add_days(Days::new(1)).unwrap_or(date);
        (self.start_of_day(date), self.start_of_day(next))
    }

    /// The half-open UTC range of the ISO week (Monday to Sunday) holding a local date.
    pub fn week_range(self, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        let monday = date - Days::new(u64::from(date.weekday().num_days_from_monday()));
        let next_monday = monday + Days::new(7);
        (self.start_of_day(monday), self.start_of_day(next_monday))
    }
}

fn resolve_local(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            // In a gap: read the wall time with the offset in force before the change, which
            // moves it forward by the length of the gap.
            let day_before = local - chrono::Duration::hours(24);
            let utc = tz
                .from_local_datetime(&day_before)
                .earliest()
                .map_or(local, |t| local - t.offset().fix());
            Utc.from_utc_datetime(&utc)
        }
    }
}

impl std::str::FromStr for TimeZone {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        s.parse::<Tz>()
            .map(Self)
            .map_err(|_| format!("`{s}` is not an IANA time zone name (e.g. `Europe/Madrid`)"))
    }
}

impl std::fmt::Display for TimeZone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for TimeZone {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for TimeZone {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for TimeZone {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("IANA time zone name"))
            .examples([serde_json::json!("Europe/Madrid")])
            .into()
    }
}

impl ToSchema for TimeZone {}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;
    use proptest::prelude::*;

    const ZONES: [&str; 5] = [
        "America/Mexico_City",
        "Europe/Madrid",
        "America/New_York",
        "Australia/Sydney",
        "Asia/Kolkata",
    ];

    fn tz(name: &str) -> TimeZone {
        name.parse().unwrap()
    }

    #[test]
    fn unknown_zones_are_refused() {
        assert!("Mars/Olympus".parse::<TimeZone>().is_err());
        assert!("".parse::<TimeZone>().is_err());
    }

    #[test]
    fn spring_forward_gap_moves_forward() {
        // Europe/Madrid skipped 02:00-03:00 on 2026-03-29.
        let madrid = tz("Europe/Madrid");
        let date = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
        let t = madrid.instant_at(date, NaiveTime::from_hms_opt(2, 30, 0).unwrap());
        let local = t.with_timezone(&madrid.0);
        assert_eq!((local.hour(), local.minute()), (3, 30));
    }

    #[test]
    fn autumn_repeat_takes_the_first_occurrence() {
        // America/New_York repeated 01:00-02:00 on 2026-11-01; the first 01:30 is EDT (UTC-4).
        let ny = tz("America/New_York");
        let date = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let t = ny.instant_at(date, NaiveTime::from_hms_opt(1, 30, 0).unwrap());
        assert_eq!(t.hour(), 5);
    }

    #[test]
    fn a_dst_day_is_23_or_25_hours_long() {
        let madrid = tz("Europe/Madrid");
        let (start, end) = madrid.day_range(NaiveDate::from_ymd_opt(2026, 3, 29).unwrap());
        assert_eq!((end - start).num_hours(), 23);
        let (start, end) = madrid.day_range(NaiveDate::from_ymd_opt(2026, 10, 25).unwrap());
        assert_eq!((end - start).num_hours(), 25);
    }

    proptest! {
        #[test]
        fn wall_times_that_exist_round_trip(zone in 0..ZONES.len(), day in 0u64..730, minute in 0u32..1440) {
            let zone = tz(ZONES[zone]);
            let date = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Days::new(day);
            let time = NaiveTime::from_num_seconds_from_midnight_opt(minute * 60, 0).unwrap();
            let instant = zone.instant_at(date, time);
            let local = instant.with_timezone(&zone.0);
            if zone.0.from_local_datetime(&date.and_time(time)).earliest().is_some() {
                prop_assert_eq!(local.naive_local(), date.and_time(time));
            } else {
                // Skipped by a spring-forward change: lands later the same day, within the gap.
                prop_assert!(local.naive_local() > date.and_time(time));
                prop_assert!(local.naive_local() - date.and_time(time) <= chrono::Duration::hours(2));
            }
        }

        #[test]
        fn every_instant_falls_in_its_local_day(zone in 0..ZONES.len(), secs in 1_767_225_600i64..1_830_297_600) {
            let zone = tz(ZONES[zone]);
            let instant = DateTime::from_timestamp(secs, 0).unwrap();
            let (start, end) = zone.day_range(zone.local_date(instant));
            prop_assert!(start <= instant && instant < end);
            let (week_start, week_end) = zone.week_range(zone.local_date(instant));
            prop_assert!(week_start <= instant && instant < week_end);
        }
    }
}
