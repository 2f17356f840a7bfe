use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ScheduleSpecialDays {
    Table,
    Id,
    TenantId,
    Date,
    Closed,
    Intervals,
    Description,
    CreatedAt,
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
        manager
            .create_table(
                Table::create()
                    .table(ScheduleSpecialDays::Table)
                    .if_not_exists()
                    .col(pk_uuid(ScheduleSpecialDays::Id))
                    .col(uuid(ScheduleSpecialDays::TenantId))
                    .col(date(ScheduleSpecialDays::Date))
                    .col(boolean(ScheduleSpecialDays::Closed))
                    .col(json(ScheduleSpecialDays::Intervals))
                    .col(string_len(ScheduleSpecialDays::Description, 200))
                    .col(timestamp_with_time_zone(ScheduleSpecialDays::CreatedAt))
                    .col(timestamp_with_time_zone(ScheduleSpecialDays::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_special_days_tenant")
                            .from(ScheduleSpecialDays::Table, ScheduleSpecialDays::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One special day per date per gym; also the index behind the date-range reads.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .unique()
                    .name("ux_schedule_special_days_date")
                    .table(ScheduleSpecialDays::Table)
                    .col(ScheduleSpecialDays::TenantId)
                    .col(ScheduleSpecialDays::Date)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ScheduleSpecialDays::Table).to_owned())
            .await
    }
}
