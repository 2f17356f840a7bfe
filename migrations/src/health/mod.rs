//! Health: body measurements, goals and progress photos.

use sea_orm_migration::MigrationTrait;

mod m20261126_000050_health_create_measurements;
mod m20261126_000051_health_create_goals;
mod m20261126_000052_health_create_photos;

pub fn migrations() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(m20261126_000050_health_create_measurements::Migration),
        Box::new(m20261126_000051_health_create_goals::Migration),
        Box::new(m20261126_000052_health_create_photos::Migration),
    ]
}
