//! What an appointment consumed, and whether that was refunded or forfeited (once).

use sea_orm::entity::prelude::*;

/// A charge row, keyed by the appointment.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trainer_credit_charges")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub appointment_id: Uuid,
    pub tenant_id: Uuid,
    pub account_id: Uuid,
    pub credits: i32,
    /// `refund` or `forfeit` once settled.
    pub settlement: Option<String>,
    pub settled_at: Option<DateTimeUtc>,
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
