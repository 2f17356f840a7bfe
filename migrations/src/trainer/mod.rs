//! Trainer: The personal trainer's business: clients, availability, appointments, session credits, dashboard.

use sea_orm_migration::MigrationTrait;

pub fn migrations() -> Vec<Box<dyn MigrationTrait>> {
    vec![]
}
