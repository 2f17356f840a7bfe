//! Session credits: the ledger and the balance it sums to.
//!
//! Every movement (grant, consumption, refund, forfeit, expiry, adjustment) is one immutable row
//! of `trainer_credit_entries`, written in the same transaction as the matching change of the
//! client's `trainer_credit_balances` row, so the balance is always the ledger's sum. Credits
//! that leave the balance do so by a conditional update (`balance >= n`) backed by a check
//! constraint: the balance never goes negative, whatever the concurrency.
//!
//! Which credits expire when is kept in lots (one per grant or positive adjustment);
//! consumption draws from the lots that expire first. Every movement first locks the client's
//! balance row (an update of it) and expires that client's lots that are past their date, so
//! what follows sees settled lots and movements of one client never interleave.
//!
//! Appointments call [`consume`], [`refund`] and [`forfeit`] inside their own transactions;
//! this file owns no route (see `packages.rs` and `routes/credits.rs`).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use palestra_core::ApiError;
use palestra_core::error::DomainError;
use palestra_core::ids::{AccountId, TenantId};
use palestra_core::scope::scoped;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QuerySelect, TryInsertResult,
};
use uuid::Uuid;

use crate::entities::{credit_balance, credit_charge, credit_entry, credit_lot, package};

/// What can go wrong with credits.
#[derive(Debug, thiserror::Error)]
pub enum CreditError {
    /// The balance is short.
    #[error("The client has {balance} credit(s) left; {needed} needed.")]
    NoCredits {
        /// What the client has.
        balance: i64,
        /// What was asked.
        needed: i32,
    },
    /// No such client in this workspace.
    #[error("No client of this workspace has this id.")]
    ClientNotFound,
    /// No such package in this workspace.
    #[error("No such package in this workspace.")]
    PackageNotFound,
    /// Packages that are switched off cannot be granted.
    #[error("This package is inactive; activate it before granting it.")]
    PackageInactive,
}

impl DomainError for CreditError {
    fn status(&self) -> StatusCode {
        match self {
            Self::NoCredits { .. } | Self::PackageInactive => StatusCode::CONFLICT,
            Self::ClientNotFound | Self::PackageNotFound => StatusCode::NOT_FOUND,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::NoCredits { .. } => "trainer.no_credits",
            Self::ClientNotFound => "trainer.client_not_found",
            Self::PackageNotFound => "trainer.package_not_found",
            Self::PackageInactive => "trainer.package_inactive",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::NoCredits { .. } => "Not enough credits",
            Self::ClientNotFound => "Client not found",
            Self::PackageNotFound => "Package not found",
            Self::PackageInactive => "Package inactive",
        }
    }
}

impl From<CreditError> for ApiError {
    fn from(error: CreditError) -> Self {
        let extra = match &error {
            CreditError::NoCredits { balance, needed } => Some((*balance, *needed)),
            _ => None,
        };
        let api = error.into_api_error();
        match extra {
            Some((balance, needed)) => api
                .with_extension("balance", serde_json::json!(balance))
                .with_extension("needed", serde_json::json!(needed)),
            None => api,
        }
    }
}

fn broken(what: String) -> DbErr {
    DbErr::Custom(format!("credit ledger out of step: {what}"))
}

/// Makes sure the client has a balance row and locks it for the rest of the transaction, in one
/// statement (an upsert that touches the row takes its lock on Postgres; SQLite write
/// transactions hold the database). Returns the balance.
async fn lock_balance(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    client: AccountId,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    use credit_balance::Column as B;
    let upsert = Query::insert()
        .into_table(credit_balance::Entity)
        .columns([B::TenantId, B::AccountId, B::Balance, B::UpdatedAt])
        .values_panic([
            tenant.uuid().into(),
            client.uuid().into(),
            0i64.into(),
            now.into(),
        ])
        .on_conflict(
            OnConflict::columns([B::TenantId, B::AccountId])
                .update_column(B::UpdatedAt)
                .to_owned(),
        )
        .returning_col(B::Balance)
        .to_owned();
    txn.query_one(&upsert)
        .await?
        .ok_or_else(|| broken(format!("no balance row for {client}")))?
        .try_get("", "balance")
}

