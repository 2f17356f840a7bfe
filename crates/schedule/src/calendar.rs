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

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike, EventStatus};
use palestra_core::ids::{AccountId, TenantId};
use palestra_core::scope::scoped;
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

/// Gives the member a new feed token (replacing any earlier one) and returns it.
pub async fn rotate(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    account: AccountId,
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    let token =
        palestra_core::calendar::new_feed_token().map_err(|e| DbErr::Custom(e.to_string()))?;
    calendar_feed::Entity::insert(calendar_feed::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        tenant_id: Set(tenant.uuid()),
        account_id: Set(account.uuid()),
        token_hash: Set(palestra_core::calendar::feed_token_hash(&token)),
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
        .filter(
            calendar_feed::Column::TokenHash.eq(palestra_core::calendar::feed_token_hash(token)),
        )
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
            .uid(&format!(
                "{}@{}",
                session.id,
                palestra_core::calendar::uid_host()
            ))
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
    palestra_core::calendar::with_vtimezone(
        &calendar.done().to_string(),
        zone,
        sessions.iter().map(|(s, _)| s.starts_at),
        now,
    )
}
