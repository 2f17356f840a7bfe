//! Availability, appointment types and appointments through the API: booking, buffers, the
//! race for one slot, recurring series, cancellation, and who may do what where.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test loudly at the first surprise"
)]

mod support;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone as _, Utc, Weekday};
use chrono_tz::Europe::Madrid;
use futures_util::future::join_all;
use palestra_testkit::Actor;
use reqwest::Method;
use serde_json::{Value, json};

use support::{app, workspace};

/// A Monday at least a week ahead, at a Madrid wall time, as UTC.
fn monday_at(hour: u32, minute: u32) -> DateTime<Utc> {
    let mut date = Utc::now().with_timezone(&Madrid).date_naive() + Days::new(7);
    while date.weekday() != Weekday::Mon {
        date = date + Days::new(1);
    }
    at(date, hour, minute)
}

fn at(date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    Madrid
        .from_local_datetime(&date.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap()))
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

async fn create_type(owner: &Actor<'_>, body: Value) -> String {
    let body: Value = owner
        .post("/api/v1/appointment-types", body)
        .await
        .assert_status(201)
        .json();
    body["id"].as_str().unwrap().to_owned()
}

async fn pt_type(owner: &Actor<'_>) -> String {
    create_type(
        owner,
        json!({
            "name": "Personal training",
            "duration_minutes": 60,
            "buffer_before_minutes": 15,
            "buffer_after_minutes": 15,
            "price_minor": 5000
        }),
    )
    .await
}

async fn book(
    actor: &Actor<'_>,
    type_id: &str,
    client: Option<&str>,
    start: DateTime<Utc>,
) -> palestra_testkit::TestResponse {
    let mut body = json!({ "type_id": type_id, "starts_at": start });
    if let Some(client) = client {
        body["client_id"] = json!(client);
    }
    actor.post("/api/v1/appointments", body).await
}

