//! The audit log of security events: who did what to whom, when, from where. Tenant-owned.

use sea_orm::entity::prelude::*;

/// An audit row. Never updated, never deleted with the tenant's day-to-day data.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// Who acted; `None` for the platform or an anonymous caller.
    pub actor_account_id: Option<Uuid>,
    /// Stable action name, e.g. `roster.role_changed`.
    pub action: String,
    /// The account acted upon, if any.
    pub subject_account_id: Option<Uuid>,
    pub details: Json,
    pub ip: Option<String>,
    pub created_at: DateTimeUtc,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
