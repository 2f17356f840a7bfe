//! The trainer module's background jobs: appointment reminders through the outbox, and the
//! expiry of unused session credits.
//!
//! Reminders go to the client by email a set time before each booked appointment
//! (`TRAINER_REMINDER_LEAD_MINUTES`, 1 minute to 7 days, default 1440: the day before).
//! Exactly once per appointment and start time, with any number of instances running the job:
//! the claim is the insert of the `(appointment, start)` row in `trainer_reminders` (its primary
//! key decides), and the message is enqueued in the same transaction, so an instance that loses
//! the race enqueues nothing. A rescheduled appointment has a new start, hence a new reminder.
//! An appointment booked inside the lead time is reminded at the next pass.

use std::collections::HashMap;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use palestra_core::BackgroundJob;
use palestra_core::db::begin_write;
use palestra_core::entities::{account, tenant};
use palestra_core::ids::{AccountId, TenantId};
use palestra_core::jobs::JobSetupError;
use palestra_core::outbox::{self, Channel, Localized, NewMessage};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, TryInsertResult,
};
use serde_json::json;

use crate::entities::{appointment, appointment_type, reminder};

/// Reminders go this many minutes before the start, by default.
pub const DEFAULT_LEAD_MINUTES: i64 = 24 * 60;
/// How often the jobs look for work.
pub const POLL_INTERVAL: StdDuration = StdDuration::from_secs(10);
/// At most this many reminders per pass (the next pass goes on at once when it was full).
pub const BATCH_SIZE: u64 = 200;

/// `TRAINER_REMINDER_LEAD_MINUTES`: unset is the default, anything but 1 to 10080 an error.
pub fn lead_from_env() -> Result<Duration, JobSetupError> {
    parse_lead(
        std::env::var("TRAINER_REMINDER_LEAD_MINUTES")
            .ok()
            .as_deref(),
    )
}

/// The reminder lead from the setting's text, if set.
pub fn parse_lead(value: Option<&str>) -> Result<Duration, JobSetupError> {
    match value {
        None => Ok(Duration::minutes(DEFAULT_LEAD_MINUTES)),
        Some(value) => value
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|m| (1..=7 * 24 * 60).contains(m))
            .map(Duration::minutes)
            .ok_or_else(|| {
                format!("TRAINER_REMINDER_LEAD_MINUTES must be 1 to 10080 minutes, not `{value}`")
                    .into()
            }),
    }
}

const SUBJECT: Localized = Localized {
    en: "Reminder: {type} on {date} at {time}",
    es: "Recordatorio: {type} el {date} a las {time}",
};
const BODY: Localized = Localized {
    en: "Hello {name},\n\nThis is a reminder of your {type} session with {trainer} on {date} at {time}{place}.\n\nIf you cannot come, please cancel it in the app.",
    es: "Hola {name}:\n\nTe recordamos tu sesión de {type} con {trainer} el {date} a las {time}{place}.\n\nSi no puedes venir, cancélala en la app.",
};

/// What one reminder pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    /// Appointments found due.
    pub due: usize,
    /// Reminders this pass claimed and enqueued.
    pub sent: usize,
}

/// Booked appointments starting in `(now, now + lead]` without a reminder for that start,
/// soonest first, in one query (the partial index on booked starts serves it).
async fn due_appointments(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lead: Duration,
) -> Result<Vec<appointment::Model>, DbErr> {
    appointment::Entity::find()
        .filter(appointment::Column::Status.eq(appointment::STATUS_BOOKED))
        .filter(appointment::Column::StartsAt.gt(now))
        .filter(appointment::Column::StartsAt.lte(now + lead))
        .filter(Expr::cust(
            "NOT EXISTS (SELECT 1 FROM trainer_reminders r \
             WHERE r.appointment_id = trainer_appointments.id \
             AND r.starts_at = trainer_appointments.starts_at)",
        ))
        .order_by_asc(appointment::Column::StartsAt)
        .limit(BATCH_SIZE)
        .all(db)
        .await
}

/// Claims an appointment's reminder for its start: `true` when this call inserted the row.
async fn claim(
    db: &impl ConnectionTrait,
    appointment: &appointment::Model,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let inserted = reminder::Entity::insert(reminder::ActiveModel {
        appointment_id: Set(appointment.id),
        starts_at: Set(appointment.starts_at),
        tenant_id: Set(appointment.tenant_id),
        sent_at: Set(now),
    })
    .on_conflict_do_nothing()
    .exec_without_returning(db)
    .await?;
    Ok(matches!(inserted, TryInsertResult::Inserted(n) if n > 0))
}

async fn by_id<E, K>(
    db: &impl ConnectionTrait,
    column: E::Column,
    ids: Vec<uuid::Uuid>,
    key: K,
) -> Result<HashMap<uuid::Uuid, E::Model>, DbErr>
where
    E: EntityTrait,
    K: Fn(&E::Model) -> uuid::Uuid,
{
    Ok(E::find()
        .filter(column.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (key(&m), m))
        .collect())
}

