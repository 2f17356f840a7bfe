//! iCalendar feeds: the trainer's agenda and a client's own appointments at secret URLs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test loudly at the first surprise"
)]

mod support;

use std::io::BufReader;

use chrono::{Duration, Utc};
use ical::parser::ical::component::IcalEvent;
use sea_orm::EntityTrait;
use serde_json::Value;

use support::{app, insert_appointment, insert_type, set_membership, set_sequence, workspace};

/// The path of a feed URL, for the test client (which adds its own origin).
fn path_of(url: &str) -> &str {
    &url[url.find("/api/v1/").expect("a feed URL")..]
}

fn events(text: &str) -> Vec<IcalEvent> {
    let mut parser = ical::IcalParser::new(BufReader::new(text.as_bytes()));
    let calendar = parser.next().expect("a calendar").expect("it parses");
    assert!(parser.next().is_none());
    calendar.events
}

fn prop<'a>(event: &'a IcalEvent, name: &str) -> Option<&'a str> {
    event
        .properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.as_deref())
}

fn tzid(event: &IcalEvent, name: &str) -> Option<String> {
    event
        .properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.params.as_ref())
        .and_then(|params| params.iter().find(|(k, _)| k == "TZID"))
        .map(|(_, v)| v.join(","))
}

#[tokio::test]
async fn the_agenda_and_a_clients_feed_show_the_right_appointments() {
    let app = app().await;
    let ws = workspace(&app).await;
    let (ana, ben) = (ws.client(&app).await, ws.client(&app).await);
    let pt = insert_type(&app, &ws.id, "Personal training", 0).await;
    let start = Utc::now() + Duration::days(2);
    let first = insert_appointment(&app, &ws.id, pt, ana.account_id(), start, "booked").await;
    let cancelled = insert_appointment(
        &app,
        &ws.id,
        pt,
        ana.account_id(),
        start + Duration::hours(2),
        "cancelled",
    )
    .await;
    insert_appointment(
        &app,
        &ws.id,
        pt,
        ben.account_id(),
        start + Duration::hours(4),
        "booked",
    )
    .await;
    set_sequence(&app, cancelled, 3).await;

    let feed: Value = ws
        .owner
        .post("/api/v1/calendar/agenda-feed", serde_json::json!({}))
        .await
        .assert_status(201)
        .json();
    assert_eq!(feed["kind"], "agenda");
    let url = feed["url"].as_str().unwrap().to_owned();
    // Absolute, as calendar apps need it: the request's own scheme and host when no
    // PUBLIC_BASE_URL is set.
    assert!(
        url.starts_with("http://") && url.contains("/api/v1/calendar/feeds/"),
        "{url}"
    );
    let response = app.anonymous().get(path_of(&url)).await.assert_status(200);
    assert!(
        response
            .header("content-type")
            .unwrap()
            .starts_with("text/calendar")
    );
    assert!(
        response
            .body
            .contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Madrid")
    );
    assert!(
        response
            .body
            .contains("REFRESH-INTERVAL;VALUE=DURATION:PT3600S"),
        "{}",
        response.body
    );
    assert!(!response.body.contains("private note"), "notes never leave");
    let agenda = events(&response.body);
    assert_eq!(agenda.len(), 3);
    let uid = format!("{first}@palestra");
    let event = agenda
        .iter()
        .find(|e| prop(e, "UID") == Some(&uid))
        .unwrap();
    assert_eq!(tzid(event, "DTSTART").as_deref(), Some("Europe/Madrid"));
    assert_eq!(prop(event, "STATUS"), Some("CONFIRMED"));
    assert_eq!(prop(event, "SEQUENCE"), Some("0"));
    assert_eq!(
        prop(event, "SUMMARY"),
        Some("Personal training: Test Person")
    );
    assert_eq!(prop(event, "LOCATION"), Some("Studio 1"));
    let uid = format!("{cancelled}@palestra");
    let event = agenda
        .iter()
        .find(|e| prop(e, "UID") == Some(&uid))
        .unwrap();
    assert_eq!(prop(event, "STATUS"), Some("CANCELLED"));
    assert_eq!(prop(event, "SEQUENCE"), Some("3"));

    // Ana's feed has her two appointments only.
    let mine: Value = ana
        .post("/api/v1/me/calendar-feed", serde_json::json!({}))
        .await
        .assert_status(201)
        .json();
    let mine_url = mine["url"].as_str().unwrap().to_owned();
    let text = app
        .anonymous()
        .get(path_of(&mine_url))
        .await
        .assert_status(200)
        .body;
    let own = events(&text);
    assert_eq!(own.len(), 2);
    assert!(
        own.iter()
            .all(|e| prop(e, "SUMMARY") == Some("Personal training with Alex Rivera"))
    );

    // Rotating kills the old URL at once.
    let again: Value = ana
        .post("/api/v1/me/calendar-feed", serde_json::json!({}))
        .await
        .assert_status(201)
        .json();
    let problem = app
        .anonymous()
        .get(path_of(&mine_url))
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "trainer.calendar_feed_not_found");
    let again_url = again["url"].as_str().unwrap().to_owned();
    app.anonymous()
        .get(path_of(&again_url))
        .await
        .assert_status(200);

    // A client who loses access loses the feed.
    set_membership(&app, ana.account_id(), "status", "archived").await;
    app.anonymous()
        .get(path_of(&again_url))
        .await
        .assert_problem(404);
    app.anonymous()
        .get("/api/v1/calendar/feeds/not-a-token")
        .await
        .assert_problem(404);
}

