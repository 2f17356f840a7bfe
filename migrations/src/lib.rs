//! Every table's migration, one folder per module. All migrations are applied to each product
//! schema, so a module can be enabled later without a schema change.

pub use sea_orm_migration::prelude::*;

mod identity;
mod notifications;

/// Runs every migration of the workspace in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let mut migrations = identity::migrations();
        migrations.extend(notifications::migrations());
        migrations
    }
}
