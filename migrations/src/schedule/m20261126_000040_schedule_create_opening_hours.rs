use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ScheduleOpeningHours {
    Table,
    TenantId,
    Weekly,
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
        // One row per gym: the weekly template as JSON (weekday → open intervals), read and
        // replaced whole.
        manager
            .create_table(
                Table::create()
                    .table(ScheduleOpeningHours::Table)
                    .if_not_exists()
                    .col(pk_uuid(ScheduleOpeningHours::TenantId))
                    .col(json(ScheduleOpeningHours::Weekly))
                    .col(timestamp_with_time_zone(ScheduleOpeningHours::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_opening_hours_tenant")
                            .from(ScheduleOpeningHours::Table, ScheduleOpeningHours::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ScheduleOpeningHours::Table).to_owned())
            .await
    }
}
