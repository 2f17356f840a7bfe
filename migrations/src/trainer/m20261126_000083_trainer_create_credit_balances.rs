use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TrainerCreditBalances {
    Table,
    TenantId,
    AccountId,
    Balance,
    UpdatedAt,
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
                    .table(TrainerCreditBalances::Table)
                    .if_not_exists()
                    .col(uuid(TrainerCreditBalances::TenantId))
                    .col(uuid(TrainerCreditBalances::AccountId))
                    // Never negative, whatever the concurrency: movements are conditional
                    // updates and this check is the last word.
                    .col(
                        big_integer(TrainerCreditBalances::Balance)
                            .default(0)
                            .check(Expr::col(TrainerCreditBalances::Balance).gte(0)),
                    )
                    .col(timestamp_with_time_zone(TrainerCreditBalances::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(TrainerCreditBalances::TenantId)
                            .col(TrainerCreditBalances::AccountId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainer_credit_balances_tenant")
                            .from(
                                TrainerCreditBalances::Table,
                                TrainerCreditBalances::TenantId,
                            )
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainer_credit_balances_account")
                            .from(
                                TrainerCreditBalances::Table,
                                TrainerCreditBalances::AccountId,
                            )
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The dashboard counts clients without credits.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_trainer_credit_balances_balance")
                    .table(TrainerCreditBalances::Table)
                    .col(TrainerCreditBalances::TenantId)
                    .col(TrainerCreditBalances::Balance)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TrainerCreditBalances::Table).to_owned())
            .await
    }
}
