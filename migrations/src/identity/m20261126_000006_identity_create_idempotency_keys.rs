use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Id,
    Scope,
    Route,
    IdempotencyKey,
    Fingerprint,
    Status,
    ResponseStatus,
    ResponseBody,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .if_not_exists()
                    .col(pk_uuid(IdempotencyKeys::Id))
                    // `account:<uuid>` or `ip:<address or /64 network>`.
                    .col(string_len(IdempotencyKeys::Scope, 64))
                    .col(string_len(IdempotencyKeys::Route, 255))
                    .col(string_len(IdempotencyKeys::IdempotencyKey, 255))
                    // HMAC-SHA-256 of the request's query string and body, hex.
                    .col(char_len(IdempotencyKeys::Fingerprint, 64))
                    .col(string_len(IdempotencyKeys::Status, 16))
                    .col(integer_null(IdempotencyKeys::ResponseStatus))
                    // Sealed (AES-256-GCM) headers and body of the response.
                    .col(blob_null(IdempotencyKeys::ResponseBody))
                    .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                    .col(timestamp_with_time_zone(IdempotencyKeys::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        // The claim: one row per caller, route and key; concurrent inserts race on this index.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ux_idempotency_keys_slot")
                    .table(IdempotencyKeys::Table)
                    .col(IdempotencyKeys::Scope)
                    .col(IdempotencyKeys::Route)
                    .col(IdempotencyKeys::IdempotencyKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The sweep of expired keys.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_idempotency_keys_expires_at")
                    .table(IdempotencyKeys::Table)
                    .col(IdempotencyKeys::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IdempotencyKeys::Table).to_owned())
            .await
    }
}
