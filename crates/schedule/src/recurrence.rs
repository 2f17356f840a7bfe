//! Recurring series: a subset of RFC 5545 RRULE read in the gym's wall time.
//!
//! `FREQ=WEEKLY` with `BYDAY` (one or more weekdays), `INTERVAL` (weeks) and either `UNTIL` (a
//! local date, inclusive) or `COUNT`. Weeks are counted from the Monday of the first date, as
//! RFC 5545 does with `WKST=MO`. Each occurrence is the rule's local start time on its date,
//! turned into an instant in the gym's zone, so a 07:00 class stays at 07:00 local across
//! daylight-saving changes. A start time that a spring-forward change skips moves forward by the
//! gap (02:30 becomes 03:30); one that an autumn change repeats takes its first (earlier)
//! occurrence. A session lasts its duration in real minutes, whatever the clock does meanwhile.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc, Weekday};
use palestra_core::time::TimeZone;

/// Occurrences are made at most this many days after the series' first date.
pub const HORIZON_DAYS: u64 = 366;

/// How a series ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The last date that may hold an occurrence (local, inclusive).
    Until(NaiveDate),
    /// How many occurrences in all.
    Count(u32),
}

/// A weekly rule in wall time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The weekdays, Monday first, each once.
    pub weekdays: Vec<Weekday>,
    /// Local start time.
    pub start_time: NaiveTime,
    /// Every how many weeks (1 = every week).
    pub interval_weeks: u32,
    /// The first date that may hold an occurrence.
    pub starts_on: NaiveDate,
    /// When it ends.
    pub end: End,
}

/// One occurrence: its index in the series (from 0), its local date and its instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    /// Index in the series, from 0.
    pub index: u32,
    /// The local date.
    pub date: NaiveDate,
    /// The start, UTC.
    pub starts_at: DateTime<Utc>,
}

