use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ScheduleSessions {
    Table,
    StartsAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The reminder job looks across every gym for sessions starting soon; the per-gym
        // (tenant_id, starts_at) index cannot serve a range on starts_at alone.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_schedule_sessions_starts_all")
                    .table(ScheduleSessions::Table)
                    .col(ScheduleSessions::StartsAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_schedule_sessions_starts_all")
                    .table(ScheduleSessions::Table)
                    .to_owned(),
            )
            .await
    }
}
