//! The iCalendar (RFC 5545) pieces every module's calendar feed shares: the `VTIMEZONE` block
//! of a tenant's zone, and the secret tokens feed URLs are made of. The events themselves are
//! each module's own (written with the `icalendar` crate there).

use std::fmt::Write as _;
use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Datelike as _, Duration, NaiveDateTime, Offset as _, TimeZone as _, Utc};
use chrono_tz::{OffsetComponents as _, OffsetName as _, Tz};
use sha2::{Digest as _, Sha256};

/// `PUBLIC_BASE_URL` (trimmed, no trailing slash), read once: where feed URLs point, and the host
/// of event UIDs. `None` when it is not set.
pub fn public_base_url() -> Option<&'static str> {
    static BASE: OnceLock<Option<String>> = OnceLock::new();
    BASE.get_or_init(|| {
        std::env::var("PUBLIC_BASE_URL")
            .ok()
            .map(|v| v.trim().trim_end_matches('/').to_owned())
            .filter(|v| !v.is_empty())
    })
    .as_deref()
}

/// Where a feed URL made during `req` points: [`public_base_url`], else the scheme and host the
/// request came in by. Calendar apps need an absolute URL.
pub fn feed_base_url(req: &actix_web::HttpRequest) -> String {
    match public_base_url() {
        Some(base) => base.to_owned(),
        None => {
            let info = req.connection_info();
            format!("{}://{}", info.scheme(), info.host())
        }
    }
}

/// The host event UIDs end with: the public base URL's, else `palestra`. Read once, so a UID
/// never changes while the process runs.
pub fn uid_host() -> &'static str {
    static HOST: OnceLock<String> = OnceLock::new();
    HOST.get_or_init(|| {
        public_base_url()
            .and_then(|url| url.split_once("://").map(|(_, rest)| rest))
            .and_then(|rest| rest.split(['/', ':']).next())
            .filter(|host| !host.is_empty())
            .unwrap_or("palestra")
            .to_owned()
    })
}

/// A new secret for a feed URL: 32 random bytes, base64url without padding (43 characters).
pub fn new_feed_token() -> std::io::Result<String> {
    use ring::rand::SecureRandom as _;
    let mut bytes = [0u8; 32];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| std::io::Error::other("the system random source failed"))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The SHA-256 (lower-case hex) a feed token is stored as, so a database leak reveals no URL.
pub fn feed_token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut out, byte| {
            let _ = write!(out, "{byte:02x}");
            out
        })
}

/// Puts the zone's `VTIMEZONE` into a written calendar, before its first event, covering the
/// years of `instants` and `now` with a year's margin either side.
pub fn with_vtimezone(
    text: &str,
    zone: Tz,
    instants: impl IntoIterator<Item = DateTime<Utc>>,
    now: DateTime<Utc>,
) -> String {
    let (first, last) = instants
        .into_iter()
        .fold((now, now), |(lo, hi), t| (lo.min(t), hi.max(t)));
    let block = vtimezone(zone, first.year() - 1, last.year() + 1);
    match text.find("BEGIN:VEVENT") {
        Some(at) => format!("{}{block}{}", &text[..at], &text[at..]),
        None => text.replacen("END:VCALENDAR", &format!("{block}END:VCALENDAR"), 1),
    }
}

/// One `STANDARD` or `DAYLIGHT` observance of a `VTIMEZONE`.
struct Observance {
    daylight: bool,
    name: Option<String>,
    /// The local time (in the offset before) the observance starts at.
    starts: NaiveDateTime,
    from: i32,
    to: i32,
}

fn offset_at(zone: Tz, instant: DateTime<Utc>) -> (i32, bool, Option<String>) {
    let offset = zone.offset_from_utc_datetime(&instant.naive_utc());
    (
        offset.fix().local_minus_utc(),
        !offset.dst_offset().is_zero(),
        offset.abbreviation().map(str::to_owned),
    )
}

fn format_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let seconds = seconds.unsigned_abs();
    let (hours, minutes, rest) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if rest == 0 {
        format!("{sign}{hours:02}{minutes:02}")
    } else {
        format!("{sign}{hours:02}{minutes:02}{rest:02}")
    }
}

