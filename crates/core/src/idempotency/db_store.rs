//! Idempotency keys in the database: the embedded default when no Redis is configured.
//!
//! A claim is an insert that does nothing on conflict with the unique (scope, route, key)
//! index, so the database decides races on both backends. An expired row (a forgotten key, or
//! an in-flight claim past its lease) is deleted, conditionally, before the slot is claimed
//! again. Expired rows are also swept every few minutes.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TryInsertResult,
};

use super::{Claim, ClaimToken, IN_FLIGHT_LEASE, IdempotencyStore, Slot, StoredResponse};
use crate::entities::idempotency_key::{self, STATUS_DONE, STATUS_IN_FLIGHT};
use crate::error::ApiError;

/// How often expired rows are swept.
const SWEEP_EVERY_SECONDS: i64 = 600;

/// Claims and responses in the `idempotency_keys` table.
pub struct DatabaseIdempotencyStore {
    db: DatabaseConnection,
    ttl: chrono::Duration,
    lease: chrono::Duration,
    swept_at: AtomicI64,
}

impl DatabaseIdempotencyStore {
    /// A store on a connection pool, remembering keys for `ttl`.
    pub fn new(db: DatabaseConnection, ttl: Duration) -> Self {
        let ttl = chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::days(1));
        let lease = chrono::Duration::from_std(IN_FLIGHT_LEASE)
            .unwrap_or(chrono::Duration::minutes(5))
            .min(ttl);
        Self {
            db,
            ttl,
            lease,
            swept_at: AtomicI64::new(Utc::now().timestamp()),
        }
    }

    /// Deletes expired rows in the background, at most once per sweep interval.
    fn sweep_now_and_then(&self) {
        let now = Utc::now().timestamp();
        let last = self.swept_at.load(Ordering::Relaxed);
        if now - last < SWEEP_EVERY_SECONDS
            || self
                .swept_at
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        let db = self.db.clone();
        tokio::spawn(async move {
            let swept = idempotency_key::Entity::delete_many()
                .filter(idempotency_key::Column::ExpiresAt.lt(Utc::now()))
                .exec(&db)
                .await;
            match swept {
                Ok(result) => tracing::debug!(
                    rows = result.rows_affected,
                    "expired idempotency keys swept"
                ),
                Err(error) => tracing::warn!(%error, "sweeping expired idempotency keys failed"),
            }
        });
    }

    fn find(slot: &Slot) -> sea_orm::Select<idempotency_key::Entity> {
        idempotency_key::Entity::find()
            .filter(idempotency_key::Column::Scope.eq(slot.scope.as_str()))
            .filter(idempotency_key::Column::Route.eq(slot.route.as_str()))
            .filter(idempotency_key::Column::IdempotencyKey.eq(slot.key.as_str()))
    }
}

#[async_trait::async_trait]
impl IdempotencyStore for DatabaseIdempotencyStore {
    async fn claim(&self, slot: &Slot, fingerprint: &str) -> Result<Claim, ApiError> {
        // Three rounds: a slot can be freed (released, expired) between our insert and read.
        for _ in 0..3 {
            let now = Utc::now();
            let token = ClaimToken {
                id: uuid::Uuid::now_v7(),
                claimed_at: now,
            };
            let inserted = idempotency_key::Entity::insert(idempotency_key::ActiveModel {
                id: Set(token.id),
                scope: Set(slot.scope.clone()),
                route: Set(slot.route.clone()),
                idempotency_key: Set(slot.key.clone()),
                fingerprint: Set(fingerprint.to_owned()),
                status: Set(STATUS_IN_FLIGHT.to_owned()),
                response_status: Set(None),
                response_body: Set(None),
                created_at: Set(now),
                expires_at: Set(now + self.lease),
            })
            .on_conflict_do_nothing_on([
                idempotency_key::Column::Scope,
                idempotency_key::Column::Route,
                idempotency_key::Column::IdempotencyKey,
            ])
            .exec_without_returning(&self.db)
            .await?;
            if matches!(inserted, TryInsertResult::Inserted(rows) if rows > 0) {
                self.sweep_now_and_then();
                return Ok(Claim::Claimed(token));
            }
            let Some(row) = Self::find(slot).one(&self.db).await? else {
                continue;
            };
            if row.expires_at <= now {
                idempotency_key::Entity::delete_many()
                    .filter(idempotency_key::Column::Id.eq(row.id))
                    .filter(idempotency_key::Column::ExpiresAt.lte(now))
                    .exec(&self.db)
                    .await?;
                continue;
            }
            if row.status != STATUS_DONE {
                return Ok(Claim::InFlight {
                    fingerprint: row.fingerprint,
                });
            }
            let (Some(status), Some(sealed)) = (row.response_status, row.response_body) else {
                return Err(ApiError::internal(std::io::Error::other(format!(
                    "idempotency key {} is done without a response",
                    row.id
                ))));
            };
            return Ok(Claim::Done {
                fingerprint: row.fingerprint,
                response: StoredResponse {
                    status: u16::try_from(status).map_err(ApiError::internal)?,
                    sealed,
                },
            });
        }
        Ok(Claim::InFlight {
            fingerprint: fingerprint.to_owned(),
        })
    }

    async fn complete(
        &self,
        _slot: &Slot,
        token: &ClaimToken,
        response: StoredResponse,
    ) -> Result<(), ApiError> {
        let updated = idempotency_key::Entity::update_many()
            .col_expr(idempotency_key::Column::Status, Expr::value(STATUS_DONE))
            .col_expr(
                idempotency_key::Column::ResponseStatus,
                Expr::value(i32::from(response.status)),
            )
            .col_expr(
                idempotency_key::Column::ResponseBody,
                Expr::value(response.sealed),
            )
            .col_expr(
                idempotency_key::Column::ExpiresAt,
                Expr::value(token.claimed_at + self.ttl),
            )
            .filter(idempotency_key::Column::Id.eq(token.id))
            .filter(idempotency_key::Column::Status.eq(STATUS_IN_FLIGHT))
            .exec(&self.db)
            .await?;
        if updated.rows_affected == 0 {
            tracing::warn!(claim = %token.id, "an idempotency claim was lost before its response was stored");
        }
        Ok(())
    }

    async fn release(&self, _slot: &Slot, token: &ClaimToken) -> Result<(), ApiError> {
        idempotency_key::Entity::delete_many()
            .filter(idempotency_key::Column::Id.eq(token.id))
            .filter(idempotency_key::Column::Status.eq(STATUS_IN_FLIGHT))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}
