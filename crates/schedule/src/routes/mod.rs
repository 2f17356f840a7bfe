//! The module's HTTP routes, one file per resource.

pub mod hours;

use utoipa_actix_web::service_config::ServiceConfig;

/// Mounts every route of the module.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(hours::get_hours)
        .service(hours::get_weekly_hours)
        .service(hours::put_weekly_hours)
        .service(hours::list_special_days)
        .service(hours::create_special_day)
        .service(hours::get_special_day)
        .service(hours::update_special_day)
        .service(hours::delete_special_day);
}
