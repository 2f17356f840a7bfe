//! Gym scheduling: class categories and classes, one-off and recurring sessions in the gym's
//! wall time, booking with capacity enforced by the database, the waitlist, attendance and the
//! gym's booking rules. Opening hours, check-in, calendar feeds, reminders and people views
//! live here too, in their own files. Payments for bookings belong to billing, not here.

pub mod entities;
pub mod error;
pub mod ids;
pub mod recurrence;
pub mod repo;
pub mod routes;
pub mod settings;

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
}
