use sea_orm_migration::{prelude::*, schema::*};

use super::m20261126_000002_identity_create_tenants::Tenants;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TenantModules {
    Table,
    Id,
    TenantId,
    Module,
    Active,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TenantModules::Table)
                    .if_not_exists()
                    .col(pk_uuid(TenantModules::Id))
                    .col(uuid(TenantModules::TenantId))
                    .col(string_len(TenantModules::Module, 32))
                    .col(boolean(TenantModules::Active))
                    .col(timestamp_with_time_zone(TenantModules::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tenant_modules_tenant")
                            .from(TenantModules::Table, TenantModules::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One row per module per tenant; toggles are single-row updates, so none is lost.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ux_tenant_modules_tenant_module")
                    .table(TenantModules::Table)
                    .col(TenantModules::TenantId)
                    .col(TenantModules::Module)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TenantModules::Table).to_owned())
            .await
    }
}
