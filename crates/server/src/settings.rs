//! Configuration from environment variables, each with a working default.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::bail;

use palestra_core::Product;
use palestra_core::limits::RateLimits;

/// The development JWT secret; production refuses to start with it.
pub const DEVELOPMENT_JWT_SECRET: &str = "palestra-development-secret-change-me-0123456789";

/// Where the service runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    /// Friendly defaults, human-readable logs.
    Development,
    /// Strict: real secrets required, JSON logs, no migrations at start unless asked.
    Production,
}

/// Database pool settings.
#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    /// `postgres://...` or `sqlite://...`; `None` means the embedded SQLite file.
    pub url: Option<String>,
    /// Postgres schema of this product.
    pub schema: String,
    /// Folder of the embedded SQLite file.
    pub data_dir: PathBuf,
    /// Largest pool size.
    pub max_connections: u32,
    /// Connections kept open.
    pub min_connections: u32,
    /// How long to wait for a new connection.
    pub connect_timeout: Duration,
    /// How long a request may wait for a pooled connection.
    pub acquire_timeout: Duration,
    /// Longest a statement may run (Postgres).
    pub statement_timeout: Duration,
}

impl DatabaseSettings {
    /// The URL to connect to: the configured one, or the embedded SQLite file.
    pub fn effective_url(&self, product: &Product) -> String {
        match &self.url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir
                    .join(format!("{}.sqlite", product.name))
                    .display()
            ),
        }
    }

    /// Whether this is Postgres.
    pub fn is_postgres(&self) -> bool {
        self.url
            .as_deref()
            .is_some_and(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"))
    }
}

/// Everything a service needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Development or production.
    pub environment: Environment,
    /// Interface to listen on.
    pub host: String,
    /// Port to listen on; 0 picks a free one.
    pub port: u16,
    /// Database settings.
    pub database: DatabaseSettings,
    /// Redis, when configured.
    pub redis_url: Option<String>,
    /// Prefix of every Redis key this service writes (rate limit counters, idempotency keys).
    pub redis_prefix: String,
    /// Whether the service runs behind a proxy whose `X-Forwarded-For` first hop is the client.
    pub trust_proxy: bool,
    /// The rate limit rules.
    pub rate_limits: RateLimits,
    /// How long an `Idempotency-Key` is remembered.
    pub idempotency_ttl: Duration,
    /// Secret that signs access tokens.
    pub jwt_secret: String,
    /// Lifetime of access tokens.
    pub access_token_ttl: Duration,
    /// Lifetime of refresh tokens.
    pub refresh_token_ttl: Duration,
    /// Origins allowed by CORS; empty means any origin in development and none in production.
    pub cors_allowed_origins: Vec<String>,
    /// Run pending migrations at start.
    pub migrate_on_start: bool,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    /// How long in-flight requests may take to finish on shutdown.
    pub shutdown_timeout: Duration,
    /// JSON logs.
    pub json_logs: bool,
    /// Stop gracefully on SIGTERM and SIGINT (off in tests, which stop the server themselves).
    pub handle_signals: bool,
    /// Run the modules' background jobs (the notifications runner…) beside the HTTP server. Off
    /// for an instance that should only serve HTTP.
    pub run_jobs: bool,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse_var<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|e| anyhow::anyhow!("{name}={v:?} is not valid: {e}")),
    }
}

fn parse_bool(name: &str, default: bool) -> anyhow::Result<bool> {
    match var(name).map(|v| v.to_ascii_lowercase()) {
        None => Ok(default),
        Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => Ok(true),
        Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => Ok(false),
        Some(v) => bail!("{name}={v:?} is not a boolean"),
    }
}

/// The default rate limits, each changed by `RATE_LIMIT_<RULE>` (`<limit>/<seconds>` or `off`),
/// read through `lookup`.
fn rate_limits(
    lookup: impl Fn(&str) -> Option<String>,
    production: bool,
) -> anyhow::Result<RateLimits> {
    let mut limits = RateLimits::default();
    for rule in limits.rules_mut() {
        let name = format!("RATE_LIMIT_{}", rule.name.to_ascii_uppercase());
        let Some(value) = lookup(&name) else { continue };
        rule.quota = if value.trim().eq_ignore_ascii_case("off") {
            if production {
                tracing::warn!("{name}=off: this rate limit is disabled");
            }
            None
        } else {
            Some(
                value
                    .parse()
                    .map_err(|e| anyhow::anyhow!("{name}={value:?} is not valid: {e}"))?,
            )
        };
    }
    Ok(limits)
}

