//! One-time tokens of an account: email verification, password reset, email change. Global.

use sea_orm::entity::prelude::*;

/// A token row; `used_at` set means spent.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub account_id: Uuid,
    /// `verify_email`, `reset_password` or `change_email`.
    pub purpose: String,
    #[sea_orm(unique)]
    pub token_hash: String,
    /// For `change_email`: the address being verified.
    pub new_email: Option<String>,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
