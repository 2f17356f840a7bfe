use sea_orm_migration::{prelude::*, schema::*};

use super::m20261126_000002_identity_create_tenants::Tenants;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    TenantId,
    ActorAccountId,
    Action,
    SubjectAccountId,
    Details,
    Ip,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .if_not_exists()
                    .col(pk_uuid(AuditEvents::Id))
                    .col(uuid(AuditEvents::TenantId))
                    .col(uuid_null(AuditEvents::ActorAccountId))
                    .col(string_len(AuditEvents::Action, 64))
                    .col(uuid_null(AuditEvents::SubjectAccountId))
                    .col(json(AuditEvents::Details))
                    .col(string_len_null(AuditEvents::Ip, 64))
                    .col(timestamp_with_time_zone(AuditEvents::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_audit_events_tenant")
                            .from(AuditEvents::Table, AuditEvents::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The audit list: newest first within a tenant (ids are time-ordered UUIDv7).
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_audit_events_tenant_id")
                    .table(AuditEvents::Table)
                    .col(AuditEvents::TenantId)
                    .col(AuditEvents::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditEvents::Table).to_owned())
            .await
    }
}
