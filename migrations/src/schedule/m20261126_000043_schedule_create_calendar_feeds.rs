use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ScheduleCalendarFeeds {
    Table,
    Id,
    TenantId,
    AccountId,
    TokenHash,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A member's secret calendar feed token, stored as SHA-256 (hex); one per member per gym.
        manager
            .create_table(
                Table::create()
                    .table(ScheduleCalendarFeeds::Table)
                    .if_not_exists()
                    .col(pk_uuid(ScheduleCalendarFeeds::Id))
                    .col(uuid(ScheduleCalendarFeeds::TenantId))
                    .col(uuid(ScheduleCalendarFeeds::AccountId))
                    .col(string_len(ScheduleCalendarFeeds::TokenHash, 64))
                    .col(timestamp_with_time_zone(ScheduleCalendarFeeds::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_calendar_feeds_tenant")
                            .from(
                                ScheduleCalendarFeeds::Table,
                                ScheduleCalendarFeeds::TenantId,
                            )
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_calendar_feeds_account")
                            .from(
                                ScheduleCalendarFeeds::Table,
                                ScheduleCalendarFeeds::AccountId,
                            )
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .unique()
                    .name("ux_schedule_calendar_feeds_token")
                    .table(ScheduleCalendarFeeds::Table)
                    .col(ScheduleCalendarFeeds::TokenHash)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .unique()
                    .name("ux_schedule_calendar_feeds_member")
                    .table(ScheduleCalendarFeeds::Table)
                    .col(ScheduleCalendarFeeds::TenantId)
                    .col(ScheduleCalendarFeeds::AccountId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ScheduleCalendarFeeds::Table).to_owned())
            .await
    }
}
