use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TrainerSettings {
    Table,
    TenantId,
    WeeklyHours,
    CancelCutoffMinutes,
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
        // One row per workspace: the weekly working hours (JSON, read and replaced whole), the
        // cancellation cut-off, and the row every calendar writer locks first, so bookings of
        // one trainer are serialised (no double booking whatever the concurrency).
        manager
            .create_table(
                Table::create()
                    .table(TrainerSettings::Table)
                    .if_not_exists()
                    .col(pk_uuid(TrainerSettings::TenantId))
                    .col(json(TrainerSettings::WeeklyHours))
                    .col(
                        integer(TrainerSettings::CancelCutoffMinutes)
                            .default(1440)
                            .check(Expr::col(TrainerSettings::CancelCutoffMinutes).gte(0)),
                    )
                    .col(timestamp_with_time_zone(TrainerSettings::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainer_settings_tenant")
                            .from(TrainerSettings::Table, TrainerSettings::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TrainerSettings::Table).to_owned())
            .await
    }
}
