//! Sessions and series: one-off sessions, weekly series in the gym's wall time across DST,
//! edits of one or the following occurrences, cancellations with notifications, the timetable.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly at the first surprise"
)]

mod support;

use chrono::{DateTime, Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use support::{Gym, app, book, messages};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test]
async fn a_weekly_series_stays_at_seven_local_across_the_spring_change() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let class = gym.class(12).await;
    // Madrid moves to summer time on Sunday 28 March 2027.
    let series: Value = gym
        .admin
        .post(
            "/api/v1/series",
            json!({ "class_id": class, "weekdays": ["MO", "TH"], "start_time": "07:00",
                    "starts_on": "2027-03-15", "count": 6, "room": "Studio 2" }),
        )
        .await
        .assert_status(201)
        .json();
    assert_eq!(
        series["rrule"],
        "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TH;COUNT=6"
    );
    assert_eq!(series["sessions_affected"], 6);
    assert_eq!(series["time_zone"], "Europe/Madrid");

    let page: Value = gym
        .member
        .get(&format!(
            "/api/v1/sessions?from=2027-03-14T00:00:00Z&to=2027-04-05T00:00:00Z&class_id={class}"
        ))
        .await
        .assert_status(200)
        .json();
    let items = page["items"].as_array().unwrap();
    let local: Vec<&str> = items
        .iter()
        .map(|s| s["starts_at_local"].as_str().unwrap())
        .collect();
    assert_eq!(
        local,
        [
            "2027-03-15T07:00:00+01:00",
            "2027-03-18T07:00:00+01:00",
            "2027-03-22T07:00:00+01:00",
            "2027-03-25T07:00:00+01:00",
            "2027-03-29T07:00:00+02:00",
            "2027-04-01T07:00:00+02:00",
        ]
    );
    assert_eq!(
        at(items[4]["starts_at"].as_str().unwrap()),
        at("2027-03-29T05:00:00Z")
    );
    let first = &items[0];
    assert_eq!(first["class"]["name"], "Spinning");
    assert_eq!(first["trainer"]["account_id"], gym.trainer.account_id());
    assert_eq!(first["trainer"]["full_name"], "Test Person");
    assert_eq!(first["room"], "Studio 2");
    assert_eq!(first["capacity"], 12);
    assert_eq!(first["places_left"], 12);
    assert_eq!(first["status"], "scheduled");
    assert_eq!(first["series_id"], series["id"]);
    assert!(first["my_booking"].is_null());
    let fetched: Value = gym
        .member
        .get(&format!(
            "/api/v1/series/{}",
            series["id"].as_str().unwrap()
        ))
        .await
        .assert_status(200)
        .json();
    assert_eq!(fetched["weekdays"], json!(["MO", "TH"]));
}

#[tokio::test]
async fn series_rules_are_validated() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let class = gym.class(12).await;
    let problem = gym
        .admin
        .post(
            "/api/v1/series",
            json!({ "class_id": class, "weekdays": ["XX"], "start_time": "25:00",
                    "starts_on": "2027-03-15", "until": "2029-01-01", "interval_weeks": 0 }),
        )
        .await
        .assert_problem(422);
    let fields: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["weekdays[0]", "start_time", "interval_weeks", "until"]
    );
    let problem = gym
        .admin
        .post(
            "/api/v1/series",
            json!({ "class_id": class, "weekdays": ["MO"], "start_time": "07:00",
                    "starts_on": "2027-03-15", "until": "2027-04-01", "count": 3 }),
        )
        .await
        .assert_problem(422);
    assert_eq!(problem.errors[0].field, "until");
    let problem = gym
        .admin
        .post(
            "/api/v1/series",
            json!({ "class_id": class, "weekdays": ["MO"], "start_time": "07:00",
                    "starts_on": "2020-01-06", "count": 3 }),
        )
        .await
        .assert_problem(422);
    assert_eq!(problem.code, "schedule.starts_in_past");
    let problem = gym
        .admin
        .post(
            "/api/v1/series",
            json!({ "class_id": class, "weekdays": ["MO"], "start_time": "07:00",
                    "starts_on": "2027-03-15", "count": 3, "trainer_id": gym.member.account_id() }),
        )
        .await
        .assert_problem(422);
    assert_eq!(problem.code, "schedule.trainer_not_eligible");
}

