//! A secret calendar feed URL's token, stored as its SHA-256: the trainer's agenda or a
//! client's own appointments. One of each kind per person per workspace.

use sea_orm::entity::prelude::*;

/// A calendar feed row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trainer_calendar_feeds")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub account_id: Uuid,
    /// `agenda` (every appointment of the workspace) or `client` (the account's own).
    pub kind: String,
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl palestra_core::scope::TenantOwned for Entity {
    fn tenant_column() -> Self::Column {
        Column::TenantId
    }
}

/// Every appointment of the workspace, for its staff.
pub const KIND_AGENDA: &str = "agenda";
/// One client's own appointments.
pub const KIND_CLIENT: &str = "client";
