use sea_orm_migration::{prelude::*, schema::*};

use super::m20261126_000002_identity_create_tenants::Tenants;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DomainEvents {
    Table,
    Id,
    TenantId,
    Name,
    Payload,
    CreatedAt,
    ProcessedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DomainEvents::Table)
                    .if_not_exists()
                    .col(pk_uuid(DomainEvents::Id))
                    .col(uuid(DomainEvents::TenantId))
                    .col(string_len(DomainEvents::Name, 64))
                    .col(json(DomainEvents::Payload))
                    .col(timestamp_with_time_zone(DomainEvents::CreatedAt))
                    .col(timestamp_with_time_zone_null(DomainEvents::ProcessedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_domain_events_tenant")
                            .from(DomainEvents::Table, DomainEvents::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // What a consumer claims: unprocessed events of a name, oldest first.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_domain_events_pending")
                    .table(DomainEvents::Table)
                    .col(DomainEvents::Name)
                    .col(DomainEvents::ProcessedAt)
                    .col(DomainEvents::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DomainEvents::Table).to_owned())
            .await
    }
}