#[tokio::test]
async fn editing_this_and_following_moves_later_occurrences_in_wall_time_and_tells_the_booked() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let class = gym.class(12).await;
    let starts_on = (Utc::now() + Duration::days(2)).date_naive();
    let series: Value = gym
        .admin
        .post(
            "/api/v1/series",
            json!({ "class_id": class, "weekdays": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"],
                    "start_time": "07:00", "starts_on": starts_on, "count": 5 }),
        )
        .await
        .assert_status(201)
        .json();
    let page: Value = gym
        .member
        .get(&format!(
            "/api/v1/sessions?class_id={class}&to={}",
            (Utc::now() + Duration::days(10)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ))
        .await
        .assert_status(200)
        .json();
    let ids: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 5);
    book(&gym.member, &ids[3]).await.assert_status(201);

    // This occurrence only: another room.
    let edited: Value = gym
        .admin
        .send(
            Method::PATCH,
            &format!("/api/v1/sessions/{}", ids[0]),
            |r| r.json(&json!({ "room": "Garden", "notes": "Bring water" })),
        )
        .await
        .assert_status(200)
        .json();
    assert_eq!(edited["room"], "Garden");
    assert_eq!(edited["sequence"], 1);

    // From the third on: 18:30 local, 45 minutes.
    gym.owner
        .send(Method::PATCH, &format!("/api/v1/sessions/{}", ids[2]), |r| {
            r.json(&json!({ "scope": "this_and_following", "start_time": "18:30", "duration_minutes": 45 }))
        })
        .await
        .assert_status(200);
    for (i, id) in ids.iter().enumerate() {
        let s: Value = gym
            .member
            .get(&format!("/api/v1/sessions/{id}"))
            .await
            .assert_status(200)
            .json();
        let local = s["starts_at_local"].as_str().unwrap();
        let expected = if i < 2 { "T07:00:00" } else { "T18:30:00" };
        assert!(local.contains(expected), "session {i}: {local}");
        let length = at(s["ends_at"].as_str().unwrap()) - at(s["starts_at"].as_str().unwrap());
        assert_eq!(length, Duration::minutes(if i < 2 { 60 } else { 45 }));
        assert_eq!(
            s["room"],
            if i == 0 { json!("Garden") } else { Value::Null }
        );
    }
    let changed = messages(&app, "schedule.session_changed").await;
    assert_eq!(
        changed.len(),
        1,
        "only the booked member of a moved session hears"
    );
    assert_eq!(
        changed[0].account_id.unwrap().to_string(),
        gym.member.account_id()
    );
    let template: Value = gym
        .member
        .get(&format!(
            "/api/v1/series/{}",
            series["id"].as_str().unwrap()
        ))
        .await
        .json();
    assert_eq!(template["start_time"], "18:30");

    // A capacity below the places booked is refused.
    let problem = gym
        .admin
        .send(
            Method::PATCH,
            &format!("/api/v1/sessions/{}", ids[3]),
            |r| r.json(&json!({ "capacity": 0 })),
        )
        .await
        .assert_problem(422);
    assert_eq!(problem.errors[0].field, "capacity");
    let second = gym.new_member().await;
    book(&second, &ids[3]).await.assert_status(201);
    let problem = gym
        .admin
        .send(
            Method::PATCH,
            &format!("/api/v1/sessions/{}", ids[3]),
            |r| r.json(&json!({ "capacity": 1 })),
        )
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "schedule.capacity_below_booked");
}

