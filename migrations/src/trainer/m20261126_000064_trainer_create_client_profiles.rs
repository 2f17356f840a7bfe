use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TrainerClientProfiles {
    Table,
    TenantId,
    AccountId,
    Goals,
    PrivateNotes,
    EmergencyContactName,
    EmergencyContactPhone,
    HealthNotes,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TrainerClientTags {
    Table,
    TenantId,
    AccountId,
    Tag,
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
        use TrainerClientProfiles as P;
        use TrainerClientTags as G;
        // What the trainer keeps about a client beyond the roster; written on first edit.
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .if_not_exists()
                    .col(uuid(P::TenantId))
                    .col(uuid(P::AccountId))
                    .col(text_null(P::Goals))
                    // Never shown to the client.
                    .col(text_null(P::PrivateNotes))
                    // Sensitive: the staff and the client only.
                    .col(string_len_null(P::EmergencyContactName, 120))
                    .col(string_len_null(P::EmergencyContactPhone, 40))
                    .col(text_null(P::HealthNotes))
                    .col(timestamp_with_time_zone(P::UpdatedAt))
                    .primary_key(Index::create().col(P::TenantId).col(P::AccountId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainer_client_profiles_tenant")
                            .from(P::Table, P::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainer_client_profiles_account")
                            .from(P::Table, P::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(G::Table)
                    .if_not_exists()
                    .col(uuid(G::TenantId))
                    .col(uuid(G::AccountId))
                    .col(string_len(G::Tag, 40))
                    .primary_key(
                        Index::create()
                            .col(G::TenantId)
                            .col(G::AccountId)
                            .col(G::Tag),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainer_client_tags_tenant")
                            .from(G::Table, G::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainer_client_tags_account")
                            .from(G::Table, G::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The filter by tag.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_trainer_client_tags_tag")
                    .table(G::Table)
                    .col(G::TenantId)
                    .col(G::Tag)
                    .col(G::AccountId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TrainerClientTags::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(TrainerClientProfiles::Table).to_owned())
            .await
    }
}
