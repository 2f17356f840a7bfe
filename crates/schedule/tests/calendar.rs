//! Calendar feeds: secret URLs made and rotated by the member, read without signing in and
//! parsed by an independent iCalendar parser (`ical`): TZID, stable UIDs, SEQUENCE, cancelled
//! sessions; roles and tenant isolation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly at the first surprise"
)]

mod extras;

use chrono::{Duration, Timelike, Utc};
use ical::parser::ical::component::{IcalCalendar, IcalEvent};
use reqwest::Method;
use serde_json::{Value, json};

use extras::{Gym, app};

fn path_of(url: &str) -> String {
    url[url.find("/api/v1/").unwrap()..].to_owned()
}

fn parse(body: &str) -> IcalCalendar {
    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(body.as_bytes()));
    let calendar = calendars.next().expect("one calendar").expect("it parses");
    assert!(calendars.next().is_none(), "exactly one calendar");
    calendar
}

fn prop<'a>(event: &'a IcalEvent, name: &str) -> &'a ical::property::Property {
    event
        .properties
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{name} is missing"))
}

fn value(event: &IcalEvent, name: &str) -> String {
    prop(event, name).value.clone().unwrap_or_default()
}

fn event_of(calendar: &IcalCalendar, session: uuid::Uuid) -> &IcalEvent {
    calendar
        .events
        .iter()
        .find(|e| value(e, "UID") == format!("{session}@palestra"))
        .unwrap_or_else(|| panic!("no event for {session}"))
}

#[tokio::test]
async fn feeds_parse_with_an_independent_parser_and_carry_tzid_uid_sequence_and_status() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let class = gym.class(&app, "Spinning").await;
    let start = (Utc::now() + Duration::days(2))
        .with_nanosecond(0)
        .unwrap()
        .with_second(0)
        .unwrap();
    let booked = gym.session(&app, class, start, 10).await;
    let cancelled = gym
        .session(&app, class, start + Duration::hours(3), 10)
        .await;
    let not_booked = gym
        .session(&app, class, start + Duration::days(1), 10)
        .await;
    gym.book(&app, booked, gym.member.account_id()).await;
    gym.book(&app, cancelled, gym.member.account_id()).await;
    gym.cancel_session(&app, cancelled).await;

    let urls: Value = gym
        .member
        .post("/api/v1/me/calendar-feed/rotate", json!({}))
        .await
        .assert_status(200)
        .json();
    let timetable = app
        .anonymous()
        .get(&path_of(urls["timetable_url"].as_str().unwrap()))
        .await
        .assert_status(200);
    assert_eq!(
        timetable.header("content-type").unwrap(),
        "text/calendar; charset=utf-8"
    );
    let calendar = parse(&timetable.body);
    assert_eq!(calendar.events.len(), 3);
    assert_eq!(calendar.timezones.len(), 1);
    assert!(
        calendar.timezones[0]
            .properties
            .iter()
            .any(|p| p.name == "TZID" && p.value.as_deref() == Some("Europe/Madrid"))
    );

    let event = event_of(&calendar, booked);
    assert_eq!(value(event, "SUMMARY"), "Spinning");
    assert_eq!(value(event, "SEQUENCE"), "0");
    assert_eq!(value(event, "STATUS"), "CONFIRMED");
    assert_eq!(value(event, "LOCATION"), "Studio 1");
    let dtstart = prop(event, "DTSTART");
    let params = dtstart.params.clone().unwrap_or_default();
    assert!(
        params
            .iter()
            .any(|(k, v)| k == "TZID" && v == &vec!["Europe/Madrid".to_owned()]),
        "{params:?}"
    );
    let local = start
        .with_timezone(&chrono_tz::Europe::Madrid)
        .naive_local();
    assert_eq!(
        dtstart.value.as_deref(),
        Some(local.format("%Y%m%dT%H%M%S").to_string().as_str())
    );
    let gone = event_of(&calendar, cancelled);
    assert_eq!(value(gone, "STATUS"), "CANCELLED");
    assert_eq!(value(gone, "SEQUENCE"), "1");

    // The member's own feed: only the sessions they hold a place in.
    let mine = app
        .anonymous()
        .get(&path_of(urls["bookings_url"].as_str().unwrap()))
        .await
        .assert_status(200);
    let calendar = parse(&mine.body);
    assert_eq!(calendar.events.len(), 2);
    event_of(&calendar, booked);
    assert!(
        !calendar
            .events
            .iter()
            .any(|e| value(e, "UID").starts_with(&not_booked.to_string()))
    );
    // UIDs are stable from one fetch to the next.
    let again = parse(
        &app.anonymous()
            .get(&path_of(urls["bookings_url"].as_str().unwrap()))
            .await
            .body,
    );
    event_of(&again, booked);
}