/// Locks the client ([`lock_balance`]) and expires their lots that are past their date.
/// Returns the balance after that.
async fn lock_client(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    client: AccountId,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let balance = lock_balance(txn, tenant, client, now).await?;
    let lots = read_lots(txn, tenant, client, now).await?;
    for lot in &lots.due {
        expire_lot(txn, lot, now).await?;
    }
    Ok(balance - lots.due_credits())
}

/// A locked client's lots that are not expired yet, in no particular order.
struct Lots {
    /// Still valid, with credits left.
    open: Vec<credit_lot::Model>,
    /// Past their date: to be expired before anything else happens to the balance.
    due: Vec<credit_lot::Model>,
}

impl Lots {
    /// What the lots past their date still hold (counted in the balance until they expire).
    fn due_credits(&self) -> i64 {
        self.due.iter().map(|lot| i64::from(lot.remaining)).sum()
    }
}

/// Reads the client's lots that are not expired yet; the caller holds the client's lock.
async fn read_lots(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    client: AccountId,
    now: DateTime<Utc>,
) -> Result<Lots, DbErr> {
    let (due, open) = scoped::<credit_lot::Entity>(tenant)
        .filter(credit_lot::Column::AccountId.eq(client.uuid()))
        .filter(credit_lot::Column::ExpiredAt.is_null())
        .all(txn)
        .await?
        .into_iter()
        .partition::<Vec<_>, _>(|lot| lot.expires_at.is_some_and(|at| at <= now));
    Ok(Lots {
        open: open.into_iter().filter(|lot| lot.remaining > 0).collect(),
        due,
    })
}

/// Takes `amount` off the client's balance if it covers them, in one statement that also locks
/// the balance row for the rest of the transaction. The balance left, or `None` when it is
/// short or the client has never had credits (and then nothing is locked).
async fn take_balance(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    client: AccountId,
    amount: i32,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    use credit_balance::Column as B;
    let update = Query::update()
        .table(credit_balance::Entity)
        .value(B::Balance, Expr::col(B::Balance).sub(i64::from(amount)))
        .value(B::UpdatedAt, now)
        .and_where(Expr::col(B::TenantId).eq(tenant.uuid()))
        .and_where(Expr::col(B::AccountId).eq(client.uuid()))
        .and_where(Expr::col(B::Balance).gte(i64::from(amount)))
        .returning_col(B::Balance)
        .to_owned();
    match txn.query_one(&update).await? {
        Some(row) => Ok(Some(row.try_get("", "balance")?)),
        None => Ok(None),
    }
}

/// Empties one lot past its date, once: the conditional update on `expired_at` is the claim.
async fn expire_lot(
    txn: &DatabaseTransaction,
    lot: &credit_lot::Model,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let claimed = credit_lot::Entity::update_many()
        .col_expr(credit_lot::Column::Remaining, Expr::value(0))
        .col_expr(credit_lot::Column::ExpiredAt, Expr::value(now))
        .filter(credit_lot::Column::Id.eq(lot.id))
        .filter(credit_lot::Column::ExpiredAt.is_null())
        .filter(credit_lot::Column::Remaining.eq(lot.remaining))
        .exec(txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(broken(format!("lot {} changed under its lock", lot.id)));
    }
    if lot.remaining > 0 {
        let tenant = TenantId(lot.tenant_id);
        let client = AccountId(lot.account_id);
        if !move_balance(txn, tenant, client, -i64::from(lot.remaining)).await? {
            return Err(broken(format!(
                "the balance of {client} is below lot {}",
                lot.id
            )));
        }
        insert_entry(
            txn,
            NewEntry {
                tenant,
                client,
                kind: credit_entry::KIND_EXPIRY,
                amount: -lot.remaining,
                lot: Some(lot.id),
                note: Some("Unused credits expired.".to_owned()),
                ..NewEntry::default()
            },
            now,
        )
        .await?;
    }
    Ok(())
}

