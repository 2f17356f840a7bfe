//! iCalendar (RFC 5545) feeds: the trainer's agenda (every appointment of the workspace, for its
//! staff) and each client's own appointments, at secret URLs calendar apps subscribe to without
//! signing in.
//!
//! A feed URL carries a random token (32 bytes, base64url); only its SHA-256 is stored, one per
//! person, kind and workspace. Rotating replaces it, so the old URL stops working at once; a
//! person who loses access (archived, removed, no longer staff for the agenda) loses the feed.
//! Events carry the workspace's `TZID` with a `VTIMEZONE` computed from the zone's rules, a
//! `UID` `<appointment id>@<host>` that stays the same across reschedules, `SEQUENCE` from the
//! appointment's change counter, and cancelled appointments as `STATUS:CANCELLED` so subscribed
//! calendars strike them instead of losing them silently. Notes are never in a feed.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike, EventStatus};
use palestra_core::entities::{account, membership, tenant};
use palestra_core::ids::{AccountId, TenantId};
use palestra_core::scope::scoped;
use palestra_core::{ApiError, ApiResult, AppContext, Permission, Role, permission};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::credits::CreditError;
use crate::entities::{appointment, appointment_type, calendar_feed};

permission!(
    /// Subscribe to the workspace's whole agenda.
    AgendaFeed = "trainer.calendar.agenda"
);
permission!(
    /// Subscribe to one's own appointments.
    OwnFeed = "trainer.calendar.own"
);

/// Appointments from this many days ago are in a feed.
pub const DAYS_BACK: i64 = 90;
/// Appointments up to this many days ahead are in a feed.
pub const DAYS_AHEAD: i64 = 365;
/// At most this many events in a feed.
pub const MAX_EVENTS: u64 = 3000;

fn not_found() -> ApiError {
    ApiError::not_found(
        "trainer.calendar_feed_not_found",
        "No such calendar feed; it may have been replaced by a newer one.",
    )
}

/// A feed URL, shown once when made.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarFeedView {
    /// Subscribe to this URL; it is a secret. Making a new one stops the old one.
    pub url: String,
    /// `agenda` or `client`.
    pub kind: &'static str,
    pub created_at: DateTime<Utc>,
}

