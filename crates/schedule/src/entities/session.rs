//! A session: one occurrence of a class at a time, with its capacity and booked count.
//!
//! `booked_count` is moved only by conditional updates (`booked_count < capacity`), so capacity
//! cannot be exceeded whatever the concurrency; a check constraint backs it.

use sea_orm::entity::prelude::*;

/// A session row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "schedule_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub class_id: Uuid,
    pub series_id: Option<Uuid>,
    /// Index of the occurrence in its series, from 0.
    pub occurrence_index: Option<i32>,
    /// The start the series rule gave this occurrence, before any edit of it.
    pub original_starts_at: Option<DateTimeUtc>,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub trainer_id: Option<Uuid>,
    pub room: Option<String>,
    pub capacity: i32,
    pub booked_count: i32,
    pub waitlist_count: i32,
    /// The last waitlist position handed out.
    pub waitlist_seq: i32,
    /// `scheduled` or `cancelled` (in progress and completed are read from the clock).
    pub status: String,
    pub cancelled_at: Option<DateTimeUtc>,
    pub notes: Option<String>,
    /// iCalendar SEQUENCE: bumped by every change.
    pub sequence: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// A session is of a class.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::class::Entity",
        from = "Column::ClassId",
        to = "super::class::Column::Id"
    )]
    Class,
}

impl Related<super::class::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Class.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl palestra_core::scope::TenantOwned for Entity {
    fn tenant_column() -> Self::Column {
        Column::TenantId
    }
}

/// Stored status of a session that takes place.
pub const STATUS_SCHEDULED: &str = "scheduled";
/// Stored status of a cancelled session.
pub const STATUS_CANCELLED: &str = "cancelled";