/// Moves the balance by `delta`; a decrease only when the balance covers it.
async fn move_balance(
    txn: &impl ConnectionTrait,
    tenant: TenantId,
    client: AccountId,
    delta: i64,
) -> Result<bool, DbErr> {
    let mut update = credit_balance::Entity::update_many()
        .col_expr(
            credit_balance::Column::Balance,
            Expr::col(credit_balance::Column::Balance).add(delta),
        )
        .filter(credit_balance::Column::TenantId.eq(tenant.uuid()))
        .filter(credit_balance::Column::AccountId.eq(client.uuid()));
    if delta < 0 {
        update = update.filter(credit_balance::Column::Balance.gte(-delta));
    }
    Ok(update.exec(txn).await?.rows_affected == 1)
}

#[derive(Clone, Default)]
struct NewEntry {
    tenant: TenantId,
    client: AccountId,
    kind: &'static str,
    amount: i32,
    appointment: Option<Uuid>,
    lot: Option<Uuid>,
    package: Option<Uuid>,
    source: Option<&'static str>,
    expires_at: Option<DateTime<Utc>>,
    by: Option<AccountId>,
    note: Option<String>,
}

async fn insert_entry(
    txn: &impl ConnectionTrait,
    entry: NewEntry,
    now: DateTime<Utc>,
) -> Result<credit_entry::Model, DbErr> {
    let row = credit_entry::Model {
        id: Uuid::now_v7(),
        tenant_id: entry.tenant.uuid(),
        account_id: entry.client.uuid(),
        kind: entry.kind.to_owned(),
        amount: entry.amount,
        appointment_id: entry.appointment,
        lot_id: entry.lot,
        package_id: entry.package,
        source: entry.source.map(str::to_owned),
        expires_at: entry.expires_at,
        created_by: entry.by.map(AccountId::uuid),
        note: entry.note,
        created_at: now,
    };
    credit_entry::Entity::insert(credit_entry::ActiveModel::from(row.clone()))
        .exec_without_returning(txn)
        .await?;
    Ok(row)
}

/// Takes `amount` credits out of the client's open lots (as [`read_lots`] read them), soonest
/// expiry first, writing one ledger row of `kind` per lot touched. The caller has locked the
/// client and checked the balance.
async fn take_from_lots(
    txn: &DatabaseTransaction,
    template: NewEntry,
    mut lots: Vec<credit_lot::Model>,
    amount: i32,
    now: DateTime<Utc>,
) -> Result<Vec<credit_entry::Model>, DbErr> {
    // Soonest expiry first, lots that never expire last, then oldest.
    lots.sort_by_key(|lot| (lot.expires_at.is_none(), lot.expires_at, lot.id));
    let mut left = amount;
    let mut entries = Vec::new();
    for lot in lots {
        if left == 0 {
            break;
        }
        let take = std::cmp::min(left, lot.remaining);
        let taken = credit_lot::Entity::update_many()
            .col_expr(
                credit_lot::Column::Remaining,
                Expr::col(credit_lot::Column::Remaining).sub(take),
            )
            .filter(credit_lot::Column::Id.eq(lot.id))
            .filter(credit_lot::Column::Remaining.gte(take))
            .exec(txn)
            .await?;
        if taken.rows_affected != 1 {
            return Err(broken(format!("lot {} changed under its lock", lot.id)));
        }
        entries.push(
            insert_entry(
                txn,
                NewEntry {
                    amount: -take,
                    lot: Some(lot.id),
                    ..template.clone()
                },
                now,
            )
            .await?,
        );
        left -= take;
    }
    if left > 0 {
        return Err(broken(format!(
            "the lots of {} hold less than the balance",
            template.client
        )));
    }
    Ok(entries)
}

