use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum HealthPhotos {
    Table,
    Id,
    TenantId,
    AccountId,
    Url,
    Pose,
    TakenAt,
    Note,
    RecordedBy,
    CreatedAt,
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
                    .table(HealthPhotos::Table)
                    .if_not_exists()
                    .col(pk_uuid(HealthPhotos::Id))
                    .col(uuid(HealthPhotos::TenantId))
                    .col(uuid(HealthPhotos::AccountId))
                    .col(text(HealthPhotos::Url))
                    .col(string_len(HealthPhotos::Pose, 16).check(
                        Expr::col(HealthPhotos::Pose).is_in(["front", "side", "back", "other"]),
                    ))
                    .col(timestamp_with_time_zone(HealthPhotos::TakenAt))
                    .col(text_null(HealthPhotos::Note))
                    .col(uuid(HealthPhotos::RecordedBy))
                    .col(timestamp_with_time_zone(HealthPhotos::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_health_photos_tenant")
                            .from(HealthPhotos::Table, HealthPhotos::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_health_photos_account")
                            .from(HealthPhotos::Table, HealthPhotos::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A person's photos, newest first.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_health_photos_person")
                    .table(HealthPhotos::Table)
                    .col(HealthPhotos::TenantId)
                    .col(HealthPhotos::AccountId)
                    .col(HealthPhotos::TakenAt)
                    .col(HealthPhotos::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_health_photos_account")
                    .table(HealthPhotos::Table)
                    .col(HealthPhotos::AccountId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(HealthPhotos::Table).to_owned())
            .await
    }
}