#[tokio::test]
async fn feed_urls_are_made_by_the_right_people() {
    let app = app().await;
    let ws = workspace(&app).await;
    let other = workspace(&app).await;
    let ana = ws.client(&app).await;
    let assistant = ws.assistant(&app).await;
    let outsider = other.owner.in_tenant(&ws.id);
    let body = serde_json::json!({});
    // (path, [owner, assistant, client, outsider])
    for (path, expected) in [
        ("/api/v1/calendar/agenda-feed", [201, 201, 403, 404]),
        ("/api/v1/me/calendar-feed", [404, 404, 201, 404]),
    ] {
        for (actor, status) in [&ws.owner, &assistant, &ana, &outsider]
            .into_iter()
            .zip(expected)
        {
            let response = actor.post(path, body.clone()).await;
            assert_eq!(
                response.status.as_u16(),
                status,
                "{path}: {}",
                response.body
            );
        }
    }
    app.anonymous()
        .post("/api/v1/calendar/agenda-feed", body)
        .await
        .assert_problem(401);

    // An assistant who stops being staff loses the agenda.
    let feed: Value = assistant
        .post("/api/v1/calendar/agenda-feed", serde_json::json!({}))
        .await
        .assert_status(201)
        .json();
    set_membership(&app, assistant.account_id(), "role", "member").await;
    app.anonymous()
        .get(path_of(feed["url"].as_str().unwrap()))
        .await
        .assert_problem(404);
}

#[tokio::test]
async fn a_deleted_account_takes_its_feeds_with_it() {
    let app = app().await;
    let ws = workspace(&app).await;
    let ana = ws.client(&app).await;
    let feed: Value = ana
        .post("/api/v1/me/calendar-feed", serde_json::json!({}))
        .await
        .assert_status(201)
        .json();
    let txn = palestra_core::db::begin_write(&app.db).await.unwrap();
    for module in palestra_trainer::modules() {
        module
            .erase_account(&txn, ana.account_id().parse().unwrap())
            .await
            .unwrap();
    }
    txn.commit().await.unwrap();
    app.anonymous()
        .get(path_of(feed["url"].as_str().unwrap()))
        .await
        .assert_problem(404);
    assert!(
        palestra_trainer::entities::calendar_feed::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .is_empty()
    );
}
