//! Bookable slots, computed without the database: working hours (in the trainer's zone) plus
//! extra hours, minus time off, minus the blocked ranges of appointments (buffers included),
//! honouring the type's minimum notice and maximum days ahead.
//!
//! Wall times are turned into instants per local date with [`TimeZone::instant_at`]: a wall
//! time skipped by a spring-forward change moves forward by the gap, a repeated autumn time
//! takes its first occurrence, and `24:00` is the next local midnight. A working interval thus
//! lasts the real time between its two instants (one hour less or more on change days), and
//! slots are laid every [`STEP_MINUTES`] from its start.

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use palestra_core::time::TimeZone;

/// Slots start every this many minutes from the start of a working interval.
pub const STEP_MINUTES: i64 = 15;
/// Minutes in a day: an interval may end at `24:00`.
pub const DAY_MINUTES: u16 = 24 * 60;

/// A range of wall-clock minutes of one local day, `start < end <= 1440`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WallRange {
    /// From local midnight.
    pub start: u16,
    /// From local midnight; 1440 is the end of the day.
    pub end: u16,
}

/// A change of one local date's working hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayChange {
    /// Away for a part of the day, or the whole day (`None`).
    TimeOff(Option<WallRange>),
    /// Working beyond the weekly hours.
    Extra(WallRange),
}

/// What a type asks of a slot.
#[derive(Debug, Clone, Copy)]
pub struct SlotRules {
    /// Length of the session.
    pub duration: Duration,
    /// Kept free before the session.
    pub buffer_before: Duration,
    /// Kept free after the session.
    pub buffer_after: Duration,
    /// A slot must start at least this long after now.
    pub min_notice: Duration,
    /// A slot must start at most this long after now.
    pub max_ahead: Duration,
}

/// A half-open range of instants.
pub type Span = (DateTime<Utc>, DateTime<Utc>);

fn wall_instant(zone: TimeZone, date: NaiveDate, minute: u16) -> DateTime<Utc> {
    if minute >= DAY_MINUTES {
        let next = date.checked_add_days(Days::new(1)).unwrap_or(date);
        return zone.start_of_day(next);
    }
    let time = NaiveTime::from_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0)
        .unwrap_or(NaiveTime::MIN);
    zone.instant_at(date, time)
}

/// The instants of a wall range on a local date; `None` when the range vanishes in a DST gap.
pub fn span_of(zone: TimeZone, date: NaiveDate, range: WallRange) -> Option<Span> {
    let start = wall_instant(zone, date, range.start);
    let end = wall_instant(zone, date, range.end);
    (start < end).then_some((start, end))
}

