//! A person's membership in one tenant, with their role there. Tenant-owned.

use sea_orm::entity::prelude::*;

/// A membership row; unique per (tenant, account).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "memberships")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub account_id: Uuid,
    /// `owner`, `admin`, `trainer` or `member`.
    pub role: String,
    /// `active`, `paused`, `archived` or `removed`.
    pub status: String,
    pub created_at: DateTimeUtc,
    /// gym-api: the account id of the trainer this member is assigned to, who then sees the
    /// member's progress. Cleared when that person stops being a trainer here.
    pub assigned_trainer_id: Option<Uuid>,
}

/// Relations of a membership.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::tenant::Entity",
        from = "Column::TenantId",
        to = "super::tenant::Column::Id"
    )]
    Tenant,
    #[sea_orm(
        belongs_to = "super::account::Entity",
        from = "Column::AccountId",
        to = "super::account::Column::Id"
    )]
    Account,
}

impl Related<super::tenant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tenant.def()
    }
}

impl Related<super::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Account.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// The membership grants access.
pub const STATUS_ACTIVE: &str = "active";
/// A client the trainer paused: still has access, but is not being coached right now.
pub const STATUS_PAUSED: &str = "paused";
/// A client the trainer archived: no access, history kept.
pub const STATUS_ARCHIVED: &str = "archived";
/// Removed from the tenant, or left it: no access, history kept.
pub const STATUS_REMOVED: &str = "removed";
/// The statuses that let a person act in the tenant.
pub const STATUSES_WITH_ACCESS: [&str; 2] = [STATUS_ACTIVE, STATUS_PAUSED];
