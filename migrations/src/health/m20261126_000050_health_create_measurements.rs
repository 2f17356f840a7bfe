use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum HealthMeasurements {
    Table,
    Id,
    TenantId,
    AccountId,
    Metric,
    Value,
    MeasuredAt,
    RecordedBy,
    Note,
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
                    .table(HealthMeasurements::Table)
                    .if_not_exists()
                    .col(pk_uuid(HealthMeasurements::Id))
                    .col(uuid(HealthMeasurements::TenantId))
                    .col(uuid(HealthMeasurements::AccountId))
                    .col(string_len(HealthMeasurements::Metric, 32))
                    // In the metric's canonical UCUM unit.
                    .col(double(HealthMeasurements::Value))
                    .col(timestamp_with_time_zone(HealthMeasurements::MeasuredAt))
                    .col(uuid(HealthMeasurements::RecordedBy))
                    .col(text_null(HealthMeasurements::Note))
                    .col(timestamp_with_time_zone(HealthMeasurements::CreatedAt))
                    .col(timestamp_with_time_zone(HealthMeasurements::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_health_measurements_tenant")
                            .from(HealthMeasurements::Table, HealthMeasurements::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_health_measurements_account")
                            .from(HealthMeasurements::Table, HealthMeasurements::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A person's series of one metric (charts, the metric filter, goals' latest value).
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_health_measurements_series")
                    .table(HealthMeasurements::Table)
                    .col(HealthMeasurements::TenantId)
                    .col(HealthMeasurements::AccountId)
                    .col(HealthMeasurements::Metric)
                    .col(HealthMeasurements::MeasuredAt)
                    .col(HealthMeasurements::Id)
                    .to_owned(),
            )
            .await?;
        // A person's measurements of every metric, newest first.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_health_measurements_person")
                    .table(HealthMeasurements::Table)
                    .col(HealthMeasurements::TenantId)
                    .col(HealthMeasurements::AccountId)
                    .col(HealthMeasurements::MeasuredAt)
                    .col(HealthMeasurements::Id)
                    .to_owned(),
            )
            .await?;
        // Erasing a deleted account's data in every tenant.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_health_measurements_account")
                    .table(HealthMeasurements::Table)
                    .col(HealthMeasurements::AccountId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(HealthMeasurements::Table).to_owned())
            .await
    }
}
