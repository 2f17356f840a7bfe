//! The module's HTTP routes, one file per resource.

pub mod calendar;
pub mod credits;
pub mod dashboard;
pub mod packages;

use utoipa_actix_web::service_config::ServiceConfig;

/// Mounts every route of the module.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(packages::list_packages)
        .service(packages::create_package)
        .service(packages::get_package)
        .service(packages::update_package)
        .service(credits::grant_package)
        .service(credits::adjust_credits)
        .service(credits::client_credits)
        .service(credits::my_credits)
        .service(dashboard::get_dashboard)
        .service(calendar::rotate_agenda_feed)
        .service(calendar::rotate_own_feed)
        .service(calendar::get_feed);
}
