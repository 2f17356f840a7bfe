use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TrainerCalendarFeeds {
    Table,
    Id,
    TenantId,
    AccountId,
    Kind,
    TokenHash,
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
                    .table(TrainerCalendarFeeds::Table)
                    .if_not_exists()
                    .col(pk_uuid(TrainerCalendarFeeds::Id))
                    .col(uuid(TrainerCalendarFeeds::TenantId))
                    .col(uuid(TrainerCalendarFeeds::AccountId))
                    .col(
                        string_len(TrainerCalendarFeeds::Kind, 16).check(
                            Expr::col(TrainerCalendarFeeds::Kind).is_in(["agenda", "client"]),
                        ),
                    )
                    // SHA-256 of the secret token, hex.
                    .col(string_len(TrainerCalendarFeeds::TokenHash, 64).unique_key())
                    .col(timestamp_with_time_zone(TrainerCalendarFeeds::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainer_calendar_feeds_tenant")
                            .from(TrainerCalendarFeeds::Table, TrainerCalendarFeeds::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainer_calendar_feeds_account")
                            .from(TrainerCalendarFeeds::Table, TrainerCalendarFeeds::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One feed of each kind per person per workspace: rotating replaces the token.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ux_trainer_calendar_feeds_owner")
                    .table(TrainerCalendarFeeds::Table)
                    .col(TrainerCalendarFeeds::TenantId)
                    .col(TrainerCalendarFeeds::AccountId)
                    .col(TrainerCalendarFeeds::Kind)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TrainerCalendarFeeds::Table).to_owned())
            .await
    }
}
