use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TrainerCreditLots {
    Table,
    Id,
    TenantId,
    AccountId,
    PackageId,
    Granted,
    Remaining,
    ExpiresAt,
    ExpiredAt,
    CreatedAt,
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
                    .table(TrainerCreditLots::Table)
                    .if_not_exists()
                    .col(pk_uuid(TrainerCreditLots::Id))
                    .col(uuid(TrainerCreditLots::TenantId))
                    .col(uuid(TrainerCreditLots::AccountId))
                    .col(uuid_null(TrainerCreditLots::PackageId))
                    .col(
                        integer(TrainerCreditLots::Granted)
                            .check(Expr::col(TrainerCreditLots::Granted).gt(0)),
                    )
                    .col(
                        integer(TrainerCreditLots::Remaining)
                            .check(Expr::col(TrainerCreditLots::Remaining).gte(0)),
                    )
                    .col(timestamp_with_time_zone_null(TrainerCreditLots::ExpiresAt))
                    .col(timestamp_with_time_zone_null(TrainerCreditLots::ExpiredAt))
                    .col(timestamp_with_time_zone(TrainerCreditLots::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainer_credit_lots_tenant")
                            .from(TrainerCreditLots::Table, TrainerCreditLots::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainer_credit_lots_account")
                            .from(TrainerCreditLots::Table, TrainerCreditLots::AccountId)
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
                    .name("ix_trainer_credit_lots_client")
                    .table(TrainerCreditLots::Table)
                    .col(TrainerCreditLots::TenantId)
                    .col(TrainerCreditLots::AccountId)
                    .col(TrainerCreditLots::ExpiresAt)
                    .to_owned(),
            )
            .await?;
        // The expiry job looks for lots past their date that it has not expired yet.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX IF NOT EXISTS ix_trainer_credit_lots_due \
                 ON trainer_credit_lots (expires_at) WHERE expired_at IS NULL",
            )
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TrainerCreditLots::Table).to_owned())
            .await
    }
}
