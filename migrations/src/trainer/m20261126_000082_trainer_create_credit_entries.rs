use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TrainerCreditEntries {
    Table,
    Id,
    TenantId,
    AccountId,
    Kind,
    Amount,
    AppointmentId,
    LotId,
    PackageId,
    Source,
    ExpiresAt,
    CreatedBy,
    Note,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TrainerCreditLots {
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
                    .table(TrainerCreditEntries::Table)
                    .if_not_exists()
                    .col(pk_uuid(TrainerCreditEntries::Id))
                    .col(uuid(TrainerCreditEntries::TenantId))
                    .col(uuid(TrainerCreditEntries::AccountId))
                    .col(string_len(TrainerCreditEntries::Kind, 16).check(
                        Expr::col(TrainerCreditEntries::Kind).is_in([
                            "grant",
                            "consume",
                            "refund",
                            "forfeit",
                            "expiry",
                            "adjustment",
                        ]),
                    ))
                    .col(integer(TrainerCreditEntries::Amount))
                    .col(uuid_null(TrainerCreditEntries::AppointmentId))
                    .col(uuid_null(TrainerCreditEntries::LotId))
                    .col(uuid_null(TrainerCreditEntries::PackageId))
                    .col(string_len_null(TrainerCreditEntries::Source, 16))
                    .col(timestamp_with_time_zone_null(
                        TrainerCreditEntries::ExpiresAt,
                    ))
                    .col(uuid_null(TrainerCreditEntries::CreatedBy))
                    .col(string_len_null(TrainerCreditEntries::Note, 500))
                    .col(timestamp_with_time_zone(TrainerCreditEntries::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainer_credit_entries_tenant")
                            .from(TrainerCreditEntries::Table, TrainerCreditEntries::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainer_credit_entries_account")
                            .from(TrainerCreditEntries::Table, TrainerCreditEntries::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainer_credit_entries_lot")
                            .from(TrainerCreditEntries::Table, TrainerCreditEntries::LotId)
                            .to(TrainerCreditLots::Table, TrainerCreditLots::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A client's ledger, newest first.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_trainer_credit_entries_client")
                    .table(TrainerCreditEntries::Table)
                    .col(TrainerCreditEntries::TenantId)
                    .col(TrainerCreditEntries::AccountId)
                    .col(TrainerCreditEntries::Id)
                    .to_owned(),
            )
            .await?;
        // What an appointment consumed, to refund it.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_trainer_credit_entries_appointment")
                    .table(TrainerCreditEntries::Table)
                    .col(TrainerCreditEntries::AppointmentId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TrainerCreditEntries::Table).to_owned())
            .await
    }
}
