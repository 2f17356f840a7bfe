//! The module's queries: devices, and the outbox as the delivery runner claims and settles it.
//! Plain functions over any connection or transaction. Neither table is tenant-owned.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use sha2::{Digest, Sha256};

use palestra_core::entities::outbox;
use palestra_core::ids::AccountId;
use palestra_core::pagination::Cursor;

use crate::entities::device::{self, DeviceId, Platform};

/// Outbox status of a message waiting to be sent.
pub const STATUS_PENDING: &str = "pending";
/// Outbox status of a message sent.
pub const STATUS_DELIVERED: &str = "delivered";
/// Outbox status of a message given up on.
pub const STATUS_FAILED: &str = "failed";

/// The SHA-256 of a push token, hex: the device's unique key.
pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A device registration as the caller sent it.
pub struct NewDevice<'a> {
    /// Who registers it.
    pub account: AccountId,
    /// Its platform.
    pub platform: Platform,
    /// Its push token.
    pub token: &'a str,
    /// Its language.
    pub locale: Option<String>,
}

/// Registers a device, or, when its token is already known, gives it to this account with the
/// platform and locale sent, keeping its id. One statement, so concurrent registrations of one
/// token end with one row. Returns the row and whether it is new.
pub async fn upsert_device(
    db: &impl ConnectionTrait,
    new: NewDevice<'_>,
    now: DateTime<Utc>,
) -> Result<(device::Model, bool), DbErr> {
    let id = DeviceId::new().uuid();
    let row = device::ActiveModel {
        id: Set(id),
        account_id: Set(new.account.uuid()),
        platform: Set(new.platform.as_str().to_owned()),
        token: Set(new.token.to_owned()),
        token_hash: Set(hash_token(new.token)),
        locale: Set(new.locale),
        created_at: Set(now),
        last_seen_at: Set(now),
    };
    let model = device::Entity::insert(row)
        .on_conflict(
            OnConflict::column(device::Column::TokenHash)
                .update_columns([
                    device::Column::AccountId,
                    device::Column::Platform,
                    device::Column::Locale,
                    device::Column::LastSeenAt,
                ])
                .to_owned(),
        )
        .exec_with_returning(db)
        .await?;
    let created = model.id == id;
    Ok((model, created))
}

