use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ScheduleCheckInCodes {
    Table,
    Id,
    TenantId,
    AccountId,
    Version,
    RotatedAt,
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
        // The current version of a member's signed check-in code; rotating bumps it, which
        // voids every code signed with an older one. No row: version 1.
        manager
            .create_table(
                Table::create()
                    .table(ScheduleCheckInCodes::Table)
                    .if_not_exists()
                    .col(pk_uuid(ScheduleCheckInCodes::Id))
                    .col(uuid(ScheduleCheckInCodes::TenantId))
                    .col(uuid(ScheduleCheckInCodes::AccountId))
                    .col(integer(ScheduleCheckInCodes::Version))
                    .col(timestamp_with_time_zone(ScheduleCheckInCodes::RotatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_check_in_codes_tenant")
                            .from(ScheduleCheckInCodes::Table, ScheduleCheckInCodes::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_check_in_codes_account")
                            .from(ScheduleCheckInCodes::Table, ScheduleCheckInCodes::AccountId)
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
                    .name("ux_schedule_check_in_codes_member")
                    .table(ScheduleCheckInCodes::Table)
                    .col(ScheduleCheckInCodes::TenantId)
                    .col(ScheduleCheckInCodes::AccountId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ScheduleCheckInCodes::Table).to_owned())
            .await
    }
}