/// The zone's `VTIMEZONE` over whole years `[from_year, to_year]`: the observance in force at
/// the start, then one per offset change in the span (found day by day, narrowed to the
/// second). Written out rather than as `RRULE`s: valid RFC 5545 and exact for any zone, even
/// one whose rules changed over the years.
pub fn vtimezone(zone: Tz, from_year: i32, to_year: i32) -> String {
    let start = Utc
        .with_ymd_and_hms(from_year, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_else(Utc::now);
    let end = Utc
        .with_ymd_and_hms(to_year + 1, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or(start);
    let (offset, daylight, name) = offset_at(zone, start);
    let mut observances = vec![Observance {
        daylight,
        name,
        starts: start.naive_utc() + Duration::seconds(i64::from(offset)),
        from: offset,
        to: offset,
    }];
    let mut day = start;
    let mut current = offset;
    while day < end {
        let next = day + Duration::days(1);
        if offset_at(zone, next).0 != current {
            // The change happened in (day, next]: narrow it to the second.
            let (mut lo, mut hi) = (day, next);
            while hi - lo > Duration::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                if offset_at(zone, mid).0 == current {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let (to, daylight, name) = offset_at(zone, hi);
            observances.push(Observance {
                daylight,
                name,
                starts: hi.naive_utc() + Duration::seconds(i64::from(current)),
                from: current,
                to,
            });
            current = to;
        }
        day = next;
    }
    let mut out = String::new();
    let _ = write!(out, "BEGIN:VTIMEZONE\r\nTZID:{}\r\n", zone.name());
    for observance in observances {
        let kind = if observance.daylight {
            "DAYLIGHT"
        } else {
            "STANDARD"
        };
        let _ = write!(
            out,
            "BEGIN:{kind}\r\nDTSTART:{}\r\nTZOFFSETFROM:{}\r\nTZOFFSETTO:{}\r\n",
            observance.starts.format("%Y%m%dT%H%M%S"),
            format_offset(observance.from),
            format_offset(observance.to),
        );
        if let Some(name) = observance.name {
            let _ = write!(out, "TZNAME:{name}\r\n");
        }
        let _ = write!(out, "END:{kind}\r\n");
    }
    out.push_str("END:VTIMEZONE\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn madrid_changes_twice_a_year() {
        let text = vtimezone(chrono_tz::Europe::Madrid, 2026, 2026);
        assert!(text.contains("TZID:Europe/Madrid"));
        // Spring: 02:00 local (CET) becomes 03:00 CEST on 2026-03-29; autumn: 03:00 CEST
        // becomes 02:00 CET on 2026-10-25.
        assert!(
            text.contains(
                "BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "BEGIN:STANDARD\r\nDTSTART:20261025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100"
            ),
            "{text}"
        );
    }

    #[test]
    fn sydney_is_in_daylight_time_in_january() {
        let text = vtimezone(chrono_tz::Australia::Sydney, 2026, 2026);
        // The year opens in AEDT (+11), falls back to AEST in April, springs in October.
        assert!(
            text.contains("TZOFFSETFROM:+1100\r\nTZOFFSETTO:+1000"),
            "{text}"
        );
        assert!(
            text.contains("TZOFFSETFROM:+1000\r\nTZOFFSETTO:+1100"),
            "{text}"
        );
    }

    #[test]
    fn a_zone_without_changes_has_one_observance() {
        let text = vtimezone(chrono_tz::Asia::Kolkata, 2026, 2027);
        assert_eq!(text.matches("BEGIN:STANDARD").count(), 1);
        assert!(text.contains("TZOFFSETTO:+0530"));
    }

    #[test]
    fn the_block_goes_before_the_first_event() {
        let now = Utc::now();
        let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let out = with_vtimezone(text, chrono_tz::America::New_York, [now], now);
        let zone = out.find("BEGIN:VTIMEZONE").unwrap_or(usize::MAX);
        let event = out.find("BEGIN:VEVENT").unwrap_or(0);
        assert!(zone < event, "{out}");
        let empty = with_vtimezone("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", Tz::UTC, [], now);
        assert!(empty.contains("END:VTIMEZONE\r\nEND:VCALENDAR"), "{empty}");
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (
            new_feed_token().unwrap_or_default(),
            new_feed_token().unwrap_or_default(),
        );
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(feed_token_hash(&a).len(), 64);
        assert_ne!(feed_token_hash(&a), feed_token_hash(&b));
    }
}
