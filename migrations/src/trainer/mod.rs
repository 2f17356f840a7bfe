//! Trainer: The personal trainer's business: clients, availability, appointments, session credits, dashboard.

use sea_orm_migration::MigrationTrait;

mod m20261126_000080_trainer_create_packages;
mod m20261126_000081_trainer_create_credit_lots;
mod m20261126_000082_trainer_create_credit_entries;
mod m20261126_000083_trainer_create_credit_balances;
mod m20261126_000084_trainer_create_credit_charges;

pub fn migrations() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(m20261126_000080_trainer_create_packages::Migration),
        Box::new(m20261126_000081_trainer_create_credit_lots::Migration),
        Box::new(m20261126_000082_trainer_create_credit_entries::Migration),
        Box::new(m20261126_000083_trainer_create_credit_balances::Migration),
        Box::new(m20261126_000084_trainer_create_credit_charges::Migration),
    ]
}
