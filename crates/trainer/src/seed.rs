//! Demo data for the trainer module, on top of identity's demo workspace (the trainer
//! `trainer@demo.palestra.dev` and their clients): default working hours, two appointment
//! types, two packages granted to three clients in four, and twelve weeks of appointments
//! (four past, eight ahead) filling about 60 % of the working hours, so the dashboard, the
//! calendar feeds and `GET /availability` show real figures and free slots remain to book.
//! Idempotent: a workspace that has appointment types is left as it is.

use chrono::{Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use palestra_core::ApiError;
use palestra_core::entities::{account, membership};
use palestra_core::ids::{AccountId, TenantId};
use palestra_core::scope::scoped;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::entities::{appointment, appointment_type, package};

/// The demo trainer's email, as identity's seed makes it.
pub const TRAINER_EMAIL: &str = "trainer@demo.palestra.dev";

fn type_row(
    tenant: TenantId,
    name: &str,
    minutes: i32,
    price: i64,
    currency: &str,
    credits: i32,
) -> appointment_type::ActiveModel {
    let now = Utc::now();
    appointment_type::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tenant.uuid()),
        name: Set(name.to_owned()),
        duration_minutes: Set(minutes),
        price_minor: Set(price),
        currency: Set(currency.to_owned()),
        buffer_before_minutes: Set(0),
        buffer_after_minutes: Set(0),
        min_notice_minutes: Set(60),
        max_days_ahead: Set(90),
        location: Set(Some("Studio Condesa".to_owned())),
        online_link: Set(None),
        self_bookable: Set(true),
        credits: Set(credits),
        cancel_cutoff_minutes: Set(None),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// Seeds the demo workspace's trainer data; reports what it did.
pub async fn demo(db: &sea_orm::DatabaseConnection) -> Result<Vec<String>, ApiError> {
    let Some(trainer) = account::Entity::find()
        .filter(account::Column::EmailNormalized.eq(TRAINER_EMAIL))
        .one(db)
        .await?
    else {
        return Ok(vec![format!(
            "No {TRAINER_EMAIL}: no trainer data to seed."
        )]);
    };
    let Some(owner) = membership::Entity::find()
        .filter(membership::Column::AccountId.eq(trainer.id))
        .filter(membership::Column::Role.eq("owner"))
        .one(db)
        .await?
    else {
        return Ok(vec![format!("{TRAINER_EMAIL} owns no workspace.")]);
    };
    let tenant = TenantId(owner.tenant_id);
    let by = AccountId(trainer.id);
    let types = scoped::<appointment_type::Entity>(tenant).count(db).await?;
    if types > 0 {
        return Ok(vec![
            "The demo workspace has its appointments already.".to_owned(),
        ]);
    }
    let workspace = palestra_core::entities::tenant::Entity::find_by_id(tenant.uuid())
        .one(db)
        .await?
        .ok_or_else(|| ApiError::internal(std::io::Error::other("the demo workspace vanished")))?;
    let zone: Tz = workspace.time_zone.parse().unwrap_or(Tz::UTC);
    let currency = workspace.currency.clone();
    let clients: Vec<AccountId> = scoped::<membership::Entity>(tenant)
        .filter(membership::Column::Role.eq("member"))
        .order_by_asc(membership::Column::AccountId)
        .all(db)
        .await?
        .into_iter()
        .map(|m| AccountId(m.account_id))
        .collect();

    let txn = palestra_core::db::begin_write(db).await?;
    crate::availability::ensure_settings(&txn, tenant).await?;
    let training = type_row(tenant, "Personal training", 60, 60_000, &currency, 1);
    let training_id = Uuid::now_v7();
    appointment_type::Entity::insert(appointment_type::ActiveModel {
        id: Set(training_id),
        ..training
    })
    .exec_without_returning(&txn)
    .await?;
    appointment_type::Entity::insert(type_row(tenant, "Assessment", 30, 0, &currency, 0))
        .exec_without_returning(&txn)
        .await?;
    let now = Utc::now();
    let mut packages = Vec::new();
    for (name, sessions, price) in [
        ("Ten sessions", 10, 550_000),
        ("Twenty sessions", 20, 1_000_000),
    ] {
        let row = package::Model {
            id: Uuid::now_v7(),
            tenant_id: tenant.uuid(),
            name: name.to_owned(),
            sessions,
            price_minor: price,
            currency: currency.clone(),
            validity_days: 120,
            active: true,
            created_at: now,
            updated_at: now,
        };
        package::Entity::insert(package::ActiveModel::from(row.clone()))
            .exec_without_returning(&txn)
            .await?;
        packages.push(row);
    }
    // Three clients in four hold a package; the fourth has no credits (the dashboard shows them).
    for (i, client) in clients.iter().enumerate() {
        if i % 4 != 3 {
            let package = &packages[i % 2];
            crate::credits::grant_package(&txn, tenant, *client, package, by, None).await?;
        }
    }

    // Twelve weeks, Monday to Friday, 09:00 to 17:00 local, one-hour sessions.
    let today = now.with_timezone(&zone).date_naive();
    let monday = today
        - Duration::days(i64::from(today.weekday().num_days_from_monday()))
        - Duration::weeks(4);
    let mut rows = Vec::new();
    let mut to_consume = Vec::new();
    let mut n: usize = 0;
    for day in 0..(12 * 7) {
        let date = monday + Duration::days(day);
        if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            continue;
        }
        for hour in 9..17u32 {
            n += 1;
            if (day as usize + hour as usize) % 5 >= 3 || clients.is_empty() {
                continue;
            }
            let Some(local) = NaiveTime::from_hms_opt(hour, 0, 0).map(|t| date.and_time(t)) else {
                continue;
            };
            let Some(starts_at) = zone.from_local_datetime(&local).single() else {
                continue;
            };
            let starts_at = starts_at.with_timezone(&Utc);
            let ends_at = starts_at + Duration::hours(1);
            let client = clients[n % clients.len()];
            let past = ends_at < now;
            let status = match (past, n % 12) {
                (true, 0) => appointment::STATUS_NO_SHOW,
                (true, _) => appointment::STATUS_COMPLETED,
                (false, 5) => appointment::STATUS_CANCELLED,
                (false, _) => appointment::STATUS_BOOKED,
            };
            let id = Uuid::now_v7();
            // Upcoming sessions of clients with a package consume a credit, as a booking does.
            let consumes =
                !past && status == appointment::STATUS_BOOKED && (n % clients.len()) % 4 != 3;
            if consumes {
                to_consume.push((client, id));
            }
            rows.push(appointment::ActiveModel {
                id: Set(id),
                tenant_id: Set(tenant.uuid()),
                client_id: Set(client.uuid()),
                type_id: Set(training_id),
                starts_at: Set(starts_at),
                ends_at: Set(ends_at),
                blocked_from: Set(starts_at),
                blocked_until: Set(ends_at),
                status: Set(status.to_owned()),
                notes: Set(None),
                series_id: Set(None),
                booked_by: Set(by.uuid()),
                credits: Set(i32::from(consumes)),
                cancelled_at: Set((status == appointment::STATUS_CANCELLED).then_some(now)),
                cancelled_by: Set((status == appointment::STATUS_CANCELLED).then_some(by.uuid())),
                cancel_reason: Set(None),
                sequence: Set(0),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
    }
    let count = rows.len();
    for chunk in rows.chunks(200) {
        appointment::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    let mut consumed = 0;
    for (client, id) in to_consume {
        // A client whose package runs out keeps the booking without a charge.
        let sp = sea_orm::TransactionTrait::begin(&txn).await?;
        match crate::credits::consume(&sp, tenant, client, id, 1, by).await {
            Ok(()) => {
                sp.commit().await?;
                consumed += 1;
            }
            Err(_) => {
                sp.rollback().await?;
                appointment::Entity::update_many()
                    .col_expr(
                        appointment::Column::Credits,
                        sea_orm::sea_query::Expr::value(0),
                    )
                    .filter(appointment::Column::Id.eq(id))
                    .exec(&txn)
                    .await?;
            }
        }
    }
    txn.commit().await?;
    Ok(vec![
        format!(
            "Trainer: 2 appointment types, 2 packages, {count} appointments over 12 weeks ({consumed} paid with credits)."
        ),
        format!("appointment_type_id={training_id}"),
    ])
}