/// Takes `amount` credits from the client, or the 409 `trainer.no_credits` problem (after which
/// the caller rolls its transaction back).
///
/// The balance is taken from first, which locks it; then the lots are read, and those past
/// their date expire. What they held was still in the balance, so the balance left must cover
/// it too.
async fn debit(
    txn: &DatabaseTransaction,
    template: NewEntry,
    amount: i32,
    now: DateTime<Utc>,
) -> Result<Vec<credit_entry::Model>, ApiError> {
    let (tenant, client) = (template.tenant, template.client);
    let Some(left) = take_balance(txn, tenant, client, amount, now).await? else {
        // Short, or never granted anything: lock, expire what is due, and say how short.
        return Err(CreditError::NoCredits {
            balance: lock_client(txn, tenant, client, now).await?,
            needed: amount,
        }
        .into());
    };
    let lots = read_lots(txn, tenant, client, now).await?;
    let due = lots.due_credits();
    if left < due {
        return Err(CreditError::NoCredits {
            balance: left + i64::from(amount) - due,
            needed: amount,
        }
        .into());
    }
    for lot in &lots.due {
        expire_lot(txn, lot, now).await?;
    }
    Ok(take_from_lots(txn, template, lots.open, amount, now).await?)
}

/// Adds a lot of `amount` credits and its ledger row.
async fn credit(
    txn: &DatabaseTransaction,
    template: NewEntry,
    amount: i32,
    now: DateTime<Utc>,
) -> Result<credit_entry::Model, DbErr> {
    lock_client(txn, template.tenant, template.client, now).await?;
    let lot = Uuid::now_v7();
    credit_lot::Entity::insert(credit_lot::ActiveModel {
        id: Set(lot),
        tenant_id: Set(template.tenant.uuid()),
        account_id: Set(template.client.uuid()),
        package_id: Set(template.package),
        granted: Set(amount),
        remaining: Set(amount),
        expires_at: Set(template.expires_at),
        expired_at: Set(None),
        created_at: Set(now),
    })
    .exec_without_returning(txn)
    .await?;
    move_balance(txn, template.tenant, template.client, i64::from(amount)).await?;
    insert_entry(
        txn,
        NewEntry {
            amount,
            lot: Some(lot),
            ..template
        },
        now,
    )
    .await
}

/// Consumes `credits` of the client's balance for an appointment, in the caller's transaction:
/// 409 `trainer.no_credits` when the balance is short (roll the transaction back). Consuming
/// for an appointment that already consumed does nothing; `credits <= 0` does nothing.
#[tracing::instrument(skip_all, fields(tenant = %tenant, client = %client, appointment = %appointment))]
pub async fn consume(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    client: AccountId,
    appointment: Uuid,
    credits: i32,
    by: AccountId,
) -> Result<(), ApiError> {
    if credits <= 0 {
        return Ok(());
    }
    let now = Utc::now();
    let claimed = credit_charge::Entity::insert(credit_charge::ActiveModel {
        appointment_id: Set(appointment),
        tenant_id: Set(tenant.uuid()),
        account_id: Set(client.uuid()),
        credits: Set(credits),
        settlement: Set(None),
        settled_at: Set(None),
        created_at: Set(now),
    })
    .on_conflict_do_nothing()
    .exec_without_returning(txn)
    .await?;
    if !matches!(claimed, TryInsertResult::Inserted(n) if n > 0) {
        return Ok(());
    }
    debit(
        txn,
        NewEntry {
            tenant,
            client,
            kind: credit_entry::KIND_CONSUME,
            appointment: Some(appointment),
            by: Some(by),
            ..NewEntry::default()
        },
        credits,
        now,
    )
    .await
    .map(|_| ())
}

/// Settles an appointment's charge once. The credits it consumed, or `None` when it consumed
/// nothing or was settled already.
async fn settle(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    client: AccountId,
    appointment: Uuid,
    settlement: &'static str,
    now: DateTime<Utc>,
) -> Result<Option<i32>, DbErr> {
    use credit_charge::Column as C;
    let update = Query::update()
        .table(credit_charge::Entity)
        .value(C::Settlement, settlement)
        .value(C::SettledAt, now)
        .and_where(Expr::col(C::AppointmentId).eq(appointment))
        .and_where(Expr::col(C::TenantId).eq(tenant.uuid()))
        .and_where(Expr::col(C::AccountId).eq(client.uuid()))
        .and_where(Expr::col(C::Settlement).is_null())
        .returning_col(C::Credits)
        .to_owned();
    match txn.query_one(&update).await? {
        Some(row) => Ok(Some(row.try_get("", "credits")?)),
        None => Ok(None),
    }
}