/// One pass at a given clock: finds due appointments and, for each one this instance claims,
/// enqueues the reminder in the claim's transaction. Tests call it directly.
pub async fn send_due(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    lead: Duration,
) -> Result<Pass, DbErr> {
    let due = due_appointments(db, now, lead).await?;
    if due.is_empty() {
        return Ok(Pass::default());
    }
    // The names and addresses the messages need: three more queries whatever the batch.
    let accounts = by_id::<account::Entity, _>(
        db,
        account::Column::Id,
        due.iter().map(|a| a.client_id).collect(),
        |a| a.id,
    )
    .await?;
    let tenants = by_id::<tenant::Entity, _>(
        db,
        tenant::Column::Id,
        due.iter().map(|a| a.tenant_id).collect(),
        |t| t.id,
    )
    .await?;
    let types = by_id::<appointment_type::Entity, _>(
        db,
        appointment_type::Column::Id,
        due.iter().map(|a| a.type_id).collect(),
        |t| t.id,
    )
    .await?;
    let mut pass = Pass {
        due: due.len(),
        sent: 0,
    };
    for appointment in &due {
        let (Some(account), Some(workspace)) = (
            accounts.get(&appointment.client_id),
            tenants.get(&appointment.tenant_id),
        ) else {
            continue;
        };
        let txn = begin_write(db).await?;
        if !claim(&txn, appointment, now).await? {
            txn.rollback().await?;
            continue;
        }
        // A deleted account is claimed (so it is not looked at again) but not written to.
        if account.deleted_at.is_none() {
            let kind = types.get(&appointment.type_id);
            outbox::enqueue(&txn, message(account, workspace, kind, appointment)).await?;
        }
        txn.commit().await?;
        pass.sent += 1;
    }
    Ok(pass)
}

fn message(
    account: &account::Model,
    workspace: &tenant::Model,
    kind: Option<&appointment_type::Model>,
    appointment: &appointment::Model,
) -> NewMessage {
    let zone: chrono_tz::Tz = workspace.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let local = appointment.starts_at.with_timezone(&zone);
    let spanish = account.locale.to_ascii_lowercase().starts_with("es");
    let date = if spanish {
        local.format("%d/%m/%Y").to_string()
    } else {
        local.format("%a %-d %b %Y").to_string()
    };
    let time = local.format("%H:%M").to_string();
    let place = kind
        .and_then(|t| t.location.as_deref().or(t.online_link.as_deref()))
        .map(|p| format!(" ({p})"))
        .unwrap_or_default();
    let type_name = kind.map_or("training", |t| t.name.as_str());
    let values = [
        ("name", account.full_name.as_str()),
        ("type", type_name),
        ("trainer", workspace.name.as_str()),
        ("date", date.as_str()),
        ("time", time.as_str()),
        ("place", place.as_str()),
    ];
    NewMessage {
        tenant: Some(TenantId(appointment.tenant_id)),
        channel: Channel::Email,
        account: Some(AccountId(account.id)),
        recipient: account.email.clone(),
        kind: "trainer.appointment_reminder",
        subject: outbox::render(SUBJECT.pick(&account.locale), &values),
        body: outbox::render(BODY.pick(&account.locale), &values),
        data: json!({
            "appointment_id": appointment.id,
            "starts_at": appointment.starts_at,
        }),
    }
}

/// The module's jobs: reminders and credit expiry, each a pass every 10 seconds until shutdown.
pub fn jobs(db: &DatabaseConnection) -> Result<Vec<BackgroundJob>, JobSetupError> {
    let lead = lead_from_env()?;
    let reminders_db = db.clone();
    let expiry_db = db.clone();
    Ok(vec![
        BackgroundJob::polling("trainer.reminders", POLL_INTERVAL, move || {
            let db = reminders_db.clone();
            async move {
                let pass = send_due(&db, Utc::now(), lead).await?;
                Ok::<_, DbErr>(pass.sent > 0 && u64::try_from(pass.due).unwrap_or(0) >= BATCH_SIZE)
            }
        }),
        BackgroundJob::polling("trainer.credit_expiry", POLL_INTERVAL, move || {
            let db = expiry_db.clone();
            async move {
                let settled = crate::credits::expire_due(&db, Utc::now(), BATCH_SIZE).await?;
                Ok::<_, DbErr>(u64::try_from(settled).unwrap_or(0) >= BATCH_SIZE)
            }
        }),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lead_is_a_day_by_default_and_a_bad_setting_is_refused() {
        assert_eq!(parse_lead(None).unwrap(), Duration::days(1));
        assert_eq!(parse_lead(Some(" 90 ")).unwrap(), Duration::minutes(90));
        for bad in ["0", "10081", "two hours", ""] {
            assert!(parse_lead(Some(bad)).is_err(), "{bad}");
        }
    }
}