/// The RFC 5545 two-letter code of a weekday.
pub fn weekday_code(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

/// Parses an RFC 5545 two-letter weekday code.
pub fn parse_weekday(code: &str) -> Option<Weekday> {
    Some(match code {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

/// Parses a stored `MO,WE,FR` list.
pub fn parse_weekdays(list: &str) -> Vec<Weekday> {
    let mut days: Vec<Weekday> = list.split(',').filter_map(parse_weekday).collect();
    days.sort_by_key(Weekday::num_days_from_monday);
    days.dedup();
    days
}

/// Formats weekdays as a stored `MO,WE,FR` list.
pub fn format_weekdays(days: &[Weekday]) -> String {
    days.iter()
        .map(|d| weekday_code(*d))
        .collect::<Vec<_>>()
        .join(",")
}

fn monday_of(date: NaiveDate) -> NaiveDate {
    date - Days::new(u64::from(date.weekday().num_days_from_monday()))
}

impl Rule {
    /// The rule as an RFC 5545 `RRULE` value (UNTIL given as a local date).
    pub fn to_rrule(&self) -> String {
        let mut rule = format!(
            "FREQ=WEEKLY;INTERVAL={};BYDAY={}",
            self.interval_weeks,
            format_weekdays(&self.weekdays)
        );
        match self.end {
            End::Until(date) => rule.push_str(&format!(";UNTIL={}", date.format("%Y%m%d"))),
            End::Count(n) => rule.push_str(&format!(";COUNT={n}")),
        }
        rule
    }

    /// Whether a date is one of the rule's days (ignoring the end).
    fn matches(&self, date: NaiveDate) -> bool {
        if date < self.starts_on || !self.weekdays.contains(&date.weekday()) {
            return false;
        }
        let weeks = (monday_of(date) - monday_of(self.starts_on)).num_days() / 7;
        weeks % i64::from(self.interval_weeks.max(1)) == 0
    }

    /// Every occurrence, in order, within the horizon ([`HORIZON_DAYS`] after the first date).
    pub fn occurrences(&self, zone: TimeZone) -> Vec<Occurrence> {
        let mut out = Vec::new();
        if self.weekdays.is_empty() {
            return out;
        }
        let horizon = self.starts_on + Days::new(HORIZON_DAYS);
        let last = match self.end {
            End::Until(until) => until.min(horizon),
            End::Count(_) => horizon,
        };
        let mut date = self.starts_on;
        let mut index = 0u32;
        while date <= last {
            if let End::Count(n) = self.end
                && index >= n
            {
                break;
            }
            if self.matches(date) {
                out.push(Occurrence {
                    index,
                    date,
                    starts_at: zone.instant_at(date, self.start_time),
                });
                index += 1;
            }
            date = date + Days::new(1);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;
    use proptest::prelude::*;

    const ZONES: [&str; 4] = [
        "America/Mexico_City",
        "Europe/Madrid",
        "America/New_York",
        "Australia/Sydney",
    ];

    fn zone(name: &str) -> TimeZone {
        name.parse().unwrap_or(TimeZone(chrono_tz::UTC))
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn seven() -> NaiveTime {
        NaiveTime::from_hms_opt(7, 0, 0).unwrap_or_default()
    }

    #[test]
    fn a_monday_class_stays_at_seven_across_the_spring_change() {
        let madrid = zone("Europe/Madrid");
        let rule = Rule {
            weekdays: vec![Weekday::Mon],
            start_time: seven(),
            interval_weeks: 1,
            starts_on: date(2026, 3, 16),
            end: End::Count(3),
        };
        let occurrences = rule.occurrences(madrid);
        let utc_hours: Vec<u32> = occurrences.iter().map(|o| o.starts_at.hour()).collect();
        // CET (UTC+1) before 29 March, CEST (UTC+2) after.
        assert_eq!(utc_hours, vec![6, 6, 5]);
        assert_eq!(rule.to_rrule(), "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;COUNT=3");
    }

    #[test]
    fn a_skipped_start_moves_forward_and_a_repeated_one_takes_the_earlier() {
        let ny = zone("America/New_York");
        let rule = Rule {
            weekdays: vec![Weekday::Sun],
            start_time: NaiveTime::from_hms_opt(2, 30, 0).unwrap_or_default(),
            interval_weeks: 1,
            starts_on: date(2026, 3, 8),
            end: End::Count(1),
        };
        let local = rule.occurrences(ny)[0].starts_at.with_timezone(&ny.0);
        assert_eq!((local.hour(), local.minute()), (3, 30));
        let rule = Rule {
            start_time: NaiveTime::from_hms_opt(1, 30, 0).unwrap_or_default(),
            starts_on: date(2026, 11, 1),
            ..rule
        };
        // The first 01:30 of 1 November is EDT (UTC-4).
        assert_eq!(rule.occurrences(ny)[0].starts_at.hour(), 5);
    }

    #[test]
    fn intervals_count_weeks_from_the_first_monday_and_until_is_inclusive() {
        let rule = Rule {
            weekdays: vec![Weekday::Mon, Weekday::Fri],
            start_time: seven(),
            interval_weeks: 2,
            starts_on: date(2026, 1, 2), // a Friday
            end: End::Until(date(2026, 1, 19)),
        };
        let dates: Vec<NaiveDate> = rule
            .occurrences(zone("Europe/Madrid"))
            .iter()
            .map(|o| o.date)
            .collect();
        assert_eq!(
            dates,
            vec![date(2026, 1, 2), date(2026, 1, 12), date(2026, 1, 16)]
        );
    }

    #[test]
    fn nothing_is_made_beyond_the_horizon() {
        let rule = Rule {
            weekdays: vec![Weekday::Mon],
            start_time: seven(),
            interval_weeks: 1,
            starts_on: date(2026, 1, 5),
            end: End::Count(1000),
        };
        let occurrences = rule.occurrences(zone("Europe/Madrid"));
        assert!(occurrences.len() <= 53);
        assert!(
            occurrences
                .iter()
                .all(|o| o.date <= date(2026, 1, 5) + Days::new(HORIZON_DAYS))
        );
    }

    proptest! {
        #[test]
        fn every_occurrence_keeps_its_local_wall_time(
            zone_index in 0..ZONES.len(),
            start_day in 0u64..730,
            weekday_mask in 1u8..128,
            interval in 1u32..4,
            minute in 0u32..1440,
            count in 1u32..120,
        ) {
            let tz = zone(ZONES[zone_index]);
            let weekdays: Vec<Weekday> = (0..7u8)
                .filter(|bit| weekday_mask & (1 << bit) != 0)
                .filter_map(|bit| Weekday::try_from(bit).ok())
                .collect();
            let start_time = NaiveTime::from_num_seconds_from_midnight_opt(minute * 60, 0).unwrap_or_default();
            let rule = Rule {
                weekdays: weekdays.clone(),
                start_time,
                interval_weeks: interval,
                starts_on: date(2026, 1, 1) + Days::new(start_day),
                end: End::Count(count),
            };
            let occurrences = rule.occurrences(tz);
            prop_assert!(occurrences.len() <= count as usize);
            let mut previous: Option<DateTime<Utc>> = None;
            for (i, occurrence) in occurrences.iter().enumerate() {
                prop_assert_eq!(occurrence.index as usize, i);
                prop_assert!(weekdays.contains(&occurrence.date.weekday()));
                let local = occurrence.starts_at.with_timezone(&tz.0).naive_local();
                let wall = occurrence.date.and_time(start_time);
                if chrono::TimeZone::from_local_datetime(&tz.0, &wall).earliest().is_some() {
                    // The wall time exists: it is kept exactly, whatever the offset that day.
                    prop_assert_eq!(local, wall);
                } else {
                    // Skipped by a spring-forward change: moved forward by the gap, same day.
                    prop_assert!(local > wall && local - wall <= chrono::Duration::hours(1));
                }
                if let Some(previous) = previous {
                    prop_assert!(occurrence.starts_at > previous);
                }
                previous = Some(occurrence.starts_at);
            }
        }
    }
}