#[tokio::test]
async fn a_taken_slot_is_refused_buffers_included_with_the_next_free_slots() {
    let app = app().await;
    let ws = workspace(&app).await;
    let (ana, ben) = (ws.client(&app).await, ws.client(&app).await);
    let kind = pt_type(&ws.owner).await;
    let ten = monday_at(10, 0);
    let first: Value = book(&ws.owner, &kind, Some(ana.account_id()), ten)
        .await
        .assert_status(201)
        .json();
    assert_eq!(first["status"], "booked");
    // Inside the session, and inside the buffers on either side.
    for minutes in [30, 75, -75] {
        let start = ten + chrono::Duration::minutes(minutes);
        let problem = book(&ws.owner, &kind, Some(ben.account_id()), start)
            .await
            .assert_problem(409);
        assert_eq!(problem.code, "trainer.slot_taken", "{minutes}");
        let next = problem.extensions["next_slots"].as_array().unwrap();
        assert!(!next.is_empty());
        let next_start: DateTime<Utc> = next[0]["starts_at"].as_str().unwrap().parse().unwrap();
        assert!(
            next_start >= ten + chrono::Duration::minutes(90)
                || next_start + chrono::Duration::minutes(90) <= ten
        );
    }
    // Buffers just touching are fine.
    book(
        &ws.owner,
        &kind,
        Some(ben.account_id()),
        ten + chrono::Duration::minutes(90),
    )
    .await
    .assert_status(201);
    // The slots around them are gone from availability.
    let slots: Value = ana
        .get(&format!(
            "/api/v1/availability?type={kind}&from={}&to={}&tz=America/New_York",
            ten.with_timezone(&Madrid).date_naive(),
            ten.with_timezone(&Madrid).date_naive()
        ))
        .await
        .assert_status(200)
        .json();
    assert_eq!(slots["time_zone"], "America/New_York");
    assert_eq!(slots["trainer_time_zone"], "Europe/Madrid");
    let starts: Vec<DateTime<Utc>> = slots["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["starts_at"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(!starts.is_empty());
    for s in &starts {
        let blocked = (
            *s - chrono::Duration::minutes(15),
            *s + chrono::Duration::minutes(75),
        );
        let taken = (
            ten - chrono::Duration::minutes(15),
            ten + chrono::Duration::minutes(165),
        );
        assert!(blocked.1 <= taken.0 || blocked.0 >= taken.1, "{s} overlaps");
    }
    let local = slots["slots"][0]["local_starts_at"].as_str().unwrap();
    assert!(
        local.ends_with("-05:00") || local.ends_with("-04:00"),
        "{local}"
    );
}

#[tokio::test]
async fn twenty_clients_racing_for_one_slot_leave_exactly_one_booking() {
    let app = app().await;
    let ws = workspace(&app).await;
    let kind = pt_type(&ws.owner).await;
    let mut clients = Vec::new();
    for _ in 0..20 {
        clients.push(ws.client(&app).await);
    }
    let start = monday_at(11, 0);
    let responses = join_all(clients.iter().enumerate().map(|(i, c)| {
        let kind = kind.clone();
        // Half take the very slot, half one that overlaps it through the buffers.
        let start = if i % 2 == 0 {
            start
        } else {
            start + chrono::Duration::minutes(45)
        };
        async move { book(c, &kind, None, start).await }
    }))
    .await;
    let won = responses
        .iter()
        .filter(|r| r.status.as_u16() == 201)
        .count();
    let lost: Vec<_> = responses
        .iter()
        .filter(|r| r.status.as_u16() == 409)
        .collect();
    assert_eq!(
        won,
        1,
        "{:?}",
        responses.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert_eq!(lost.len(), 19);
    for r in lost {
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["code"], "trainer.slot_taken");
    }
    let page: Value = ws
        .owner
        .get("/api/v1/appointments?status=booked")
        .await
        .assert_status(200)
        .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn clients_book_only_themselves_within_the_rules_and_see_only_their_own() {
    let app = app().await;
    let ws = workspace(&app).await;
    let (ana, ben) = (ws.client(&app).await, ws.client(&app).await);
    let kind = pt_type(&ws.owner).await;
    let private = create_type(
        &ws.owner,
        json!({ "name": "Assessment", "duration_minutes": 30, "self_bookable": false }),
    )
    .await;
    let monday = monday_at(9, 0);
    assert_eq!(
        book(&ana, &private, None, monday)
            .await
            .assert_problem(403)
            .code,
        "trainer.not_self_bookable"
    );
    // Saturday: outside the default Monday-to-Friday hours.
    let saturday = monday - chrono::Duration::days(2);
    assert_eq!(
        book(&ana, &kind, None, saturday)
            .await
            .assert_problem(409)
            .code,
        "trainer.outside_working_hours"
    );
    assert_eq!(
        book(&ana, &kind, Some(ben.account_id()), monday)
            .await
            .assert_problem(404)
            .code,
        "trainer.client_not_found"
    );
    // Clients see only self-bookable types.
    let types: Value = ana
        .get("/api/v1/appointment-types")
        .await
        .assert_status(200)
        .json();
    assert_eq!(types.as_array().unwrap().len(), 1);
    let mine: Value = book(&ana, &kind, None, monday)
        .await
        .assert_status(201)
        .json();
    let id = mine["id"].as_str().unwrap();
    ben.get(&format!("/api/v1/appointments/{id}"))
        .await
        .assert_problem(404);
    let bens: Value = ben
        .get("/api/v1/appointments")
        .await
        .assert_status(200)
        .json();
    assert!(bens["items"].as_array().unwrap().is_empty());
    let anas: Value = ana
        .get("/api/v1/appointments")
        .await
        .assert_status(200)
        .json();
    assert_eq!(anas["items"].as_array().unwrap().len(), 1);
    // Ben cannot cancel Ana's.
    ben.post(&format!("/api/v1/appointments/{id}/cancel"), json!({}))
        .await
        .assert_problem(404);
    // Ana cancels in time: cancelled, not late.
    let cancelled: Value = ana
        .post(
            &format!("/api/v1/appointments/{id}/cancel"),
            json!({ "reason": "ill" }),
        )
        .await
        .assert_status(200)
        .json();
    assert_eq!(cancelled["status"], "cancelled");
    // The freed slot can be booked again.
    book(&ben, &kind, None, monday).await.assert_status(201);
}

#[tokio::test]
async fn a_cancellation_after_the_cut_off_is_late_and_past_sessions_are_marked() {
    let app = app().await;
    let ws = workspace(&app).await;
    let ana = ws.client(&app).await;
    let kind = pt_type(&ws.owner).await;
    // Staff may book inside the client's cut-off (24 h by default).
    let soon = Utc::now() + chrono::Duration::hours(3);
    let soon = soon - chrono::Duration::seconds(i64::from(soon.timestamp() as i32 % 60));
    let appointment: Value = book(&ws.owner, &kind, Some(ana.account_id()), soon)
        .await
        .assert_status(201)
        .json();
    let id = appointment["id"].as_str().unwrap();
    let late: Value = ana
        .post(&format!("/api/v1/appointments/{id}/cancel"), json!({}))
        .await
        .assert_status(200)
        .json();
    assert_eq!(late["status"], "late_cancelled");
    ana.post(&format!("/api/v1/appointments/{id}/cancel"), json!({}))
        .await
        .assert_problem(409);

    // A past session: completed or no-show, by staff only, once.
    let past = Utc::now() - chrono::Duration::hours(30);
    let done: Value = book(&ws.owner, &kind, Some(ana.account_id()), past)
        .await
        .assert_status(201)
        .json();
    let done = done["id"].as_str().unwrap();
    ana.post(&format!("/api/v1/appointments/{done}/complete"), json!({}))
        .await
        .assert_problem(403);
    let marked: Value = ws
        .owner
        .post(&format!("/api/v1/appointments/{done}/no-show"), json!({}))
        .await
        .assert_status(200)
        .json();
    assert_eq!(marked["status"], "no_show");
    assert_eq!(
        ws.owner
            .post(&format!("/api/v1/appointments/{done}/complete"), json!({}))
            .await
            .assert_problem(409)
            .code,
        "trainer.appointment_not_active"
    );
    // A future one cannot be marked yet.
    let future: Value = book(&ws.owner, &kind, Some(ana.account_id()), monday_at(14, 0))
        .await
        .assert_status(201)
        .json();
    let future = future["id"].as_str().unwrap();
    assert_eq!(
        ws.owner
            .post(
                &format!("/api/v1/appointments/{future}/complete"),
                json!({})
            )
            .await
            .assert_problem(409)
            .code,
        "trainer.appointment_not_started"
    );
    // Rescheduled by staff: the sequence moves on.
    let moved: Value = ws
        .owner
        .post(
            &format!("/api/v1/appointments/{future}/reschedule"),
            json!({ "starts_at": monday_at(15, 30) }),
        )
        .await
        .assert_status(200)
        .json();
    assert_eq!(moved["sequence"], 1);
    let notes: Value = ws
        .owner
        .send(
            Method::PATCH,
            &format!("/api/v1/appointments/{future}"),
            |r| r.json(&json!({ "notes": "Bring a towel" })),
        )
        .await
        .assert_status(200)
        .json();
    assert_eq!(notes["notes"], "Bring a towel");
}

#[tokio::test]
async fn a_recurring_series_reports_the_occurrences_it_could_not_book() {
    let app = app().await;
    let ws = workspace(&app).await;
    let (ana, ben) = (ws.client(&app).await, ws.client(&app).await);
    let kind = pt_type(&ws.owner).await;
    let first = monday_at(16, 0);
    // Ben holds the third Monday.
    book(
        &ws.owner,
        &kind,
        Some(ben.account_id()),
        first + chrono::Duration::weeks(2),
    )
    .await
    .assert_status(201);
    let report: Value = ws
        .owner
        .post(
            "/api/v1/appointments/recurring",
            json!({ "type_id": kind, "client_id": ana.account_id(), "starts_at": first, "every_weeks": 1, "count": 4 }),
        )
        .await
        .assert_status(201)
        .json();
    assert_eq!(report["booked"].as_array().unwrap().len(), 3);
    let skipped = report["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0]["code"], "trainer.slot_taken");
    // Every occurrence keeps the 16:00 wall time in Madrid, whatever the offset.
    for item in report["booked"].as_array().unwrap() {
        let start: DateTime<Utc> = item["starts_at"].as_str().unwrap().parse().unwrap();
        assert_eq!(
            start.with_timezone(&Madrid).time(),
            NaiveTime::from_hms_opt(16, 0, 0).unwrap()
        );
    }
    ws.owner
        .post(
            "/api/v1/appointments/recurring",
            json!({ "type_id": kind, "client_id": ana.account_id(), "starts_at": first }),
        )
        .await
        .assert_problem(422);
}

#[tokio::test]
async fn availability_and_types_are_staff_managed_and_invisible_to_other_workspaces() {
    let app = app().await;
    let ws = workspace(&app).await;
    let ana = ws.client(&app).await;
    let assistant = ws.assistant(&app).await;
    let kind = pt_type(&ws.owner).await;
    let appointment: Value = book(&ws.owner, &kind, Some(ana.account_id()), monday_at(12, 0))
        .await
        .assert_status(201)
        .json();
    let appointment = appointment["id"].as_str().unwrap();

    // Weekly hours: staff change them, with checks; clients read them.
    ws.owner
        .send(Method::PUT, "/api/v1/availability/weekly", |r| {
            r.json(&json!({ "monday": [{ "starts": "10:00", "ends": "09:00" }] }))
        })
        .await
        .assert_problem(422);
    assistant
        .send(Method::PUT, "/api/v1/availability/weekly", |r| {
            r.json(&json!({ "monday": [{ "starts": "08:00", "ends": "12:00" }, { "starts": "13:00", "ends": "20:00" }] }))
        })
        .await
        .assert_status(200);
    let weekly: Value = ana
        .get("/api/v1/availability/weekly")
        .await
        .assert_status(200)
        .json();
    assert_eq!(weekly["weekly"]["monday"].as_array().unwrap().len(), 2);
    assert!(weekly["weekly"]["tuesday"].as_array().unwrap().is_empty());

    // A day off removes that day's slots.
    let monday = monday_at(9, 0).with_timezone(&Madrid).date_naive();
    let exception: Value = ws
        .owner
        .post(
            "/api/v1/availability/exceptions",
            json!({ "date": monday, "kind": "time_off" }),
        )
        .await
        .assert_status(201)
        .json();
    let exception = exception["id"].as_str().unwrap();
    let slots: Value = ana
        .get(&format!(
            "/api/v1/availability?type={kind}&from={monday}&to={monday}"
        ))
        .await
        .assert_status(200)
        .json();
    assert!(slots["slots"].as_array().unwrap().is_empty());

    // A type's change is stored.
    ws.owner
        .send(
            Method::PUT,
            &format!("/api/v1/appointment-types/{kind}"),
            |r| r.json(&json!({ "name": "Strength", "duration_minutes": 45 })),
        )
        .await
        .assert_status(200);
    let stored: Value = ana
        .get(&format!("/api/v1/appointment-types/{kind}"))
        .await
        .assert_status(200)
        .json();
    assert_eq!(stored["name"], "Strength");
    assert_eq!(stored["duration_minutes"], 45);

    // Role gating: a client may not manage.
    let denied = [
        (
            Method::PUT,
            "/api/v1/availability/weekly".to_owned(),
            json!({}),
        ),
        (
            Method::GET,
            "/api/v1/availability/exceptions".to_owned(),
            Value::Null,
        ),
        (
            Method::POST,
            "/api/v1/availability/exceptions".to_owned(),
            json!({ "date": monday, "kind": "time_off" }),
        ),
        (
            Method::DELETE,
            format!("/api/v1/availability/exceptions/{exception}"),
            Value::Null,
        ),
        (
            Method::POST,
            "/api/v1/appointment-types".to_owned(),
            json!({ "name": "x", "duration_minutes": 30 }),
        ),
        (
            Method::PUT,
            format!("/api/v1/appointment-types/{kind}"),
            json!({ "name": "x", "duration_minutes": 30 }),
        ),
        (
            Method::DELETE,
            format!("/api/v1/appointment-types/{kind}"),
            Value::Null,
        ),
        (
            Method::POST,
            format!("/api/v1/appointments/{appointment}/complete"),
            json!({}),
        ),
        (
            Method::POST,
            format!("/api/v1/appointments/{appointment}/no-show"),
            json!({}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/appointments/{appointment}"),
            json!({ "notes": "x" }),
        ),
    ];
    for (method, path, body) in &denied {
        let response = ana
            .send(method.clone(), path, |r| {
                if body.is_null() { r } else { r.json(body) }
            })
            .await;
        assert_eq!(
            response.status.as_u16(),
            403,
            "{method} {path}: {}",
            response.body
        );
    }

    // Another workspace's people get 404 from every route of this one.
    let other = workspace(&app).await;
    let outsider = other.owner.in_tenant(&ws.id);
    let everything = [
        (Method::GET, "/api/v1/availability/weekly".to_owned()),
        (Method::GET, format!("/api/v1/availability?type={kind}")),
        (Method::GET, "/api/v1/availability/exceptions".to_owned()),
        (
            Method::GET,
            format!("/api/v1/availability/exceptions/{exception}"),
        ),
        (Method::GET, "/api/v1/appointment-types".to_owned()),
        (Method::GET, format!("/api/v1/appointment-types/{kind}")),
        (Method::GET, "/api/v1/appointments".to_owned()),
        (Method::GET, format!("/api/v1/appointments/{appointment}")),
        (
            Method::POST,
            format!("/api/v1/appointments/{appointment}/cancel"),
        ),
        (
            Method::POST,
            format!("/api/v1/appointments/{appointment}/complete"),
        ),
    ];
    for (method, path) in &everything {
        let response = outsider
            .send(method.clone(), path, |r| r.json(&json!({})))
            .await;
        assert_eq!(
            response.status.as_u16(),
            404,
            "{method} {path}: {}",
            response.body
        );
    }
    // And in their own workspace, this one's ids are unknown.
    other
        .owner
        .get(&format!("/api/v1/appointments/{appointment}"))
        .await
        .assert_problem(404);
    other
        .owner
        .get(&format!("/api/v1/appointment-types/{kind}"))
        .await
        .assert_problem(404);
}

#[tokio::test]
async fn a_repeated_booking_with_the_same_idempotency_key_books_once() {
    let app = app().await;
    let ws = workspace(&app).await;
    let ana = ws.client(&app).await;
    let kind = pt_type(&ws.owner).await;
    let body = json!({ "type_id": kind, "starts_at": monday_at(10, 0) });
    let send = || {
        ana.send(Method::POST, "/api/v1/appointments", |r| {
            r.header("Idempotency-Key", "book-monday-10").json(&body)
        })
    };
    let first = send().await.assert_status(201);
    let again = send().await.assert_status(201);
    assert_eq!(
        again.header("Idempotency-Replayed").as_deref(),
        Some("true")
    );
    assert_eq!(first.body, again.body);
    let page: Value = ana
        .get("/api/v1/appointments")
        .await
        .assert_status(200)
        .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
}

/// The next local date in Madrid that is 23 hours long (clocks go forward).
fn next_spring_forward() -> NaiveDate {
    let mut date = Utc::now().with_timezone(&Madrid).date_naive() + Days::new(1);
    loop {
        let start = at(date, 0, 0);
        let next = at(date + Days::new(1), 0, 0);
        if next - start == chrono::Duration::hours(23) {
            return date;
        }
        date = date + Days::new(1);
    }
}

#[tokio::test]
async fn slots_follow_the_wall_clock_across_a_daylight_saving_change() {
    let app = app().await;
    let ws = workspace(&app).await;
    let ana = ws.client(&app).await;
    let day = next_spring_forward();
    let weekday = day.weekday().to_string().to_lowercase();
    let weekday = match weekday.as_str() {
        "sun" => "sunday",
        "sat" => "saturday",
        other => panic!("Madrid changes on a Sunday, not {other}"),
    };
    ws.owner
        .send(Method::PUT, "/api/v1/availability/weekly", |r| {
            r.json(&json!({ weekday: [{ "starts": "01:00", "ends": "05:00" }] }))
        })
        .await
        .assert_status(200);
    let kind = create_type(
        &ws.owner,
        json!({ "name": "Early", "duration_minutes": 60, "max_days_ahead": 365 }),
    )
    .await;
    let slots: Value = ana
        .get(&format!(
            "/api/v1/availability?type={kind}&from={day}&to={day}"
        ))
        .await
        .assert_status(200)
        .json();
    let slots = slots["slots"].as_array().unwrap();
    // 01:00 CET to 05:00 CEST is three real hours: starts from 00:00Z to 02:00Z.
    assert_eq!(slots.len(), 9, "{slots:?}");
    assert_eq!(slots[0]["local_starts_at"], format!("{day}T01:00:00+01:00"));
    assert_eq!(slots[8]["local_starts_at"], format!("{day}T04:00:00+02:00"));
    assert_eq!(slots[8]["local_ends_at"], format!("{day}T05:00:00+02:00"));
}

#[tokio::test]
async fn the_workspace_cut_off_decides_late_cancellations_and_exceptions_can_be_changed() {
    let app = app().await;
    let ws = workspace(&app).await;
    let ana = ws.client(&app).await;
    let kind = pt_type(&ws.owner).await;
    let policy: Value = ana
        .get("/api/v1/availability/policy")
        .await
        .assert_status(200)
        .json();
    assert_eq!(policy["cancel_cutoff_minutes"], 1440);
    ana.send(Method::PUT, "/api/v1/availability/policy", |r| {
        r.json(&json!({ "cancel_cutoff_minutes": 60 }))
    })
    .await
    .assert_problem(403);
    ws.owner
        .send(Method::PUT, "/api/v1/availability/policy", |r| {
            r.json(&json!({ "cancel_cutoff_minutes": -1 }))
        })
        .await
        .assert_problem(422);
    ws.owner
        .send(Method::PUT, "/api/v1/availability/policy", |r| {
            r.json(&json!({ "cancel_cutoff_minutes": 60 }))
        })
        .await
        .assert_status(200);
    let soon = Utc::now() + chrono::Duration::hours(3);
    let booked: Value = book(&ws.owner, &kind, Some(ana.account_id()), soon)
        .await
        .assert_status(201)
        .json();
    let cancelled: Value = ana
        .post(
            &format!(
                "/api/v1/appointments/{}/cancel",
                booked["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await
        .assert_status(200)
        .json();
    assert_eq!(cancelled["status"], "cancelled");

    // Exceptions: change one, and a missing one is a 404.
    let monday = monday_at(9, 0).with_timezone(&Madrid).date_naive();
    let exception: Value = ws
        .owner
        .post(
            "/api/v1/availability/exceptions",
            json!({ "date": monday, "kind": "time_off" }),
        )
        .await
        .assert_status(201)
        .json();
    let id = exception["id"].as_str().unwrap();
    let changed: Value = ws
        .owner
        .send(
            Method::PUT,
            &format!("/api/v1/availability/exceptions/{id}"),
            |r| r.json(&json!({ "date": monday, "kind": "time_off", "starts": "09:00", "ends": "12:00" })),
        )
        .await
        .assert_status(200)
        .json();
    assert_eq!(changed["starts"], "09:00");
    let slots: Value = ana
        .get(&format!(
            "/api/v1/availability?type={kind}&from={monday}&to={monday}"
        ))
        .await
        .assert_status(200)
        .json();
    let first = slots["slots"][0]["local_starts_at"]
        .as_str()
        .unwrap_or_else(|| panic!("{slots}"))
        .to_owned();
    assert!(first.contains("T12:00:00"), "{first}");
    ws.owner
        .send(
            Method::PUT,
            &format!("/api/v1/availability/exceptions/{id}"),
            |r| r.json(&json!({ "date": monday, "kind": "extra_hours" })),
        )
        .await
        .assert_problem(422);
    let missing = uuid::Uuid::now_v7();
    ws.owner
        .send(
            Method::PUT,
            &format!("/api/v1/availability/exceptions/{missing}"),
            |r| r.json(&json!({ "date": monday, "kind": "time_off" })),
        )
        .await
        .assert_problem(404);
    let other = workspace(&app).await;
    for (path, body) in [
        (
            "/api/v1/availability/policy".to_owned(),
            json!({ "cancel_cutoff_minutes": 5 }),
        ),
        (
            format!("/api/v1/availability/exceptions/{id}"),
            json!({ "date": monday, "kind": "time_off" }),
        ),
    ] {
        let response = other
            .owner
            .in_tenant(&ws.id)
            .send(Method::PUT, &path, |r| r.json(&body))
            .await;
        assert_eq!(response.status.as_u16(), 404, "{path}: {}", response.body);
    }
}

async fn credits_left(owner: &Actor<'_>, client: &str) -> i64 {
    let view: Value = owner
        .get(&format!("/api/v1/clients/{client}"))
        .await
        .assert_status(200)
        .json();
    view["credits_left"].as_i64().unwrap()
}

#[tokio::test]
async fn bookings_consume_credits_refund_them_in_time_forfeit_them_late_and_tell_the_client() {
    use palestra_core::entities::outbox;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let app = app().await;
    let ws = workspace(&app).await;
    let ana = ws.client(&app).await;
    let ana_id = ana.account_id().to_owned();
    ws.owner
        .post(
            &format!("/api/v1/clients/{ana_id}/credits/adjustments"),
            json!({ "amount": 3, "reason": "welcome" }),
        )
        .await
        .assert_status(201);
    let paid = create_type(
        &ws.owner,
        json!({ "name": "Paid session", "duration_minutes": 60, "credits": 1 }),
    )
    .await;

    // Booked then cancelled in time: consumed, then refunded.
    let monday: Value = book(&ana, &paid, None, monday_at(10, 0))
        .await
        .assert_status(201)
        .json();
    assert_eq!(monday["credits"], 1);
    assert_eq!(credits_left(&ws.owner, &ana_id).await, 2);
    let id = monday["id"].as_str().unwrap();
    ws.owner
        .post(
            &format!("/api/v1/appointments/{id}/reschedule"),
            json!({ "starts_at": monday_at(11, 0) }),
        )
        .await
        .assert_status(200);
    ana.post(&format!("/api/v1/appointments/{id}/cancel"), json!({}))
        .await
        .assert_status(200);
    assert_eq!(credits_left(&ws.owner, &ana_id).await, 3);

    // A no-show keeps the credit.
    let past: Value = book(
        &ws.owner,
        &paid,
        Some(&ana_id),
        Utc::now() - chrono::Duration::hours(30),
    )
    .await
    .assert_status(201)
    .json();
    ws.owner
        .post(
            &format!(
                "/api/v1/appointments/{}/no-show",
                past["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await
        .assert_status(200);
    assert_eq!(credits_left(&ws.owner, &ana_id).await, 2);

    // A late cancellation keeps it too.
    let soon: Value = book(
        &ws.owner,
        &paid,
        Some(&ana_id),
        Utc::now() + chrono::Duration::hours(3),
    )
    .await
    .assert_status(201)
    .json();
    let late: Value = ana
        .post(
            &format!(
                "/api/v1/appointments/{}/cancel",
                soon["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await
        .assert_status(200)
        .json();
    assert_eq!(late["status"], "late_cancelled");
    assert_eq!(credits_left(&ws.owner, &ana_id).await, 1);

    // The last credit goes, then booking is refused.
    book(&ana, &paid, None, monday_at(14, 0))
        .await
        .assert_status(201);
    assert_eq!(
        book(&ana, &paid, None, monday_at(16, 0))
            .await
            .assert_problem(409)
            .code,
        "trainer.no_credits"
    );
    assert_eq!(credits_left(&ws.owner, &ana_id).await, 0);

    // The client heard of every booking, move and cancellation.
    let kinds: Vec<String> = outbox::Entity::find()
        .filter(outbox::Column::AccountId.eq(uuid::Uuid::parse_str(&ana_id).unwrap()))
        .filter(outbox::Column::Kind.starts_with("trainer.appointment_"))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.kind)
        .collect();
    let count = |kind: &str| kinds.iter().filter(|k| *k == kind).count();
    assert_eq!(count("trainer.appointment_booked"), 4, "{kinds:?}");
    assert_eq!(count("trainer.appointment_rescheduled"), 1, "{kinds:?}");
    assert_eq!(count("trainer.appointment_cancelled"), 2, "{kinds:?}");
}

#[tokio::test]
async fn clients_keep_to_notice_horizon_and_cut_off_and_outsiders_reach_nothing() {
    let app = app().await;
    let ws = workspace(&app).await;
    let ana = ws.client(&app).await;
    let strict = create_type(
        &ws.owner,
        json!({
            "name": "Strict",
            "duration_minutes": 60,
            "min_notice_minutes": 60 * 24 * 30,
            "max_days_ahead": 60
        }),
    )
    .await;
    assert_eq!(
        book(&ana, &strict, None, monday_at(10, 0))
            .await
            .assert_problem(422)
            .code,
        "trainer.too_soon"
    );
    assert_eq!(
        book(
            &ana,
            &strict,
            None,
            monday_at(10, 0) + chrono::Duration::days(70)
        )
        .await
        .assert_problem(422)
        .code,
        "trainer.too_far_ahead"
    );
    // Inside the cut-off a client cannot move their appointment; staff can.
    let kind = pt_type(&ws.owner).await;
    let soon: Value = book(
        &ws.owner,
        &kind,
        Some(ana.account_id()),
        Utc::now() + chrono::Duration::hours(2),
    )
    .await
    .assert_status(201)
    .json();
    let soon = soon["id"].as_str().unwrap();
    assert_eq!(
        ana.post(
            &format!("/api/v1/appointments/{soon}/reschedule"),
            json!({ "starts_at": monday_at(10, 0) }),
        )
        .await
        .assert_problem(409)
        .code,
        "trainer.cut_off_passed"
    );
    ws.owner
        .post(
            &format!("/api/v1/appointments/{soon}/reschedule"),
            json!({ "starts_at": monday_at(10, 0) }),
        )
        .await
        .assert_status(200);
    // A move onto a taken time is refused with the next free slots.
    let other_booking: Value = book(&ws.owner, &kind, Some(ana.account_id()), monday_at(13, 0))
        .await
        .assert_status(201)
        .json();
    let problem = ws
        .owner
        .post(
            &format!("/api/v1/appointments/{soon}/reschedule"),
            json!({ "starts_at": monday_at(13, 30) }),
        )
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "trainer.slot_taken");
    assert!(problem.extensions["next_slots"].is_array());

    // Every appointment route from another workspace: 404.
    let other = workspace(&app).await;
    let outsider = other.owner.in_tenant(&ws.id);
    let id = other_booking["id"].as_str().unwrap();
    let attempts = [
        (
            Method::POST,
            "/api/v1/appointments".to_owned(),
            json!({ "type_id": kind, "starts_at": monday_at(15, 0), "client_id": ana.account_id() }),
        ),
        (
            Method::POST,
            "/api/v1/appointments/recurring".to_owned(),
            json!({ "type_id": kind, "starts_at": monday_at(15, 0), "client_id": ana.account_id(), "count": 2 }),
        ),
        (
            Method::POST,
            format!("/api/v1/appointments/{id}/reschedule"),
            json!({ "starts_at": monday_at(15, 0) }),
        ),
        (
            Method::POST,
            format!("/api/v1/appointments/{id}/no-show"),
            json!({}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/appointments/{id}"),
            json!({ "notes": "x" }),
        ),
        (
            Method::PUT,
            "/api/v1/availability/weekly".to_owned(),
            json!({}),
        ),
        (
            Method::POST,
            "/api/v1/appointment-types".to_owned(),
            json!({ "name": "x", "duration_minutes": 30 }),
        ),
        (
            Method::PUT,
            format!("/api/v1/appointment-types/{kind}"),
            json!({ "name": "x", "duration_minutes": 30 }),
        ),
        (
            Method::DELETE,
            format!("/api/v1/appointment-types/{kind}"),
            json!({}),
        ),
        (
            Method::POST,
            "/api/v1/availability/exceptions".to_owned(),
            json!({ "date": "2030-01-07", "kind": "time_off" }),
        ),
        (
            Method::GET,
            "/api/v1/availability/policy".to_owned(),
            json!({}),
        ),
    ];
    for (method, path, body) in &attempts {
        let response = outsider.send(method.clone(), path, |r| r.json(body)).await;
        assert_eq!(
            response.status.as_u16(),
            404,
            "{method} {path}: {}",
            response.body
        );
    }
    // Nothing changed.
    let after: Value = ws
        .owner
        .get(&format!("/api/v1/appointments/{id}"))
        .await
        .assert_status(200)
        .json();
    assert_eq!(after["status"], "booked");
    assert!(after["notes"].is_null());
}

#[tokio::test]
async fn moves_and_bookings_racing_for_one_time_leave_it_to_one_appointment() {
    let app = app().await;
    let ws = workspace(&app).await;
    let kind = pt_type(&ws.owner).await;
    let mut clients = Vec::new();
    for _ in 0..10 {
        clients.push(ws.client(&app).await);
    }
    // Five appointments elsewhere in the day, to be moved onto 15:00 while five clients book it.
    let mut movable = Vec::new();
    for (i, client) in clients.iter().take(5).enumerate() {
        let start = monday_at(9, 0) + chrono::Duration::days(i64::try_from(i).unwrap() + 1);
        let body: Value = book(&ws.owner, &kind, Some(client.account_id()), start)
            .await
            .assert_status(201)
            .json();
        movable.push(body["id"].as_str().unwrap().to_owned());
    }
    let target = monday_at(15, 0);
    let moves = movable.iter().map(|id| {
        let owner = ws.owner.clone();
        async move {
            owner
                .post(
                    &format!("/api/v1/appointments/{id}/reschedule"),
                    json!({ "starts_at": target + chrono::Duration::minutes(30) }),
                )
                .await
        }
    });
    let bookings = clients.iter().skip(5).map(|c| book(c, &kind, None, target));
    let (moved, booked) = tokio::join!(join_all(moves), join_all(bookings));
    let won = moved
        .iter()
        .chain(booked.iter())
        .filter(|r| r.status.is_success())
        .count();
    assert_eq!(won, 1);
    for r in moved.iter().chain(booked.iter()) {
        assert!(
            r.status.is_success() || r.status.as_u16() == 409,
            "{}",
            r.body
        );
    }
    let day: Value = ws
        .owner
        .get(&format!(
            "/api/v1/appointments?status=booked&from={}&to={}",
            (target - chrono::Duration::hours(2))
                .to_rfc3339()
                .replace('+', "%2B"),
            (target + chrono::Duration::hours(3))
                .to_rfc3339()
                .replace('+', "%2B")
        ))
        .await
        .assert_status(200)
        .json();
    assert_eq!(day["items"].as_array().unwrap().len(), 1, "{day}");
}
