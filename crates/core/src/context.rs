//! The state every handler can reach: database, product, token keys, and the security rails
//! (rate limiter, idempotency store, whether a proxy's client address is trusted).

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::auth::TokenKeys;
use crate::error::ApiError;
use crate::idempotency::Idempotency;
use crate::limits::{self, RateLimiter, RateLimits, Rule};
use crate::product::Product;

/// Shared application state, cheap to clone (registered as `web::Data<AppContext>`).
#[derive(Clone)]
pub struct AppContext {
    /// The connection pool.
    pub db: DatabaseConnection,
    /// Which product this process is.
    pub product: Arc<Product>,
    /// Signs and verifies access tokens.
    pub tokens: Arc<TokenKeys>,
    /// Counts attempts for rate limits: Redis when configured, in-process otherwise.
    pub limiter: Arc<dyn RateLimiter>,
    /// The platform's rate limit rules, as configured.
    pub limits: Arc<RateLimits>,
    /// `Idempotency-Key` handling: its store (Redis when configured, else the database) and
    /// its secret.
    pub idempotency: Arc<Idempotency>,
    /// Whether the first hop of `X-Forwarded-For` is the client (behind a trusted proxy).
    pub trust_proxy: bool,
    /// Which modules each tenant has active, briefly cached.
    pub module_states: Arc<crate::module_states::ModuleStates>,
    /// The modules the binary mounts, for hooks that span them (erasing an account's data).
    pub modules: Arc<[Arc<dyn crate::module::Module>]>,
}

impl AppContext {
    /// Counts one attempt of `rule` by `subject` (a client IP subject, an email digest, ...);
    /// past the rule's quota, the 429 `request.rate_limited` problem with `Retry-After`.
    pub async fn rate_limit(&self, rule: &Rule, subject: &str) -> Result<(), ApiError> {
        limits::enforce(self.limiter.as_ref(), rule, subject).await
    }

    /// Asks every mounted module whether `account` may take a place in `tenant`; the first
    /// refusal wins.
    pub async fn check_booking_allowed(
        &self,
        tenant: crate::ids::TenantId,
        account: crate::ids::AccountId,
    ) -> Result<(), ApiError> {
        for module in self.modules.iter() {
            module
                .check_booking_allowed(&self.db, tenant, account)
                .await?;
        }
        Ok(())
    }
}
