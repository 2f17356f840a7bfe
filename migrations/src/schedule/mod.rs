//! Schedule: Gym scheduling: opening hours, classes, sessions, booking, waitlist, attendance, check-in, calendar feeds.

use sea_orm_migration::MigrationTrait;

mod m20261126_000020_schedule_create_categories;
mod m20261126_000021_schedule_create_classes;
mod m20261126_000022_schedule_create_series;
mod m20261126_000023_schedule_create_sessions;
mod m20261126_000024_schedule_create_bookings;
mod m20261126_000025_schedule_create_waitlist;
mod m20261126_000026_schedule_create_settings;
mod m20261126_000040_schedule_create_opening_hours;
mod m20261126_000041_schedule_create_special_days;
mod m20261126_000042_schedule_create_check_in_codes;
mod m20261126_000043_schedule_create_calendar_feeds;
mod m20261126_000044_schedule_create_reminders;
mod m20261126_000045_schedule_index_session_starts;

pub fn migrations() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(m20261126_000020_schedule_create_categories::Migration),
        Box::new(m20261126_000021_schedule_create_classes::Migration),
        Box::new(m20261126_000022_schedule_create_series::Migration),
        Box::new(m20261126_000023_schedule_create_sessions::Migration),
        Box::new(m20261126_000024_schedule_create_bookings::Migration),
        Box::new(m20261126_000025_schedule_create_waitlist::Migration),
        Box::new(m20261126_000026_schedule_create_settings::Migration),
        Box::new(m20261126_000040_schedule_create_opening_hours::Migration),
        Box::new(m20261126_000041_schedule_create_special_days::Migration),
        Box::new(m20261126_000042_schedule_create_check_in_codes::Migration),
        Box::new(m20261126_000043_schedule_create_calendar_feeds::Migration),
        Box::new(m20261126_000044_schedule_create_reminders::Migration),
        Box::new(m20261126_000045_schedule_index_session_starts::Migration),
    ]
}
