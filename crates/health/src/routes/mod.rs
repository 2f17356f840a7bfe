//! The module's HTTP routes, one file per resource.

use utoipa_actix_web::service_config::ServiceConfig;

/// Mounts every route of the module.
pub fn configure(_cfg: &mut ServiceConfig<'_>) {}
