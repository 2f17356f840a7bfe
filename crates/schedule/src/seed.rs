//! The schedule's share of the demo gym (and of the benchmark's dataset): five trainers, four
//! categories, twenty classes, 500 sessions over the next five weeks in the gym's wall time
//! (about 100 a week) and about 6,600 bookings. Idempotent: a gym that has classes is left alone.

use chrono::{Days, Duration, NaiveTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use palestra_core::ApiError;
use palestra_core::entities::{account, membership, tenant};
use palestra_core::ids::{AccountId, TenantId};
use palestra_core::scope::scoped;
use palestra_core::time::TimeZone;

use crate::entities::{booking, category, class, session};
use crate::ids::{BookingId, CategoryId, ClassId, ClassSessionId};

/// The demo gym's owner, created by identity's seed.
const OWNER_EMAIL: &str = "owner@demo.palestra.dev";
/// Trainers the demo gym ends up with.
const TRAINERS: usize = 5;
/// Sessions made.
const SESSIONS: usize = 500;
/// Days the sessions spread over, from tomorrow.
const DAYS: usize = 35;

const CATEGORIES: [(&str, &str, &str); 4] = [
    ("Cardio", "#E4572E", "bike"),
    ("Strength", "#17BEBB", "dumbbell"),
    ("Mind & Body", "#76B041", "lotus"),
    ("Dance", "#FFC914", "music"),
];

const CLASSES: [(&str, usize, i32, i32); 20] = [
    ("Spinning", 0, 45, 24),
    ("HIIT", 0, 30, 20),
    ("Cardio Box", 0, 45, 22),
    ("Rowing", 0, 40, 20),
    ("Step", 0, 45, 25),
    ("Body Pump", 1, 60, 24),
    ("Kettlebells", 1, 45, 20),
    ("CrossTraining", 1, 60, 20),
    ("Core", 1, 30, 25),
    ("TRX", 1, 45, 20),
    ("Yoga", 2, 60, 25),
    ("Pilates", 2, 50, 22),
    ("Stretching", 2, 30, 30),
    ("Tai Chi", 2, 60, 20),
    ("Meditation", 2, 30, 30),
    ("Zumba", 3, 60, 30),
    ("Salsa", 3, 60, 24),
    ("Bachata", 3, 60, 24),
    ("Hip Hop", 3, 50, 22),
    ("Barre", 3, 45, 20),
];

/// Seeds the demo gym's schedule.
pub async fn demo(db: &DatabaseConnection) -> Result<Vec<String>, ApiError> {
    let Some(owner) = account::Entity::find()
        .filter(account::Column::EmailNormalized.eq(OWNER_EMAIL))
        .one(db)
        .await?
    else {
        return Ok(vec!["Schedule: no demo gym to fill.".to_owned()]);
    };
    let Some((_, Some(gym))) = membership::Entity::find()
        .find_also_related(tenant::Entity)
        .filter(membership::Column::AccountId.eq(owner.id))
        .filter(membership::Column::Role.eq("owner"))
        .filter(tenant::Column::Kind.eq("gym"))
        .one(db)
        .await?
    else {
        return Ok(vec!["Schedule: no demo gym to fill.".to_owned()]);
    };
    let tenant = TenantId(gym.id);
    if scoped::<class::Entity>(tenant).one(db).await?.is_some() {
        return Ok(vec![
            "Schedule: the demo gym has its timetable already.".to_owned(),
        ]);
    }
    let zone: TimeZone = gym.time_zone.parse().unwrap_or(TimeZone(chrono_tz::UTC));
    let now = Utc::now();

    let txn = palestra_core::db::begin_write(db).await?;

    // Trainers: the gym's own, topped up to five with the owner's password.
    let mut trainers: Vec<uuid::Uuid> = scoped::<membership::Entity>(tenant)
        .filter(membership::Column::Role.eq("trainer"))
        .select_only()
        .column(membership::Column::AccountId)
        .into_tuple()
        .all(&txn)
        .await?;
    for n in trainers.len() + 1..=TRAINERS {
        let id = AccountId::new().uuid();
        let email = format!("trainer{n}@demo.palestra.dev");
        account::Entity::insert(account::ActiveModel {
            id: Set(id),
            email: Set(email.clone()),
            email_normalized: Set(email),
            password_hash: Set(owner.password_hash.clone()),
            full_name: Set(format!("Trainer {n}")),
            created_at: Set(now),
            updated_at: Set(now),
            phone: Set(None),
            birth_date: Set(None),
            locale: Set("es".to_owned()),
            time_zone: Set(None),
            avatar_url: Set(None),
            units: Set("metric".to_owned()),
            email_verified_at: Set(Some(now)),
            is_platform_admin: Set(false),
            deleted_at: Set(None),
        })
        .exec_without_returning(&txn)
        .await?;
        membership::Entity::insert(membership::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            tenant_id: Set(tenant.uuid()),
            account_id: Set(id),
            role: Set("trainer".to_owned()),
            status: Set(membership::STATUS_ACTIVE.to_owned()),
            created_at: Set(now),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
        trainers.push(id);
    }

    let category_ids: Vec<uuid::Uuid> = CATEGORIES
        .iter()
        .map(|_| CategoryId::new().uuid())
        .collect();
    category::Entity::insert_many(CATEGORIES.iter().zip(&category_ids).map(
        |((name, color, icon), id)| category::ActiveModel {
            id: Set(*id),
            tenant_id: Set(tenant.uuid()),
            name: Set((*name).to_owned()),
            color: Set(Some((*color).to_owned())),
            icon: Set(Some((*icon).to_owned())),
            created_at: Set(now),
            updated_at: Set(now),
        },
    ))
    .exec_without_returning(&txn)
    .await?;

    let classes: Vec<class::Model> = CLASSES
        .iter()
        .enumerate()
        .map(|(i, (name, category, minutes, capacity))| class::Model {
            id: ClassId::new().uuid(),
            tenant_id: tenant.uuid(),
            category_id: category_ids.get(*category).copied(),
            name: (*name).to_owned(),
            description: None,
            duration_minutes: *minutes,
            capacity: *capacity,
            difficulty: ["all_levels", "beginner", "intermediate", "advanced"][i % 4].to_owned(),
            default_trainer_id: trainers.get(i % trainers.len().max(1)).copied(),
            active: true,
            created_at: now,
            updated_at: now,
        })
        .collect();
    class::Entity::insert_many(classes.iter().cloned().map(class::ActiveModel::from))
        .exec_without_returning(&txn)
        .await?;

    // Members who get bookings; the first (member001) is left free for the benchmark's
    // book-and-cancel scenario.
    let mut members: Vec<uuid::Uuid> = scoped::<membership::Entity>(tenant)
        .filter(membership::Column::Role.eq("member"))
        .order_by_asc(membership::Column::CreatedAt)
        .order_by_asc(membership::Column::Id)
        .select_only()
        .column(membership::Column::AccountId)
        .into_tuple()
        .all(&txn)
        .await?;
    if let Some(first) = member001(&txn, &members).await? {
        members.retain(|m| *m != first);
    }

    let first_day = zone.local_date(now) + Days::new(1);
    let per_day = SESSIONS.div_ceil(DAYS);
    let mut sessions = Vec::with_capacity(SESSIONS);
    let mut bookings = Vec::new();
    for i in 0..SESSIONS {
        let day = first_day + Days::new((i / per_day) as u64);
        let slot = i % per_day;
        let start = NaiveTime::from_hms_opt(
            7 + (slot as u32 * 14 / per_day as u32),
            if slot.is_multiple_of(2) { 0 } else { 30 },
            0,
        )
        .unwrap_or(NaiveTime::MIN);
        let starts_at = zone.instant_at(day, start);
        let class = &classes[(i * 7) % classes.len()];
        // 8 to 18 places, plus one every fifth session: 13.2 on average, ~6,600 in all.
        let wanted = 8 + (i * 5) % 11 + usize::from(i.is_multiple_of(5));
        let count = wanted
            .min(usize::try_from(class.capacity).unwrap_or(0))
            .min(members.len());
        let id = ClassSessionId::new().uuid();
        sessions.push(session::ActiveModel {
            id: Set(id),
            tenant_id: Set(tenant.uuid()),
            class_id: Set(class.id),
            series_id: Set(None),
            occurrence_index: Set(None),
            original_starts_at: Set(None),
            starts_at: Set(starts_at),
            ends_at: Set(starts_at + Duration::minutes(i64::from(class.duration_minutes))),
            trainer_id: Set(trainers.get((i * 3) % trainers.len().max(1)).copied()),
            room: Set(Some(format!("Studio {}", 1 + i % 3))),
            capacity: Set(class.capacity),
            booked_count: Set(i32::try_from(count).unwrap_or(0)),
            waitlist_count: Set(0),
            waitlist_seq: Set(0),
            status: Set(session::STATUS_SCHEDULED.to_owned()),
            cancelled_at: Set(None),
            notes: Set(None),
            sequence: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
        });
        for j in 0..count {
            // Consecutive members: distinct within a session whatever their number.
            let member = members[(i * 13 + j) % members.len()];
            bookings.push(booking::ActiveModel {
                id: Set(BookingId::new().uuid()),
                tenant_id: Set(tenant.uuid()),
                session_id: Set(id),
                account_id: Set(member),
                status: Set(booking::STATUS_BOOKED.to_owned()),
                booked_by: Set(member),
                walk_in: Set(false),
                created_at: Set(now),
                updated_at: Set(now),
                cancelled_at: Set(None),
                cancelled_by: Set(None),
                attendance_marked_at: Set(None),
                attendance_marked_by: Set(None),
            });
        }
    }
    let booking_count = bookings.len();
    // Chunks keep each statement well under the backends' bind-parameter limits.
    for chunk in sessions.chunks(200) {
        session::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    let mut bookings = bookings.into_iter().peekable();
    while bookings.peek().is_some() {
        let chunk: Vec<_> = bookings.by_ref().take(500).collect();
        booking::Entity::insert_many(chunk)
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;

    Ok(vec![format!(
        "Schedule: {} trainers, {} categories, {} classes, {} sessions over {} days, {} bookings.",
        trainers.len(),
        CATEGORIES.len(),
        classes.len(),
        SESSIONS,
        DAYS,
        booking_count
    )])
}

/// member001's account, if it is among the members.
async fn member001(
    db: &impl ConnectionTrait,
    members: &[uuid::Uuid],
) -> Result<Option<uuid::Uuid>, sea_orm::DbErr> {
    let found = account::Entity::find()
        .filter(account::Column::EmailNormalized.eq("member001@demo.palestra.dev"))
        .one(db)
        .await?;
    Ok(found.map(|a| a.id).filter(|id| members.contains(id)))
}