/// Gives back what an appointment consumed (a timely cancellation), to the lots it came from.
/// Credits whose lot expired meanwhile come back and expire again at once (two rows that
/// cancel out). Idempotent: an appointment is refunded or forfeited once.
#[tracing::instrument(skip_all, fields(tenant = %tenant, client = %client, appointment = %appointment))]
pub async fn refund(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    client: AccountId,
    appointment: Uuid,
    by: AccountId,
) -> Result<(), ApiError> {
    let now = Utc::now();
    let Some(credits) = settle(
        txn,
        tenant,
        client,
        appointment,
        credit_entry::KIND_REFUND,
        now,
    )
    .await?
    else {
        return Ok(());
    };
    // The credits go back to the balance first, which locks it (the consumption made the row).
    // Credits given back to a lot past its date that has not expired yet expire with it when
    // it does.
    if !move_balance(txn, tenant, client, i64::from(credits)).await? {
        return Err(broken(format!("no balance row for {client}")).into());
    }
    let mut given_back = 0;
    // What the appointment consumed, each with the lot it came from, in one query.
    let consumed = scoped::<credit_entry::Entity>(tenant)
        .filter(credit_entry::Column::AppointmentId.eq(appointment))
        .filter(credit_entry::Column::Kind.eq(credit_entry::KIND_CONSUME))
        .find_also_related(credit_lot::Entity)
        .all(txn)
        .await?;
    for (entry, lot) in consumed {
        let amount = -entry.amount;
        let Some(lot) = lot else {
            return Err(broken(format!("consumption {} has no lot", entry.id)).into());
        };
        let template = NewEntry {
            tenant,
            client,
            kind: credit_entry::KIND_REFUND,
            amount,
            appointment: Some(appointment),
            lot: Some(lot.id),
            by: Some(by),
            ..NewEntry::default()
        };
        insert_entry(txn, template, now).await?;
        given_back += amount;
        if lot.expired_at.is_some() {
            // Back and expired at once: the balance does not keep them.
            if !move_balance(txn, tenant, client, -i64::from(amount)).await? {
                return Err(broken(format!("the balance of {client} is below a refund")).into());
            }
            insert_entry(
                txn,
                NewEntry {
                    tenant,
                    client,
                    kind: credit_entry::KIND_EXPIRY,
                    amount: -amount,
                    appointment: Some(appointment),
                    lot: Some(lot.id),
                    note: Some("Refunded credits of an expired package.".to_owned()),
                    ..NewEntry::default()
                },
                now,
            )
            .await?;
        } else {
            credit_lot::Entity::update_many()
                .col_expr(
                    credit_lot::Column::Remaining,
                    Expr::col(credit_lot::Column::Remaining).add(amount),
                )
                .filter(credit_lot::Column::Id.eq(lot.id))
                .exec(txn)
                .await?;
        }
    }
    if given_back != credits {
        return Err(broken(format!(
            "appointment {appointment} was charged {credits} credit(s) but consumed {given_back}"
        ))
        .into());
    }
    Ok(())
}

/// Keeps what an appointment consumed (a late cancellation or a no-show, per policy): one
/// ledger row of amount 0 records the decision. Idempotent, like [`refund`].
#[tracing::instrument(skip_all, fields(tenant = %tenant, client = %client, appointment = %appointment))]
pub async fn forfeit(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    client: AccountId,
    appointment: Uuid,
    by: AccountId,
) -> Result<(), ApiError> {
    let now = Utc::now();
    if settle(
        txn,
        tenant,
        client,
        appointment,
        credit_entry::KIND_FORFEIT,
        now,
    )
    .await?
    .is_none()
    {
        return Ok(());
    }
    insert_entry(
        txn,
        NewEntry {
            tenant,
            client,
            kind: credit_entry::KIND_FORFEIT,
            amount: 0,
            appointment: Some(appointment),
            by: Some(by),
            ..NewEntry::default()
        },
        now,
    )
    .await?;
    Ok(())
}

