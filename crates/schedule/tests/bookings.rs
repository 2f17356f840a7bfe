//! Booking: the rules and their codes, booking for a member, cancelling (late after the
//! cut-off), the waitlist and its promotions, attendance, idempotency, roles and isolation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly at the first surprise"
)]

mod support;

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use support::{Gym, app, book, messages};

#[tokio::test]
async fn a_member_books_once_and_a_full_session_refuses_the_next() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let session = gym.session(1).await;
    let created = book(&gym.member, &session).await.assert_status(201);
    let booking: Value = created.json();
    assert_eq!(
        created.header("location").unwrap(),
        format!("/api/v1/bookings/{}", booking["id"].as_str().unwrap())
    );
    assert_eq!(booking["status"], "booked");
    assert_eq!(booking["account_id"], gym.member.account_id());
    let problem = book(&gym.member, &session).await.assert_problem(409);
    assert_eq!(problem.code, "schedule.already_booked");
    let ben = gym.new_member().await;
    let problem = book(&ben, &session).await.assert_problem(409);
    assert_eq!(problem.code, "schedule.session_full");
    let row = gym.session_row(&session).await;
    assert_eq!((row.booked_count, row.capacity), (1, 1));
    let view: Value = gym
        .member
        .get(&format!("/api/v1/sessions/{session}"))
        .await
        .json();
    assert_eq!(view["my_booking"]["state"], "booked");
    assert_eq!(view["my_booking"]["booking_id"], booking["id"]);
    assert_eq!(view["places_left"], 0);
}

#[tokio::test]
async fn each_booking_rule_has_its_own_code() {
    let app = app().await;
    let gym = Gym::create(&app).await;

    let far = gym.session_at(5, Utc::now() + Duration::days(30)).await;
    let problem = book(&gym.member, &far).await.assert_problem(409);
    assert_eq!(problem.code, "schedule.booking_window_closed");
    assert!(problem.extensions["opens_at"].is_string());
    // A wider window opens it.
    gym.admin
        .send(Method::PUT, "/api/v1/schedule/settings", |r| {
            r.json(
                &json!({ "booking_window_days": 45, "cancellation_cutoff_minutes": 60,
                            "waitlist_close_minutes": 15 }),
            )
        })
        .await
        .assert_status(200);
    book(&gym.member, &far).await.assert_status(201);

    let started = gym.session(5).await;
    gym.move_session(&started, Utc::now() - Duration::minutes(5))
        .await;
    let problem = book(&gym.member, &started).await.assert_problem(409);
    assert_eq!(problem.code, "schedule.session_started");

    let cancelled = gym.session(5).await;
    gym.admin
        .post(&format!("/api/v1/sessions/{cancelled}/cancel"), json!({}))
        .await
        .assert_status(200);
    let problem = book(&gym.member, &cancelled).await.assert_problem(409);
    assert_eq!(problem.code, "schedule.session_cancelled");

    let missing = uuid::Uuid::now_v7();
    let problem = book(&gym.member, &missing.to_string())
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "schedule.session_not_found");
    gym.member
        .post("/api/v1/sessions/not-a-uuid/bookings", json!({}))
        .await
        .assert_problem(400);
    let open = gym.session(5).await;
    let problem = gym
        .member
        .post(
            &format!("/api/v1/sessions/{open}/bookings"),
            json!({ "seat": 3 }),
        )
        .await
        .assert_problem(422);
    assert_eq!(problem.code, "request.validation_failed");

    // A paused member keeps the app but cannot book.
    let paused = gym.new_member().await;
    {
        use palestra_core::entities::membership;
        use sea_orm::sea_query::Expr;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        membership::Entity::update_many()
            .col_expr(membership::Column::Status, Expr::value("paused"))
            .filter(
                membership::Column::AccountId
                    .eq(paused.account_id().parse::<uuid::Uuid>().unwrap()),
            )
            .exec(&app.db)
            .await
            .unwrap();
    }
    let problem = book(&paused, &open).await.assert_problem(403);
    assert_eq!(problem.code, "schedule.membership_inactive");
}

