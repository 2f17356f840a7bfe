use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ScheduleSeries {
    Table,
    Id,
    TenantId,
    ClassId,
    TrainerId,
    Room,
    Capacity,
    Notes,
    TimeZone,
    Weekdays,
    StartTime,
    DurationMinutes,
    IntervalWeeks,
    StartsOn,
    UntilDate,
    Count,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ScheduleClasses {
    Table,
    Id,
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
                    .table(ScheduleSeries::Table)
                    .if_not_exists()
                    .col(pk_uuid(ScheduleSeries::Id))
                    .col(uuid(ScheduleSeries::TenantId))
                    .col(uuid(ScheduleSeries::ClassId))
                    .col(uuid_null(ScheduleSeries::TrainerId))
                    .col(string_len_null(ScheduleSeries::Room, 80))
                    .col(integer(ScheduleSeries::Capacity))
                    .col(text_null(ScheduleSeries::Notes))
                    .col(string_len(ScheduleSeries::TimeZone, 64))
                    // RFC 5545 BYDAY list, e.g. `MO,WE,FR`.
                    .col(string_len(ScheduleSeries::Weekdays, 32))
                    // Local wall time `HH:MM`.
                    .col(string_len(ScheduleSeries::StartTime, 5))
                    .col(integer(ScheduleSeries::DurationMinutes))
                    .col(integer(ScheduleSeries::IntervalWeeks))
                    .col(date(ScheduleSeries::StartsOn))
                    .col(date_null(ScheduleSeries::UntilDate))
                    .col(integer_null(ScheduleSeries::Count))
                    .col(string_len(ScheduleSeries::Status, 16))
                    .col(timestamp_with_time_zone(ScheduleSeries::CreatedAt))
                    .col(timestamp_with_time_zone(ScheduleSeries::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_series_tenant")
                            .from(ScheduleSeries::Table, ScheduleSeries::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_series_class")
                            .from(ScheduleSeries::Table, ScheduleSeries::ClassId)
                            .to(ScheduleClasses::Table, ScheduleClasses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_schedule_series_class")
                    .table(ScheduleSeries::Table)
                    .col(ScheduleSeries::TenantId)
                    .col(ScheduleSeries::ClassId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ScheduleSeries::Table).to_owned())
            .await
    }
}
