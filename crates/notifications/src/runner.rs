//! The delivery runner: the background job that sends the outbox.
//!
//! Every poll interval it runs a pass ([`deliver_due`]):
//! 1. **Claim** up to [`BATCH_SIZE`] due messages (`pending`, `next_attempt_at <= now`, not held
//!    by another runner) by setting `locked_until = now + LOCK_FOR`. On Postgres the rows are
//!    selected `FOR UPDATE SKIP LOCKED` and marked in one short transaction; SQLite has no
//!    `SKIP LOCKED`, so each candidate is claimed with a conditional update that only one runner
//!    can win. Either way every instance can run the job: each message goes to one of them.
//! 2. **Send** outside any transaction, a few at a time, through the [`Channels`].
//! 3. **Settle** each message: `delivered`; or, after a failure, `attempts + 1` and a retry at
//!    `now + backoff` (30 s · 2^(attempts − 1), at most an hour, minus up to 20 % jitter), until
//!    [`MAX_ATTEMPTS`] or a permanent failure makes it `failed`.
//!
//! A claim outlives a pass that dies half-way (a crash, a kill): the message becomes due again
//! when `locked_until` passes, so delivery is at least once. Sends are bounded in time and the
//! pass stops starting new ones well before its claim runs out, so a live runner never lets a
//! claim lapse under a message it is still sending.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use rand::Rng;
use sea_orm::{DatabaseConnection, DbBackend, DbErr};

use palestra_core::BackgroundJob;
use palestra_core::entities::outbox;
use palestra_core::ids::AccountId;
use palestra_core::outbox::Channel;

use crate::channels::{Channels, PushDevice, PushMessage, SendError};
use crate::entities::device::DeviceId;
use crate::repo::{self, Settlement};

/// Most messages one pass claims.
pub const BATCH_SIZE: u64 = 50;
/// How long a claim holds a message.
pub const LOCK_FOR: Duration = Duration::from_secs(60);
/// Attempts after which a message that keeps failing is `failed`.
pub const MAX_ATTEMPTS: i32 = 8;
/// Delay before the first retry; it doubles with each further failure.
pub const FIRST_RETRY: Duration = Duration::from_secs(30);
/// Longest delay between two attempts.
pub const MAX_RETRY: Duration = Duration::from_secs(3600);
/// Messages sent at once within a pass.
const CONCURRENCY: usize = 8;
/// After this share of the claim has passed, the pass starts no new send and gives the rest
/// back: what is in flight has time to finish (sends time out well within the margin).
const SEND_WINDOW: Duration = Duration::from_secs(40);
/// Longest `last_error` kept.
const MAX_ERROR_CHARS: usize = 1000;

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    /// Messages this pass claimed.
    pub claimed: usize,
    /// Sent and marked `delivered`.
    pub delivered: usize,
    /// Failed, to be tried again later.
    pub retried: usize,
    /// Failed for good.
    pub failed: usize,
    /// Given back unsent, for lack of time in this pass.
    pub released: usize,
    /// Outcomes that could not be written (the message will be tried again when its claim ends).
    pub unrecorded: usize,
}

/// The delivery job of the notifications module: passes every `interval`, and at once again
/// while passes come back full, until shutdown; a pass in progress is finished first.
pub fn job(db: DatabaseConnection, channels: Channels, interval: Duration) -> BackgroundJob {
    BackgroundJob::polling("notifications.delivery", interval, move || {
        let (db, channels) = (db.clone(), channels.clone());
        async move {
            let pass = deliver_due(&db, &channels, Utc::now()).await?;
            Ok::<_, DbErr>(u64::try_from(pass.claimed).unwrap_or(u64::MAX) >= BATCH_SIZE)
        }
    })
}

/// Delay before the next attempt after `attempts` failed ones: 30 s · 2^(attempts − 1), at most
/// an hour, less a random 0–20 % so that messages that failed together do not retry together.
pub fn backoff(attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(16);
    let full = FIRST_RETRY.saturating_mul(1 << doublings).min(MAX_RETRY);
    full.mul_f64(1.0 - rand::rng().random_range(0.0..0.2))
}

fn chrono_duration(duration: Duration) -> chrono::Duration {
    chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::MAX)
}

