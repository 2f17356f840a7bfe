//! iCalendar (RFC 5545) feeds: the gym's timetable and a member's own booked sessions, at
//! secret per-member URLs that calendar apps subscribe to without signing in.
//!
//! A feed URL carries a random token (32 bytes, base64url); only its SHA-256 is stored, one per
//! member per gym. Rotating replaces it, so the old URL stops working at once. Events are
//! written with the `icalendar` crate: wall times with the gym's `TZID` (and a `VTIMEZONE`
//! computed from the zone's rules, which that crate cannot write), `UID` `<session id>@<host>`
//! (stable across edits), `SEQUENCE` from the session's change counter, and cancelled sessions
//! as `STATUS:CANCELLED` so subscribed calendars strike them instead of losing them silently.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Offset, TimeZone as _, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike, EventStatus};
use palestra_core::ids::{AccountId, TenantId};
use palestra_core::scope::scoped;
use ring::digest;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::entities::{booking, calendar_feed, class, session};

/// Sessions of the timetable feed: from a week ago to this many days ahead.
pub const TIMETABLE_DAYS_AHEAD: i64 = 60;
/// At most this many events in a feed.
pub const MAX_EVENTS: u64 = 2000;

fn env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().trim_end_matches('/').to_owned())
        .filter(|v| !v.is_empty())
}

/// `PUBLIC_BASE_URL`, read once: where feed URLs point, and the host of event UIDs.
pub fn public_base_url() -> Option<&'static str> {
    static BASE: OnceLock<Option<String>> = OnceLock::new();
    BASE.get_or_init(|| env("PUBLIC_BASE_URL")).as_deref()
}

/// The host that event UIDs end with: the public base URL's, else `palestra`.
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

/// The SHA-256 (hex) a token is stored as.
pub fn token_hash(token: &str) -> String {
    digest::digest(&digest::SHA256, token.as_bytes())
        .as_ref()
        .iter()
        .fold(String::with_capacity(64), |mut out, byte| {
            let _ = write!(out, "{byte:02x}");
            out
        })
}

