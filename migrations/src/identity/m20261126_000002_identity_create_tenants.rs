use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Tenants {
    Table,
    Id,
    Kind,
    Name,
    Status,
    TimeZone,
    Currency,
    ContactEmail,
    ContactPhone,
    Specialties,
    Certifications,
    MaxClients,
    Bio,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Tenants::Table)
                    .if_not_exists()
                    .col(pk_uuid(Tenants::Id))
                    .col(string_len(Tenants::Kind, 16))
                    .col(string_len(Tenants::Name, 200))
                    .col(string_len(Tenants::Status, 16))
                    .col(string_len(Tenants::TimeZone, 64))
                    .col(char_len(Tenants::Currency, 3))
                    .col(string_len_null(Tenants::ContactEmail, 254))
                    .col(string_len_null(Tenants::ContactPhone, 32))
                    .col(json(Tenants::Specialties))
                    .col(json(Tenants::Certifications))
                    .col(integer_null(Tenants::MaxClients))
                    .col(text_null(Tenants::Bio))
                    .col(timestamp_with_time_zone(Tenants::CreatedAt))
                    .col(timestamp_with_time_zone(Tenants::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Tenants::Table).to_owned())
            .await
    }
}
