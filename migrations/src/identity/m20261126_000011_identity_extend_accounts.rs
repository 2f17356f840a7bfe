use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Phone,
    BirthDate,
    Locale,
    TimeZone,
    AvatarUrl,
    Units,
    EmailVerifiedAt,
    IsPlatformAdmin,
    DeletedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            string_len_null(Accounts::Phone, 32),
            date_null(Accounts::BirthDate),
            string_len(Accounts::Locale, 16).default("en").to_owned(),
            string_len_null(Accounts::TimeZone, 64),
            string_len_null(Accounts::AvatarUrl, 2048),
            string_len(Accounts::Units, 8).default("metric").to_owned(),
            timestamp_with_time_zone_null(Accounts::EmailVerifiedAt),
            boolean(Accounts::IsPlatformAdmin).default(false).to_owned(),
            timestamp_with_time_zone_null(Accounts::DeletedAt),
        ];
        for column in columns {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(Accounts::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Accounts::Phone,
            Accounts::BirthDate,
            Accounts::Locale,
            Accounts::TimeZone,
            Accounts::AvatarUrl,
            Accounts::Units,
            Accounts::EmailVerifiedAt,
            Accounts::IsPlatformAdmin,
            Accounts::DeletedAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Accounts::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
