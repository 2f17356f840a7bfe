//! The trainer's dashboard: the workspace's figures in its time zone, the next sessions and
//! quick actions. Two queries whatever the size of the workspace: one for every count, one for
//! the next sessions with their clients and types.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use palestra_core::entities::account;
use palestra_core::ids::TenantId;
use palestra_core::module::WorkspaceStats;
use palestra_core::money::{Currency, Money};
use palestra_core::scope::scoped;
use palestra_core::{ApiError, ApiResult, AppContext, Tenant, permission};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, QueryFilter, QueryOrder, QuerySelect,
    Statement, Value,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::entities::{appointment, appointment_type};

permission!(
    /// See the workspace's dashboard and figures.
    ViewDashboard = "trainer.dashboard.read"
);

/// How many upcoming sessions the dashboard lists.
pub const UPCOMING: u64 = 5;

/// The first instant of a local date in a zone. A midnight that does not exist (a daylight
/// saving change at midnight, as in Santiago) starts the day at the first local time after the
/// gap; a midnight that happens twice starts it at the first of the two.
pub fn start_of_day(zone: Tz, date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_time(NaiveTime::MIN);
    let mut local = midnight;
    // Gaps are at most a few hours; step through them in quarter hours.
    for _ in 0..(4 * 24) {
        match zone.from_local_datetime(&local) {
            LocalResult::Single(instant) | LocalResult::Ambiguous(instant, _) => {
                return instant.with_timezone(&Utc);
            }
            LocalResult::None => local += Duration::minutes(15),
        }
    }
    Utc.from_utc_datetime(&midnight)
}

/// Today, this week (from Monday) and this month, as half-open UTC ranges, in a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Periods {
    pub today: (DateTime<Utc>, DateTime<Utc>),
    pub week: (DateTime<Utc>, DateTime<Utc>),
    pub month: (DateTime<Utc>, DateTime<Utc>),
}

impl Periods {
    /// The periods that `now` falls in, in `zone`.
    pub fn at(zone: Tz, now: DateTime<Utc>) -> Self {
        let date = now.with_timezone(&zone).date_naive();
        let day = |d: NaiveDate| start_of_day(zone, d);
        let monday = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
        let first = date.with_day(1).unwrap_or(date);
        let next_month = if first.month() == 12 {
            NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
        }
        .unwrap_or(first + Duration::days(31));
        Self {
            today: (day(date), day(date + Duration::days(1))),
            week: (day(monday), day(monday + Duration::days(7))),
            month: (day(first), day(next_month)),
        }
    }
}

/// A statement written with `$n` placeholders, for the connection's backend (SQLite takes
/// `?n`).
fn statement(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DbBackend::Postgres => sql.to_owned(),
        _ => sql.replace('$', "?"),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

const COUNTS: &str = "SELECT \
 (SELECT COUNT(*) FROM memberships WHERE tenant_id = $1 AND role = 'member' \
   AND status IN ('active', 'paused', 'archived')) AS total_clients, \
 (SELECT COUNT(*) FROM memberships WHERE tenant_id = $1 AND role = 'member' \
   AND status = 'active') AS active_clients, \
 (SELECT COUNT(*) FROM trainer_appointments WHERE tenant_id = $1 \
   AND status IN ('booked', 'completed', 'no_show') AND starts_at >= $2 AND starts_at < $3) AS sessions_today, \
 (SELECT COUNT(*) FROM trainer_appointments WHERE tenant_id = $1 \
   AND status IN ('booked', 'completed', 'no_show') AND starts_at >= $4 AND starts_at < $5) AS sessions_this_week, \
 (SELECT COUNT(*) FROM trainer_appointments WHERE tenant_id = $1 \
   AND status = 'no_show' AND starts_at >= $6 AND starts_at < $7) AS no_shows_this_month, \
 (SELECT COUNT(*) FROM memberships m LEFT JOIN trainer_credit_balances b \
   ON b.tenant_id = m.tenant_id AND b.account_id = m.account_id \
   WHERE m.tenant_id = $1 AND m.role = 'member' AND m.status = 'active' \
   AND COALESCE(b.balance, 0) = 0) AS clients_without_credits";

/// The workspace's figures, in one query.
pub async fn stats(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    zone: Tz,
    currency: Currency,
    now: DateTime<Utc>,
) -> Result<WorkspaceStats, DbErr> {
    let p = Periods::at(zone, now);
    let values: Vec<Value> = vec![
        tenant.uuid().into(),
        p.today.0.into(),
        p.today.1.into(),
        p.week.0.into(),
        p.week.1.into(),
        p.month.0.into(),
        p.month.1.into(),
    ];
    let row = db
        .query_one_raw(statement(db.get_database_backend(), COUNTS, values))
        .await?
        .ok_or_else(|| DbErr::Custom("the dashboard query returned no row".to_owned()))?;
    let get = |name: &str| row.try_get::<i64>("", name);
    Ok(WorkspaceStats {
        total_clients: get("total_clients")?,
        active_clients: get("active_clients")?,
        sessions_today: get("sessions_today")?,
        sessions_this_week: get("sessions_this_week")?,
        no_shows_this_month: get("no_shows_this_month")?,
        clients_without_credits: get("clients_without_credits")?,
        billing_enabled: false,
        revenue_this_month: Money::new(0, currency),
        pending_payments: Money::new(0, currency),
    })
}

/// A session to come.
#[derive(Debug, Serialize, ToSchema)]
pub struct UpcomingSessionView {
    pub id: Uuid,
    pub client_id: Uuid,
    pub client_name: String,
    pub type_id: Uuid,
    pub type_name: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The start in the workspace's zone, `YYYY-MM-DDTHH:MM`, for display.
    pub local_start: String,
}

/// Something the trainer is likely to do next, with the route that does it.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuickActionView {
    /// Stable key, e.g. `book_appointment`.
    pub key: &'static str,
    pub label: &'static str,
    pub method: &'static str,
    pub href: &'static str,
    /// How many things wait for it, when that means something (clients without credits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
}

