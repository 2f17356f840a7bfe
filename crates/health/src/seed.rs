//! The module's share of the demo tenant: for its first ten members (clients), twelve weekly
//! weights and waists and a weight goal; in the demo gym they are also assigned to the first
//! demo trainer, who can then follow them. Idempotent: a tenant with measurements is left alone.

use chrono::{Duration, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use palestra_core::entities::{account, membership, tenant};
use palestra_core::ids::TenantId;
use palestra_core::product::ProductKind;
use palestra_core::scope::scoped;
use palestra_core::{ApiError, Role};

use crate::entities::{GoalId, MeasurementId, goal, measurement};
use crate::views::instant;

/// People given demo progress.
const PEOPLE: u64 = 10;
/// Weeks of measurements each.
const WEEKS: i64 = 12;

async fn account_id(db: &DatabaseConnection, email: &str) -> Result<Option<uuid::Uuid>, ApiError> {
    Ok(account::Entity::find()
        .filter(account::Column::EmailNormalized.eq(email))
        .one(db)
        .await?
        .map(|a| a.id))
}

/// Seeds the demo tenant's progress data.
pub async fn demo(db: &DatabaseConnection, kind: ProductKind) -> Result<Vec<String>, ApiError> {
    let (owner_email, coach_email) = match kind {
        ProductKind::Gym => ("owner@demo.palestra.dev", "trainer1@demo.palestra.dev"),
        ProductKind::Trainer => ("trainer@demo.palestra.dev", "trainer@demo.palestra.dev"),
    };
    let none = || Ok(vec!["Progress: no demo tenant to fill.".to_owned()]);
    let Some(owner) = account_id(db, owner_email).await? else {
        return none();
    };
    let Some((_, Some(demo))) = membership::Entity::find()
        .find_also_related(tenant::Entity)
        .filter(membership::Column::AccountId.eq(owner))
        .filter(membership::Column::Role.eq(Role::Owner.as_str()))
        .filter(tenant::Column::Kind.eq(kind.as_str()))
        .one(db)
        .await?
    else {
        return none();
    };
    let tenant = TenantId(demo.id);
    if scoped::<measurement::Entity>(tenant)
        .one(db)
        .await?
        .is_some()
    {
        return Ok(vec![
            "Progress: the demo tenant has measurements already.".to_owned(),
        ]);
    }
    let people: Vec<uuid::Uuid> = scoped::<membership::Entity>(tenant)
        .filter(membership::Column::Role.eq(Role::Member.as_str()))
        .filter(membership::Column::Status.is_in(membership::STATUSES_WITH_ACCESS))
        .order_by_asc(membership::Column::Id)
        .limit(PEOPLE)
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.account_id)
        .collect();
    if people.is_empty() {
        return none();
    }
    let coach = account_id(db, coach_email).await?.unwrap_or(owner);
    if kind == ProductKind::Gym {
        membership::Entity::update_many()
            .col_expr(membership::Column::AssignedTrainerId, Expr::value(coach))
            .filter(membership::Column::TenantId.eq(tenant.uuid()))
            .filter(membership::Column::AccountId.is_in(people.clone()))
            .exec(db)
            .await?;
    }
    let now = instant(Utc::now());
    let mut rows = Vec::new();
    let mut goals = Vec::new();
    for (i, person) in people.iter().enumerate() {
        let start = 62.0 + (i as f64 * 7.3) % 35.0;
        for week in 0..WEEKS {
            let at = now - Duration::weeks(WEEKS - week) + Duration::hours(i as i64);
            let wobble = if week % 3 == 1 { 0.4 } else { 0.0 };
            let by = if week % 2 == 0 { *person } else { coach };
            for (metric, value) in [
                ("weight", start - 0.35 * week as f64 + wobble),
                ("waist", start + 10.0 - 0.25 * week as f64),
            ] {
                rows.push(measurement::ActiveModel {
                    id: Set(MeasurementId::new().uuid()),
                    tenant_id: Set(tenant.uuid()),
                    account_id: Set(*person),
                    metric: Set(metric.to_owned()),
                    value: Set((value * 10.0).round() / 10.0),
                    measured_at: Set(at),
                    recorded_by: Set(by),
                    note: Set(None),
                    created_at: Set(at),
                    updated_at: Set(at),
                });
            }
        }
        goals.push(goal::ActiveModel {
            id: Set(GoalId::new().uuid()),
            tenant_id: Set(tenant.uuid()),
            account_id: Set(*person),
            metric: Set("weight".to_owned()),
            title: Set(Some("Lose 5 kg".to_owned())),
            start_value: Set(Some((start * 10.0).round() / 10.0)),
            target_value: Set(((start - 5.0) * 10.0).round() / 10.0),
            deadline: Set(Some((now + Duration::weeks(12)).date_naive())),
            status: Set("active".to_owned()),
            created_by: Set(coach),
            created_at: Set(now - Duration::weeks(WEEKS)),
            updated_at: Set(now - Duration::weeks(WEEKS)),
        });
    }
    let count = rows.len();
    for chunk in rows.chunks(200) {
        measurement::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await?;
    }
    goal::Entity::insert_many(goals).exec(db).await?;
    Ok(vec![format!(
        "Progress: {count} measurements and {} goals for {} people{}.",
        people.len(),
        people.len(),
        if kind == ProductKind::Gym {
            ", assigned to trainer1@demo.palestra.dev"
        } else {
            ""
        }
    )])
}
