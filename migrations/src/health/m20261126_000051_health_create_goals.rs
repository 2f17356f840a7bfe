use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum HealthGoals {
    Table,
    Id,
    TenantId,
    AccountId,
    Metric,
    Title,
    StartValue,
    TargetValue,
    Deadline,
    Status,
    CreatedBy,
    CreatedAt,
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
                    .table(HealthGoals::Table)
                    .if_not_exists()
                    .col(pk_uuid(HealthGoals::Id))
                    .col(uuid(HealthGoals::TenantId))
                    .col(uuid(HealthGoals::AccountId))
                    .col(string_len(HealthGoals::Metric, 32))
                    .col(string_len_null(HealthGoals::Title, 200))
                    // Canonical units; the start is the latest measurement when the goal was set,
                    // or the first one after it.
                    .col(double_null(HealthGoals::StartValue))
                    .col(double(HealthGoals::TargetValue))
                    .col(date_null(HealthGoals::Deadline))
                    .col(string_len(HealthGoals::Status, 16).check(
                        Expr::col(HealthGoals::Status).is_in(["active", "achieved", "abandoned"]),
                    ))
                    .col(uuid(HealthGoals::CreatedBy))
                    .col(timestamp_with_time_zone(HealthGoals::CreatedAt))
                    .col(timestamp_with_time_zone(HealthGoals::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_health_goals_tenant")
                            .from(HealthGoals::Table, HealthGoals::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_health_goals_account")
                            .from(HealthGoals::Table, HealthGoals::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A person's goals, newest first, optionally by status.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_health_goals_person")
                    .table(HealthGoals::Table)
                    .col(HealthGoals::TenantId)
                    .col(HealthGoals::AccountId)
                    .col(HealthGoals::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_health_goals_person_status")
                    .table(HealthGoals::Table)
                    .col(HealthGoals::TenantId)
                    .col(HealthGoals::AccountId)
                    .col(HealthGoals::Status)
                    .col(HealthGoals::Id)
                    .to_owned(),
            )
            .await?;
        // Setting the start of goals that had none when a measurement arrives.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_health_goals_metric")
                    .table(HealthGoals::Table)
                    .col(HealthGoals::TenantId)
                    .col(HealthGoals::AccountId)
                    .col(HealthGoals::Metric)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_health_goals_account")
                    .table(HealthGoals::Table)
                    .col(HealthGoals::AccountId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(HealthGoals::Table).to_owned())
            .await
    }
}