/// One delivery pass at `now`: claims due messages, sends them and records the outcomes.
/// The job calls it with the clock; tests call it directly with a chosen `now`.
pub async fn deliver_due(
    db: &DatabaseConnection,
    channels: &Channels,
    now: DateTime<Utc>,
) -> Result<Pass, DbErr> {
    let until = now + chrono_duration(LOCK_FOR);
    let claimed = claim(db, now, until).await?;
    let started = Instant::now();
    let mut pass = Pass {
        claimed: claimed.len(),
        ..Pass::default()
    };
    let outcomes: Vec<_> = futures_util::stream::iter(claimed)
        .map(|message| async move {
            if started.elapsed() > SEND_WINDOW {
                repo::release_message(db, message.id).await?;
                return Ok(Outcome::Released);
            }
            let settlement = deliver(db, channels, &message, now).await;
            let outcome = Outcome::of(&settlement);
            repo::settle_message(db, &message, settlement, now).await?;
            Ok::<_, DbErr>(outcome)
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    for outcome in outcomes {
        match outcome {
            Ok(Outcome::Delivered) => pass.delivered += 1,
            Ok(Outcome::Retried) => pass.retried += 1,
            Ok(Outcome::Failed) => pass.failed += 1,
            Ok(Outcome::Released) => pass.released += 1,
            Err(error) => {
                tracing::error!(%error, "recording a delivery outcome failed");
                pass.unrecorded += 1;
            }
        }
    }
    Ok(pass)
}

async fn claim(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<outbox::Model>, DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        return repo::claim_due_locking(db, now, until, BATCH_SIZE).await;
    }
    let mut claimed = Vec::new();
    for message in repo::due_messages(db, now, BATCH_SIZE).await? {
        if repo::claim_message(db, message.id, now, until).await? {
            claimed.push(message);
        }
    }
    Ok(claimed)
}

enum Outcome {
    Delivered,
    Retried,
    Failed,
    Released,
}

impl Outcome {
    fn of(settlement: &Settlement) -> Self {
        match settlement {
            Settlement::Delivered { .. } => Self::Delivered,
            Settlement::Retry { .. } => Self::Retried,
            Settlement::Failed { .. } => Self::Failed,
        }
    }
}

fn truncated(mut text: String) -> String {
    if let Some((cut, _)) = text.char_indices().nth(MAX_ERROR_CHARS) {
        text.truncate(cut);
    }
    text
}

/// Sends one claimed message and decides what becomes of it.
#[tracing::instrument(skip_all, fields(message = %message.id, kind = %message.kind, channel = %message.channel))]
async fn deliver(
    db: &DatabaseConnection,
    channels: &Channels,
    message: &outbox::Model,
    now: DateTime<Utc>,
) -> Settlement {
    let sent = if message.channel == Channel::Email.as_str() {
        send_email(channels, message).await
    } else if message.channel == Channel::Push.as_str() {
        send_push(db, channels, message).await
    } else {
        Err(SendError::Permanent(format!(
            "unknown channel `{}`",
            message.channel
        )))
    };
    let attempts = message.attempts + 1;
    match sent {
        Ok(note) => {
            tracing::info!(attempts, "notification delivered");
            Settlement::Delivered { note }
        }
        Err(SendError::Transient(error)) if attempts < MAX_ATTEMPTS => {
            let next_attempt_at = now + chrono_duration(backoff(attempts));
            tracing::warn!(attempts, %error, %next_attempt_at, "notification not delivered; will retry");
            Settlement::Retry {
                error: truncated(error),
                next_attempt_at,
            }
        }
        Err(SendError::Transient(error) | SendError::Permanent(error)) => {
            tracing::error!(attempts, %error, "notification not delivered; giving up");
            Settlement::Failed {
                error: truncated(error),
            }
        }
    }
}

/// Sends an email message. `Ok` carries a note for the record.
async fn send_email(
    channels: &Channels,
    message: &outbox::Model,
) -> Result<Option<String>, SendError> {
    if message.recipient.trim().is_empty() {
        return Err(SendError::Permanent(
            "an email message has no recipient".to_owned(),
        ));
    }
    channels
        .email
        .send(&message.recipient, &message.subject, &message.body)
        .await
        .map(|()| None)
}

/// Sends a push message to every device of its account. A device whose token is refused for
/// good is forgotten; any other failure retries the message (providers collapse the copies that
/// devices already received, by message id). No device: delivered, with a note.
async fn send_push(
    db: &DatabaseConnection,
    channels: &Channels,
    message: &outbox::Model,
) -> Result<Option<String>, SendError> {
    let Some(account) = message.account_id.map(AccountId) else {
        return Err(SendError::Permanent(
            "a push message names no account".to_owned(),
        ));
    };
    let devices = repo::account_devices(db, account)
        .await
        .map_err(|e| SendError::Transient(format!("reading the account's devices: {e}")))?;
    if devices.is_empty() {
        return Ok(Some("no device registered: nothing sent".to_owned()));
    }
    let push = PushMessage {
        id: message.id,
        kind: &message.kind,
        title: &message.subject,
        body: &message.body,
        data: &message.data,
    };
    let mut sent = 0;
    let mut retry = None;
    for device in &devices {
        let target = PushDevice {
            id: DeviceId(device.id),
            platform: device.platform(),
            token: &device.token,
        };
        match channels.push.send(&target, &push).await {
            Ok(()) => sent += 1,
            Err(SendError::Permanent(error)) => {
                tracing::info!(device = %target.id, %error, "push token refused for good: device forgotten");
                if let Err(error) = repo::forget_device(db, target.id).await {
                    tracing::error!(device = %target.id, %error, "forgetting a dead device failed");
                }
            }
            Err(SendError::Transient(error)) => retry = Some(error),
        }
    }
    match retry {
        Some(error) => Err(SendError::Transient(error)),
        None if sent == 0 => Ok(Some(
            "every device's token was refused: nothing sent".to_owned(),
        )),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_30_seconds_up_to_an_hour_with_jitter_below() {
        for (attempts, full) in [
            (1, 30),
            (2, 60),
            (3, 120),
            (6, 960),
            (7, 1920),
            (8, 3600),
            (30, 3600),
        ] {
            for _ in 0..50 {
                let delay = backoff(attempts).as_secs_f64();
                let full = f64::from(full);
                assert!(
                    delay <= full && delay > full * 0.8 - 0.001,
                    "attempt {attempts}: {delay}"
                );
            }
        }
    }

    #[test]
    fn long_errors_are_cut() {
        assert_eq!(truncated("é".repeat(5000)).chars().count(), MAX_ERROR_CHARS);
        assert_eq!(truncated("short".to_owned()), "short");
    }
}
