use sea_orm_migration::{prelude::*, schema::*};

use super::m20261126_000001_identity_create_accounts::Accounts;
use super::m20261126_000002_identity_create_tenants::Tenants;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Memberships {
    Table,
    Id,
    TenantId,
    AccountId,
    Role,
    Status,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Memberships::Table)
                    .if_not_exists()
                    .col(pk_uuid(Memberships::Id))
                    .col(uuid(Memberships::TenantId))
                    .col(uuid(Memberships::AccountId))
                    .col(string_len(Memberships::Role, 16))
                    .col(string_len(Memberships::Status, 16))
                    .col(timestamp_with_time_zone(Memberships::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_memberships_tenant")
                            .from(Memberships::Table, Memberships::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_memberships_account")
                            .from(Memberships::Table, Memberships::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One membership per person per tenant; also serves lookups by tenant.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ux_memberships_tenant_account")
                    .table(Memberships::Table)
                    .col(Memberships::TenantId)
                    .col(Memberships::AccountId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // "My tenants": every membership of an account.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_memberships_account")
                    .table(Memberships::Table)
                    .col(Memberships::AccountId)
                    .col(Memberships::Status)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Memberships::Table).to_owned())
            .await
    }
}
