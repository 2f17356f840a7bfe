use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Exactly one owner per tenant, whatever the concurrency: a partial unique index, in the
        // same syntax on Postgres and SQLite. The roster (tenant, role) lookups use it too.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX IF NOT EXISTS ux_memberships_one_owner \
                 ON memberships (tenant_id) WHERE role = 'owner'",
            )
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS ux_memberships_one_owner")
            .await
            .map(|_| ())
    }
}
