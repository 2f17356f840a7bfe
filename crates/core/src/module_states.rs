//! Which modules each tenant has active, read often (every module route, every context) and
//! written rarely: kept for a second per process, and dropped at once by this process's writes.
//! Another instance sees a change within [`TTL`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, QuerySelect};

use crate::entities::tenant_module;
use crate::error::ApiError;
use crate::ids::TenantId;
use crate::product::Product;
use crate::scope::scoped;

/// How long a tenant's module states are reused.
pub const TTL: Duration = Duration::from_secs(1);

/// Entries kept at most; past that the cache starts over (it only saves queries).
const CAPACITY: usize = 10_000;

type States = Arc<HashMap<String, bool>>;

/// Module states per tenant, briefly cached.
#[derive(Default)]
pub struct ModuleStates {
    entries: Mutex<HashMap<TenantId, (Instant, States)>>,
}

impl ModuleStates {
    /// The tenant's own settings by module key (modules without a row follow the catalogue).
    pub async fn of(
        &self,
        db: &impl ConnectionTrait,
        tenant: TenantId,
    ) -> Result<States, ApiError> {
        if let Some(states) = self.cached(tenant) {
            return Ok(states);
        }
        let rows: Vec<(String, bool)> = scoped::<tenant_module::Entity>(tenant)
            .select_only()
            .column(tenant_module::Column::Module)
            .column(tenant_module::Column::Active)
            .into_tuple()
            .all(db)
            .await?;
        let states: States = Arc::new(rows.into_iter().collect());
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CAPACITY {
                entries.clear();
            }
            entries.insert(tenant, (Instant::now(), states.clone()));
        }
        Ok(states)
    }

    fn cached(&self, tenant: TenantId) -> Option<States> {
        let entries = self.entries.lock().ok()?;
        let (at, states) = entries.get(&tenant)?;
        (at.elapsed() < TTL).then(|| states.clone())
    }

    /// Whether a module is active for the tenant: its setting, else the catalogue default.
    pub async fn is_active(
        &self,
        db: &impl ConnectionTrait,
        product: &Product,
        tenant: TenantId,
        key: &str,
    ) -> Result<bool, ApiError> {
        let states = self.of(db, tenant).await?;
        Ok(states.get(key).copied().unwrap_or_else(|| {
            product
                .catalog_module(key)
                .is_some_and(|m| m.default_active)
        }))
    }

    /// Drops a tenant's entry after a write, so this process sees the change at once.
    pub fn invalidate(&self, tenant: TenantId) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(&tenant);
        }
    }
}
