//! Trainer: The personal trainer's business: clients, availability, appointments, session credits, dashboard.

use sea_orm_migration::MigrationTrait;

mod m20261126_000060_trainer_create_settings;
mod m20261126_000061_trainer_create_availability_exceptions;
mod m20261126_000062_trainer_create_appointment_types;
mod m20261126_000063_trainer_create_appointments;
mod m20261126_000064_trainer_create_client_profiles;
mod m20261126_000080_trainer_create_packages;
mod m20261126_000081_trainer_create_credit_lots;
mod m20261126_000082_trainer_create_credit_entries;
mod m20261126_000083_trainer_create_credit_balances;
mod m20261126_000084_trainer_create_credit_charges;
mod m20261126_000085_trainer_create_calendar_feeds;
mod m20261126_000086_trainer_create_reminders;
mod m20261127_000087_trainer_appointments_never_overlap;
mod m20261127_000088_trainer_index_blocking_appointments;

pub fn migrations() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(m20261126_000060_trainer_create_settings::Migration),
        Box::new(m20261126_000061_trainer_create_availability_exceptions::Migration),
        Box::new(m20261126_000062_trainer_create_appointment_types::Migration),
        Box::new(m20261126_000063_trainer_create_appointments::Migration),
        Box::new(m20261126_000064_trainer_create_client_profiles::Migration),
        Box::new(m20261126_000080_trainer_create_packages::Migration),
        Box::new(m20261126_000081_trainer_create_credit_lots::Migration),
        Box::new(m20261126_000082_trainer_create_credit_entries::Migration),
        Box::new(m20261126_000083_trainer_create_credit_balances::Migration),
        Box::new(m20261126_000084_trainer_create_credit_charges::Migration),
        Box::new(m20261126_000085_trainer_create_calendar_feeds::Migration),
        Box::new(m20261126_000086_trainer_create_reminders::Migration),
        Box::new(m20261127_000087_trainer_appointments_never_overlap::Migration),
        Box::new(m20261127_000088_trainer_index_blocking_appointments::Migration),
    ]
}
