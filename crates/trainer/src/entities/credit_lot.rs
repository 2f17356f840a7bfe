//! A lot of credits: what one grant (or positive adjustment) gave and how much of it is left.
//! Consumption draws from the lots that expire first; the expiry job empties a lot past its
//! date once. The ledger, not this table, is the history: a lot is bookkeeping that says which
//! credits expire when.

use sea_orm::entity::prelude::*;

/// A lot row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trainer_credit_lots")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub account_id: Uuid,
    pub package_id: Option<Uuid>,
    pub granted: i32,
    /// Never negative (a check constraint).
    pub remaining: i32,
    pub expires_at: Option<DateTimeUtc>,
    /// When the expiry job emptied it; set once.
    pub expired_at: Option<DateTimeUtc>,
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
