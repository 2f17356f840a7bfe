//! Queries: free functions taking the connection, the tenant, then the person they are about.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use palestra_core::entities::account;
use palestra_core::ids::{AccountId, TenantId};
use palestra_core::pagination::Cursor;
use palestra_core::scope::scoped;

use crate::entities::{goal, measurement, photo};
use crate::metrics::UnitSystem;

/// An instant range filter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Range {
    /// Inclusive start.
    pub from: Option<DateTime<Utc>>,
    /// Inclusive end.
    pub to: Option<DateTime<Utc>>,
}

/// The person's preferred units: their account's setting (`PATCH /me`), metric by default.
pub async fn preferred_units(
    db: &impl ConnectionTrait,
    account: AccountId,
) -> Result<UnitSystem, DbErr> {
    let units: Option<String> = account::Entity::find_by_id(account.uuid())
        .select_only()
        .column(account::Column::Units)
        .into_tuple()
        .one(db)
        .await?;
    Ok(units
        .as_deref()
        .and_then(UnitSystem::parse)
        .unwrap_or_default())
}

/// Gives goals of this metric that had no start yet the value just measured.
pub async fn fill_goal_starts(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    person: AccountId,
    metric: &str,
    value: f64,
) -> Result<(), DbErr> {
    goal::Entity::update_many()
        .col_expr(goal::Column::StartValue, Expr::value(value))
        .filter(goal::Column::TenantId.eq(tenant.uuid()))
        .filter(goal::Column::AccountId.eq(person.uuid()))
        .filter(goal::Column::Metric.eq(metric))
        .filter(goal::Column::StartValue.is_null())
        .exec(db)
        .await
        .map(|_| ())
}

/// One of the person's measurements.
pub async fn find_measurement(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    person: AccountId,
    id: uuid::Uuid,
) -> Result<Option<measurement::Model>, DbErr> {
    scoped::<measurement::Entity>(tenant)
        .filter(measurement::Column::AccountId.eq(person.uuid()))
        .filter(measurement::Column::Id.eq(id))
        .one(db)
        .await
}

