//! The module's HTTP routes, one file per resource.

pub mod appointment_types;
pub mod appointments;
pub mod availability;
pub mod calendar;
pub mod clients;
pub mod credits;
pub mod dashboard;
pub mod packages;

use utoipa_actix_web::service_config::ServiceConfig;

/// Mounts every route of the module.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(availability::get_weekly_hours)
        .service(availability::put_weekly_hours)
        .service(availability::list_exceptions)
        .service(availability::create_exception)
        .service(availability::get_exception)
        .service(availability::update_exception)
        .service(availability::delete_exception)
        .service(availability::get_policy)
        .service(availability::put_policy)
        .service(availability::get_availability)
        .service(appointment_types::list_appointment_types)
        .service(appointment_types::create_appointment_type)
        .service(appointment_types::get_appointment_type)
        .service(appointment_types::update_appointment_type)
        .service(appointment_types::archive_appointment_type)
        .service(appointments::book_appointment)
        .service(appointments::book_recurring_appointments)
        .service(appointments::list_appointments)
        .service(appointments::get_appointment)
        .service(appointments::cancel_appointment)
        .service(appointments::reschedule_appointment)
        .service(appointments::complete_appointment)
        .service(appointments::no_show_appointment)
        .service(appointments::update_appointment_notes)
        .service(clients::list_clients)
        .service(clients::get_client)
        .service(clients::update_client)
        .service(clients::my_client_profile)
        .service(clients::update_my_client_profile);
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
