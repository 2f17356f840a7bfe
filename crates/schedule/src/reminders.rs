//! Reminders: a background job that emails each member a reminder a set time before every
//! session they hold a booked place in (`SCHEDULE_REMINDER_LEAD_MINUTES`, default 120), through
//! the outbox.
//!
//! Exactly once per booking, with any number of instances running the job: the claim is the
//! insert of the booking's row in `schedule_reminders` (unique on the booking), and the message
//! is enqueued in the same transaction. An instance whose insert finds the row already there
//! (committed by another, or waited for while another held it) sends nothing. A booking made
//! inside the lead time is reminded at the next pass; a session that starts before a pass saw
//! it gets none.

use std::collections::HashMap;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use palestra_core::BackgroundJob;
use palestra_core::db::begin_write;
use palestra_core::entities::{account, tenant};
use palestra_core::ids::{AccountId, TenantId};
use palestra_core::outbox::{self, Channel, Localized, NewMessage};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::entities::{booking, class, reminder, session};

/// Reminders go this many minutes before the start, by default.
pub const DEFAULT_LEAD_MINUTES: i64 = 120;
/// How often the job looks for due reminders.
pub const POLL_INTERVAL: StdDuration = StdDuration::from_secs(30);
/// At most this many reminders per pass (the next pass goes on at once when it was full).
pub const BATCH_SIZE: u64 = 200;

/// `SCHEDULE_REMINDER_LEAD_MINUTES` (1 minute to 7 days; default 120). A value that is not
/// such a number is an error, which stops the start-up of an instance that runs jobs.
pub fn lead_from_env() -> Result<Duration, String> {
    parse_lead(
        std::env::var("SCHEDULE_REMINDER_LEAD_MINUTES")
            .ok()
            .as_deref(),
    )
}

/// The lead time a setting names: unset or blank is the default, else whole minutes from 1 to
/// 10080.
pub fn parse_lead(value: Option<&str>) -> Result<Duration, String> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(Duration::minutes(DEFAULT_LEAD_MINUTES));
    };
    value
        .parse::<i64>()
        .ok()
        .filter(|m| (1..=7 * 24 * 60).contains(m))
        .map(Duration::minutes)
        .ok_or_else(|| {
            format!("SCHEDULE_REMINDER_LEAD_MINUTES must be whole minutes from 1 to 10080, not `{value}`")
        })
}

const SUBJECT: Localized = Localized {
    en: "Reminder: {class} at {time}",
    es: "Recordatorio: {class} a las {time}",
};
const BODY: Localized = Localized {
    en: "Hello {name},\n\nThis is a reminder of your {class} class at {gym} on {date} at {time}{room}.\n\nIf you cannot come, please cancel your place in the app so someone else can have it.",
    es: "Hola {name}:\n\nTe recordamos tu clase de {class} en {gym} el {date} a las {time}{room}.\n\nSi no puedes venir, cancela tu plaza en la app para que otra persona pueda ocuparla.",
};

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    /// Bookings found due.
    pub due: usize,
    /// Reminders this pass sent (claimed and enqueued).
    pub sent: usize,
}

/// Booked places in scheduled sessions starting in `(now, now + lead]` without a reminder yet,
/// soonest first, in one query.
async fn due_bookings(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lead: Duration,
) -> Result<Vec<(booking::Model, session::Model)>, DbErr> {
    let rows = booking::Entity::find()
        .find_also_related(session::Entity)
        .filter(booking::Column::Status.eq(booking::STATUS_BOOKED))
        .filter(session::Column::Status.eq(session::STATUS_SCHEDULED))
        .filter(session::Column::StartsAt.gt(now))
        .filter(session::Column::StartsAt.lte(now + lead))
        .filter(
            Expr::exists(
                Query::select()
                    .expr(Expr::val(1))
                    .from(reminder::Entity)
                    .and_where(
                        Expr::col((reminder::Entity, reminder::Column::BookingId))
                            .equals((booking::Entity, booking::Column::Id)),
                    )
                    .to_owned(),
            )
            .not(),
        )
        .order_by_asc(session::Column::StartsAt)
        .limit(BATCH_SIZE)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(b, s)| s.map(|s| (b, s)))
        .collect())
}