#[tokio::test]
async fn cancelling_an_occurrence_or_the_series_ends_bookings_and_notifies() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let class = gym.class(12).await;
    let starts_on = (Utc::now() + Duration::days(2)).date_naive();
    let series: Value = gym
        .admin
        .post(
            "/api/v1/series",
            json!({ "class_id": class, "weekdays": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"],
                    "start_time": "09:15", "starts_on": starts_on, "count": 4 }),
        )
        .await
        .assert_status(201)
        .json();
    let series_id = series["id"].as_str().unwrap();
    let page: Value = gym
        .member
        .get(&format!("/api/v1/sessions?class_id={class}"))
        .await
        .json();
    let ids: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 4);
    let booking: Value = book(&gym.member, &ids[0]).await.assert_status(201).json();
    book(&gym.member, &ids[2]).await.assert_status(201);

    let result: Value = gym
        .admin
        .post(
            &format!("/api/v1/sessions/{}/cancel", ids[0]),
            json!({ "reason": "Trainer ill" }),
        )
        .await
        .assert_status(200)
        .json();
    assert_eq!(
        result,
        json!({ "sessions_cancelled": 1, "bookings_cancelled": 1 })
    );
    let s: Value = gym
        .member
        .get(&format!("/api/v1/sessions/{}", ids[0]))
        .await
        .json();
    assert_eq!(s["status"], "cancelled");
    assert_eq!(s["places_left"], 0);
    assert!(s["my_booking"].is_null());
    let b: Value = gym
        .member
        .get(&format!(
            "/api/v1/bookings/{}",
            booking["id"].as_str().unwrap()
        ))
        .await
        .json();
    assert_eq!(b["status"], "cancelled");
    let problem = book(&gym.member, &ids[0]).await.assert_problem(409);
    assert_eq!(problem.code, "schedule.session_cancelled");
    let problem = gym
        .admin
        .post(&format!("/api/v1/sessions/{}/cancel", ids[0]), json!({}))
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "schedule.session_cancelled");

    let result: Value = gym
        .owner
        .post(&format!("/api/v1/series/{series_id}/cancel"), json!({}))
        .await
        .assert_status(200)
        .json();
    assert_eq!(
        result,
        json!({ "sessions_cancelled": 3, "bookings_cancelled": 1 })
    );
    let notices = messages(&app, "schedule.session_cancelled").await;
    assert_eq!(notices.len(), 2);
    assert!(
        notices[0].body.contains("Trainer ill"),
        "{}",
        notices[0].body
    );
    assert_eq!(notices[0].channel, "push");
    let problem = gym
        .owner
        .post(&format!("/api/v1/series/{series_id}/cancel"), json!({}))
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "schedule.series_cancelled");
}

#[tokio::test]
async fn the_timetable_defaults_to_the_next_week_and_pages_and_filters() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let now = Utc::now();
    let soon = gym.session_at(5, now + Duration::days(1)).await;
    let later = gym.session_at(5, now + Duration::days(2)).await;
    let _next_month = gym.session_at(5, now + Duration::days(20)).await;
    book(&gym.member, &later).await.assert_status(201);

    let page: Value = gym
        .member
        .get("/api/v1/sessions")
        .await
        .assert_status(200)
        .json();
    let ids: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [soon.as_str(), later.as_str()]);
    assert_eq!(page["items"][1]["my_booking"]["state"], "booked");
    assert_eq!(page["items"][1]["places_left"], 4);
    assert_eq!(page["items"][1]["booked_count"], 1);
    // The trainer sees the session without a booking of their own.
    let page: Value = gym.trainer.get("/api/v1/sessions").await.json();
    assert!(page["items"][1]["my_booking"].is_null());

    let first: Value = gym.member.get("/api/v1/sessions?limit=1").await.json();
    assert_eq!(first["items"][0]["id"], soon.as_str());
    let cursor = first["next_cursor"].as_str().unwrap();
    let second: Value = gym
        .member
        .get(&format!("/api/v1/sessions?limit=1&cursor={cursor}"))
        .await
        .json();
    assert_eq!(second["items"][0]["id"], later.as_str());
    assert!(second["next_cursor"].is_null());

    let trainer_page: Value = gym
        .member
        .get(&format!(
            "/api/v1/sessions?trainer_id={}",
            gym.member.account_id()
        ))
        .await
        .json();
    assert_eq!(trainer_page["items"], json!([]));

    for query in [
        "from=2027-01-10T00:00:00Z&to=2027-01-01T00:00:00Z",
        "from=2027-01-01T00:00:00Z&to=2027-03-01T00:00:00Z",
    ] {
        let problem = gym
            .member
            .get(&format!("/api/v1/sessions?{query}"))
            .await
            .assert_problem(400);
        assert_eq!(problem.code, "schedule.invalid_range");
    }
    gym.member
        .get("/api/v1/sessions?limit=0")
        .await
        .assert_problem(400);
    gym.member
        .get("/api/v1/sessions?cursor=nonsense")
        .await
        .assert_problem(400);
    gym.member
        .get("/api/v1/sessions?class_id=nonsense")
        .await
        .assert_problem(400);
}