#[tokio::test]
async fn staff_book_and_cancel_for_a_member_and_members_only_for_themselves() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let session = gym.session(5).await;
    let member = gym.member.account_id();
    for staff in [&gym.trainer, &gym.admin] {
        let booking: Value = staff
            .post(
                &format!("/api/v1/sessions/{session}/bookings"),
                json!({ "account_id": member }),
            )
            .await
            .assert_status(201)
            .json();
        assert_eq!(booking["account_id"], member);
        assert_eq!(booking["booked_by"], staff.account_id());
        staff
            .post(
                &format!(
                    "/api/v1/bookings/{}/cancel",
                    booking["id"].as_str().unwrap()
                ),
                json!({}),
            )
            .await
            .assert_status(200);
    }
    let ben = gym.new_member().await;
    let problem = ben
        .post(
            &format!("/api/v1/sessions/{session}/bookings"),
            json!({ "account_id": member }),
        )
        .await
        .assert_problem(403);
    assert_eq!(problem.code, "auth.forbidden");
    let stranger = app.signup().await;
    let problem = gym
        .admin
        .post(
            &format!("/api/v1/sessions/{session}/bookings"),
            json!({ "account_id": stranger.account_id() }),
        )
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "schedule.member_not_found");

    // A member cannot see or cancel someone else's booking.
    let booking: Value = book(&gym.member, &session).await.json();
    let path = format!("/api/v1/bookings/{}", booking["id"].as_str().unwrap());
    let problem = ben.get(&path).await.assert_problem(404);
    assert_eq!(problem.code, "schedule.booking_not_found");
    ben.post(&format!("{path}/cancel"), json!({}))
        .await
        .assert_problem(404);
    gym.outsider.get(&path).await.assert_problem(404);
    gym.trainer.get(&path).await.assert_status(200);
}

