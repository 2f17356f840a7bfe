//! A member waiting for a place in a full session, in position order.

use sea_orm::entity::prelude::*;

/// A waitlist row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "schedule_waitlist")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub session_id: Uuid,
    pub account_id: Uuid,
    /// Handed out in joining order per session; smaller goes first.
    pub position: i32,
    /// `waiting`, `promoted`, `left` or `closed`.
    pub status: String,
    pub added_by: Uuid,
    /// The booking a promotion made.
    pub booking_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No relations used.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl palestra_core::scope::TenantOwned for Entity {
    fn tenant_column() -> Self::Column {
        Column::TenantId
    }
}

/// In line.
pub const STATUS_WAITING: &str = "waiting";
/// Given a place.
pub const STATUS_PROMOTED: &str = "promoted";
/// Left the line.
pub const STATUS_LEFT: &str = "left";
