//! Gym scheduling: class categories and classes, one-off and recurring sessions in the gym's
//! wall time, booking with capacity enforced by the database, the waitlist, attendance and the
//! gym's booking rules. Opening hours, check-in, calendar feeds, reminders and people views
//! live here too, in their own files. Payments for bookings belong to billing, not here.

pub mod calendar;
pub mod checkin;
pub mod dashboard;
pub mod entities;
pub mod error;
pub mod hours;
pub mod ids;
pub mod people;
pub mod permissions;
pub mod recurrence;
pub mod reminders;
pub mod repo;
pub mod routes;
pub mod seed;
pub mod service;
pub mod settings;
pub mod views;

use std::sync::Arc;

use utoipa_actix_web::service_config::ServiceConfig;

use palestra_core::Module;

/// The schedule module.
pub struct Schedule;

/// The schedule module as the binaries mount it.
pub fn modules() -> Vec<Arc<dyn Module>> {
    vec![Arc::new(Schedule)]
}

#[async_trait::async_trait]
impl Module for Schedule {
    fn name(&self) -> &'static str {
        "schedule"
    }

    fn catalog_key(&self) -> Option<&'static str> {
        Some("schedule")
    }

    fn configure(&self, cfg: &mut ServiceConfig<'_>) {
        routes::configure(cfg);
    }

    async fn seed_demo(
        &self,
        ctx: &palestra_core::AppContext,
        _options: &palestra_core::SeedOptions,
    ) -> Result<Vec<String>, palestra_core::ApiError> {
        seed::demo(&ctx.db).await
    }

    /// A deleted account's future places are freed (and go to the waitlist).
    async fn erase_account(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        account: palestra_core::ids::AccountId,
    ) -> Result<(), sea_orm::DbErr> {
        service::erase_account(txn, account).await
    }

    /// Reminders of booked sessions, on instances that run jobs.
    fn jobs(
        &self,
        ctx: &palestra_core::AppContext,
    ) -> Result<Vec<palestra_core::BackgroundJob>, palestra_core::jobs::JobSetupError> {
        let lead = reminders::lead_from_env()?;
        Ok(vec![reminders::job(ctx.db.clone(), lead)])
    }

    /// A new gym opens with the default weekly hours (weekdays 06:00–22:00, Saturday
    /// 08:00–20:00, Sunday 09:00–14:00), which its managers then adjust.
    async fn tenant_created(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        tenant: palestra_core::ids::TenantId,
        _time_zone: &str,
    ) -> Result<(), sea_orm::DbErr> {
        let template = hours::WeeklyHours::default_template();
        hours::save_weekly(txn, tenant, template, chrono::Utc::now())
            .await
            .map(|_| ())
    }
}