#[tokio::test]
async fn rotating_or_stopping_a_feed_kills_its_old_urls() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let first: Value = gym
        .member
        .post("/api/v1/me/calendar-feed/rotate", json!({}))
        .await
        .json();
    let second: Value = gym
        .member
        .post("/api/v1/me/calendar-feed/rotate", json!({}))
        .await
        .json();
    assert_ne!(first["timetable_url"], second["timetable_url"]);
    let problem = app
        .anonymous()
        .get(&path_of(first["timetable_url"].as_str().unwrap()))
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "schedule.calendar_feed_not_found");
    app.anonymous()
        .get(&path_of(second["bookings_url"].as_str().unwrap()))
        .await
        .assert_status(200);

    gym.member
        .send(Method::DELETE, "/api/v1/me/calendar-feed", |r| r)
        .await
        .assert_status(204);
    app.anonymous()
        .get(&path_of(second["bookings_url"].as_str().unwrap()))
        .await
        .assert_problem(404);
    gym.member
        .send(Method::DELETE, "/api/v1/me/calendar-feed", |r| r)
        .await
        .assert_problem(404);
    app.anonymous()
        .get("/api/v1/calendar/not-a-token/timetable.ics")
        .await
        .assert_problem(404);
}

#[tokio::test]
async fn a_feed_stops_when_its_member_leaves_the_gym() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let urls: Value = gym
        .member
        .post("/api/v1/me/calendar-feed/rotate", json!({}))
        .await
        .json();
    let path = path_of(urls["timetable_url"].as_str().unwrap());
    app.anonymous().get(&path).await.assert_status(200);
    gym.member
        .post("/api/v1/membership/leave", json!({}))
        .await
        .assert_status(204);
    app.anonymous().get(&path).await.assert_problem(404);
}

#[tokio::test]
async fn deleting_the_account_erases_its_feed_tokens() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let leaving = app.signup_in(&gym.id, palestra_core::Role::Member).await;
    let urls: Value = leaving
        .post("/api/v1/me/calendar-feed/rotate", json!({}))
        .await
        .json();
    let path = path_of(urls["bookings_url"].as_str().unwrap());
    app.anonymous().get(&path).await.assert_status(200);
    leaving
        .send(Method::DELETE, "/api/v1/me", |r| {
            r.json(&json!({ "password": palestra_testkit::PASSWORD }))
        })
        .await
        .assert_status(204);
    app.anonymous().get(&path).await.assert_problem(404);
    use palestra_schedule::entities::calendar_feed;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let account: uuid::Uuid = leaving.account_id().parse().unwrap();
    let rows = calendar_feed::Entity::find()
        .filter(calendar_feed::Column::AccountId.eq(account))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(rows, 0);
}

#[tokio::test]
async fn feed_routes_answer_each_role_and_hide_the_gym_from_outsiders() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    gym.expect_statuses(
        Method::POST,
        "/api/v1/me/calendar-feed/rotate",
        None,
        [200, 200, 200, 200, 404],
    )
    .await;
    gym.expect_statuses(
        Method::DELETE,
        "/api/v1/me/calendar-feed",
        None,
        [204, 204, 204, 204, 404],
    )
    .await;
}

#[tokio::test]
async fn the_extras_are_documented_with_tenant_header_and_feeds_without_sign_in() {
    let app = app().await;
    let document: Value = app
        .anonymous()
        .get("/openapi.json")
        .await
        .assert_status(200)
        .json();
    palestra_testkit::openapi::assert_complete(&document);
    for path in [
        "/api/v1/hours",
        "/api/v1/hours/weekly",
        "/api/v1/hours/special-days",
        "/api/v1/hours/special-days/{id}",
        "/api/v1/me/check-in-code",
        "/api/v1/me/sessions",
        "/api/v1/sessions/{id}/participants",
        "/api/v1/trainers/{id}/sessions",
        "/api/v1/day-sheet",
        "/api/v1/dashboard",
    ] {
        palestra_testkit::openapi::assert_tenant_header(&document, path, "X-Gym-ID", true);
    }
    for feed in [
        "/api/v1/calendar/{token}/timetable.ics",
        "/api/v1/calendar/{token}/bookings.ics",
    ] {
        let operation = &document["paths"][feed]["get"];
        assert!(
            operation["security"].is_null()
                || operation["security"].as_array().is_some_and(|s| s
                    .iter()
                    .any(|r| r.as_object().is_some_and(|o| o.is_empty()))),
            "{feed} must not need a token: {operation}"
        );
        assert!(operation["responses"]["200"]["content"]["text/calendar"].is_object());
    }
    assert_eq!(
        document["paths"]["/api/v1/check-in"]["post"]["security"][0]["bearer"][0],
        "schedule.check_in.scan"
    );
}

#[tokio::test]
async fn a_disabled_schedule_module_closes_the_extras_and_the_feeds() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let urls: Value = gym
        .member
        .post("/api/v1/me/calendar-feed/rotate", json!({}))
        .await
        .assert_status(200)
        .json();
    gym.owner
        .send(Method::PUT, "/api/v1/modules/schedule", |r| {
            r.json(&json!({ "active": false }))
        })
        .await
        .assert_status(200);
    for path in [
        "/api/v1/hours",
        "/api/v1/me/check-in-code",
        "/api/v1/me/sessions",
        "/api/v1/dashboard",
    ] {
        let problem = gym.owner.get(path).await.assert_problem(403);
        assert_eq!(problem.code, "module.disabled", "{path}");
    }
    app.anonymous()
        .get(&path_of(urls["timetable_url"].as_str().unwrap()))
        .await
        .assert_problem(404);
}
