//! The queries other parts of the module build on: walk-ins within capacity, attendance marks,
//! a member's bookings with their sessions, a session with its class.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly at the first surprise"
)]

mod support;

use chrono::{Duration, Utc};
use palestra_core::ids::AccountId;
use palestra_schedule::entities::booking;
use palestra_schedule::ids::{BookingId, ClassSessionId};
use palestra_schedule::repo;
use sea_orm::TransactionTrait;

use support::{Gym, app, book};

#[tokio::test]
async fn a_walk_in_takes_a_place_only_if_one_is_left_and_attendance_keeps_it() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let session = gym.session(1).await;
    let id = ClassSessionId(session.parse().unwrap());
    let (ana, ben) = (gym.new_member().await, gym.new_member().await);
    let ana_id = AccountId(ana.account_id().parse().unwrap());
    let ben_id = AccountId(ben.account_id().parse().unwrap());
    let desk = AccountId(gym.trainer.account_id().parse().unwrap());
    let now = Utc::now();

    let txn = app.db.begin().await.unwrap();
    let walked = repo::insert_walk_in(&txn, gym.tenant(), id, ana_id, desk, now)
        .await
        .unwrap()
        .expect("a place was left");
    txn.commit().await.unwrap();
    assert_eq!(walked.status, booking::STATUS_ATTENDED);
    assert!(walked.walk_in);
    assert_eq!(gym.session_row(&session).await.booked_count, 1);

    let full = repo::insert_walk_in(&app.db, gym.tenant(), id, ben_id, desk, now)
        .await
        .unwrap();
    assert!(full.is_none(), "no place left: no walk-in");
    assert_eq!(gym.session_row(&session).await.booked_count, 1);

    let (found, class) = repo::find_session_with_class(&app.db, gym.tenant(), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, id.uuid());
    assert_eq!(class.name, "Spinning");
    let other = Gym::create(&app).await;
    assert!(
        repo::find_session_with_class(&app.db, other.tenant(), id)
            .await
            .unwrap()
            .is_none(),
        "another gym does not see it"
    );

    // Marks move between attended and no-show; a cancelled booking cannot be marked.
    let bid = BookingId(walked.id);
    assert!(
        repo::mark_attendance(
            &app.db,
            gym.tenant(),
            bid,
            booking::STATUS_NO_SHOW,
            desk,
            now
        )
        .await
        .unwrap()
    );
    assert!(
        repo::mark_attended(&app.db, gym.tenant(), bid, desk, now)
            .await
            .unwrap()
    );
    assert_eq!(gym.session_row(&session).await.booked_count, 1);
}

#[tokio::test]
async fn a_members_bookings_come_with_their_sessions_in_start_order() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let later = gym.session_at(5, Utc::now() + Duration::days(5)).await;
    let sooner = gym.session_at(5, Utc::now() + Duration::days(2)).await;
    book(&gym.member, &later).await.assert_status(201);
    book(&gym.member, &sooner).await.assert_status(201);
    let member = AccountId(gym.member.account_id().parse().unwrap());
    let rows = repo::member_bookings(&app.db, gym.tenant(), member, None, None, &[], 10)
        .await
        .unwrap();
    let order: Vec<String> = rows.iter().map(|(_, s)| s.id.to_string()).collect();
    assert_eq!(order, [sooner.clone(), later]);
    let window = repo::member_bookings(
        &app.db,
        gym.tenant(),
        member,
        Some(Utc::now()),
        Some(Utc::now() + Duration::days(3)),
        &[booking::STATUS_BOOKED],
        10,
    )
    .await
    .unwrap();
    assert_eq!(window.len(), 1);
    assert_eq!(window[0].1.id.to_string(), sooner);
}
