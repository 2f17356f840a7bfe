//! Opening hours: defaults created with the gym, the weekly template, special days, the
//! effective hours of a range in the gym's zone, validation, roles and tenant isolation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly at the first surprise"
)]

mod extras;

use reqwest::Method;
use serde_json::{Value, json};

use extras::{Gym, app};

#[tokio::test]
async fn a_new_gym_opens_with_default_hours() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let weekly: Value = gym
        .member
        .get("/api/v1/hours/weekly")
        .await
        .assert_status(200)
        .json();
    assert_eq!(weekly["time_zone"], "Europe/Madrid");
    assert_eq!(
        weekly["monday"],
        json!([{ "opens": "06:00", "closes": "22:00" }])
    );
    assert_eq!(
        weekly["sunday"],
        json!([{ "opens": "09:00", "closes": "14:00" }])
    );
    assert!(
        weekly["updated_at"].is_string(),
        "the defaults are stored: {weekly}"
    );
}

#[tokio::test]
async fn effective_hours_follow_the_template_special_days_and_dst() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let template = json!({
        "monday": [{ "opens": "14:00", "closes": "20:00" }, { "opens": "07:00", "closes": "12:00" }],
        "sunday": [{ "opens": "00:00", "closes": "24:00" }],
    });
    let stored: Value = gym
        .admin
        .send(Method::PUT, "/api/v1/hours/weekly", |r| r.json(&template))
        .await
        .assert_status(200)
        .json();
    // Kept in opening order; omitted days are closed.
    assert_eq!(stored["monday"][0]["opens"], "07:00");
    assert_eq!(stored["tuesday"], json!([]));

    gym.owner
        .post(
            "/api/v1/hours/special-days",
            json!({ "date": "2026-03-30", "closed": true, "description": "Staff training" }),
        )
        .await
        .assert_status(201);

    // 2026-03-29 is the Sunday Madrid moves to summer time: a 23-hour day.
    let hours: Value = gym
        .member
        .get("/api/v1/hours?from=2026-03-29&to=2026-03-31")
        .await
        .assert_status(200)
        .json();
    let days = hours["days"].as_array().unwrap();
    assert_eq!(days.len(), 3);
    assert_eq!(days[0]["weekday"], "sunday");
    assert_eq!(days[0]["intervals"][0]["opens_at"], "2026-03-28T23:00:00Z");
    assert_eq!(days[0]["intervals"][0]["closes_at"], "2026-03-29T22:00:00Z");
    assert_eq!(days[1]["closed"], true);
    assert_eq!(days[1]["special"], true);
    assert_eq!(days[1]["description"], "Staff training");
    assert_eq!(days[2]["weekday"], "tuesday");
    assert_eq!(days[2]["closed"], true);
    assert_eq!(days[2]["special"], false);

    let monday: Value = gym
        .member
        .get("/api/v1/hours?from=2026-04-06&to=2026-04-06")
        .await
        .json();
    let intervals = &monday["days"][0]["intervals"];
    assert_eq!(intervals[0]["opens_at"], "2026-04-06T05:00:00Z");
    assert_eq!(intervals[1]["closes_at"], "2026-04-06T18:00:00Z");
}

#[tokio::test]
async fn bad_intervals_are_refused_with_their_field_paths() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let cases = [
        (
            json!({ "monday": [{ "opens": "10:00", "closes": "09:00" }] }),
            "monday[0].closes",
        ),
        (
            json!({ "friday": [{ "opens": "25:00", "closes": "26:00" }] }),
            "friday[0].opens",
        ),
        (
            json!({ "sunday": [{ "opens": "08:00", "closes": "12:00" }, { "opens": "11:00", "closes": "13:00" }] }),
            "sunday[1]",
        ),
    ];
    for (body, field) in cases {
        let problem = gym
            .owner
            .send(Method::PUT, "/api/v1/hours/weekly", |r| r.json(&body))
            .await
            .assert_problem(422);
        assert_eq!(problem.code, "request.validation_failed");
        assert_eq!(problem.errors[0].field, field, "{body}");
    }
    let problem = gym
        .owner
        .post(
            "/api/v1/hours/special-days",
            json!({ "date": "2026-12-25", "closed": true, "intervals": [{ "opens": "10:00", "closes": "12:00" }], "description": "Christmas" }),
        )
        .await
        .assert_problem(422);
    assert_eq!(problem.errors[0].field, "intervals");
    let problem = gym
        .member
        .get("/api/v1/hours?from=2026-01-10&to=2026-01-01")
        .await
        .assert_problem(422);
    assert_eq!(problem.errors[0].field, "to");
    gym.member
        .get("/api/v1/hours?from=2026-01-01&to=2026-06-01")
        .await
        .assert_problem(422);
}

