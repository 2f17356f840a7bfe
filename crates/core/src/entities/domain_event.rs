//! Domain events: facts one module records for others to act on (a `tenant.created` that billing
//! answers by opening the trainer's payment account). Tenant-owned; written in the transaction
//! of the change, consumed after commit.

use sea_orm::entity::prelude::*;

/// A domain event row; `processed_at` is set by the consumer that handled it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "domain_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// `area.fact`, e.g. `tenant.created`.
    pub name: String,
    pub payload: Json,
    pub created_at: DateTimeUtc,
    pub processed_at: Option<DateTimeUtc>,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