/// A new random feed token.
pub fn new_token() -> Result<String, DbErr> {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 32];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| DbErr::Custom("the system random source failed".to_owned()))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// Gives the member a new feed token (replacing any earlier one) and returns it.
pub async fn rotate(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    account: AccountId,
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    let token = new_token()?;
    calendar_feed::Entity::insert(calendar_feed::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        tenant_id: Set(tenant.uuid()),
        account_id: Set(account.uuid()),
        token_hash: Set(token_hash(&token)),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            calendar_feed::Column::TenantId,
            calendar_feed::Column::AccountId,
        ])
        .update_columns([
            calendar_feed::Column::TokenHash,
            calendar_feed::Column::CreatedAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(token)
}

/// Stops the member's feed. `false` when there was none.
pub async fn revoke(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    account: AccountId,
) -> Result<bool, DbErr> {
    let result = calendar_feed::Entity::delete_many()
        .filter(calendar_feed::Column::TenantId.eq(tenant.uuid()))
        .filter(calendar_feed::Column::AccountId.eq(account.uuid()))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// The feed a token opens, if any (by its hash: the unique index answers).
pub async fn find_by_token(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<calendar_feed::Model>, DbErr> {
    if token.len() > 128 {
        return Ok(None);
    }
    calendar_feed::Entity::find()
        .filter(calendar_feed::Column::TokenHash.eq(token_hash(token)))
        .one(db)
        .await
}

/// A member's feed URLs, shown once when made.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CalendarFeedView {
    /// The gym's timetable, every session of the next 60 days (and the past week).
    pub timetable_url: String,
    /// The caller's own booked sessions.
    pub bookings_url: String,
    /// When this token was made; earlier URLs no longer work.
    pub created_at: DateTime<Utc>,
}

/// The sessions of the timetable feed, with their classes, in one query.
pub async fn timetable_sessions(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    now: DateTime<Utc>,
) -> Result<Vec<(session::Model, Option<class::Model>)>, DbErr> {
    scoped::<session::Entity>(tenant)
        .filter(session::Column::StartsAt.gte(now - Duration::days(7)))
        .filter(session::Column::StartsAt.lt(now + Duration::days(TIMETABLE_DAYS_AHEAD)))
        .find_also_related(class::Entity)
        .order_by_asc(session::Column::StartsAt)
        .limit(MAX_EVENTS)
        .all(db)
        .await
}

/// The member's booked sessions from 90 days ago on, with their classes, in two queries.
pub async fn booked_sessions(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    account: AccountId,
    now: DateTime<Utc>,
) -> Result<Vec<(session::Model, Option<class::Model>)>, DbErr> {
    let rows = crate::repo::member_bookings(
        db,
        tenant,
        account,
        Some(now - Duration::days(90)),
        None,
        &booking::ACTIVE_STATUSES,
        MAX_EVENTS,
    )
    .await?;
    let class_ids: Vec<uuid::Uuid> = rows.iter().map(|(_, s)| s.class_id).collect();
    let classes: HashMap<uuid::Uuid, class::Model> = if class_ids.is_empty() {
        HashMap::new()
    } else {
        scoped::<class::Entity>(tenant)
            .filter(class::Column::Id.is_in(class_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect()
    };
    Ok(rows
        .into_iter()
        .map(|(_, s)| {
            let class = classes.get(&s.class_id).cloned();
            (s, class)
        })
        .collect())
}

fn local(zone: Tz, instant: DateTime<Utc>) -> CalendarDateTime {
    CalendarDateTime::WithTimezone {
        date_time: instant.with_timezone(&zone).naive_local(),
        tzid: zone.name().to_owned(),
    }
}

/// Writes a feed: the calendar with its name, the zone's `VTIMEZONE` and one event per session.
pub fn render(
    name: &str,
    zone: Tz,
    sessions: &[(session::Model, Option<class::Model>)],
    now: DateTime<Utc>,
) -> String {
    let mut calendar = Calendar::new();
    calendar
        .name(name)
        .timezone(zone.name())
        // Calendar apps that honour it refresh hourly.
        .ttl(&Duration::hours(1))
        .append_property(icalendar::Property::new("METHOD", "PUBLISH"));
    for (session, class) in sessions {
        let mut event = Event::new();
        event
            .uid(&format!("{}@{}", session.id, uid_host()))
            .timestamp(now)
            .summary(class.as_ref().map_or("Class", |c| c.name.as_str()))
            .starts(local(zone, session.starts_at))
            .ends(local(zone, session.ends_at))
            .sequence(u32::try_from(session.sequence).unwrap_or(0))
            .last_modified(session.updated_at)
            .status(if session.status == session::STATUS_CANCELLED {
                EventStatus::Cancelled
            } else {
                EventStatus::Confirmed
            });
        if let Some(room) = &session.room {
            event.location(room);
        }
        let mut description = class
            .as_ref()
            .and_then(|c| c.description.clone())
            .unwrap_or_default();
        if let Some(notes) = &session.notes {
            if !description.is_empty() {
                description.push_str("\n\n");
            }
            description.push_str(notes);
        }
        if !description.is_empty() {
            event.description(&description);
        }
        calendar.push(event.done());
    }
    let text = calendar.done().to_string();
    let (first, last) = sessions
        .iter()
        .map(|(s, _)| s.starts_at)
        .fold((now, now), |(lo, hi), t| (lo.min(t), hi.max(t)));
    let vtimezone = vtimezone(zone, first.year() - 1, last.year() + 1);
    match text.find("BEGIN:VEVENT") {
        Some(at) => format!("{}{vtimezone}{}", &text[..at], &text[at..]),
        None => text.replacen("END:VCALENDAR", &format!("{vtimezone}END:VCALENDAR"), 1),
    }
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

/// The zone's `VTIMEZONE` over whole years `[from_year, to_year]`: one observance per offset
/// change found in that span (day by day, then to the second), plus the one in force at its
/// start. Written out instead of as `RRULE`s, which is valid RFC 5545 and exact for any zone.
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
        let (next_offset, _, _) = offset_at(zone, next);
        if next_offset != current {
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
        // Spring: 02:00 local (CET) becomes 03:00 CEST on 2026-03-29.
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
    fn a_zone_without_changes_has_one_observance() {
        let text = vtimezone(chrono_tz::Asia::Kolkata, 2026, 2027);
        assert_eq!(text.matches("BEGIN:STANDARD").count(), 1);
        assert!(text.contains("TZOFFSETTO:+0530"));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (
            new_token().unwrap_or_default(),
            new_token().unwrap_or_default(),
        );
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), token_hash(&b));
    }
}
