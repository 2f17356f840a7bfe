//! The dashboard: real figures from a small gym, in its time zone; roles and tenant isolation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly at the first surprise"
)]

mod extras;

use chrono::{Duration, Utc};
use palestra_core::Role;
use reqwest::Method;
use serde_json::Value;

use extras::{Gym, app};

#[tokio::test]
async fn the_dashboard_counts_members_sessions_occupancy_and_no_shows() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let mut m = Vec::new();
    for _ in 0..5 {
        m.push(app.signup_in(&gym.id, Role::Member).await);
    }
    let id = |i: usize| m[i].account_id().to_owned();
    let yoga = gym.class(&app, "Yoga").await;
    let boxing = gym.class(&app, "Boxing").await;
    let now = Utc::now();

    // Today (it has just started): 4 of 10 places, 2 attended, 1 no-show, 1 not marked yet.
    let today = gym
        .session(&app, yoga, now - Duration::seconds(1), 10)
        .await;
    gym.book_as(&app, today, &id(0), "attended").await;
    gym.book_as(&app, today, &id(1), "attended").await;
    gym.book_as(&app, today, &id(2), "no_show").await;
    gym.book(&app, today, &id(3)).await;
    gym.book_as(&app, today, &id(4), "cancelled").await;
    // Cancelled today: counts nowhere.
    let called_off = gym
        .session(&app, yoga, now - Duration::seconds(2), 10)
        .await;
    gym.book(&app, called_off, &id(4)).await;
    gym.cancel_session(&app, called_off).await;
    // Eight days ago: full, 3 attended and 2 no-shows.
    let past = gym.session(&app, boxing, now - Duration::days(8), 5).await;
    for (who, status) in [
        (id(0), "attended"),
        (id(1), "attended"),
        (id(4), "attended"),
        (gym.member.account_id().to_owned(), "no_show"),
        (id(2), "no_show"),
    ] {
        gym.book_as(&app, past, &who, status).await;
    }
    // In ten days: counts nowhere yet.
    let future = gym.session(&app, boxing, now + Duration::days(10), 5).await;
    gym.book(&app, future, &id(3)).await;

    let figures: Value = gym
        .admin
        .get("/api/v1/dashboard")
        .await
        .assert_status(200)
        .json();
    assert_eq!(figures["time_zone"], "Europe/Madrid");
    assert_eq!(figures["members"], 6, "{figures}");
    assert_eq!(figures["active_members"], 3, "{figures}");
    assert_eq!(figures["sessions_today"], 1, "{figures}");
    assert_eq!(figures["sessions_this_week"], 1, "{figures}");
    assert_eq!(figures["bookings_this_week"], 4, "{figures}");
    let occupancy = figures["average_occupancy"].as_f64().unwrap();
    assert!((occupancy - 9.0 / 15.0).abs() < 1e-9, "{figures}");
    let no_shows = figures["no_show_rate"].as_f64().unwrap();
    assert!((no_shows - 3.0 / 8.0).abs() < 1e-9, "{figures}");
    let top = figures["top_classes"].as_array().unwrap();
    assert_eq!(top.len(), 2);
    assert_eq!(top[0]["name"], "Boxing");
    assert_eq!(top[0]["bookings"], 5);
    assert_eq!(top[0]["occupancy"], 1.0);
    assert_eq!(top[1]["name"], "Yoga");
    assert_eq!(top[1]["bookings"], 4);
    assert_eq!(top[1]["sessions"], 1);
}

#[tokio::test]
async fn an_empty_gym_has_zeros_and_no_ratios() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let figures: Value = gym.owner.get("/api/v1/dashboard").await.json();
    assert_eq!(figures["members"], 1);
    assert_eq!(figures["sessions_today"], 0);
    assert!(figures["average_occupancy"].is_null());
    assert!(figures["no_show_rate"].is_null());
    assert_eq!(figures["top_classes"], serde_json::json!([]));
}

#[tokio::test]
async fn only_owners_and_admins_see_the_dashboard() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    gym.expect_statuses(
        Method::GET,
        "/api/v1/dashboard",
        None,
        [200, 200, 403, 403, 404],
    )
    .await;
}