impl Settings {
    /// Reads the environment (and a `.env` file in development).
    pub fn from_env(product: &Product) -> anyhow::Result<Self> {
        // A missing .env file is the normal case.
        let _ = dotenvy::dotenv();
        let environment = match var("APP_ENV")
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("development") | Some("dev") | Some("test") => Environment::Development,
            Some("production") | Some("prod") => Environment::Production,
            Some(other) => bail!("APP_ENV={other:?}: expected development or production"),
        };
        let production = environment == Environment::Production;
        let jwt_secret = var("JWT_SECRET").unwrap_or_else(|| DEVELOPMENT_JWT_SECRET.to_owned());
        if production && (jwt_secret == DEVELOPMENT_JWT_SECRET || jwt_secret.len() < 32) {
            bail!("JWT_SECRET must be set to a secret of at least 32 characters in production");
        }
        if !production && jwt_secret == DEVELOPMENT_JWT_SECRET {
            tracing::warn!("JWT_SECRET is not set: using the development secret");
        }
        let database = DatabaseSettings {
            url: var("DATABASE_URL"),
            schema: var("DATABASE_SCHEMA").unwrap_or_else(|| product.default_schema.to_owned()),
            data_dir: PathBuf::from(var("DATA_DIR").unwrap_or_else(|| "./data".to_owned())),
            max_connections: parse_var("DATABASE_MAX_CONNECTIONS", 10)?,
            min_connections: parse_var("DATABASE_MIN_CONNECTIONS", 1)?,
            connect_timeout: Duration::from_secs(parse_var("DATABASE_CONNECT_TIMEOUT_SECS", 5)?),
            acquire_timeout: Duration::from_secs(parse_var("DATABASE_ACQUIRE_TIMEOUT_SECS", 5)?),
            statement_timeout: Duration::from_millis(parse_var(
                "DATABASE_STATEMENT_TIMEOUT_MS",
                15_000,
            )?),
        };
        if !is_valid_schema_name(&database.schema) {
            bail!(
                "DATABASE_SCHEMA={:?} must be a plain identifier",
                database.schema
            );
        }
        let port = parse_var("PORT", product.default_port)?;
        let idempotency_ttl = Duration::from_secs(parse_var(
            "IDEMPOTENCY_KEY_TTL_SECS",
            palestra_core::idempotency::DEFAULT_TTL.as_secs(),
        )?);
        if idempotency_ttl.is_zero() {
            bail!("IDEMPOTENCY_KEY_TTL_SECS must be at least 1");
        }
        Ok(Self {
            environment,
            host: var("HOST").unwrap_or_else(|| "127.0.0.1".to_owned()),
            port,
            migrate_on_start: parse_bool(
                "MIGRATE_ON_START",
                !production || database.url.is_none(),
            )?,
            database,
            redis_url: var("REDIS_URL"),
            redis_prefix: var("REDIS_KEY_PREFIX")
                .unwrap_or_else(|| format!("palestra:{}:", product.name)),
            trust_proxy: parse_bool("TRUST_PROXY", false)?,
            rate_limits: rate_limits(var, production)?,
            idempotency_ttl,
            jwt_secret,
            access_token_ttl: Duration::from_secs(parse_var("ACCESS_TOKEN_TTL_SECS", 900)?),
            refresh_token_ttl: Duration::from_secs(
                parse_var("REFRESH_TOKEN_TTL_DAYS", 30u64)? * 86_400,
            ),
            cors_allowed_origins: var("CORS_ALLOWED_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|o| o.trim().to_owned())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            workers: parse_var("WORKERS", 0)?,
            shutdown_timeout: Duration::from_secs(parse_var("SHUTDOWN_TIMEOUT_SECS", 30)?),
            json_logs: parse_bool("LOG_JSON", production)?,
            handle_signals: true,
            run_jobs: parse_bool("RUN_JOBS", true)?,
        })
    }
}

/// A schema name safe to splice into `CREATE SCHEMA`.
pub fn is_valid_schema_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use palestra_core::limits::{LOGIN_PER_ACCOUNT, Quota};

    use super::*;

    #[test]
    fn rate_limits_are_changed_or_switched_off_by_their_variables() {
        let env = |name: &str| match name {
            "RATE_LIMIT_LOGIN_PER_IP" => Some("5/30".to_owned()),
            "RATE_LIMIT_REGISTER_PER_IP" => Some("OFF".to_owned()),
            _ => None,
        };
        let limits = rate_limits(env, false).unwrap();
        assert_eq!(limits.login_per_ip.quota, Some(Quota::per_seconds(5, 30)));
        assert_eq!(limits.login_per_account.quota, Some(LOGIN_PER_ACCOUNT));
        assert_eq!(limits.register_per_ip.quota, None);

        let broken = |name: &str| (name == "RATE_LIMIT_LOGIN_PER_IP").then(|| "lots".to_owned());
        let error = rate_limits(broken, true).unwrap_err().to_string();
        assert!(error.contains("RATE_LIMIT_LOGIN_PER_IP"), "{error}");
    }
}
