//! Health: Health and progress: body measurements, goals, progress photos and series.

use sea_orm_migration::MigrationTrait;

pub fn migrations() -> Vec<Box<dyn MigrationTrait>> {
    vec![]
}
