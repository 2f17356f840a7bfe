//! Health and progress, in both products: body measurements as observations (a metric
//! catalogue with LOINC codes and UCUM units, metric or imperial input, canonical storage,
//! output in the viewer's units), goals with progress computed from the measurements, progress
//! photos (records with a URL; storage comes later), and time series for charts.
//!
//! Who sees whose data is one rule in [`access`]: oneself; in gym-api the trainer a member is
//! assigned to; in trainer-api the workspace's staff for its clients. It does not own the
//! assignment of members to trainers (identity's roster) nor the files of photos.

pub mod access;
pub mod entities;
pub mod error;
pub mod metrics;
pub mod permissions;
pub mod repo;
pub mod routes;
pub mod seed;
pub mod views;

use std::sync::Arc;

use utoipa_actix_web::service_config::ServiceConfig;

use palestra_core::Module;
use palestra_core::ids::AccountId;

/// The health module.
pub struct Health;

/// The health module as the binaries mount it.
pub fn modules() -> Vec<Arc<dyn Module>> {
    vec![Arc::new(Health)]
}

#[async_trait::async_trait]
impl Module for Health {
    fn name(&self) -> &'static str {
        "health"
    }

    fn catalog_key(&self) -> Option<&'static str> {
        Some("progress")
    }

    fn configure(&self, cfg: &mut ServiceConfig<'_>) {
        routes::configure(cfg);
    }

    /// Demo measurements and goals for the demo tenant's first members.
    async fn seed_demo(
        &self,
        ctx: &palestra_core::AppContext,
        _options: &palestra_core::SeedOptions,
    ) -> Result<Vec<String>, palestra_core::ApiError> {
        seed::demo(&ctx.db, ctx.product.kind).await
    }

    /// A deleted account's measurements, goals, photos and settings go with it, in every
    /// tenant: they are health data.
    async fn erase_account(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        account: AccountId,
    ) -> Result<(), sea_orm::DbErr> {
        repo::erase_account(txn, account).await
    }
}
