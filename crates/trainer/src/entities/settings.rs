//! A workspace's trainer settings: weekly working hours, the cancellation cut-off, and the row
//! every calendar writer locks first so that one trainer's bookings are serialised.

use sea_orm::entity::prelude::*;

/// A settings row, one per workspace.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trainer_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    /// The weekly working hours, as `crate::availability::WeeklyHours` JSON.
    pub weekly_hours: Json,
    /// Minutes before the start after which a cancellation is late.
    pub cancel_cutoff_minutes: i32,
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
