//! An appointment of a client with the trainer.
//!
//! `[blocked_from, blocked_until)` is the session with its type's buffers: two appointments
//! that take place (`booked`, `completed`, `no_show`) never have overlapping blocked ranges.
//! Writers lock the workspace's settings row first, then check and insert in one transaction.

use sea_orm::entity::prelude::*;

/// An appointment row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trainer_appointments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// The client's account.
    pub client_id: Uuid,
    pub type_id: Uuid,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub blocked_from: DateTimeUtc,
    pub blocked_until: DateTimeUtc,
    /// See the `STATUS_*` constants.
    pub status: String,
    pub notes: Option<String>,
    /// The recurring series it was booked in.
    pub series_id: Option<Uuid>,
    pub booked_by: Uuid,
    /// Credits the booking consumed.
    pub credits: i32,
    pub cancelled_at: Option<DateTimeUtc>,
    pub cancelled_by: Option<Uuid>,
    pub cancel_reason: Option<String>,
    /// iCalendar SEQUENCE: bumped by every change.
    pub sequence: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The client's account.
    #[sea_orm(
        belongs_to = "palestra_core::entities::account::Entity",
        from = "Column::ClientId",
        to = "palestra_core::entities::account::Column::Id"
    )]
    Client,
    /// The appointment type.
    #[sea_orm(
        belongs_to = "super::appointment_type::Entity",
        from = "Column::TypeId",
        to = "super::appointment_type::Column::Id"
    )]
    Type,
}

impl Related<palestra_core::entities::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Client.def()
    }
}

impl Related<super::appointment_type::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Type.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl palestra_core::scope::TenantOwned for Entity {
    fn tenant_column() -> Self::Column {
        Column::TenantId
    }
}

/// Booked and to come (or past, not yet marked).
pub const STATUS_BOOKED: &str = "booked";
/// Cancelled before the cut-off.
pub const STATUS_CANCELLED: &str = "cancelled";
/// Cancelled after the cut-off.
pub const STATUS_LATE_CANCELLED: &str = "late_cancelled";
/// Took place.
pub const STATUS_COMPLETED: &str = "completed";
/// The client did not come.
pub const STATUS_NO_SHOW: &str = "no_show";
/// Statuses whose blocked range takes the trainer's time.
pub const BLOCKING_STATUSES: [&str; 3] = [STATUS_BOOKED, STATUS_COMPLETED, STATUS_NO_SHOW];
/// [`BLOCKING_STATUSES`] as SQL, the predicate of the partial index
/// `ix_trainer_appointments_blocking` and of the exclusion constraint.
pub const BLOCKING_PREDICATE: &str =
    "trainer_appointments.status IN ('booked', 'completed', 'no_show')";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_blocking_predicate_names_the_blocking_statuses() {
        let listed = BLOCKING_STATUSES
            .iter()
            .map(|s| format!("'{s}'"))
            .collect::<Vec<_>>()
            .join(", ");
        assert_eq!(
            BLOCKING_PREDICATE,
            format!("trainer_appointments.status IN ({listed})")
        );
    }
}
