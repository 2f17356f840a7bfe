use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ScheduleClasses {
    Table,
    Id,
    TenantId,
    CategoryId,
    Name,
    Description,
    DurationMinutes,
    Capacity,
    Difficulty,
    DefaultTrainerId,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ScheduleCategories {
    Table,
    Id,
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
        manager
            .create_table(
                Table::create()
                    .table(ScheduleClasses::Table)
                    .if_not_exists()
                    .col(pk_uuid(ScheduleClasses::Id))
                    .col(uuid(ScheduleClasses::TenantId))
                    .col(uuid_null(ScheduleClasses::CategoryId))
                    .col(string_len(ScheduleClasses::Name, 120))
                    .col(text_null(ScheduleClasses::Description))
                    .col(integer(ScheduleClasses::DurationMinutes))
                    .col(integer(ScheduleClasses::Capacity))
                    .col(string_len(ScheduleClasses::Difficulty, 16))
                    .col(uuid_null(ScheduleClasses::DefaultTrainerId))
                    .col(boolean(ScheduleClasses::Active).default(true))
                    .col(timestamp_with_time_zone(ScheduleClasses::CreatedAt))
                    .col(timestamp_with_time_zone(ScheduleClasses::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_classes_tenant")
                            .from(ScheduleClasses::Table, ScheduleClasses::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_classes_category")
                            .from(ScheduleClasses::Table, ScheduleClasses::CategoryId)
                            .to(ScheduleCategories::Table, ScheduleCategories::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_classes_trainer")
                            .from(ScheduleClasses::Table, ScheduleClasses::DefaultTrainerId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_schedule_classes_name")
                    .table(ScheduleClasses::Table)
                    .col(ScheduleClasses::TenantId)
                    .col(ScheduleClasses::Name)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_schedule_classes_category")
                    .table(ScheduleClasses::Table)
                    .col(ScheduleClasses::CategoryId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ScheduleClasses::Table).to_owned())
            .await
    }
}
