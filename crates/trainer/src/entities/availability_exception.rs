//! A date (in the trainer's zone) with time off or extra working hours.

use sea_orm::entity::prelude::*;

/// An exception row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trainer_availability_exceptions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub date: Date,
    /// [`KIND_TIME_OFF`] or [`KIND_EXTRA_HOURS`].
    pub kind: String,
    /// Minutes from local midnight; `None` with `end_minute` `None` is the whole day (time off).
    pub start_minute: Option<i32>,
    pub end_minute: Option<i32>,
    pub note: Option<String>,
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

/// The trainer is away (part of or the whole day).
pub const KIND_TIME_OFF: &str = "time_off";
/// The trainer works beyond the weekly hours.
pub const KIND_EXTRA_HOURS: &str = "extra_hours";
