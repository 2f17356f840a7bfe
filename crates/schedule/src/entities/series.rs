//! A recurring series: a class every given weekday at a local wall time, materialised into
//! sessions.

use sea_orm::entity::prelude::*;

/// A series row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "schedule_series")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub class_id: Uuid,
    pub trainer_id: Option<Uuid>,
    pub room: Option<String>,
    pub capacity: i32,
    pub notes: Option<String>,
    /// The IANA zone the wall time is read in (the gym's, when the series was made).
    pub time_zone: String,
    /// RFC 5545 BYDAY list, `MO,WE,FR`.
    pub weekdays: String,
    /// Local wall time, `HH:MM`.
    pub start_time: String,
    pub duration_minutes: i32,
    pub interval_weeks: i32,
    pub starts_on: Date,
    pub until_date: Option<Date>,
    pub count: Option<i32>,
    /// `active` or `cancelled`.
    pub status: String,
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

/// A series that still makes sessions.
pub const STATUS_ACTIVE: &str = "active";
/// A cancelled series.
pub const STATUS_CANCELLED: &str = "cancelled";
