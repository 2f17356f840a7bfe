use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TrainerAvailabilityExceptions {
    Table,
    Id,
    TenantId,
    Date,
    Kind,
    StartMinute,
    EndMinute,
    Note,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A date (in the trainer's zone) with time off or extra hours. Minutes count from local
        // midnight; a time off without minutes takes the whole day.
        manager
            .create_table(
                Table::create()
                    .table(TrainerAvailabilityExceptions::Table)
                    .if_not_exists()
                    .col(pk_uuid(TrainerAvailabilityExceptions::Id))
                    .col(uuid(TrainerAvailabilityExceptions::TenantId))
                    .col(date(TrainerAvailabilityExceptions::Date))
                    .col(
                        string_len(TrainerAvailabilityExceptions::Kind, 16).check(
                            Expr::col(TrainerAvailabilityExceptions::Kind)
                                .is_in(["time_off", "extra_hours"]),
                        ),
                    )
                    .col(integer_null(TrainerAvailabilityExceptions::StartMinute))
                    .col(integer_null(TrainerAvailabilityExceptions::EndMinute))
                    .col(string_len_null(TrainerAvailabilityExceptions::Note, 500))
                    .col(timestamp_with_time_zone(
                        TrainerAvailabilityExceptions::CreatedAt,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainer_availability_exceptions_tenant")
                            .from(
                                TrainerAvailabilityExceptions::Table,
                                TrainerAvailabilityExceptions::TenantId,
                            )
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
                    .name("ix_trainer_availability_exceptions_date")
                    .table(TrainerAvailabilityExceptions::Table)
                    .col(TrainerAvailabilityExceptions::TenantId)
                    .col(TrainerAvailabilityExceptions::Date)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(TrainerAvailabilityExceptions::Table)
                    .to_owned(),
            )
            .await
    }
}
