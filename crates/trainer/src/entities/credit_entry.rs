//! One immutable movement of a client's credits. The balance is always the sum of `amount`.

use sea_orm::entity::prelude::*;

/// A ledger row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trainer_credit_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub account_id: Uuid,
    /// See the `KIND_*` constants.
    pub kind: String,
    /// Signed: grants and refunds add, consumption, expiry and negative adjustments take.
    pub amount: i32,
    pub appointment_id: Option<Uuid>,
    /// The lot the credits came from or went to.
    pub lot_id: Option<Uuid>,
    /// The package a grant was of.
    pub package_id: Option<Uuid>,
    /// How a grant came: `manual` until billing sells packages.
    pub source: Option<String>,
    /// When a grant's credits expire.
    pub expires_at: Option<DateTimeUtc>,
    /// Who made the movement; `None` for the expiry job.
    pub created_by: Option<Uuid>,
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The lot the credits came from or went to.
    #[sea_orm(
        belongs_to = "super::credit_lot::Entity",
        from = "Column::LotId",
        to = "super::credit_lot::Column::Id"
    )]
    Lot,
}

impl Related<super::credit_lot::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Lot.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl palestra_core::scope::TenantOwned for Entity {
    fn tenant_column() -> Self::Column {
        Column::TenantId
    }
}

/// A package granted.
pub const KIND_GRANT: &str = "grant";
/// Credits taken by an appointment.
pub const KIND_CONSUME: &str = "consume";
/// Credits given back on a timely cancellation.
pub const KIND_REFUND: &str = "refund";
/// An appointment's credits kept on a late cancellation or no-show (amount 0: they were
/// consumed at booking; the row records the decision).
pub const KIND_FORFEIT: &str = "forfeit";
/// Unused credits of a lot past its date.
pub const KIND_EXPIRY: &str = "expiry";
/// A manual correction, with its reason in `note`.
pub const KIND_ADJUSTMENT: &str = "adjustment";
/// A grant made by the trainer by hand.
pub const SOURCE_MANUAL: &str = "manual";
