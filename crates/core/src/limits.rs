//! Rate limits: how many attempts of one kind a subject (an IP address, an account) may make in
//! a window of time, and the 429 problem that refuses the next one.
//!
//! Every limit of the platform is a named [`Rule`] in [`RateLimits`], with its default quota a
//! constant here, so the numbers live in one place. A handler enforces one with a single call,
//! `ctx.rate_limit(&ctx.limits.<rule>, subject).await?`.
//!
//! Counting is a fixed window per key: the first hit starts a window of the rule's length, every
//! hit in it counts, refused ones included, and the window's end is the `Retry-After`. Both
//! counters behave the same way:
//! - [`MemoryRateLimiter`], in the process (one instance only; expired windows are pruned and the
//!   number of keys is bounded);
//! - [`RedisRateLimiter`], shared by every instance (`INCR` and `PEXPIRE` in one Lua script).
//!   When Redis fails or is slow, it **fails open**: the hit is allowed and a warning logged, so
//!   an outage of the cache never locks everybody out of signing in.
//!
//! This module does not own what a subject is: handlers pass the client's IP subject
//! ([`crate::client::ClientIp::subject`]) or a [`digest`] of an account's email.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::time::Instant;

use crate::error::ApiError;

/// At most `limit` hits per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Hits allowed in one window.
    pub limit: u32,
    /// Length of the window.
    pub window: Duration,
}

impl Quota {
    /// A quota of `limit` hits per `seconds`.
    pub const fn per_seconds(limit: u32, seconds: u64) -> Self {
        Self {
            limit,
            window: Duration::from_secs(seconds),
        }
    }
}

impl fmt::Display for Quota {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.window.as_secs();
        let (count, unit) = if seconds >= 3600 && seconds.is_multiple_of(3600) {
            (seconds / 3600, "hour")
        } else if seconds >= 60 && seconds.is_multiple_of(60) {
            (seconds / 60, "minute")
        } else {
            (seconds, "second")
        };
        if count == 1 {
            write!(f, "{} per {unit}", self.limit)
        } else {
            write!(f, "{} per {count} {unit}s", self.limit)
        }
    }
}

/// Parses `<limit>/<seconds>`, e.g. `20/60`.
impl FromStr for Quota {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, String> {
        let (limit, seconds) = value
            .split_once('/')
            .ok_or_else(|| format!("expected <limit>/<seconds> or off, got {value:?}"))?;
        let limit: u32 = limit
            .trim()
            .parse()
            .map_err(|e| format!("limit {limit:?}: {e}"))?;
        let seconds: u64 = seconds
            .trim()
            .parse()
            .map_err(|e| format!("seconds {seconds:?}: {e}"))?;
        if limit == 0 || seconds == 0 {
            return Err("limit and seconds must be at least 1 (use off to disable)".to_owned());
        }
        Ok(Self::per_seconds(limit, seconds))
    }
}

/// Sign-in attempts from one IP address: 20 per minute.
pub const LOGIN_PER_IP: Quota = Quota::per_seconds(20, 60);
/// Sign-in attempts for one account (by email), from anywhere: 10 per 15 minutes.
pub const LOGIN_PER_ACCOUNT: Quota = Quota::per_seconds(10, 15 * 60);
/// Sign-ups (members and trainers together) from one IP address: 10 per hour.
pub const REGISTER_PER_IP: Quota = Quota::per_seconds(10, 3600);
/// Password reset requests from one IP address: 10 per hour.
pub const PASSWORD_RESET_PER_IP: Quota = Quota::per_seconds(10, 3600);
/// Password reset requests for one email, from anywhere: 5 per hour.
pub const PASSWORD_RESET_PER_ACCOUNT: Quota = Quota::per_seconds(5, 3600);
/// Invitations sent by one account: 50 per hour.
pub const INVITATIONS_PER_ACCOUNT: Quota = Quota::per_seconds(50, 3600);

