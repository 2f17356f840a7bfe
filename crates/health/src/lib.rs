//! Health and progress: body measurements as observations, goals, progress photos and progress series.

pub mod routes;

use std::sync::Arc;

use utoipa_actix_web::service_config::ServiceConfig;

use palestra_core::Module;

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
}