#[tokio::test]
async fn cancelling_after_the_cut_off_is_late_and_a_cancelled_booking_stays_cancelled() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let early = gym.session(5).await;
    let booking: Value = book(&gym.member, &early).await.json();
    let path = format!(
        "/api/v1/bookings/{}/cancel",
        booking["id"].as_str().unwrap()
    );
    let cancelled: Value = gym
        .member
        .post(&path, json!({}))
        .await
        .assert_status(200)
        .json();
    assert_eq!(cancelled["status"], "cancelled");
    let problem = gym.member.post(&path, json!({})).await.assert_problem(409);
    assert_eq!(problem.code, "schedule.booking_not_active");
    assert_eq!(gym.session_row(&early).await.booked_count, 0);
    // Booking again after cancelling is allowed.
    book(&gym.member, &early).await.assert_status(201);

    // Default cut-off: two hours.
    let soon = gym.session(5).await;
    let booking: Value = book(&gym.member, &soon).await.json();
    gym.move_session(&soon, Utc::now() + Duration::minutes(90))
        .await;
    let cancelled: Value = gym
        .member
        .post(
            &format!(
                "/api/v1/bookings/{}/cancel",
                booking["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await
        .assert_status(200)
        .json();
    assert_eq!(cancelled["status"], "late_cancelled");

    let started = gym.session(5).await;
    let booking: Value = book(&gym.member, &started).await.json();
    gym.move_session(&started, Utc::now() - Duration::minutes(1))
        .await;
    let problem = gym
        .member
        .post(
            &format!(
                "/api/v1/bookings/{}/cancel",
                booking["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "schedule.session_started");
}

#[tokio::test]
async fn the_waitlist_promotes_in_order_and_notifies() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let session = gym.session(1).await;
    let not_full = gym
        .member
        .post(&format!("/api/v1/sessions/{session}/waitlist"), json!({}))
        .await
        .assert_problem(409);
    assert_eq!(not_full.code, "schedule.session_not_full");
    let booking: Value = book(&gym.member, &session).await.json();

    let (ana, ben, cleo) = (
        gym.new_member().await,
        gym.new_member().await,
        gym.new_member().await,
    );
    let mut entries = Vec::new();
    for (i, who) in [&ana, &ben, &cleo].into_iter().enumerate() {
        let entry: Value = who
            .post(&format!("/api/v1/sessions/{session}/waitlist"), json!({}))
            .await
            .assert_status(201)
            .json();
        assert_eq!(entry["position"], i + 1);
        entries.push(entry);
    }
    let problem = ana
        .post(&format!("/api/v1/sessions/{session}/waitlist"), json!({}))
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "schedule.already_waitlisted");
    let problem = gym
        .member
        .post(&format!("/api/v1/sessions/{session}/waitlist"), json!({}))
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "schedule.already_booked");
    let view: Value = cleo
        .get(&format!("/api/v1/sessions/{session}"))
        .await
        .json();
    assert_eq!(view["my_booking"]["state"], "waitlisted");
    assert_eq!(view["my_booking"]["position"], 3);
    assert_eq!(view["waitlist_count"], 3);

    // Ana leaves; Cleo moves up.
    let ana_entry = format!("/api/v1/waitlist/{}", entries[0]["id"].as_str().unwrap());
    ben.send(Method::DELETE, &ana_entry, |r| r)
        .await
        .assert_problem(404);
    ana.send(Method::DELETE, &ana_entry, |r| r)
        .await
        .assert_status(204);
    ana.send(Method::DELETE, &ana_entry, |r| r)
        .await
        .assert_problem(404);
    let cleo_entry: Value = cleo
        .get(&format!(
            "/api/v1/waitlist/{}",
            entries[2]["id"].as_str().unwrap()
        ))
        .await
        .assert_status(200)
        .json();
    assert_eq!(cleo_entry["position"], 2);

    // The member cancels: Ben, first in line, gets the place and hears of it.
    gym.member
        .post(
            &format!(
                "/api/v1/bookings/{}/cancel",
                booking["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await
        .assert_status(200);
    let view: Value = ben.get(&format!("/api/v1/sessions/{session}")).await.json();
    assert_eq!(view["my_booking"]["state"], "booked");
    assert_eq!(view["booked_count"], 1);
    assert_eq!(view["waitlist_count"], 1);
    let view: Value = cleo
        .get(&format!("/api/v1/sessions/{session}"))
        .await
        .json();
    assert_eq!(view["my_booking"]["position"], 1);
    let promoted = messages(&app, "schedule.waitlist_promoted").await;
    assert_eq!(promoted.len(), 1);
    assert_eq!(
        promoted[0].account_id.unwrap().to_string(),
        ben.account_id()
    );

    // A larger capacity takes Cleo in at once.
    gym.admin
        .send(Method::PATCH, &format!("/api/v1/sessions/{session}"), |r| {
            r.json(&json!({ "capacity": 2 }))
        })
        .await
        .assert_status(200);
    let view: Value = cleo
        .get(&format!("/api/v1/sessions/{session}"))
        .await
        .json();
    assert_eq!(view["my_booking"]["state"], "booked");
    assert_eq!(view["waitlist_count"], 0);
    assert_eq!(view["places_left"], 0);
}

#[tokio::test]
async fn the_waitlist_closes_before_the_start() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let session = gym.session(1).await;
    book(&gym.member, &session).await.assert_status(201);
    gym.move_session(&session, Utc::now() + Duration::minutes(20))
        .await;
    let ben = gym.new_member().await;
    let problem = ben
        .post(&format!("/api/v1/sessions/{session}/waitlist"), json!({}))
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "schedule.waitlist_closed");
}

#[tokio::test]
async fn staff_mark_attendance_and_the_place_stays_taken() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let session = gym.session(2).await;
    let booking: Value = book(&gym.member, &session).await.json();
    let path = format!(
        "/api/v1/bookings/{}/attendance",
        booking["id"].as_str().unwrap()
    );
    let problem = gym
        .trainer
        .post(&path, json!({ "status": "attended" }))
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "schedule.session_not_started");
    gym.move_session(&session, Utc::now() - Duration::minutes(10))
        .await;
    gym.member
        .post(&path, json!({ "status": "attended" }))
        .await
        .assert_problem(403);
    gym.outsider
        .post(&path, json!({ "status": "attended" }))
        .await
        .assert_problem(404);
    gym.trainer
        .post(&path, json!({ "status": "maybe" }))
        .await
        .assert_problem(422);
    let marked: Value = gym
        .trainer
        .post(&path, json!({ "status": "no_show" }))
        .await
        .assert_status(200)
        .json();
    assert_eq!(marked["status"], "no_show");
    let marked: Value = gym
        .admin
        .post(&path, json!({ "status": "attended" }))
        .await
        .assert_status(200)
        .json();
    assert_eq!(marked["status"], "attended");
    assert!(marked["attendance_marked_at"].is_string());
    let view: Value = gym
        .member
        .get(&format!("/api/v1/sessions/{session}"))
        .await
        .json();
    assert_eq!(view["status"], "in_progress");
    assert_eq!(view["booked_count"], 1);
    assert_eq!(view["my_booking"]["state"], "attended");
}

#[tokio::test]
async fn a_repeated_idempotency_key_replays_the_booking() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let session = gym.session(5).await;
    let path = format!("/api/v1/sessions/{session}/bookings");
    let send = || {
        gym.member.send(Method::POST, &path, |r| {
            r.header("Idempotency-Key", "book-1").json(&json!({}))
        })
    };
    let first = send().await.assert_status(201);
    let again = send().await.assert_status(201);
    assert_eq!(
        again.header("idempotency-replayed").as_deref(),
        Some("true")
    );
    assert_eq!(first.body, again.body);
    assert_eq!(gym.session_row(&session).await.booked_count, 1);
}

