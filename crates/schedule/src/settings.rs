//! A gym's booking rules: how far ahead booking opens, the cancellation cut-off, when the
//! waitlist closes. A gym without a row has the defaults.

use chrono::{DateTime, Duration, Utc};
use palestra_core::ids::TenantId;
use palestra_core::scope::scoped;
use sea_orm::{ConnectionTrait, DbErr};

use crate::entities::settings;

/// Booking opens this many days before a session, by default.
pub const DEFAULT_BOOKING_WINDOW_DAYS: i32 = 14;
/// Cancelling less than this many minutes before the start is late, by default.
pub const DEFAULT_CANCELLATION_CUTOFF_MINUTES: i32 = 120;
/// The waitlist closes this many minutes before the start, by default.
pub const DEFAULT_WAITLIST_CLOSE_MINUTES: i32 = 30;

/// The effective rules of one gym.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Booking opens this many days before the start.
    pub booking_window_days: i32,
    /// Cancelling later than this many minutes before the start is a late cancellation.
    pub cancellation_cutoff_minutes: i32,
    /// Joining the waitlist ends this many minutes before the start.
    pub waitlist_close_minutes: i32,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            booking_window_days: DEFAULT_BOOKING_WINDOW_DAYS,
            cancellation_cutoff_minutes: DEFAULT_CANCELLATION_CUTOFF_MINUTES,
            waitlist_close_minutes: DEFAULT_WAITLIST_CLOSE_MINUTES,
        }
    }
}

impl From<settings::Model> for Rules {
    fn from(row: settings::Model) -> Self {
        Self {
            booking_window_days: row.booking_window_days,
            cancellation_cutoff_minutes: row.cancellation_cutoff_minutes,
            waitlist_close_minutes: row.waitlist_close_minutes,
        }
    }
}

impl Rules {
    /// When booking a session starting at `starts_at` opens.
    pub fn booking_opens_at(&self, starts_at: DateTime<Utc>) -> DateTime<Utc> {
        starts_at - Duration::days(i64::from(self.booking_window_days))
    }

    /// Whether cancelling at `now` a place in a session starting at `starts_at` is late.
    pub fn is_late_cancellation(&self, starts_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        now > starts_at - Duration::minutes(i64::from(self.cancellation_cutoff_minutes))
    }

    /// When the waitlist of a session starting at `starts_at` closes.
    pub fn waitlist_closes_at(&self, starts_at: DateTime<Utc>) -> DateTime<Utc> {
        starts_at - Duration::minutes(i64::from(self.waitlist_close_minutes))
    }
}

/// The gym's rules: its row, or the defaults.
/// A row of `E` (tenant-owned, with a `tenant_id`) with its gym's rules, in one query: the
/// settings row joined by tenant, the defaults when the gym has none.
pub async fn with_rules<E>(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id_column: E::Column,
    id: uuid::Uuid,
) -> Result<Option<(E::Model, Rules)>, DbErr>
where
    E: palestra_core::scope::TenantOwned,
    E::Model: Sync,
{
    let row = palestra_core::scope::find_with_tenant_row::<E, settings::Entity>(
        db, tenant, id_column, id,
    )
    .await?;
    Ok(row.map(|(model, rules)| (model, rules.map(Rules::from).unwrap_or_default())))
}

pub async fn load(db: &impl ConnectionTrait, tenant: TenantId) -> Result<Rules, DbErr> {
    Ok(scoped::<settings::Entity>(tenant)
        .one(db)
        .await?
        .map(Rules::from)
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancellation_is_late_inside_the_cut_off() {
        let rules = Rules::default();
        let start = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        assert!(!rules.is_late_cancellation(start, start - Duration::minutes(121)));
        assert!(rules.is_late_cancellation(start, start - Duration::minutes(119)));
        assert_eq!(rules.booking_opens_at(start), start - Duration::days(14));
    }
}