/// The balances of some clients (0 for a client without credits ever), in one query.
pub async fn balances(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    clients: &[AccountId],
) -> Result<HashMap<AccountId, i64>, DbErr> {
    let mut out: HashMap<AccountId, i64> = clients.iter().map(|c| (*c, 0)).collect();
    if clients.is_empty() {
        return Ok(out);
    }
    let rows = scoped::<credit_balance::Entity>(tenant)
        .filter(credit_balance::Column::AccountId.is_in(clients.iter().map(|c| c.uuid())))
        .all(db)
        .await?;
    for row in rows {
        out.insert(AccountId(row.account_id), row.balance);
    }
    Ok(out)
}

/// Grants a package to a client by hand (until billing sells them): a lot of its sessions
/// that expires after its validity, and a `grant` ledger row marked `manual`.
pub async fn grant_package(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    client: AccountId,
    package: &package::Model,
    by: AccountId,
    note: Option<String>,
) -> Result<credit_entry::Model, ApiError> {
    if !package.active {
        return Err(CreditError::PackageInactive.into());
    }
    let now = Utc::now();
    let expires_at = now + Duration::days(i64::from(package.validity_days));
    Ok(credit(
        txn,
        NewEntry {
            tenant,
            client,
            kind: credit_entry::KIND_GRANT,
            package: Some(package.id),
            source: Some(credit_entry::SOURCE_MANUAL),
            expires_at: Some(expires_at),
            by: Some(by),
            note,
            ..NewEntry::default()
        },
        package.sessions,
        now,
    )
    .await?)
}

/// A manual correction: a positive amount adds credits that never expire, a negative one takes
/// credits (409 `trainer.no_credits` below zero). Returns the ledger rows written.
pub async fn adjust(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    client: AccountId,
    amount: i32,
    reason: String,
    by: AccountId,
) -> Result<Vec<credit_entry::Model>, ApiError> {
    let now = Utc::now();
    let template = NewEntry {
        tenant,
        client,
        kind: credit_entry::KIND_ADJUSTMENT,
        by: Some(by),
        note: Some(reason),
        ..NewEntry::default()
    };
    if amount > 0 {
        Ok(vec![credit(txn, template, amount, now).await?])
    } else {
        debit(txn, template, -amount, now).await
    }
}

/// Expires lots past their date, at most `batch` clients' worth per call, each client in a
/// transaction of its own. Every instance may run it: a lot is emptied by a conditional update
/// under its client's lock, so it expires once. Returns how many clients were settled.
pub async fn expire_due(
    db: &sea_orm::DatabaseConnection,
    now: DateTime<Utc>,
    batch: u64,
) -> Result<usize, DbErr> {
    let due: Vec<(Uuid, Uuid)> = credit_lot::Entity::find()
        .select_only()
        .column(credit_lot::Column::TenantId)
        .column(credit_lot::Column::AccountId)
        .filter(credit_lot::Column::ExpiredAt.is_null())
        .filter(credit_lot::Column::ExpiresAt.lte(now))
        .distinct()
        .limit(batch)
        .into_tuple()
        .all(db)
        .await?;
    for (tenant, client) in &due {
        let txn = palestra_core::db::begin_write(db).await?;
        lock_client(&txn, TenantId(*tenant), AccountId(*client), now).await?;
        txn.commit().await?;
    }
    Ok(due.len())
}

/// Whether an account is a client (a `member`) of the workspace, whatever their status.
pub async fn is_client(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    account: AccountId,
) -> Result<bool, DbErr> {
    use palestra_core::entities::membership;
    Ok(scoped::<membership::Entity>(tenant)
        .filter(membership::Column::AccountId.eq(account.uuid()))
        .filter(membership::Column::Role.eq("member"))
        .one(db)
        .await?
        .is_some())
}
