//! The notifications outbox: messages written in the same transaction as the change that causes
//! them, delivered after commit by the notifications job runner. Global table: a message may
//! concern an account outside any tenant (a password reset), so `tenant_id` is optional.

use sea_orm::entity::prelude::*;

/// An outbox row. `status`: `pending` → `delivered`, or `failed` after the last attempt.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Option<Uuid>,
    /// `email` or `push`.
    pub channel: String,
    /// The account the message is for, when there is one (push goes to its devices).
    pub account_id: Option<Uuid>,
    /// Email address for `email`; empty for `push`.
    pub recipient: String,
    /// Stable kind of message, e.g. `identity.password_reset`.
    pub kind: String,
    pub subject: String,
    pub body: String,
    /// Extra data for the channel (push payload, links).
    pub data: Json,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// Until when a runner has claimed the row (SQLite has no `SKIP LOCKED`).
    pub locked_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub delivered_at: Option<DateTimeUtc>,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
