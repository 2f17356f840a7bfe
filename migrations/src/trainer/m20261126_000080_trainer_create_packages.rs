use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TrainerPackages {
    Table,
    Id,
    TenantId,
    Name,
    Sessions,
    PriceMinor,
    Currency,
    ValidityDays,
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
        manager
            .create_table(
                Table::create()
                    .table(TrainerPackages::Table)
                    .if_not_exists()
                    .col(pk_uuid(TrainerPackages::Id))
                    .col(uuid(TrainerPackages::TenantId))
                    .col(string_len(TrainerPackages::Name, 120))
                    .col(
                        integer(TrainerPackages::Sessions)
                            .check(Expr::col(TrainerPackages::Sessions).gt(0)),
                    )
                    .col(
                        big_integer(TrainerPackages::PriceMinor)
                            .check(Expr::col(TrainerPackages::PriceMinor).gte(0)),
                    )
                    .col(string_len(TrainerPackages::Currency, 3))
                    .col(
                        integer(TrainerPackages::ValidityDays)
                            .check(Expr::col(TrainerPackages::ValidityDays).gt(0)),
                    )
                    .col(boolean(TrainerPackages::Active).default(true))
                    .col(timestamp_with_time_zone(TrainerPackages::CreatedAt))
                    .col(timestamp_with_time_zone(TrainerPackages::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainer_packages_tenant")
                            .from(TrainerPackages::Table, TrainerPackages::TenantId)
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
                    .name("ix_trainer_packages_tenant")
                    .table(TrainerPackages::Table)
                    .col(TrainerPackages::TenantId)
                    .col(TrainerPackages::Active)
                    .col(TrainerPackages::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TrainerPackages::Table).to_owned())
            .await
    }
}