/// A named limit. Without a quota it is switched off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable name: the prefix of its counters and, upper-cased, of its `RATE_LIMIT_*` variable.
    pub name: &'static str,
    /// The quota, or `None` when the rule is off.
    pub quota: Option<Quota>,
}

/// Every rate limit of the platform, in one place; a new flow adds its rule here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimits {
    /// `POST /auth/login`, per client IP.
    pub login_per_ip: Rule,
    /// `POST /auth/login`, per account email, whatever the IP.
    pub login_per_account: Rule,
    /// `POST /auth/register` and `POST /auth/register-trainer`, per client IP.
    pub register_per_ip: Rule,
    /// `POST /auth/password-reset`, per client IP.
    pub password_reset_per_ip: Rule,
    /// `POST /auth/password-reset`, per email.
    pub password_reset_per_account: Rule,
    /// `POST /invitations`, per inviting account.
    pub invitations_per_account: Rule,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            login_per_ip: Rule {
                name: "login_per_ip",
                quota: Some(LOGIN_PER_IP),
            },
            login_per_account: Rule {
                name: "login_per_account",
                quota: Some(LOGIN_PER_ACCOUNT),
            },
            register_per_ip: Rule {
                name: "register_per_ip",
                quota: Some(REGISTER_PER_IP),
            },
            password_reset_per_ip: Rule {
                name: "password_reset_per_ip",
                quota: Some(PASSWORD_RESET_PER_IP),
            },
            password_reset_per_account: Rule {
                name: "password_reset_per_account",
                quota: Some(PASSWORD_RESET_PER_ACCOUNT),
            },
            invitations_per_account: Rule {
                name: "invitations_per_account",
                quota: Some(INVITATIONS_PER_ACCOUNT),
            },
        }
    }
}

impl RateLimits {
    /// Every rule, to read.
    pub fn rules(&self) -> [&Rule; 6] {
        [
            &self.login_per_ip,
            &self.login_per_account,
            &self.register_per_ip,
            &self.password_reset_per_ip,
            &self.password_reset_per_account,
            &self.invitations_per_account,
        ]
    }

    /// Every rule, to change (configuration, tests).
    pub fn rules_mut(&mut self) -> [&mut Rule; 6] {
        [
            &mut self.login_per_ip,
            &mut self.login_per_account,
            &mut self.register_per_ip,
            &mut self.password_reset_per_ip,
            &mut self.password_reset_per_account,
            &mut self.invitations_per_account,
        ]
    }
}

/// The answer to one hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// Whether the hit is within the quota.
    pub allowed: bool,
    /// When refused, how long until the window ends; zero when allowed.
    pub retry_after: Duration,
}

impl Decision {
    /// An allowed hit.
    pub const ALLOW: Self = Self {
        allowed: true,
        retry_after: Duration::ZERO,
    };
}

/// Counts hits per key in fixed windows.
#[async_trait::async_trait]
pub trait RateLimiter: Send + Sync {
    /// Counts one hit on `key` and says whether it is within `limit` hits per `window`.
    async fn hit(&self, key: &str, limit: u32, window: Duration) -> Decision;
}

/// A short, stable digest of a subject that should not be stored as written (an email).
pub fn digest(subject: &str) -> String {
    Sha256::digest(subject.as_bytes())
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Counts a hit of `rule` for `subject`; past the quota, a 429 `request.rate_limited` problem
/// with `Retry-After` (whole seconds) and the limit in its detail.
pub async fn enforce(
    limiter: &dyn RateLimiter,
    rule: &Rule,
    subject: &str,
) -> Result<(), ApiError> {
    let Some(quota) = rule.quota else {
        return Ok(());
    };
    let key = format!("{}:{subject}", rule.name);
    let decision = limiter.hit(&key, quota.limit, quota.window).await;
    if decision.allowed {
        return Ok(());
    }
    tracing::info!(rule = rule.name, "rate limit reached");
    Err(too_many_requests(quota, decision.retry_after))
}

/// The 429 problem for a quota, retrying after a delay.
pub fn too_many_requests(quota: Quota, retry_after: Duration) -> ApiError {
    let seconds = retry_after
        .as_secs()
        .saturating_add(u64::from(retry_after.subsec_nanos() > 0))
        .max(1);
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "request.rate_limited",
        "Too many requests",
    )
    .with_detail(format!(
        "Too many attempts: the limit is {quota}. Try again in {seconds} seconds."
    ))
    .with_extension("limit", json!(quota.limit))
    .with_extension("window_seconds", json!(quota.window.as_secs()))
    .with_header(header::RETRY_AFTER, HeaderValue::from(seconds))
}

