use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum HealthPreferences {
    Table,
    TenantId,
    AccountId,
    Units,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(HealthPreferences::Table)
                    .if_not_exists()
                    .col(uuid(HealthPreferences::TenantId))
                    .col(uuid(HealthPreferences::AccountId))
                    .col(
                        string_len(HealthPreferences::Units, 16).check(
                            Expr::col(HealthPreferences::Units).is_in(["metric", "imperial"]),
                        ),
                    )
                    .col(timestamp_with_time_zone(HealthPreferences::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(HealthPreferences::TenantId)
                            .col(HealthPreferences::AccountId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_health_preferences_tenant")
                            .from(HealthPreferences::Table, HealthPreferences::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_health_preferences_account")
                            .from(HealthPreferences::Table, HealthPreferences::AccountId)
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
                    .name("ix_health_preferences_account")
                    .table(HealthPreferences::Table)
                    .col(HealthPreferences::AccountId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(HealthPreferences::Table).to_owned())
            .await
    }
}
