use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Devices {
    Table,
    Id,
    AccountId,
    Platform,
    Token,
    TokenHash,
    Locale,
    CreatedAt,
    LastSeenAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Devices::Table)
                    .if_not_exists()
                    .col(pk_uuid(Devices::Id))
                    .col(uuid(Devices::AccountId))
                    .col(
                        string_len(Devices::Platform, 16)
                            .check(Expr::col(Devices::Platform).is_in(["ios", "android", "web"])),
                    )
                    // Up to 4096 characters: too long for a unique B-tree entry on Postgres, so
                    // uniqueness is on its SHA-256 (hex) instead.
                    .col(text(Devices::Token))
                    .col(char_len_uniq(Devices::TokenHash, 64))
                    .col(string_len_null(Devices::Locale, 35))
                    .col(timestamp_with_time_zone(Devices::CreatedAt))
                    .col(timestamp_with_time_zone(Devices::LastSeenAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_devices_account")
                            .from(Devices::Table, Devices::AccountId)
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
                    .name("ix_devices_account")
                    .table(Devices::Table)
                    .col(Devices::AccountId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Devices::Table).to_owned())
            .await
    }
}