/// The trainer's dashboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardView {
    /// The zone the figures are computed in.
    #[schema(example = "Europe/Madrid")]
    pub time_zone: String,
    pub generated_at: DateTime<Utc>,
    pub stats: WorkspaceStats,
    /// The next sessions, soonest first.
    pub upcoming: Vec<UpcomingSessionView>,
    pub quick_actions: Vec<QuickActionView>,
}

fn zone_of(tenant: &Tenant) -> ApiResult<Tz> {
    tenant.model.time_zone.parse().map_err(|_| {
        ApiError::internal(std::io::Error::other(format!(
            "tenant {} has an unknown time zone",
            tenant.id
        )))
    })
}

fn currency_of(tenant: &Tenant) -> ApiResult<Currency> {
    tenant.model.currency.parse().map_err(|e: String| {
        ApiError::internal(std::io::Error::other(format!(
            "tenant {} has a bad currency: {e}",
            tenant.id
        )))
    })
}

/// The workspace's figures for the `GET /workspace` hook.
pub async fn workspace_stats(ctx: &AppContext, tenant: &Tenant) -> ApiResult<WorkspaceStats> {
    Ok(stats(
        &ctx.db,
        tenant.id,
        zone_of(tenant)?,
        currency_of(tenant)?,
        Utc::now(),
    )
    .await?)
}

async fn upcoming(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    zone: Tz,
    now: DateTime<Utc>,
) -> Result<Vec<UpcomingSessionView>, DbErr> {
    // With their client and type, in one query. The statuses are written out so that the
    // partial index of blocking appointments serves a generic plan.
    let rows = scoped::<appointment::Entity>(tenant)
        .filter(Expr::cust(appointment::BLOCKING_PREDICATE))
        .filter(appointment::Column::Status.eq(appointment::STATUS_BOOKED))
        .filter(appointment::Column::StartsAt.gte(now))
        .order_by_asc(appointment::Column::StartsAt)
        .limit(UPCOMING)
        .find_also_related(account::Entity)
        .find_also_related(appointment_type::Entity)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(a, client, kind)| UpcomingSessionView {
            client_name: client.map(|c| c.full_name).unwrap_or_default(),
            type_name: kind.map(|k| k.name).unwrap_or_default(),
            local_start: a
                .starts_at
                .with_timezone(&zone)
                .format("%Y-%m-%dT%H:%M")
                .to_string(),
            id: a.id,
            client_id: a.client_id,
            type_id: a.type_id,
            starts_at: a.starts_at,
            ends_at: a.ends_at,
        })
        .collect())
}