#[tokio::test]
async fn special_days_are_managed_one_per_date() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let day = json!({ "date": "2026-12-24", "closed": false,
        "intervals": [{ "opens": "08:00", "closes": "14:00" }], "description": "Christmas Eve" });
    let created = gym
        .owner
        .post("/api/v1/hours/special-days", day.clone())
        .await
        .assert_status(201);
    let location = created.header("location").unwrap();
    let id = created.json::<Value>()["id"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("/api/v1/hours/special-days/{id}"));
    let problem = gym
        .admin
        .post("/api/v1/hours/special-days", day)
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "schedule.special_day_exists");

    let changed: Value = gym
        .admin
        .send(Method::PUT, &location, |r| {
            r.json(&json!({ "date": "2026-12-24", "closed": true, "description": "Closed for Christmas Eve" }))
        })
        .await
        .assert_status(200)
        .json();
    assert_eq!(changed["closed"], true);
    assert_eq!(changed["intervals"], json!([]));
    let listed: Value = gym
        .member
        .get("/api/v1/hours/special-days?from=2026-12-01&to=2026-12-31")
        .await
        .assert_status(200)
        .json();
    assert_eq!(listed.as_array().unwrap().len(), 1);

    gym.owner
        .send(Method::DELETE, &location, |r| r)
        .await
        .assert_status(204);
    let problem = gym.member.get(&location).await.assert_problem(404);
    assert_eq!(problem.code, "schedule.special_day_not_found");
}

#[tokio::test]
async fn hours_routes_answer_each_role_and_hide_the_gym_from_outsiders() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let created: Value = gym
        .owner
        .post(
            "/api/v1/hours/special-days",
            json!({ "date": "2027-01-01", "closed": true, "description": "New Year" }),
        )
        .await
        .assert_status(201)
        .json();
    let day = format!(
        "/api/v1/hours/special-days/{}",
        created["id"].as_str().unwrap()
    );
    let weekly = json!({ "monday": [{ "opens": "06:00", "closes": "22:00" }] });
    let special = json!({ "date": "2027-01-01", "closed": true, "description": "New Year" });
    let rows: [(Method, &str, Option<Value>, [u16; 5]); 7] = [
        (
            Method::GET,
            "/api/v1/hours",
            None,
            [200, 200, 200, 200, 404],
        ),
        (
            Method::GET,
            "/api/v1/hours/weekly",
            None,
            [200, 200, 200, 200, 404],
        ),
        (
            Method::PUT,
            "/api/v1/hours/weekly",
            Some(weekly),
            [200, 200, 403, 403, 404],
        ),
        (
            Method::GET,
            "/api/v1/hours/special-days",
            None,
            [200, 200, 200, 200, 404],
        ),
        (Method::GET, &day, None, [200, 200, 200, 200, 404]),
        (Method::PUT, &day, Some(special), [200, 200, 403, 403, 404]),
        (
            Method::POST,
            "/api/v1/hours/special-days",
            Some(json!({ "date": "2027-01-06", "closed": true, "description": "Epiphany" })),
            // The owner creates it; the admin then meets the taken date.
            [201, 409, 403, 403, 404],
        ),
    ];
    for (method, path, body, expect) in rows {
        gym.expect_statuses(method, path, body, expect).await;
    }
    gym.expect_statuses(Method::DELETE, &day, None, [204, 404, 403, 403, 404])
        .await;
}
