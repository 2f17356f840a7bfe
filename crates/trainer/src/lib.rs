//! The personal trainer's business: clients, working hours, appointments, session credits and the dashboard.

pub mod appointments;
pub mod availability;
pub mod calendar;
pub mod clients;
pub mod credits;
pub mod dashboard;
pub mod entities;
pub mod error;
pub mod packages;
pub mod reminders;
pub mod routes;
pub mod seed;
pub mod slots;

use std::sync::Arc;

use utoipa_actix_web::service_config::ServiceConfig;

use palestra_core::Module;

/// The trainer module.
pub struct Trainer;

/// The trainer module as the binaries mount it.
pub fn modules() -> Vec<Arc<dyn Module>> {
    vec![Arc::new(Trainer)]
}

#[async_trait::async_trait]
impl Module for Trainer {
    fn name(&self) -> &'static str {
        "trainer"
    }

    fn catalog_key(&self) -> Option<&'static str> {
        Some("appointments")
    }

    fn configure(&self, cfg: &mut ServiceConfig<'_>) {
        routes::configure(cfg);
    }

    /// Appointment reminders and the expiry of unused credits.
    fn jobs(
        &self,
        ctx: &palestra_core::AppContext,
    ) -> Result<Vec<palestra_core::BackgroundJob>, palestra_core::jobs::JobSetupError> {
        reminders::jobs(&ctx.db)
    }

    /// Appointment types, packages, credits and twelve weeks of appointments for the demo
    /// workspace.
    async fn seed_demo(
        &self,
        ctx: &palestra_core::AppContext,
        _options: &palestra_core::SeedOptions,
    ) -> Result<Vec<String>, palestra_core::ApiError> {
        seed::demo(&ctx.db).await
    }

    /// A deleted account's calendar feeds, client profiles and tags go with it, and its booked
    /// appointments to come are cancelled. Its credit ledger and past appointments stay, as the
    /// trainer's business record, keyed by the account id that identity keeps.
    async fn erase_account(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        account: palestra_core::ids::AccountId,
    ) -> Result<(), sea_orm::DbErr> {
        calendar::forget_account(txn, account).await?;
        clients::forget_account(txn, account).await
    }

    /// The dashboard's figures, for the trainer and their staff while the module is active.
    async fn workspace_stats(
        &self,
        ctx: &palestra_core::AppContext,
        tenant: &palestra_core::Tenant,
    ) -> Result<Option<palestra_core::module::WorkspaceStats>, palestra_core::ApiError> {
        use palestra_core::Permission as _;
        if !dashboard::ViewDashboard::granted_to(tenant.role)
            || !ctx
                .module_states
                .is_active(&ctx.db, &ctx.product, tenant.id, "appointments")
                .await?
        {
            return Ok(None);
        }
        dashboard::workspace_stats(ctx, tenant).await.map(Some)
    }
}