#[tokio::test]
async fn booking_rules_are_read_by_all_and_set_by_managers() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let defaults: Value = gym
        .member
        .get("/api/v1/schedule/settings")
        .await
        .assert_status(200)
        .json();
    assert_eq!(
        defaults,
        json!({ "booking_window_days": 14, "cancellation_cutoff_minutes": 120, "waitlist_close_minutes": 30 })
    );
    gym.expect_statuses(
        Method::GET,
        "/api/v1/schedule/settings",
        None,
        [200, 200, 200, 200, 404],
    )
    .await;
    let rules = json!({ "booking_window_days": 7, "cancellation_cutoff_minutes": 0, "waitlist_close_minutes": 60 });
    gym.expect_statuses(
        Method::PUT,
        "/api/v1/schedule/settings",
        Some(rules.clone()),
        [200, 200, 403, 403, 404],
    )
    .await;
    let stored: Value = gym.trainer.get("/api/v1/schedule/settings").await.json();
    assert_eq!(stored, rules);
    let problem = gym
        .owner
        .send(Method::PUT, "/api/v1/schedule/settings", |r| {
            r.json(&json!({ "booking_window_days": 0, "cancellation_cutoff_minutes": -1, "waitlist_close_minutes": 5000 }))
        })
        .await
        .assert_problem(422);
    assert_eq!(problem.errors.len(), 3);
}

