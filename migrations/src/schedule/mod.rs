//! Schedule: Gym scheduling: opening hours, classes, sessions, booking, waitlist, attendance, check-in, calendar feeds.

use sea_orm_migration::MigrationTrait;

pub fn migrations() -> Vec<Box<dyn MigrationTrait>> {
    vec![]
}
