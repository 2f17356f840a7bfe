use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ScheduleCategories {
    Table,
    Id,
    TenantId,
    Name,
    Color,
    Icon,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ScheduleCategories::Table)
                    .if_not_exists()
                    .col(pk_uuid(ScheduleCategories::Id))
                    .col(uuid(ScheduleCategories::TenantId))
                    .col(string_len(ScheduleCategories::Name, 80))
                    .col(string_len_null(ScheduleCategories::Color, 7))
                    .col(string_len_null(ScheduleCategories::Icon, 40))
                    .col(timestamp_with_time_zone(ScheduleCategories::CreatedAt))
                    .col(timestamp_with_time_zone(ScheduleCategories::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_categories_tenant")
                            .from(ScheduleCategories::Table, ScheduleCategories::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One category of a name per gym; the list is by name.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .unique()
                    .name("ux_schedule_categories_name")
                    .table(ScheduleCategories::Table)
                    .col(ScheduleCategories::TenantId)
                    .col(ScheduleCategories::Name)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ScheduleCategories::Table).to_owned())
            .await
    }
}