#[tokio::test]
async fn roles_and_outsiders_on_booking_routes() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let session = gym.session(10).await;
    // Everyone in the gym books for themselves; the outsider gets 404.
    gym.expect_statuses(
        Method::POST,
        &format!("/api/v1/sessions/{session}/bookings"),
        Some(json!({})),
        [201, 201, 201, 201, 404],
    )
    .await;
    let full = gym.session(1).await;
    book(&gym.admin, &full).await.assert_status(201);
    gym.expect_statuses(
        Method::POST,
        &format!("/api/v1/sessions/{full}/waitlist"),
        Some(json!({})),
        [201, 409, 201, 201, 404],
    )
    .await;
    // Another gym's booking and waitlist entry are not found from here.
    let other = Gym::create(&app).await;
    let theirs = other.session(1).await;
    let booking: Value = book(&other.member, &theirs).await.json();
    let entry: Value = other
        .trainer
        .post(&format!("/api/v1/sessions/{theirs}/waitlist"), json!({}))
        .await
        .json();
    for path in [
        format!("/api/v1/bookings/{}", booking["id"].as_str().unwrap()),
        format!("/api/v1/waitlist/{}", entry["id"].as_str().unwrap()),
    ] {
        gym.owner.get(&path).await.assert_problem(404);
    }
    gym.owner
        .post(
            &format!(
                "/api/v1/bookings/{}/cancel",
                booking["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await
        .assert_problem(404);
    gym.owner
        .post(
            &format!(
                "/api/v1/bookings/{}/attendance",
                booking["id"].as_str().unwrap()
            ),
            json!({ "status": "attended" }),
        )
        .await
        .assert_problem(404);
    gym.owner
        .send(
            Method::DELETE,
            &format!("/api/v1/waitlist/{}", entry["id"].as_str().unwrap()),
            |r| r,
        )
        .await
        .assert_problem(404);
    // Booking another gym's member from here: not a member here.
    let problem = gym
        .admin
        .post(
            &format!("/api/v1/sessions/{session}/bookings"),
            json!({ "account_id": other.member.account_id() }),
        )
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "schedule.member_not_found");
}

#[tokio::test]
async fn a_deleted_account_frees_its_future_places_for_the_waitlist() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let session = gym.session(1).await;
    let leaving = gym.new_member().await;
    let booking: Value = book(&leaving, &session).await.assert_status(201).json();
    gym.member
        .post(&format!("/api/v1/sessions/{session}/waitlist"), json!({}))
        .await
        .assert_status(201);
    leaving
        .send(Method::DELETE, "/api/v1/me", |r| {
            r.json(&json!({ "password": palestra_testkit::PASSWORD }))
        })
        .await
        .assert_status(204);
    let view: Value = gym
        .member
        .get(&format!("/api/v1/sessions/{session}"))
        .await
        .json();
    assert_eq!(view["my_booking"]["state"], "booked");
    assert_eq!(view["booked_count"], 1);
    let old: Value = gym
        .admin
        .get(&format!(
            "/api/v1/bookings/{}",
            booking["id"].as_str().unwrap()
        ))
        .await
        .json();
    assert_eq!(old["status"], "cancelled");
}

#[tokio::test]
async fn someone_who_left_the_gym_while_waiting_is_skipped() {
    use palestra_core::entities::membership;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let app = app().await;
    let gym = Gym::create(&app).await;
    let session = gym.session(1).await;
    let booking: Value = book(&gym.member, &session).await.json();
    let (gone, next) = (gym.new_member().await, gym.new_member().await);
    for who in [&gone, &next] {
        who.post(&format!("/api/v1/sessions/{session}/waitlist"), json!({}))
            .await
            .assert_status(201);
    }
    membership::Entity::update_many()
        .col_expr(membership::Column::Status, Expr::value("removed"))
        .filter(membership::Column::AccountId.eq(gone.account_id().parse::<uuid::Uuid>().unwrap()))
        .exec(&app.db)
        .await
        .unwrap();
    gym.member
        .post(
            &format!(
                "/api/v1/bookings/{}/cancel",
                booking["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await
        .assert_status(200);
    let view: Value = next
        .get(&format!("/api/v1/sessions/{session}"))
        .await
        .json();
    assert_eq!(view["my_booking"]["state"], "booked");
    assert_eq!(view["waitlist_count"], 0);
}
