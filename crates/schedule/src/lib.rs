//! Gym scheduling: the gym's opening hours, its classes and their sessions, and members' places in them.

pub mod routes;

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