#[tokio::test]
async fn roles_and_outsiders_on_session_routes() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let class = gym.class(5).await;
    let session = gym.session(5).await;
    let starts_at = Utc::now() + Duration::days(4);
    gym.expect_statuses(
        Method::GET,
        "/api/v1/sessions",
        None,
        [200, 200, 200, 200, 404],
    )
    .await;
    gym.expect_statuses(
        Method::GET,
        &format!("/api/v1/sessions/{session}"),
        None,
        [200, 200, 200, 200, 404],
    )
    .await;
    gym.expect_statuses(
        Method::POST,
        "/api/v1/sessions",
        Some(json!({ "class_id": class, "starts_at": starts_at })),
        [201, 201, 403, 403, 404],
    )
    .await;
    gym.expect_statuses(
        Method::PATCH,
        &format!("/api/v1/sessions/{session}"),
        Some(json!({ "notes": "Mats provided" })),
        [200, 200, 403, 403, 404],
    )
    .await;
    let series_body = json!({ "class_id": class, "weekdays": ["FR"], "start_time": "19:00",
                              "starts_on": "2027-06-01", "count": 2 });
    gym.expect_statuses(
        Method::POST,
        "/api/v1/series",
        Some(series_body.clone()),
        [201, 201, 403, 403, 404],
    )
    .await;
    let series: Value = gym.admin.post("/api/v1/series", series_body).await.json();
    let series = series["id"].as_str().unwrap();
    gym.expect_statuses(
        Method::GET,
        &format!("/api/v1/series/{series}"),
        None,
        [200, 200, 200, 200, 404],
    )
    .await;
    gym.expect_statuses(
        Method::POST,
        &format!("/api/v1/series/{series}/cancel"),
        Some(json!({})),
        [200, 409, 403, 403, 404],
    )
    .await;
    gym.expect_statuses(
        Method::POST,
        &format!("/api/v1/sessions/{session}/cancel"),
        Some(json!({})),
        [200, 409, 403, 403, 404],
    )
    .await;

    // Another gym's session is not found from here, even by its owner.
    let other = Gym::create(&app).await;
    let theirs = other.session(5).await;
    let problem = gym
        .owner
        .get(&format!("/api/v1/sessions/{theirs}"))
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "schedule.session_not_found");
    let page: Value = gym.owner.get("/api/v1/sessions").await.json();
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["id"] != theirs.as_str()),
        "another gym's sessions never list here"
    );
}

#[tokio::test]
async fn a_start_skipped_by_the_spring_change_moves_forward_and_a_repeated_one_is_the_first() {
    let app = app().await;
    let owner = app.signup().await;
    let body: Value = owner
        .post(
            "/api/v1/gyms",
            json!({ "name": "NYC Gym", "time_zone": "America/New_York", "currency": "USD" }),
        )
        .await
        .assert_status(201)
        .json();
    let gym = body["id"].as_str().unwrap().to_owned();
    let owner = owner.in_tenant(&gym);
    let trainer = app.signup_in(&gym, palestra_core::Role::Trainer).await;
    let class: Value = owner
        .post(
            "/api/v1/classes",
            json!({ "name": "Night owls", "duration_minutes": 60, "capacity": 8,
                    "default_trainer_id": trainer.account_id() }),
        )
        .await
        .assert_status(201)
        .json();
    let class = class["id"].as_str().unwrap();
    // New York skips 02:00-03:00 on Sunday 14 March 2027 and repeats 01:00-02:00 on 7 November.
    for (start_time, starts_on, expected) in [
        (
            "02:30",
            "2027-03-07",
            [
                "2027-03-07T02:30:00-05:00",
                "2027-03-14T03:30:00-04:00",
                "2027-03-21T02:30:00-04:00",
            ],
        ),
        (
            "01:30",
            "2027-10-31",
            [
                "2027-10-31T01:30:00-04:00",
                "2027-11-07T01:30:00-04:00",
                "2027-11-14T01:30:00-05:00",
            ],
        ),
    ] {
        owner
            .post(
                "/api/v1/series",
                json!({ "class_id": class, "weekdays": ["SU"], "start_time": start_time,
                        "starts_on": starts_on, "count": 3 }),
            )
            .await
            .assert_status(201);
        let page: Value = owner
            .get(&format!(
                "/api/v1/sessions?from={starts_on}T00:00:00Z&to={}",
                (at(&format!("{starts_on}T00:00:00Z")) + Duration::days(22))
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ))
            .await
            .assert_status(200)
            .json();
        let local: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["starts_at_local"].as_str().unwrap())
            .collect();
        assert_eq!(local, expected);
    }
}