/// Sorts and merges overlapping or touching spans.
pub fn merge(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for (start, end) in spans {
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

/// `spans` minus `holes`, both sorted and merged.
pub fn subtract(spans: &[Span], holes: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    for &(mut start, end) in spans {
        for &(hole_start, hole_end) in holes {
            if hole_end <= start || hole_start >= end {
                continue;
            }
            if hole_start > start {
                out.push((start, hole_start));
            }
            start = start.max(hole_end);
            if start >= end {
                break;
            }
        }
        if start < end {
            out.push((start, end));
        }
    }
    out
}

/// The working time of the local dates `from..=to` as instants: each date's weekly ranges,
/// plus its extra hours, minus its time off.
pub fn working_spans(
    zone: TimeZone,
    weekly: impl Fn(Weekday) -> Vec<WallRange>,
    changes: impl Fn(NaiveDate) -> Vec<DayChange>,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<Span> {
    let mut work = Vec::new();
    let mut off = Vec::new();
    let mut date = from;
    while date <= to {
        let changes = changes(date);
        let day_off = changes.contains(&DayChange::TimeOff(None));
        if !day_off {
            work.extend(
                weekly(date.weekday())
                    .into_iter()
                    .filter_map(|r| span_of(zone, date, r)),
            );
        }
        for change in changes {
            match change {
                DayChange::Extra(range) => work.extend(span_of(zone, date, range)),
                DayChange::TimeOff(Some(range)) => off.extend(span_of(zone, date, range)),
                DayChange::TimeOff(None) => {}
            }
        }
        let Some(next) = date.checked_add_days(Days::new(1)) else {
            break;
        };
        date = next;
    }
    subtract(&merge(work), &merge(off))
}

/// Whether a session `[start, start + duration)` with its buffers fits: inside one working span,
/// and its blocked range clear of every busy range.
pub fn fits(working: &[Span], busy: &[Span], rules: &SlotRules, start: DateTime<Utc>) -> bool {
    let end = start + rules.duration;
    let (blocked_from, blocked_until) = (start - rules.buffer_before, end + rules.buffer_after);
    working.iter().any(|&(s, e)| s <= start && end <= e)
        && !busy
            .iter()
            .any(|&(s, e)| s < blocked_until && blocked_from < e)
}

/// The starts of bookable slots within `window`, in order: on the grid of each working span,
/// with the session inside the span, its blocked range clear of `busy`, and its start between
/// `now + min_notice` and `now + max_ahead`.
pub fn free_slots(
    working: &[Span],
    busy: &[Span],
    rules: &SlotRules,
    now: DateTime<Utc>,
    window: Span,
) -> Vec<DateTime<Utc>> {
    let earliest = (now + rules.min_notice).max(window.0);
    let latest = now + rules.max_ahead;
    let step = Duration::minutes(STEP_MINUTES);
    let mut out = Vec::new();
    for &(span_start, span_end) in working {
        // The first grid point at or after `earliest`.
        let mut start = span_start;
        if start < earliest {
            let behind = (earliest - span_start).num_seconds();
            let steps = (behind + step.num_seconds() - 1) / step.num_seconds();
            start = span_start + Duration::seconds(steps * step.num_seconds());
        }
        while start + rules.duration <= span_end && start < window.1 && start <= latest {
            let blocked = (
                start - rules.buffer_before,
                start + rules.duration + rules.buffer_after,
            );
            if !busy.iter().any(|&(s, e)| s < blocked.1 && blocked.0 < e) {
                out.push(start);
            }
            start += step;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone as _, Timelike};

    use proptest::prelude::*;

    fn zone(name: &str) -> TimeZone {
        name.parse().unwrap()
    }

    fn rules(duration: i64, before: i64, after: i64) -> SlotRules {
        SlotRules {
            duration: Duration::minutes(duration),
            buffer_before: Duration::minutes(before),
            buffer_after: Duration::minutes(after),
            min_notice: Duration::zero(),
            max_ahead: Duration::days(400),
        }
    }

    fn nine_to_five(_: Weekday) -> Vec<WallRange> {
        vec![WallRange {
            start: 9 * 60,
            end: 17 * 60,
        }]
    }

    #[test]
    fn a_plain_day_has_hourly_sessions_on_a_quarter_hour_grid() {
        let madrid = zone("Europe/Madrid");
        let date = NaiveDate::from_ymd_opt(2026, 6, 10).unwrap();
        let working = working_spans(madrid, nine_to_five, |_| vec![], date, date);
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let slots = free_slots(&working, &[], &rules(60, 0, 0), now, working[0]);
        // 09:00 .. 16:00 every 15 minutes.
        assert_eq!(slots.len(), 29);
        assert_eq!(slots[0].with_timezone(&madrid.0).hour(), 9);
    }

    #[test]
    fn buffers_keep_neighbours_apart() {
        let madrid = zone("Europe/Madrid");
        let date = NaiveDate::from_ymd_opt(2026, 6, 10).unwrap();
        let working = working_spans(madrid, nine_to_five, |_| vec![], date, date);
        let noon = madrid.instant_at(date, NaiveTime::from_hms_opt(12, 0, 0).unwrap());
        let busy = vec![(noon, noon + Duration::hours(1))];
        let r = rules(60, 15, 15);
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let slots = free_slots(&working, &busy, &r, now, working[0]);
        assert!(!slots.contains(&(noon - Duration::minutes(60))));
        assert!(slots.contains(&(noon - Duration::minutes(75))));
        assert!(!slots.contains(&(noon + Duration::minutes(60))));
        assert!(slots.contains(&(noon + Duration::minutes(75))));
    }

    #[test]
    fn time_off_and_extra_hours_change_a_day() {
        let madrid = zone("Europe/Madrid");
        let date = NaiveDate::from_ymd_opt(2026, 6, 10).unwrap();
        let off = working_spans(
            madrid,
            nine_to_five,
            |_| vec![DayChange::TimeOff(None)],
            date,
            date,
        );
        assert!(off.is_empty());
        let changed = working_spans(
            madrid,
            nine_to_five,
            |_| {
                vec![
                    DayChange::TimeOff(Some(WallRange {
                        start: 12 * 60,
                        end: 13 * 60,
                    })),
                    DayChange::Extra(WallRange {
                        start: 18 * 60,
                        end: 20 * 60,
                    }),
                ]
            },
            date,
            date,
        );
        assert_eq!(changed.len(), 3);
    }

    #[test]
    fn a_spring_forward_day_is_an_hour_shorter() {
        let madrid = zone("Europe/Madrid");
        // 2026-03-29: 02:00 becomes 03:00 in Madrid.
        let date = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
        let all_day = |_| {
            vec![WallRange {
                start: 0,
                end: DAY_MINUTES,
            }]
        };
        let working = working_spans(madrid, all_day, |_| vec![], date, date);
        assert_eq!(working[0].1 - working[0].0, Duration::hours(23));
    }

    const ZONES: [&str; 4] = [
        "Europe/Madrid",
        "America/New_York",
        "Australia/Sydney",
        "America/Santiago",
    ];

    proptest! {
        /// Around every DST change of several zones: each slot starts and ends inside the
        /// working hours in wall time on its local date, never overlaps a busy range with its
        /// buffers, respects the notice, and the grid is complete (every fitting start is there).
        #[test]
        fn slots_respect_wall_hours_across_dst(
            zone_index in 0usize..ZONES.len(),
            day_offset in 0u64..730,
            open in 0u16..(20 * 60),
            length in 30u16..(10 * 60),
            duration in 15i64..120,
            before in 0i64..30,
            after in 0i64..30,
            busy_offset in 0i64..(48 * 60),
            busy_length in 15i64..180,
            notice in 0i64..(24 * 60),
        ) {
            let tz = zone(ZONES[zone_index]);
            let open = open - open % 15;
            let close = (open + length).min(DAY_MINUTES);
            let range = WallRange { start: open, end: close };
            // Two-year sweep from January 2026: every change of these zones falls in it.
            let from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Days::new(day_offset);
            let to = from + Days::new(2);
            let working = working_spans(tz, |_| vec![range], |_| vec![], from, to);
            let window = (tz.start_of_day(from), tz.start_of_day(to + Days::new(1)));
            let busy_start = window.0 + Duration::minutes(busy_offset);
            let busy = vec![(busy_start, busy_start + Duration::minutes(busy_length))];
            let mut r = rules(duration, before, after);
            r.min_notice = Duration::minutes(notice);
            let now = window.0;
            let slots = free_slots(&working, &busy, &r, now, window);
            for pair in slots.windows(2) {
                prop_assert!(pair[0] < pair[1]);
            }
            for &start in &slots {
                prop_assert!(start >= now + r.min_notice);
                prop_assert!(fits(&working, &busy, &r, start));
                // Inside the hours of its own local date, read in that date's wall time.
                let date = start.with_timezone(&tz.0).date_naive();
                let (opens, closes) = span_of(tz, date, range).unwrap();
                prop_assert!(start >= opens, "{start} starts before {open} local");
                prop_assert!(start + r.duration <= closes, "{start} ends after {close} local");
            }
            // Completeness: every grid start that fits is offered.
            for &(span_start, span_end) in &working {
                let mut start = span_start;
                while start + r.duration <= span_end {
                    if start >= now + r.min_notice && fits(&working, &busy, &r, start) {
                        prop_assert!(slots.contains(&start), "{start} fits but is missing");
                    }
                    start += Duration::minutes(STEP_MINUTES);
                }
            }
        }
    }
}
