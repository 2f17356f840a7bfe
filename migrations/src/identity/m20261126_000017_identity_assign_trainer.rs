use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Memberships {
    Table,
    TenantId,
    AssignedTrainerId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The account id of the member's trainer (gym-api). No foreign key: SQLite cannot add
        // one to an existing table; the roster clears it when that trainer stops being one.
        manager
            .alter_table(
                Table::alter()
                    .table(Memberships::Table)
                    .add_column(uuid_null(Memberships::AssignedTrainerId))
                    .to_owned(),
            )
            .await?;
        // "Is this caller the member's trainer?" and "the members of a trainer".
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_memberships_assigned_trainer")
                    .table(Memberships::Table)
                    .col(Memberships::TenantId)
                    .col(Memberships::AssignedTrainerId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_memberships_assigned_trainer")
                    .table(Memberships::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Memberships::Table)
                    .drop_column(Memberships::AssignedTrainerId)
                    .to_owned(),
            )
            .await
    }
}
