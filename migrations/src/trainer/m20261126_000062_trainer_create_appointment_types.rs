use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TrainerAppointmentTypes {
    Table,
    Id,
    TenantId,
    Name,
    DurationMinutes,
    PriceMinor,
    Currency,
    BufferBeforeMinutes,
    BufferAfterMinutes,
    MinNoticeMinutes,
    MaxDaysAhead,
    Location,
    OnlineLink,
    SelfBookable,
    Credits,
    CancelCutoffMinutes,
    Active,
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
        use TrainerAppointmentTypes as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .if_not_exists()
                    .col(pk_uuid(T::Id))
                    .col(uuid(T::TenantId))
                    .col(string_len(T::Name, 120))
                    .col(integer(T::DurationMinutes).check(Expr::col(T::DurationMinutes).gt(0)))
                    .col(big_integer(T::PriceMinor).check(Expr::col(T::PriceMinor).gte(0)))
                    .col(string_len(T::Currency, 3))
                    .col(
                        integer(T::BufferBeforeMinutes)
                            .default(0)
                            .check(Expr::col(T::BufferBeforeMinutes).gte(0)),
                    )
                    .col(
                        integer(T::BufferAfterMinutes)
                            .default(0)
                            .check(Expr::col(T::BufferAfterMinutes).gte(0)),
                    )
                    .col(
                        integer(T::MinNoticeMinutes)
                            .default(0)
                            .check(Expr::col(T::MinNoticeMinutes).gte(0)),
                    )
                    .col(integer(T::MaxDaysAhead).check(Expr::col(T::MaxDaysAhead).gt(0)))
                    .col(string_len_null(T::Location, 200))
                    .col(string_len_null(T::OnlineLink, 500))
                    .col(boolean(T::SelfBookable).default(true))
                    .col(
                        integer(T::Credits)
                            .default(0)
                            .check(Expr::col(T::Credits).gte(0)),
                    )
                    // Overrides the workspace's cut-off when set.
                    .col(integer_null(T::CancelCutoffMinutes))
                    .col(boolean(T::Active).default(true))
                    .col(timestamp_with_time_zone(T::CreatedAt))
                    .col(timestamp_with_time_zone(T::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainer_appointment_types_tenant")
                            .from(T::Table, T::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_trainer_appointment_types_tenant")
                    .table(T::Table)
                    .col(T::TenantId)
                    .col(T::Active)
                    .col(T::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(TrainerAppointmentTypes::Table)
                    .to_owned(),
            )
            .await
    }
}
