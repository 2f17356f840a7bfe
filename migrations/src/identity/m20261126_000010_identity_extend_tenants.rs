use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Slug,
    LogoUrl,
    BrandPrimary,
    BrandSecondary,
    BrandAccent,
    JoinCode,
    ClientCount,
    Address,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        let columns = [
            string_len_null(Tenants::Slug, 80),
            string_len_null(Tenants::LogoUrl, 2048),
            string_len_null(Tenants::BrandPrimary, 7),
            string_len_null(Tenants::BrandSecondary, 7),
            string_len_null(Tenants::BrandAccent, 7),
            string_len_null(Tenants::JoinCode, 32),
            integer(Tenants::ClientCount).default(0).to_owned(),
            text_null(Tenants::Address),
        ];
        for column in columns {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(Tenants::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ux_tenants_slug")
                    .table(Tenants::Table)
                    .col(Tenants::Slug)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ux_tenants_join_code")
                    .table(Tenants::Table)
                    .col(Tenants::JoinCode)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Tenants::Slug,
            Tenants::LogoUrl,
            Tenants::BrandPrimary,
            Tenants::BrandSecondary,
            Tenants::BrandAccent,
            Tenants::JoinCode,
            Tenants::ClientCount,
            Tenants::Address,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Tenants::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