/// Claims a booking's reminder: `true` when this call inserted the row.
async fn claim(
    db: &impl ConnectionTrait,
    booking: &booking::Model,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let inserted = reminder::Entity::insert(reminder::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        tenant_id: Set(booking.tenant_id),
        booking_id: Set(booking.id),
        sent_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(reminder::Column::BookingId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// One pass at a given clock: finds due bookings and, for each one this instance claims,
/// enqueues the reminder email in the claim's transaction. Tests call it directly.
pub async fn send_due(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    lead: Duration,
) -> Result<Pass, DbErr> {
    let due = due_bookings(db, now, lead).await?;
    if due.is_empty() {
        return Ok(Pass::default());
    }
    // The names and addresses the messages need, in three more queries whatever the batch.
    let account_ids: Vec<uuid::Uuid> = due.iter().map(|(b, _)| b.account_id).collect();
    let accounts: HashMap<uuid::Uuid, account::Model> = account::Entity::find()
        .filter(account::Column::Id.is_in(account_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let tenant_ids: Vec<uuid::Uuid> = due.iter().map(|(b, _)| b.tenant_id).collect();
    let tenants: HashMap<uuid::Uuid, tenant::Model> = tenant::Entity::find()
        .filter(tenant::Column::Id.is_in(tenant_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let class_ids: Vec<uuid::Uuid> = due.iter().map(|(_, s)| s.class_id).collect();
    let classes: HashMap<uuid::Uuid, class::Model> = class::Entity::find()
        .filter(class::Column::Id.is_in(class_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();

    let mut pass = Pass {
        due: due.len(),
        sent: 0,
    };
    for (booking, session) in &due {
        let (Some(account), Some(gym)) = (
            accounts.get(&booking.account_id),
            tenants.get(&booking.tenant_id),
        ) else {
            continue;
        };
        let txn = begin_write(db).await?;
        if !claim(&txn, booking, now).await? {
            txn.rollback().await?;
            continue;
        }
        // A deleted account is claimed (so it is not looked at again) but not written to.
        if account.deleted_at.is_none() {
            let class_name = classes
                .get(&session.class_id)
                .map_or("class", |c| c.name.as_str());
            outbox::enqueue(&txn, message(account, gym, class_name, booking, session)).await?;
        }
        txn.commit().await?;
        pass.sent += 1;
    }
    Ok(pass)
}

fn message(
    account: &account::Model,
    gym: &tenant::Model,
    class_name: &str,
    booking: &booking::Model,
    session: &session::Model,
) -> NewMessage {
    let zone: chrono_tz::Tz = gym.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let local = session.starts_at.with_timezone(&zone);
    let spanish = account.locale.to_ascii_lowercase().starts_with("es");
    let date = if spanish {
        local.format("%d/%m/%Y").to_string()
    } else {
        local.format("%a %-d %b %Y").to_string()
    };
    let time = local.format("%H:%M").to_string();
    let room = session
        .room
        .as_deref()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    let values = [
        ("name", account.full_name.as_str()),
        ("class", class_name),
        ("gym", gym.name.as_str()),
        ("date", date.as_str()),
        ("time", time.as_str()),
        ("room", room.as_str()),
    ];
    NewMessage {
        tenant: Some(TenantId(booking.tenant_id)),
        channel: Channel::Email,
        account: Some(AccountId(account.id)),
        recipient: account.email.clone(),
        kind: "schedule.reminder",
        subject: outbox::render(SUBJECT.pick(&account.locale), &values),
        body: outbox::render(BODY.pick(&account.locale), &values),
        data: json!({
            "booking_id": booking.id,
            "session_id": session.id,
            "starts_at": session.starts_at,
        }),
    }
}

/// The reminder job: a pass every 30 seconds (at once again after a full one) until shutdown.
pub fn job(db: DatabaseConnection, lead: Duration) -> BackgroundJob {
    BackgroundJob::polling("schedule.reminders", POLL_INTERVAL, move || {
        let db = db.clone();
        async move {
            let pass = send_due(&db, Utc::now(), lead).await?;
            Ok::<_, DbErr>(u64::try_from(pass.due).unwrap_or(u64::MAX) >= BATCH_SIZE)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lead_is_two_hours_unless_set_to_whole_minutes_up_to_a_week() {
        assert_eq!(parse_lead(None), Ok(Duration::minutes(120)));
        assert_eq!(parse_lead(Some("  ")), Ok(Duration::minutes(120)));
        assert_eq!(parse_lead(Some("30")), Ok(Duration::minutes(30)));
        assert_eq!(parse_lead(Some("10080")), Ok(Duration::minutes(10080)));
        for bad in ["0", "-5", "10081", "1.5", "two hours"] {
            assert!(parse_lead(Some(bad)).is_err(), "{bad}");
        }
    }
}
