//! Every table's migration, one folder per module. All migrations are applied to each product
//! schema, so a module can be enabled later without a schema change.

pub use sea_orm_migration::prelude::*;

mod health;
mod identity;
mod notifications;
mod schedule;
mod trainer;

/// Runs every migration of the workspace in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let mut migrations = identity::migrations();
        migrations.extend(notifications::migrations());
        migrations.extend(schedule::migrations());
        migrations.extend(health::migrations());
        migrations.extend(trainer::migrations());
        migrations
    }
}
