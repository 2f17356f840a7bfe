//! QR check-in: signed codes, rotation, the front desk's scan, walk-ins bounded by capacity,
//! roles and tenant isolation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly at the first surprise"
)]

mod extras;

use chrono::{Duration, Utc};
use palestra_core::Role;
use reqwest::Method;
use serde_json::{Value, json};

use extras::{Gym, app};

async fn code_of(actor: &palestra_testkit::Actor<'_>) -> String {
    let body: Value = actor
        .get("/api/v1/me/check-in-code")
        .await
        .assert_status(200)
        .json();
    body["code"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_scan_marks_the_booked_session_starting_around_now_attended() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let class = gym.class(&app, "Spinning").await;
    let soon = gym
        .session(&app, class, Utc::now() + Duration::minutes(10), 5)
        .await;
    // A later booking of the same member is left alone.
    let later = gym
        .session(&app, class, Utc::now() + Duration::hours(5), 5)
        .await;
    let booking = gym.book(&app, soon, gym.member.account_id()).await;
    gym.book(&app, later, gym.member.account_id()).await;

    let code = code_of(&gym.member).await;
    let checked: Value = gym
        .trainer
        .post("/api/v1/check-in", json!({ "code": code }))
        .await
        .assert_status(200)
        .json();
    assert_eq!(checked["booking_id"], booking.to_string());
    assert_eq!(checked["session_id"], soon.to_string());
    assert_eq!(checked["walk_in"], false);
    assert_eq!(checked["full_name"], "Test Person");

    let problem = gym
        .admin
        .post("/api/v1/check-in", json!({ "code": code }))
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "schedule.already_checked_in");

    // Nothing booked around now for the admin.
    let admin_code = code_of(&gym.admin).await;
    let problem = gym
        .owner
        .post("/api/v1/check-in", json!({ "code": admin_code }))
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "schedule.nothing_to_check_in");
}

#[tokio::test]
async fn forged_foreign_and_rotated_codes_are_refused() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let code = code_of(&gym.member).await;

    // One character of the payload changed: another account or version under the same tag.
    let mut tampered: Vec<char> = code.chars().collect();
    tampered[10] = if tampered[10] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    for forged in [tampered.as_str(), "PCI1.AAAA.AAAA", "hello"] {
        let problem = gym
            .trainer
            .post("/api/v1/check-in", json!({ "code": forged }))
            .await
            .assert_problem(422);
        assert_eq!(problem.code, "schedule.check_in_code_invalid", "{forged}");
    }

    // A valid code of another gym is not valid here.
    let other = Gym::create(&app).await;
    let foreign = code_of(&other.member).await;
    let problem = gym
        .trainer
        .post("/api/v1/check-in", json!({ "code": foreign }))
        .await
        .assert_problem(422);
    assert_eq!(problem.code, "schedule.check_in_code_invalid");

    let rotated: Value = gym
        .member
        .post("/api/v1/me/check-in-code/rotate", json!({}))
        .await
        .assert_status(200)
        .json();
    assert_eq!(rotated["version"], 2);
    assert_ne!(rotated["code"], code);
    let problem = gym
        .trainer
        .post("/api/v1/check-in", json!({ "code": code }))
        .await
        .assert_problem(422);
    assert_eq!(problem.code, "schedule.check_in_code_revoked");
    // The new code is the one shown now, and it is accepted (nothing to check in to, though).
    assert_eq!(
        code_of(&gym.member).await,
        rotated["code"].as_str().unwrap()
    );
    gym.trainer
        .post("/api/v1/check-in", json!({ "code": rotated["code"] }))
        .await
        .assert_problem(404);
}

#[tokio::test]
async fn a_walk_in_takes_a_place_only_while_one_is_left() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let class = gym.class(&app, "Yoga").await;
    let session = gym
        .session(&app, class, Utc::now() + Duration::minutes(5), 1)
        .await;
    let walked: Value = gym
        .trainer
        .post(
            "/api/v1/check-in",
            json!({ "code": code_of(&gym.member).await, "session_id": session }),
        )
        .await
        .assert_status(200)
        .json();
    assert_eq!(walked["walk_in"], true);
    let late = app.signup_in(&gym.id, Role::Member).await;
    let problem = gym
        .trainer
        .post(
            "/api/v1/check-in",
            json!({ "code": code_of(&late).await, "session_id": session }),
        )
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "schedule.session_full");
    let problem = gym
        .trainer
        .post(
            "/api/v1/check-in",
            json!({ "code": code_of(&gym.member).await, "session_id": session }),
        )
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "schedule.already_checked_in");

    gym.cancel_session(&app, session).await;
    let problem = gym
        .trainer
        .post(
            "/api/v1/check-in",
            json!({ "code": code_of(&late).await, "session_id": session }),
        )
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "schedule.session_cancelled");
    let problem = gym
        .trainer
        .post(
            "/api/v1/check-in",
            json!({ "code": code_of(&late).await, "session_id": uuid::Uuid::now_v7() }),
        )
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "schedule.session_not_found");
}

#[tokio::test]
async fn concurrent_walk_ins_never_exceed_capacity() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let class = gym.class(&app, "HIIT").await;
    let session = gym
        .session(&app, class, Utc::now() + Duration::minutes(5), 3)
        .await;
    let mut codes = Vec::new();
    for _ in 0..12 {
        let member = app.signup_in(&gym.id, Role::Member).await;
        codes.push(code_of(&member).await);
    }
    let scans = codes.iter().map(|code| {
        gym.trainer.post(
            "/api/v1/check-in",
            json!({ "code": code, "session_id": session }),
        )
    });
    let responses = futures_util::future::join_all(scans).await;
    let admitted = responses.iter().filter(|r| r.status == 200).count();
    let refused = responses
        .iter()
        .filter(|r| r.status == 409 && r.body.contains("schedule.session_full"))
        .count();
    assert_eq!((admitted, refused), (3, 9), "on {}", app.backend());
    let row = palestra_schedule::repo::find_session(
        &app.db,
        gym.tenant(),
        palestra_schedule::ids::ClassSessionId(session),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(row.booked_count, 3);
}

#[tokio::test]
async fn check_in_routes_answer_each_role_and_hide_the_gym_from_outsiders() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let rows: [(Method, &str, Option<Value>, [u16; 5]); 3] = [
        (
            Method::GET,
            "/api/v1/me/check-in-code",
            None,
            [200, 200, 200, 200, 404],
        ),
        (
            Method::POST,
            "/api/v1/me/check-in-code/rotate",
            None,
            [200, 200, 200, 200, 404],
        ),
        (
            Method::POST,
            "/api/v1/check-in",
            Some(json!({ "code": "PCI1.forged.code" })),
            [422, 422, 422, 403, 404],
        ),
    ];
    for (method, path, body, expect) in rows {
        gym.expect_statuses(method, path, body, expect).await;
    }
}

#[tokio::test]
async fn two_scans_at_once_check_a_member_in_once() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let class = gym.class(&app, "Spinning").await;
    let session = gym
        .session(&app, class, Utc::now() + Duration::minutes(15), 5)
        .await;
    gym.book(&app, session, gym.member.account_id()).await;
    let code = code_of(&gym.member).await;
    let scans = (0..6).map(|_| {
        gym.trainer
            .post("/api/v1/check-in", json!({ "code": code }))
    });
    let responses = futures_util::future::join_all(scans).await;
    let statuses: Vec<u16> = responses.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        responses
            .iter()
            .filter(|r| r.status != 200)
            .all(|r| r.status == 409 && r.body.contains("schedule.already_checked_in")),
        "{statuses:?}"
    );
}