/// Keys tracked by default by a [`MemoryRateLimiter`] before new ones are let through uncounted.
pub const MEMORY_MAX_KEYS: usize = 100_000;

/// How often a [`MemoryRateLimiter`] sweeps out windows that have ended.
const PRUNE_EVERY: Duration = Duration::from_secs(10);

/// How often, at most, a full [`MemoryRateLimiter`] sweeps before refusing to track a new key:
/// a flood of new keys costs one sweep per second, not one per request.
const PRUNE_WHEN_FULL_EVERY: Duration = Duration::from_secs(1);

/// The in-process counter: one instance's memory, bounded.
pub struct MemoryRateLimiter {
    state: Mutex<MemoryState>,
    max_keys: usize,
}

struct MemoryState {
    windows: HashMap<String, Window>,
    pruned_at: Instant,
}

struct Window {
    ends_at: Instant,
    hits: u32,
}

impl Default for MemoryRateLimiter {
    fn default() -> Self {
        Self::with_max_keys(MEMORY_MAX_KEYS)
    }
}

impl MemoryRateLimiter {
    /// A counter that tracks at most `max_keys` live windows. Past that, after pruning, hits on
    /// new keys are allowed without being counted (and a warning is logged): memory stays
    /// bounded under a flood of distinct keys, and known keys keep being limited.
    pub fn with_max_keys(max_keys: usize) -> Self {
        Self {
            state: Mutex::new(MemoryState {
                windows: HashMap::new(),
                pruned_at: Instant::now(),
            }),
            max_keys,
        }
    }

    /// How many windows are tracked now.
    pub fn len(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .windows
            .len()
    }

    /// Whether no window is tracked.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn count(&self, key: &str, limit: u32, window: Duration) -> Decision {
        let now = Instant::now();
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let since = now.duration_since(state.pruned_at);
        if since >= PRUNE_EVERY
            || (state.windows.len() >= self.max_keys && since >= PRUNE_WHEN_FULL_EVERY)
        {
            state.windows.retain(|_, w| w.ends_at > now);
            state.pruned_at = now;
        }
        let live = state.windows.get(key).is_some_and(|w| w.ends_at > now);
        if !live {
            if !state.windows.contains_key(key) && state.windows.len() >= self.max_keys {
                tracing::warn!(
                    max_keys = self.max_keys,
                    "rate limiter is full: a new key is not counted"
                );
                return Decision::ALLOW;
            }
            state.windows.insert(
                key.to_owned(),
                Window {
                    ends_at: now + window,
                    hits: 0,
                },
            );
        }
        let Some(entry) = state.windows.get_mut(key) else {
            return Decision::ALLOW;
        };
        entry.hits = entry.hits.saturating_add(1);
        if entry.hits <= limit {
            Decision::ALLOW
        } else {
            Decision {
                allowed: false,
                retry_after: entry.ends_at.duration_since(now),
            }
        }
    }
}

#[async_trait::async_trait]
impl RateLimiter for MemoryRateLimiter {
    async fn hit(&self, key: &str, limit: u32, window: Duration) -> Decision {
        self.count(key, limit, window)
    }
}

/// How long a Redis round trip may take before the limiter gives up and fails open.
pub const REDIS_TIMEOUT: Duration = Duration::from_secs(1);

/// Counts the hit and returns `{hits, milliseconds left in the window}`. A key without an expiry
/// (its first hit, or one whose expiry was lost) gets the window.
const HIT_SCRIPT: &str = r"
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {hits, ttl}
";