/// A page of the person's measurements, newest first by `measured_at` then id (the cursor).
pub async fn list_measurements(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    person: AccountId,
    metric: Option<&str>,
    range: Range,
    cursor: Option<(DateTime<Utc>, uuid::Uuid)>,
    limit: u64,
) -> Result<Vec<measurement::Model>, DbErr> {
    let mut select = scoped::<measurement::Entity>(tenant)
        .filter(measurement::Column::AccountId.eq(person.uuid()));
    if let Some(metric) = metric {
        select = select.filter(measurement::Column::Metric.eq(metric));
    }
    if let Some(from) = range.from {
        select = select.filter(measurement::Column::MeasuredAt.gte(from));
    }
    if let Some(to) = range.to {
        select = select.filter(measurement::Column::MeasuredAt.lte(to));
    }
    if let Some((at, id)) = cursor {
        select = select.filter(
            Condition::any()
                .add(measurement::Column::MeasuredAt.lt(at))
                .add(
                    Condition::all()
                        .add(measurement::Column::MeasuredAt.eq(at))
                        .add(measurement::Column::Id.lt(id)),
                ),
        );
    }
    select
        .order_by_desc(measurement::Column::MeasuredAt)
        .order_by_desc(measurement::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// The newest measurement of each of these metrics for the person: one query.
pub async fn latest_per_metric(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    person: AccountId,
    metrics: &[String],
) -> Result<HashMap<String, measurement::Model>, DbErr> {
    if metrics.is_empty() {
        return Ok(HashMap::new());
    }
    let inner = Alias::new("newer");
    let mut newest = Query::select();
    newest
        .expr(Expr::col((inner.clone(), measurement::Column::MeasuredAt)).max())
        .from_as(measurement::Entity, inner.clone())
        .and_where(
            Expr::col((inner.clone(), measurement::Column::TenantId))
                .equals((measurement::Entity, measurement::Column::TenantId)),
        )
        .and_where(
            Expr::col((inner.clone(), measurement::Column::AccountId))
                .equals((measurement::Entity, measurement::Column::AccountId)),
        )
        .and_where(
            Expr::col((inner, measurement::Column::Metric))
                .equals((measurement::Entity, measurement::Column::Metric)),
        );
    let rows = scoped::<measurement::Entity>(tenant)
        .filter(measurement::Column::AccountId.eq(person.uuid()))
        .filter(measurement::Column::Metric.is_in(metrics.iter().map(String::as_str)))
        .filter(
            Expr::col((measurement::Entity, measurement::Column::MeasuredAt)).in_subquery(newest),
        )
        .all(db)
        .await?;
    let mut latest: HashMap<String, measurement::Model> = HashMap::new();
    for row in rows {
        // Two at the same instant: the later id wins.
        match latest.get(&row.metric) {
            Some(kept) if kept.id > row.id => {}
            _ => {
                latest.insert(row.metric.clone(), row);
            }
        }
    }
    Ok(latest)
}

/// The newest `limit` measurements of one metric in a range, newest first.
pub async fn series(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    person: AccountId,
    metric: &str,
    range: Range,
    limit: u64,
) -> Result<Vec<measurement::Model>, DbErr> {
    list_measurements(db, tenant, person, Some(metric), range, None, limit).await
}

/// One of the person's goals.
pub async fn find_goal(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    person: AccountId,
    id: uuid::Uuid,
) -> Result<Option<goal::Model>, DbErr> {
    scoped::<goal::Entity>(tenant)
        .filter(goal::Column::AccountId.eq(person.uuid()))
        .filter(goal::Column::Id.eq(id))
        .one(db)
        .await
}

/// A page of the person's goals, newest first (the id is the cursor).
pub async fn list_goals(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    person: AccountId,
    status: Option<&str>,
    cursor: Option<&Cursor>,
    limit: u64,
) -> Result<Vec<goal::Model>, DbErr> {
    let mut select =
        scoped::<goal::Entity>(tenant).filter(goal::Column::AccountId.eq(person.uuid()));
    if let Some(status) = status {
        select = select.filter(goal::Column::Status.eq(status));
    }
    if let Some(cursor) = cursor {
        select = select.filter(goal::Column::Id.lt(cursor.id));
    }
    select
        .order_by_desc(goal::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// One of the person's photos.
pub async fn find_photo(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    person: AccountId,
    id: uuid::Uuid,
) -> Result<Option<photo::Model>, DbErr> {
    scoped::<photo::Entity>(tenant)
        .filter(photo::Column::AccountId.eq(person.uuid()))
        .filter(photo::Column::Id.eq(id))
        .one(db)
        .await
}

/// A page of the person's photos, newest first by `taken_at` then id.
pub async fn list_photos(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    person: AccountId,
    range: Range,
    cursor: Option<(DateTime<Utc>, uuid::Uuid)>,
    limit: u64,
) -> Result<Vec<photo::Model>, DbErr> {
    let mut select =
        scoped::<photo::Entity>(tenant).filter(photo::Column::AccountId.eq(person.uuid()));
    if let Some(from) = range.from {
        select = select.filter(photo::Column::TakenAt.gte(from));
    }
    if let Some(to) = range.to {
        select = select.filter(photo::Column::TakenAt.lte(to));
    }
    if let Some((at, id)) = cursor {
        select = select.filter(
            Condition::any().add(photo::Column::TakenAt.lt(at)).add(
                Condition::all()
                    .add(photo::Column::TakenAt.eq(at))
                    .add(photo::Column::Id.lt(id)),
            ),
        );
    }
    select
        .order_by_desc(photo::Column::TakenAt)
        .order_by_desc(photo::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Erases everything this module keeps about an account, in every tenant.
pub async fn erase_account(db: &impl ConnectionTrait, account: AccountId) -> Result<(), DbErr> {
    measurement::Entity::delete_many()
        .filter(measurement::Column::AccountId.eq(account.uuid()))
        .exec(db)
        .await?;
    goal::Entity::delete_many()
        .filter(goal::Column::AccountId.eq(account.uuid()))
        .exec(db)
        .await?;
    photo::Entity::delete_many()
        .filter(photo::Column::AccountId.eq(account.uuid()))
        .exec(db)
        .await?;
    Ok(())
}
