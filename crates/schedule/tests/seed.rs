//! The demo timetable: five trainers, twenty classes, 500 sessions with bookings within
//! capacity, idempotent, and served by the timetable route.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly at the first surprise"
)]

mod support;

use palestra_core::Role;
use palestra_schedule::entities::{booking, session};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::Value;

use support::app;

#[tokio::test]
async fn the_demo_timetable_is_made_once_and_listed_in_one_page_a_week() {
    let app = app().await;
    let (owner, _) = app.signup_with_email("owner@demo.palestra.dev").await;
    let gym = owner.create_gym().await;
    let owner = owner.in_tenant(&gym);
    app.signup_with_email("member001@demo.palestra.dev").await;
    let mut members = Vec::new();
    for _ in 0..12 {
        members.push(app.signup_in(&gym, Role::Member).await);
    }
    app.signup_in(&gym, Role::Trainer).await;

    let lines = palestra_schedule::seed::demo(&app.db).await.unwrap();
    assert!(lines[0].contains("5 trainers"), "{lines:?}");
    let again = palestra_schedule::seed::demo(&app.db).await.unwrap();
    assert!(again[0].contains("already"), "{again:?}");

    let sessions = session::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(sessions.len(), 500);
    assert!(sessions.iter().all(|s| s.booked_count <= s.capacity));
    let booked: i32 = sessions.iter().map(|s| s.booked_count).sum();
    let rows = booking::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(u64::try_from(booked).unwrap(), rows);

    let page: Value = owner
        .get("/api/v1/sessions")
        .await
        .assert_status(200)
        .json();
    let week = page["items"].as_array().unwrap().len();
    assert!(
        (90..=110).contains(&week),
        "about 100 sessions a week: {week}"
    );
    let _ = members;
}