/// One page of an account's devices, oldest registration first (ids are time-ordered).
pub async fn list_devices(
    db: &impl ConnectionTrait,
    account: AccountId,
    after: Option<&Cursor>,
    limit: u64,
) -> Result<Vec<device::Model>, DbErr> {
    let mut query = device::Entity::find().filter(device::Column::AccountId.eq(account.uuid()));
    if let Some(cursor) = after {
        query = query.filter(device::Column::Id.gt(cursor.id));
    }
    query
        .order_by_asc(device::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await
}

/// Every device of an account (push fan-out).
pub async fn account_devices(
    db: &impl ConnectionTrait,
    account: AccountId,
) -> Result<Vec<device::Model>, DbErr> {
    device::Entity::find()
        .filter(device::Column::AccountId.eq(account.uuid()))
        .order_by_asc(device::Column::Id)
        .all(db)
        .await
}

/// The account's device with this id; another account's is `None`.
pub async fn find_device(
    db: &impl ConnectionTrait,
    account: AccountId,
    id: DeviceId,
) -> Result<Option<device::Model>, DbErr> {
    device::Entity::find_by_id(id.uuid())
        .filter(device::Column::AccountId.eq(account.uuid()))
        .one(db)
        .await
}

/// Deletes the account's device with this id; false when it has none.
pub async fn delete_device(
    db: &impl ConnectionTrait,
    account: AccountId,
    id: DeviceId,
) -> Result<bool, DbErr> {
    let result = device::Entity::delete_many()
        .filter(device::Column::Id.eq(id.uuid()))
        .filter(device::Column::AccountId.eq(account.uuid()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Forgets every device of an account (the account is being deleted).
pub async fn forget_account_devices(
    db: &impl ConnectionTrait,
    account: AccountId,
) -> Result<(), DbErr> {
    device::Entity::delete_many()
        .filter(device::Column::AccountId.eq(account.uuid()))
        .exec(db)
        .await
        .map(|_| ())
}

/// Forgets a device whose token the push service refuses for good (the app was uninstalled or
/// the token replaced): pushing to it again could never succeed.
pub async fn forget_device(db: &impl ConnectionTrait, id: DeviceId) -> Result<(), DbErr> {
    device::Entity::delete_by_id(id.uuid())
        .exec(db)
        .await
        .map(|_| ())
}

fn due(now: DateTime<Utc>) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(outbox::Column::Status.eq(STATUS_PENDING))
        .add(outbox::Column::NextAttemptAt.lte(now))
        .add(
            sea_orm::Condition::any()
                .add(outbox::Column::LockedUntil.is_null())
                .add(outbox::Column::LockedUntil.lt(now)),
        )
}

/// The due messages, oldest first, locked for update and skipping rows another runner holds.
fn claim_query(now: DateTime<Utc>, limit: u64) -> sea_orm::Select<outbox::Entity> {
    outbox::Entity::find()
        .filter(due(now))
        .order_by_asc(outbox::Column::NextAttemptAt)
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .lock_with_behavior(
            sea_orm::sea_query::LockType::Update,
            sea_orm::sea_query::LockBehavior::SkipLocked,
        )
}

/// Claims up to `limit` due messages until `until` (Postgres): the due rows are selected
/// `FOR UPDATE SKIP LOCKED` and marked in one transaction, so concurrent runners, in this process
/// or another, each get different rows without waiting for each other.
pub async fn claim_due_locking(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<outbox::Model>, DbErr> {
    let txn = db.begin().await?;
    let rows = claim_query(now, limit).all(&txn).await?;
    if !rows.is_empty() {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::LockedUntil, Expr::value(until))
            .filter(outbox::Column::Id.is_in(rows.iter().map(|r| r.id)))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(rows)
}

/// Due messages, oldest first, without claiming them (SQLite, which has no `SKIP LOCKED`):
/// each must then be claimed with [`claim_message`].
pub async fn due_messages(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<outbox::Model>, DbErr> {
    outbox::Entity::find()
        .filter(due(now))
        .order_by_asc(outbox::Column::NextAttemptAt)
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Claims one message until `until`, if it is still due and nobody holds it: a conditional
/// update, so of several runners racing for it exactly one sees a row change.
pub async fn claim_message(
    db: &impl ConnectionTrait,
    id: uuid::Uuid,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = outbox::Entity::update_many()
        .col_expr(outbox::Column::LockedUntil, Expr::value(until))
        .filter(outbox::Column::Id.eq(id))
        .filter(due(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// What a delivery attempt leaves on its message.
pub enum Settlement {
    /// Sent: `delivered`, with an optional note (e.g. a push to an account with no device).
    Delivered {
        /// A remark kept in `last_error`.
        note: Option<String>,
    },
    /// Not sent, to be tried again at `next_attempt_at`.
    Retry {
        /// Why it failed.
        error: String,
        /// When to try again.
        next_attempt_at: DateTime<Utc>,
    },
    /// Not sent and never will be: `failed`.
    Failed {
        /// Why.
        error: String,
    },
}

/// Records the outcome of an attempt on a claimed message and releases the claim.
pub async fn settle_message(
    db: &impl ConnectionTrait,
    message: &outbox::Model,
    settlement: Settlement,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut update = outbox::Entity::update_many()
        .col_expr(outbox::Column::Attempts, Expr::value(message.attempts + 1))
        .col_expr(
            outbox::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        );
    update = match settlement {
        Settlement::Delivered { note } => update
            .col_expr(outbox::Column::Status, Expr::value(STATUS_DELIVERED))
            .col_expr(outbox::Column::DeliveredAt, Expr::value(now))
            .col_expr(outbox::Column::LastError, Expr::value(note)),
        Settlement::Retry {
            error,
            next_attempt_at,
        } => update
            .col_expr(outbox::Column::LastError, Expr::value(error))
            .col_expr(outbox::Column::NextAttemptAt, Expr::value(next_attempt_at)),
        Settlement::Failed { error } => update
            .col_expr(outbox::Column::Status, Expr::value(STATUS_FAILED))
            .col_expr(outbox::Column::LastError, Expr::value(error)),
    };
    update
        .filter(outbox::Column::Id.eq(message.id))
        .filter(outbox::Column::Status.eq(STATUS_PENDING))
        .exec(db)
        .await
        .map(|_| ())
}

/// Gives a claimed message back untouched, for the next pass.
pub async fn release_message(db: &impl ConnectionTrait, id: uuid::Uuid) -> Result<(), DbErr> {
    outbox::Entity::update_many()
        .col_expr(
            outbox::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::Status.eq(STATUS_PENDING))
        .exec(db)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use sea_orm::{DbBackend, QueryTrait};

    use super::*;

    #[test]
    fn the_postgres_claim_skips_locked_rows_and_takes_only_due_free_ones() {
        let sql = claim_query(Utc::now(), 50)
            .build(DbBackend::Postgres)
            .to_string();
        assert!(sql.ends_with("LIMIT 50 FOR UPDATE SKIP LOCKED"), "{sql}");
        assert!(sql.contains(r#""status" = 'pending'"#), "{sql}");
        assert!(sql.contains(r#""next_attempt_at" <="#), "{sql}");
        assert!(
            sql.contains(r#"("outbox"."locked_until" IS NULL OR "outbox"."locked_until" <"#),
            "{sql}"
        );
    }

    #[test]
    fn tokens_are_keyed_by_their_sha256() {
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
