use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ScheduleSettings {
    Table,
    TenantId,
    BookingWindowDays,
    CancellationCutoffMinutes,
    WaitlistCloseMinutes,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One row per gym at most; no row means the defaults.
        manager
            .create_table(
                Table::create()
                    .table(ScheduleSettings::Table)
                    .if_not_exists()
                    .col(pk_uuid(ScheduleSettings::TenantId))
                    .col(integer(ScheduleSettings::BookingWindowDays))
                    .col(integer(ScheduleSettings::CancellationCutoffMinutes))
                    .col(integer(ScheduleSettings::WaitlistCloseMinutes))
                    .col(timestamp_with_time_zone(ScheduleSettings::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_settings_tenant")
                            .from(ScheduleSettings::Table, ScheduleSettings::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ScheduleSettings::Table).to_owned())
            .await
    }
}
