//! A kind of appointment the trainer offers: its length, price, buffers and booking rules.

use sea_orm::entity::prelude::*;

/// An appointment type row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trainer_appointment_types")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub name: String,
    pub duration_minutes: i32,
    /// Price in minor units of `currency`.
    pub price_minor: i64,
    pub currency: String,
    pub buffer_before_minutes: i32,
    pub buffer_after_minutes: i32,
    /// How long before its start a slot may still be booked.
    pub min_notice_minutes: i32,
    /// How far ahead a slot may be booked.
    pub max_days_ahead: i32,
    pub location: Option<String>,
    pub online_link: Option<String>,
    /// Whether clients may book it themselves.
    pub self_bookable: bool,
    /// Session credits one appointment consumes (0: none).
    pub credits: i32,
    /// Overrides the workspace's cancellation cut-off.
    pub cancel_cutoff_minutes: Option<i32>,
    /// Archived types keep their appointments but take no new ones.
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl palestra_core::scope::TenantOwned for Entity {
    fn tenant_column() -> Self::Column {
        Column::TenantId
    }
}
