use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TrainerCreditCharges {
    Table,
    AppointmentId,
    TenantId,
    AccountId,
    Credits,
    Settlement,
    SettledAt,
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
        // One row per appointment that consumed credits: inserting it claims the consumption
        // (a second consume is a no-op) and settling it once, refund or forfeit, is a
        // conditional update, so each happens once whatever the retries.
        manager
            .create_table(
                Table::create()
                    .table(TrainerCreditCharges::Table)
                    .if_not_exists()
                    .col(pk_uuid(TrainerCreditCharges::AppointmentId))
                    .col(uuid(TrainerCreditCharges::TenantId))
                    .col(uuid(TrainerCreditCharges::AccountId))
                    .col(integer(TrainerCreditCharges::Credits))
                    .col(string_len_null(TrainerCreditCharges::Settlement, 16).check(
                        Expr::col(TrainerCreditCharges::Settlement).is_in(["refund", "forfeit"]),
                    ))
                    .col(timestamp_with_time_zone_null(
                        TrainerCreditCharges::SettledAt,
                    ))
                    .col(timestamp_with_time_zone(TrainerCreditCharges::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainer_credit_charges_tenant")
                            .from(TrainerCreditCharges::Table, TrainerCreditCharges::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TrainerCreditCharges::Table).to_owned())
            .await
    }
}