/// The shared counter: Redis, for every instance of a service.
pub struct RedisRateLimiter {
    pool: deadpool_redis::Pool,
    prefix: String,
}

impl RedisRateLimiter {
    /// Counts in `pool`, under keys starting with `prefix` (e.g. `palestra:gym-api:`).
    pub fn new(pool: deadpool_redis::Pool, prefix: impl Into<String>) -> Self {
        Self {
            pool,
            prefix: prefix.into(),
        }
    }

    async fn try_hit(&self, key: &str, window: Duration) -> Result<(u64, u64), String> {
        let mut connection = self.pool.get().await.map_err(|e| e.to_string())?;
        let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX).max(1);
        deadpool_redis::redis::cmd("EVAL")
            .arg(HIT_SCRIPT)
            .arg(1)
            .arg(format!("{}rl:{key}", self.prefix))
            .arg(window_ms)
            .query_async::<(u64, u64)>(&mut connection)
            .await
            .map_err(|e| e.to_string())
    }
}

#[async_trait::async_trait]
impl RateLimiter for RedisRateLimiter {
    async fn hit(&self, key: &str, limit: u32, window: Duration) -> Decision {
        match tokio::time::timeout(REDIS_TIMEOUT, self.try_hit(key, window)).await {
            Ok(Ok((hits, left_ms))) if hits > u64::from(limit) => Decision {
                allowed: false,
                retry_after: Duration::from_millis(left_ms),
            },
            Ok(Ok(_)) => Decision::ALLOW,
            Ok(Err(error)) => {
                tracing::warn!(%error, "rate limiter: Redis failed; the request is let through");
                Decision::ALLOW
            }
            Err(_) => {
                tracing::warn!("rate limiter: Redis timed out; the request is let through");
                Decision::ALLOW
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_hit_past_the_limit_is_refused_until_the_window_ends() {
        let limiter = MemoryRateLimiter::default();
        let window = Duration::from_millis(300);
        for _ in 0..3 {
            assert!(limiter.hit("k", 3, window).await.allowed);
        }
        let refused = limiter.hit("k", 3, window).await;
        assert!(!refused.allowed);
        assert!(refused.retry_after > Duration::ZERO && refused.retry_after <= window);
        assert!(limiter.hit("other", 3, window).await.allowed);
        tokio::time::sleep(window + Duration::from_millis(20)).await;
        assert!(limiter.hit("k", 3, window).await.allowed);
    }

    #[tokio::test]
    async fn ended_windows_are_pruned_and_the_number_of_keys_is_bounded() {
        let limiter = MemoryRateLimiter::with_max_keys(4);
        let window = Duration::from_millis(100);
        for i in 0..4 {
            limiter.hit(&format!("k{i}"), 1, window).await;
        }
        assert_eq!(limiter.len(), 4);
        // Full: a fifth key is let through uncounted, the known ones are still limited.
        assert!(limiter.hit("k4", 1, window).await.allowed);
        assert!(limiter.hit("k4", 1, window).await.allowed);
        assert!(!limiter.hit("k0", 1, window).await.allowed);
        assert_eq!(limiter.len(), 4);
        tokio::time::sleep(PRUNE_WHEN_FULL_EVERY + Duration::from_millis(50)).await;
        limiter.hit("fresh", 1, window).await;
        assert_eq!(limiter.len(), 1, "ended windows were swept");
    }

    #[test]
    fn quotas_parse_and_read_well() {
        assert_eq!("20/60".parse::<Quota>(), Ok(Quota::per_seconds(20, 60)));
        assert!("0/60".parse::<Quota>().is_err());
        assert!("20".parse::<Quota>().is_err());
        assert_eq!(LOGIN_PER_IP.to_string(), "20 per minute");
        assert_eq!(LOGIN_PER_ACCOUNT.to_string(), "10 per 15 minutes");
        assert_eq!(REGISTER_PER_IP.to_string(), "10 per hour");
        assert_eq!(Quota::per_seconds(3, 90).to_string(), "3 per 90 seconds");
    }

    #[test]
    fn the_refusal_is_a_429_with_retry_after_and_the_limit() {
        let error = too_many_requests(LOGIN_PER_IP, Duration::from_millis(12_300));
        let response = actix_web::ResponseError::error_response(&error);
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "13");
        let problem = error.problem();
        assert_eq!(problem.code, "request.rate_limited");
        assert!(problem.detail.unwrap().contains("20 per minute"));
        assert_eq!(problem.extensions["limit"], 20);
    }

    #[test]
    fn the_default_rules_have_the_documented_quotas() {
        let limits = RateLimits::default();
        assert_eq!(limits.login_per_ip.quota, Some(LOGIN_PER_IP));
        assert_eq!(limits.login_per_account.quota, Some(LOGIN_PER_ACCOUNT));
        assert_eq!(limits.register_per_ip.quota, Some(REGISTER_PER_IP));
        let names: Vec<_> = limits.rules().iter().map(|r| r.name).collect();
        assert_eq!(
            names,
            [
                "login_per_ip",
                "login_per_account",
                "register_per_ip",
                "password_reset_per_ip",
                "password_reset_per_account",
                "invitations_per_account"
            ]
        );
        assert_eq!(
            limits.password_reset_per_account.quota,
            Some(PASSWORD_RESET_PER_ACCOUNT)
        );
        assert_eq!(
            limits.invitations_per_account.quota,
            Some(INVITATIONS_PER_ACCOUNT)
        );
    }

    fn local_redis() -> Option<deadpool_redis::Pool> {
        if std::net::TcpStream::connect("127.0.0.1:6379").is_err() {
            eprintln!("no Redis at 127.0.0.1:6379: this check is skipped here");
            return None;
        }
        deadpool_redis::Config::from_url("redis://127.0.0.1:6379")
            .create_pool(Some(deadpool_redis::Runtime::Tokio1))
            .ok()
    }

    #[tokio::test]
    async fn redis_counts_per_key_within_its_own_namespace() {
        let Some(pool) = local_redis() else { return };
        let namespace = format!("palestra-test:{}:", uuid::Uuid::now_v7().simple());
        let limiter = RedisRateLimiter::new(pool.clone(), namespace);
        let window = Duration::from_secs(30);
        for _ in 0..2 {
            assert!(limiter.hit("k", 2, window).await.allowed);
        }
        let refused = limiter.hit("k", 2, window).await;
        assert!(!refused.allowed);
        assert!(refused.retry_after > Duration::from_secs(25) && refused.retry_after <= window);
        let neighbour = RedisRateLimiter::new(
            pool,
            format!("palestra-test:{}:", uuid::Uuid::now_v7().simple()),
        );
        assert!(
            neighbour.hit("k", 2, window).await.allowed,
            "namespaces do not collide"
        );
    }

    #[tokio::test]
    async fn redis_windows_end() {
        let Some(pool) = local_redis() else { return };
        let namespace = format!("palestra-test:{}:", uuid::Uuid::now_v7().simple());
        let limiter = RedisRateLimiter::new(pool, namespace);
        let window = Duration::from_millis(200);
        assert!(limiter.hit("k", 1, window).await.allowed);
        assert!(!limiter.hit("k", 1, window).await.allowed);
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert!(limiter.hit("k", 1, window).await.allowed);
    }

    #[tokio::test]
    async fn an_unreachable_redis_fails_open() {
        // Nothing listens on port 1.
        let pool = deadpool_redis::Config::from_url("redis://127.0.0.1:1")
            .create_pool(Some(deadpool_redis::Runtime::Tokio1))
            .unwrap();
        let limiter = RedisRateLimiter::new(pool, "palestra-test:");
        for _ in 0..3 {
            assert!(limiter.hit("k", 1, Duration::from_secs(60)).await.allowed);
        }
    }
}
