//! Idempotency keys in Redis, shared by every instance of a service.
//!
//! A claim is `SET key <in-flight entry> NX PX <lease>`: Redis decides races. Completing replaces
//! the entry with the response for the rest of the key's time to live, and releasing deletes
//! it; both are Lua scripts that act only while the entry is still this claim's. Unlike the
//! rate limiter, this store fails closed: if Redis does not answer, the request is refused with
//! 503 `request.idempotency_unavailable` rather than risk running twice.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use deadpool_redis::redis;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{
    Claim, ClaimToken, IN_FLIGHT_LEASE, IdempotencyStore, Slot, StoredResponse, frame, hex,
    store_unavailable,
};
use crate::entities::idempotency_key::{STATUS_DONE, STATUS_IN_FLIGHT};
use crate::error::ApiError;

/// How long one Redis operation may take before the request is refused.
const TIMEOUT: Duration = Duration::from_secs(2);

/// Marks this claim's entry done with the response (`ARGV[2]` status, `ARGV[3]` sealed body) for
/// `ARGV[4]` ms, if the entry is still this claim (`ARGV[1]`) in flight; keeps its fingerprint.
const COMPLETE_SCRIPT: &str = r"
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local ok, entry = pcall(cjson.decode, current)
if not ok or entry['token'] ~= ARGV[1] or entry['status'] ~= 'in_flight' then return 0 end
entry['status'] = 'done'
entry['response_status'] = tonumber(ARGV[2])
entry['response'] = ARGV[3]
redis.call('SET', KEYS[1], cjson.encode(entry), 'PX', ARGV[4])
return 1
";

/// Deletes this claim's entry, if it is still this claim (`ARGV[1]`) in flight.
const RELEASE_SCRIPT: &str = r"
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local ok, entry = pcall(cjson.decode, current)
if not ok or entry['token'] ~= ARGV[1] or entry['status'] ~= 'in_flight' then return 0 end
redis.call('DEL', KEYS[1])
return 1
";

/// What Redis keeps under a slot's key.
#[derive(Serialize, Deserialize)]
struct Entry {
    token: String,
    fingerprint: String,
    status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    response_status: Option<u16>,
    /// The sealed response, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    response: Option<String>,
}

/// Claims and responses in Redis.
pub struct RedisIdempotencyStore {
    pool: deadpool_redis::Pool,
    prefix: String,
    ttl: Duration,
}

impl RedisIdempotencyStore {
    /// A store in `pool`, under keys starting with `prefix`, remembering keys for `ttl`.
    pub fn new(pool: deadpool_redis::Pool, prefix: impl Into<String>, ttl: Duration) -> Self {
        Self {
            pool,
            prefix: prefix.into(),
            ttl,
        }
    }

    /// The Redis key of a slot: hashed, so that any scope, route and key fit unambiguously.
    fn key(&self, slot: &Slot) -> String {
        let mut hasher = Sha256::new();
        for part in [&slot.scope, &slot.route, &slot.key] {
            frame(&mut hasher, part.as_bytes());
        }
        format!("{}idem:{}", self.prefix, hex(&hasher.finalize()))
    }

    async fn connection(&self) -> Result<deadpool_redis::Connection, ApiError> {
        match tokio::time::timeout(TIMEOUT, self.pool.get()).await {
            Ok(Ok(connection)) => Ok(connection),
            Ok(Err(error)) => Err(store_unavailable(error)),
            Err(_) => Err(store_unavailable("timed out connecting to Redis")),
        }
    }

    async fn query<T: redis::FromRedisValue>(
        &self,
        connection: &mut deadpool_redis::Connection,
        command: &redis::Cmd,
    ) -> Result<T, ApiError> {
        match tokio::time::timeout(TIMEOUT, command.query_async::<T>(connection)).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(store_unavailable(error)),
            Err(_) => Err(store_unavailable("timed out waiting for Redis")),
        }
    }

    fn millis(duration: Duration) -> u64 {
        u64::try_from(duration.as_millis())
            .unwrap_or(u64::MAX)
            .max(1)
    }
}

fn corrupt(error: impl std::fmt::Display) -> ApiError {
    ApiError::internal(std::io::Error::other(format!(
        "an idempotency entry in Redis is not readable: {error}"
    )))
}

#[async_trait::async_trait]
impl IdempotencyStore for RedisIdempotencyStore {
    async fn claim(&self, slot: &Slot, fingerprint: &str) -> Result<Claim, ApiError> {
        let key = self.key(slot);
        let lease = IN_FLIGHT_LEASE.min(self.ttl);
        let mut connection = self.connection().await?;
        // Three rounds: the entry can expire or be released between our SET and GET.
        for _ in 0..3 {
            let token = ClaimToken {
                id: uuid::Uuid::now_v7(),
                claimed_at: Utc::now(),
            };
            let entry = Entry {
                token: token.id.to_string(),
                fingerprint: fingerprint.to_owned(),
                status: STATUS_IN_FLIGHT.to_owned(),
                response_status: None,
                response: None,
            };
            let value = serde_json::to_string(&entry).map_err(ApiError::internal)?;
            let set: Option<String> = self
                .query(
                    &mut connection,
                    redis::cmd("SET")
                        .arg(&key)
                        .arg(value)
                        .arg("NX")
                        .arg("PX")
                        .arg(Self::millis(lease)),
                )
                .await?;
            if set.is_some() {
                return Ok(Claim::Claimed(token));
            }
            let current: Option<String> = self
                .query(&mut connection, redis::cmd("GET").arg(&key))
                .await?;
            let Some(current) = current else {
                continue;
            };
            let held: Entry = serde_json::from_str(&current).map_err(corrupt)?;
            if held.status != STATUS_DONE {
                return Ok(Claim::InFlight {
                    fingerprint: held.fingerprint,
                });
            }
            let (Some(status), Some(response)) = (held.response_status, held.response) else {
                return Err(corrupt("done without a response"));
            };
            return Ok(Claim::Done {
                fingerprint: held.fingerprint,
                response: StoredResponse {
                    status,
                    sealed: STANDARD.decode(response).map_err(corrupt)?,
                },
            });
        }
        Ok(Claim::InFlight {
            fingerprint: fingerprint.to_owned(),
        })
    }

    async fn complete(
        &self,
        slot: &Slot,
        token: &ClaimToken,
        response: StoredResponse,
    ) -> Result<(), ApiError> {
        let elapsed = (Utc::now() - token.claimed_at).to_std().unwrap_or_default();
        let remaining = self.ttl.saturating_sub(elapsed);
        let mut connection = self.connection().await?;
        let stored: i64 = self
            .query(
                &mut connection,
                redis::cmd("EVAL")
                    .arg(COMPLETE_SCRIPT)
                    .arg(1)
                    .arg(self.key(slot))
                    .arg(token.id.to_string())
                    .arg(response.status)
                    .arg(STANDARD.encode(&response.sealed))
                    .arg(Self::millis(remaining)),
            )
            .await?;
        if stored == 0 {
            tracing::warn!(claim = %token.id, "an idempotency claim was lost before its response was stored");
        }
        Ok(())
    }

    async fn release(&self, slot: &Slot, token: &ClaimToken) -> Result<(), ApiError> {
        let mut connection = self.connection().await?;
        let _: i64 = self
            .query(
                &mut connection,
                redis::cmd("EVAL")
                    .arg(RELEASE_SCRIPT)
                    .arg(1)
                    .arg(self.key(slot))
                    .arg(token.id.to_string()),
            )
            .await?;
        Ok(())
    }
}
