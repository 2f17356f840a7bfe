//! The trainer module's demo data, as `seed-demo` and the benchmark use it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test loudly at the first surprise"
)]

mod support;

use chrono::{Duration, Utc};
use palestra_core::Role;
use palestra_testkit::PASSWORD;
use serde_json::{Value, json};

use support::app;

#[tokio::test]
async fn the_demo_workspace_gets_types_packages_credits_and_twelve_weeks() {
    let app = app().await;
    let email = palestra_trainer::seed::TRAINER_EMAIL;
    let (trainer, _) = app.signup_with_email(email).await;
    let body: Value = trainer
        .post(
            "/api/v1/auth/register-trainer",
            json!({ "email": email, "password": PASSWORD, "full_name": "Alex Rivera",
                    "time_zone": "America/Mexico_City", "currency": "MXN" }),
        )
        .await
        .assert_status(201)
        .json();
    let workspace = body["workspace"]["id"].as_str().unwrap().to_owned();
    let trainer = trainer.in_tenant(&workspace);
    for _ in 0..8 {
        app.signup_in(&workspace, Role::Member).await;
    }

    let lines = palestra_trainer::seed::demo(&app.db).await.unwrap();
    assert!(lines[0].contains("appointments over 12 weeks"), "{lines:?}");
    let type_id = lines[1]
        .strip_prefix("appointment_type_id=")
        .unwrap()
        .to_owned();
    let again = palestra_trainer::seed::demo(&app.db).await.unwrap();
    assert!(again[0].contains("already"), "{again:?}");

    let dashboard: Value = trainer
        .get("/api/v1/dashboard")
        .await
        .assert_status(200)
        .json();
    assert_eq!(dashboard["stats"]["total_clients"], 8);
    // Two never had a package; with only eight clients some use theirs up on the seeded weeks.
    assert!(
        dashboard["stats"]["clients_without_credits"]
            .as_i64()
            .unwrap()
            >= 2
    );
    assert_eq!(dashboard["upcoming"].as_array().unwrap().len(), 5);

    // Free slots remain to book in the coming week.
    let from = (Utc::now() + Duration::days(7)).date_naive();
    let to = from + Duration::days(6);
    let slots: Value = trainer
        .get(&format!(
            "/api/v1/availability?type={type_id}&from={from}&to={to}"
        ))
        .await
        .assert_status(200)
        .json();
    let count = slots
        .as_array()
        .or_else(|| slots["slots"].as_array())
        .or_else(|| slots["items"].as_array())
        .map_or(0, Vec::len);
    assert!(count > 0, "{slots}");
}