fn quick_actions(stats: &WorkspaceStats) -> Vec<QuickActionView> {
    let mut actions = vec![
        QuickActionView {
            key: "book_appointment",
            label: "Book a session",
            method: "POST",
            href: "/api/v1/appointments",
            count: None,
        },
        QuickActionView {
            key: "invite_client",
            label: "Invite a client",
            method: "POST",
            href: "/api/v1/invitations",
            count: None,
        },
        QuickActionView {
            key: "create_package",
            label: "Offer a package of sessions",
            method: "POST",
            href: "/api/v1/packages",
            count: None,
        },
    ];
    if stats.clients_without_credits > 0 {
        actions.push(QuickActionView {
            key: "grant_package",
            label: "Grant a package to a client without credits",
            method: "POST",
            href: "/api/v1/clients/{id}/credits/grants",
            count: Some(stats.clients_without_credits),
        });
    }
    actions
}

/// The dashboard of the caller's workspace.
pub async fn dashboard(ctx: &AppContext, tenant: &Tenant) -> ApiResult<DashboardView> {
    let zone = zone_of(tenant)?;
    let now = Utc::now();
    let stats = stats(&ctx.db, tenant.id, zone, currency_of(tenant)?, now).await?;
    let upcoming = upcoming(&ctx.db, tenant.id, zone, now).await?;
    Ok(DashboardView {
        time_zone: zone.name().to_owned(),
        generated_at: now,
        quick_actions: quick_actions(&stats),
        stats,
        upcoming,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    proptest::proptest! {
        /// Whatever the zone and the instant: the periods hold the instant, nest (today in this
        /// week, today in this month), start at a local midnight (or just after a skipped one),
        /// and last a day, a week and a month of local dates, give or take the DST hours.
        #[test]
        fn periods_hold_the_instant_and_start_at_local_midnights(
            seconds in 1_577_836_800i64..1_893_456_000i64,
            zone in proptest::sample::select(vec![
                "Europe/Madrid", "America/Mexico_City", "America/Santiago", "America/New_York",
                "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham", "UTC",
            ]),
        ) {
            let zone: Tz = zone.parse().unwrap();
            let now = DateTime::from_timestamp(seconds, 0).unwrap();
            let p = Periods::at(zone, now);
            for (start, end) in [p.today, p.week, p.month] {
                proptest::prop_assert!(start <= now && now < end);
                let local = start.with_timezone(&zone);
                // Midnight, or the first time after a gap of at most two hours.
                proptest::prop_assert!(local.time() <= NaiveTime::from_hms_opt(2, 0, 0).unwrap());
                if local.time() != NaiveTime::MIN {
                    let midnight = local.date_naive().and_time(NaiveTime::MIN);
                    proptest::prop_assert!(zone.from_local_datetime(&midnight).single().is_none());
                }
            }
            proptest::prop_assert!(p.week.0 <= p.today.0 && p.today.1 <= p.week.1);
            proptest::prop_assert!(p.month.0 <= p.today.0 && p.today.1 <= p.month.1);
            let day = p.today.1 - p.today.0;
            proptest::prop_assert!(day >= Duration::hours(22) && day <= Duration::hours(26));
            let week = p.week.1 - p.week.0;
            proptest::prop_assert!((week - Duration::days(7)).num_hours().abs() <= 2);
            proptest::prop_assert_eq!(p.week.0.with_timezone(&zone).weekday(), chrono::Weekday::Mon);
            proptest::prop_assert_eq!(p.month.0.with_timezone(&zone).day(), 1);
        }
    }

    #[test]
    fn a_missing_midnight_starts_the_day_after_the_gap() {
        // Chile moves 00:00 to 01:00 on 2026-09-06.
        let zone: Tz = "America/Santiago".parse().unwrap();
        let start = start_of_day(zone, NaiveDate::from_ymd_opt(2026, 9, 6).unwrap());
        assert_eq!(start, utc("2026-09-06T04:00:00Z"));
    }

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first_in_the_zone() {
        let zone: Tz = "Europe/Madrid".parse().unwrap();
        // Sunday 29 March 2026, 23:30 in Madrid (the day clocks go forward).
        let p = Periods::at(zone, utc("2026-03-29T21:30:00Z"));
        assert_eq!(
            p.today,
            (utc("2026-03-28T23:00:00Z"), utc("2026-03-29T22:00:00Z"))
        );
        assert_eq!(
            p.week,
            (utc("2026-03-22T23:00:00Z"), utc("2026-03-29T22:00:00Z"))
        );
        assert_eq!(
            p.month,
            (utc("2026-02-28T23:00:00Z"), utc("2026-03-31T22:00:00Z"))
        );
        // The day is 23 hours long.
        assert_eq!(p.today.1 - p.today.0, Duration::hours(23));
    }
}
