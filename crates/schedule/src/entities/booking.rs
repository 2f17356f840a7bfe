//! A member's place in a session. One active booking (`booked`, `attended`, `no_show`) per
//! member per session: a partial unique index.

use sea_orm::entity::prelude::*;

/// A booking row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "schedule_bookings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub session_id: Uuid,
    pub account_id: Uuid,
    /// See the `STATUS_*` constants.
    pub status: String,
    /// Who made it: the member, or a staff member for them.
    pub booked_by: Uuid,
    /// Taken at the door without a booking.
    pub walk_in: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub cancelled_at: Option<DateTimeUtc>,
    pub cancelled_by: Option<Uuid>,
    pub attendance_marked_at: Option<DateTimeUtc>,
    pub attendance_marked_by: Option<Uuid>,
}

/// A booking is for a session.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::session::Entity",
        from = "Column::SessionId",
        to = "super::session::Column::Id"
    )]
    Session,
}

impl Related<super::session::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Session.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl palestra_core::scope::TenantOwned for Entity {
    fn tenant_column() -> Self::Column {
        Column::TenantId
    }
}

/// Holds a place.
pub const STATUS_BOOKED: &str = "booked";
/// Cancelled before the cut-off.
pub const STATUS_CANCELLED: &str = "cancelled";
/// Cancelled after the cut-off (a fee may follow).
pub const STATUS_LATE_CANCELLED: &str = "late_cancelled";
/// Came (keeps the place).
pub const STATUS_ATTENDED: &str = "attended";
/// Did not come (keeps the place: it was held).
pub const STATUS_NO_SHOW: &str = "no_show";
/// The statuses that hold a place in the session's count.
pub const ACTIVE_STATUSES: [&str; 3] = [STATUS_BOOKED, STATUS_ATTENDED, STATUS_NO_SHOW];
