//! Transactions that write.

use sea_orm::{
    DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

/// Begins a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), so a transaction that reads before it writes waits its turn instead of
/// failing when another writer committed in between; Postgres ignores the mode.
pub async fn begin_write(
    db: &impl TransactionTrait<Transaction = DatabaseTransaction>,
) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Whether an error is a Postgres exclusion constraint refusing a row (SQLSTATE `23P01`): two
/// rows whose ranges may not overlap, say. SQLite has no exclusion constraints.
pub fn is_exclusion_violation(error: &DbErr) -> bool {
    has_sqlstate(error, "23P01")
}

/// Whether Postgres broke a deadlock by failing this statement (SQLSTATE `40P01`). Concurrent
/// inserts that conflict through an exclusion constraint can wait for each other; Postgres
/// then fails one of them, and the other goes on.
pub fn is_deadlock(error: &DbErr) -> bool {
    has_sqlstate(error, "40P01")
}

fn has_sqlstate(error: &DbErr, state: &str) -> bool {
    use sea_orm::RuntimeErr;
    use std::ops::Deref;
    match error {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            matches!(e.deref(), sea_orm::sqlx::Error::Database(db) if db.code().as_deref() == Some(state))
        }
        _ => false,
    }
}