/// Gives the caller a new feed URL of a kind, replacing any earlier one.
pub async fn rotate(
    ctx: &AppContext,
    tenant: TenantId,
    account: AccountId,
    kind: &'static str,
    base_url: &str,
) -> ApiResult<CalendarFeedView> {
    if kind == calendar_feed::KIND_CLIENT
        && !crate::credits::is_client(&ctx.db, tenant, account).await?
    {
        return Err(CreditError::ClientNotFound.into());
    }
    let token = palestra_core::calendar::new_feed_token().map_err(ApiError::internal)?;
    let now = Utc::now();
    calendar_feed::Entity::insert(calendar_feed::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tenant.uuid()),
        account_id: Set(account.uuid()),
        kind: Set(kind.to_owned()),
        token_hash: Set(palestra_core::calendar::feed_token_hash(&token)),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            calendar_feed::Column::TenantId,
            calendar_feed::Column::AccountId,
            calendar_feed::Column::Kind,
        ])
        .update_columns([
            calendar_feed::Column::TokenHash,
            calendar_feed::Column::CreatedAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(&ctx.db)
    .await?;
    Ok(CalendarFeedView {
        url: format!("{base_url}/api/v1/calendar/feeds/{token}"),
        kind,
        created_at: now,
    })
}

/// Deletes every feed of an account (its account is being deleted): a secret URL should not
/// outlive its owner.
pub async fn forget_account(
    txn: &sea_orm::DatabaseTransaction,
    account: AccountId,
) -> Result<(), DbErr> {
    calendar_feed::Entity::delete_many()
        .filter(calendar_feed::Column::AccountId.eq(account.uuid()))
        .exec(txn)
        .await
        .map(|_| ())
}

/// The feed a token opens, as text/calendar, or 404.
pub async fn feed(ctx: &AppContext, token: &str) -> ApiResult<String> {
    if token.len() > 128 {
        return Err(not_found());
    }
    let feed = calendar_feed::Entity::find()
        .filter(
            calendar_feed::Column::TokenHash.eq(palestra_core::calendar::feed_token_hash(token)),
        )
        .one(&ctx.db)
        .await?
        .ok_or_else(not_found)?;
    let tenant_id = TenantId(feed.tenant_id);
    // The person must still have access, and the agenda is for staff only.
    let (member, workspace) = scoped::<membership::Entity>(tenant_id)
        .find_also_related(tenant::Entity)
        .filter(membership::Column::AccountId.eq(feed.account_id))
        .filter(membership::Column::Status.is_in(membership::STATUSES_WITH_ACCESS))
        .one(&ctx.db)
        .await?
        .ok_or_else(not_found)?;
    let workspace = workspace.ok_or_else(not_found)?;
    let role = Role::parse(&member.role).ok_or_else(not_found)?;
    let agenda = feed.kind == calendar_feed::KIND_AGENDA;
    if (agenda && !<AgendaFeed as Permission>::granted_to(role))
        || workspace.status == tenant::STATUS_SUSPENDED
        || !ctx
            .module_states
            .is_active(&ctx.db, &ctx.product, tenant_id, "appointments")
            .await?
    {
        return Err(not_found());
    }
    let zone: Tz = workspace.time_zone.parse().unwrap_or(Tz::UTC);
    let now = Utc::now();
    let client = (!agenda).then_some(AccountId(feed.account_id));
    let events = appointments(&ctx.db, tenant_id, client, now).await?;
    Ok(render(&workspace.name, zone, &events, agenda, now))
}

/// An appointment with the names a feed shows.
#[derive(Debug, Clone)]
pub struct FeedEvent {
    pub appointment: appointment::Model,
    pub type_name: String,
    pub location: Option<String>,
    pub online_link: Option<String>,
    pub client_name: String,
}

/// The appointments of a feed (a client's, or the whole agenda) with their names: three
/// queries.
pub async fn appointments(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    client: Option<AccountId>,
    now: DateTime<Utc>,
) -> Result<Vec<FeedEvent>, DbErr> {
    let mut select = scoped::<appointment::Entity>(tenant)
        .filter(appointment::Column::StartsAt.gte(now - Duration::days(DAYS_BACK)))
        .filter(appointment::Column::StartsAt.lt(now + Duration::days(DAYS_AHEAD)));
    if let Some(client) = client {
        select = select.filter(appointment::Column::ClientId.eq(client.uuid()));
    }
    let rows = select
        .order_by_asc(appointment::Column::StartsAt)
        .limit(MAX_EVENTS)
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut type_ids: Vec<Uuid> = rows.iter().map(|a| a.type_id).collect();
    type_ids.sort_unstable();
    type_ids.dedup();
    let types: HashMap<Uuid, appointment_type::Model> = scoped::<appointment_type::Entity>(tenant)
        .filter(appointment_type::Column::Id.is_in(type_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let mut client_ids: Vec<Uuid> = rows.iter().map(|a| a.client_id).collect();
    client_ids.sort_unstable();
    client_ids.dedup();
    let names: HashMap<Uuid, String> = account::Entity::find()
        .select_only()
        .column(account::Column::Id)
        .column(account::Column::FullName)
        .filter(account::Column::Id.is_in(client_ids))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|a| {
            let kind = types.get(&a.type_id);
            FeedEvent {
                type_name: kind.map_or_else(|| "Session".to_owned(), |t| t.name.clone()),
                location: kind.and_then(|t| t.location.clone()),
                online_link: kind.and_then(|t| t.online_link.clone()),
                client_name: names.get(&a.client_id).cloned().unwrap_or_default(),
                appointment: a,
            }
        })
        .collect())
}

fn local(zone: Tz, instant: DateTime<Utc>) -> CalendarDateTime {
    CalendarDateTime::WithTimezone {
        date_time: instant.with_timezone(&zone).naive_local(),
        tzid: zone.name().to_owned(),
    }
}

/// Writes a feed: the calendar, the zone's `VTIMEZONE` and one event per appointment. The
/// agenda names the client; a client's feed names the trainer's workspace.
pub fn render(
    workspace: &str,
    zone: Tz,
    events: &[FeedEvent],
    agenda: bool,
    now: DateTime<Utc>,
) -> String {
    let host = palestra_core::calendar::uid_host();
    let mut calendar = Calendar::new();
    calendar
        .name(&if agenda {
            format!("{workspace}: agenda")
        } else {
            format!("Sessions with {workspace}")
        })
        .timezone(zone.name())
        // Calendar apps that honour it refresh hourly.
        .ttl(&Duration::hours(1))
        .append_property(icalendar::Property::new("METHOD", "PUBLISH"));
    for event in events {
        let a = &event.appointment;
        let summary = if agenda {
            format!("{}: {}", event.type_name, event.client_name)
        } else {
            format!("{} with {workspace}", event.type_name)
        };
        let cancelled = a.status == appointment::STATUS_CANCELLED
            || a.status == appointment::STATUS_LATE_CANCELLED;
        let mut item = Event::new();
        item.uid(&format!("{}@{host}", a.id))
            .timestamp(now)
            .summary(&summary)
            .starts(local(zone, a.starts_at))
            .ends(local(zone, a.ends_at))
            .sequence(u32::try_from(a.sequence).unwrap_or(0))
            .last_modified(a.updated_at)
            .status(if cancelled {
                EventStatus::Cancelled
            } else {
                EventStatus::Confirmed
            });
        if let Some(place) = event.location.as_ref().or(event.online_link.as_ref()) {
            item.location(place);
        }
        if let Some(link) = &event.online_link {
            item.url(link);
        }
        calendar.push(item.done());
    }
    palestra_core::calendar::with_vtimezone(
        &calendar.done().to_string(),
        zone,
        events.iter().map(|e| e.appointment.starts_at),
        now,
    )
}
