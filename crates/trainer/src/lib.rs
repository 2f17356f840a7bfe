//! The personal trainer's business: clients, working hours, appointments, session credits and the dashboard.

pub mod credits;
pub mod entities;
pub mod packages;
pub mod routes;
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
}
