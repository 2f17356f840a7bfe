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

/// Instants as RFC 3339 text, exactly as chrono's own `Serialize` writes them (`Z` for a zero
/// offset, fractional seconds only when there are any, in 3, 6 or 9 digits), written into a
/// buffer on the stack and handed to the serializer as one string. chrono's impl writes
/// through `fmt` one character at a time, which a JSON serializer then checks for escapes one
/// character at a time: in a page of a hundred sessions with four instants each that was a
/// tenth of the work. Use with `#[serde(serialize_with = "palestra_core::time::rfc3339")]`;
/// the OpenAPI schema is that of the field's type, unchanged.
pub fn rfc3339<Tz, S>(instant: &DateTime<Tz>, serializer: S) -> Result<S::Ok, S::Error>
where
    Tz: chrono::TimeZone,
    S: Serializer,
{
    let mut buffer = [0u8; 35];
    match write_rfc3339(instant, &mut buffer) {
        Some(len) => serializer
            .serialize_str(std::str::from_utf8(&buffer[..len]).map_err(serde::ser::Error::custom)?),
        // Years outside 0000–9999, leap seconds, offsets with seconds: chrono's own way.
        None => instant.serialize(serializer),
    }
}

/// Writes `YYYY-MM-DDTHH:MM:SS[.fff|.ffffff|.fffffffff](Z|±HH:MM)`; `None` for what
/// [`rfc3339`] leaves to chrono.
fn write_rfc3339<Tz: chrono::TimeZone>(
    instant: &DateTime<Tz>,
    out: &mut [u8; 35],
) -> Option<usize> {
    use chrono::Timelike;
    let local = instant.naive_local();
    let offset = instant.offset().fix().local_minus_utc();
    let nanos = local.nanosecond();
    let year = local.year();
    if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 || offset % 60 != 0 {
        return None;
    }
    fn digits(out: &mut [u8], at: usize, value: u32, width: usize) {
        let mut v = value;
        for i in (0..width).rev() {
            out[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    }
    digits(out, 0, year as u32, 4);
    out[4] = b'-';
    digits(out, 5, local.month(), 2);
    out[7] = b'-';
    digits(out, 8, local.day(), 2);
    out[10] = b'T';
    digits(out, 11, local.hour(), 2);
    out[13] = b':';
    digits(out, 14, local.minute(), 2);
    out[16] = b':';
    digits(out, 17, local.second(), 2);
    let mut len = 19;
    if nanos != 0 {
        out[len] = b'.';
        let (value, width) = if nanos.is_multiple_of(1_000_000) {
            (nanos / 1_000_000, 3)
        } else if nanos.is_multiple_of(1_000) {
            (nanos / 1_000, 6)
        } else {
            (nanos, 9)
        };
        digits(out, len + 1, value, width);
        len += 1 + width;
    }
    if offset == 0 {
        out[len] = b'Z';
        len += 1;
    } else {
        out[len] = if offset < 0 { b'-' } else { b'+' };
        let minutes = offset.unsigned_abs() / 60;
        digits(out, len + 1, minutes / 60, 2);
        out[len + 3] = b':';
        digits(out, len + 4, minutes % 60, 2);
        len += 6;
    }
    Some(len)
}

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

    #[test]
    fn rfc3339_writes_what_chrono_writes() {
        #[derive(serde::Serialize)]
        struct Ours<'a, Tz: chrono::TimeZone>(
            #[serde(serialize_with = "super::rfc3339")] &'a DateTime<Tz>,
        );
        let offsets = [
            0,
            3600,
            -5 * 3600,
            5 * 3600 + 45 * 60,
            -(9 * 3600 + 30 * 60),
            14 * 3600,
            37,
        ];
        let nanos = [
            0,
            1_000_000,
            120_000_000,
            1_000,
            123_456_000,
            1,
            999_999_999,
        ];
        let instants = [
            "2026-03-29T00:59:59Z",
            "2026-11-01T06:30:00Z",
            "1970-01-01T00:00:00Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
        ];
        for text in instants {
            let base: DateTime<Utc> = text.parse().unwrap();
            for nano in nanos {
                let utc = base + chrono::Duration::nanoseconds(nano);
                assert_eq!(
                    serde_json::to_string(&Ours(&utc)).unwrap(),
                    serde_json::to_string(&utc).unwrap()
                );
                for seconds in offsets {
                    let fixed = utc.with_timezone(&chrono::FixedOffset::east_opt(seconds).unwrap());
                    assert_eq!(
                        serde_json::to_string(&Ours(&fixed)).unwrap(),
                        serde_json::to_string(&fixed).unwrap(),
                        "{fixed:?}"
                    );
                }
            }
        }
    }
}
