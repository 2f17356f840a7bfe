//! The module's HTTP routes, one file per resource.

pub mod bookings;
pub mod calendar;
pub mod categories;
pub mod checkin;
pub mod classes;
pub mod dashboard;
pub mod hours;
pub mod people;
pub mod sessions;
pub mod settings;

use utoipa_actix_web::service_config::ServiceConfig;

/// Mounts every route of the module.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(categories::list_categories)
        .service(categories::create_category)
        .service(categories::get_category)
        .service(categories::update_category)
        .service(categories::delete_category)
        .service(classes::list_classes)
        .service(classes::create_class)
        .service(classes::get_class)
        .service(classes::update_class)
        .service(sessions::list_sessions)
        .service(sessions::create_session)
        .service(sessions::get_session)
        .service(sessions::update_session)
        .service(sessions::cancel_session)
        .service(sessions::create_series)
        .service(sessions::get_series)
        .service(sessions::cancel_series)
        .service(bookings::book_session)
        .service(bookings::get_booking)
        .service(bookings::cancel_booking)
        .service(bookings::mark_attendance)
        .service(bookings::join_waitlist)
        .service(bookings::get_waitlist_entry)
        .service(bookings::leave_waitlist)
        .service(settings::get_settings)
        .service(settings::put_settings);
    cfg.service(hours::get_hours)
        .service(hours::get_weekly_hours)
        .service(hours::put_weekly_hours)
        .service(hours::list_special_days)
        .service(hours::create_special_day)
        .service(hours::get_special_day)
        .service(hours::update_special_day)
        .service(hours::delete_special_day)
        .service(checkin::get_check_in_code)
        .service(checkin::rotate_check_in_code)
        .service(checkin::check_in)
        .service(calendar::rotate_calendar_feed)
        .service(calendar::delete_calendar_feed)
        .service(calendar::timetable_feed)
        .service(calendar::bookings_feed)
        .service(people::list_my_sessions)
        .service(people::list_session_participants)
        .service(people::list_trainer_sessions)
        .service(people::get_day_sheet)
        .service(dashboard::get_dashboard);
}
