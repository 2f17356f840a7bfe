//! The trainer's dashboard and the figures `GET /workspace` carries.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test loudly at the first surprise"
)]

mod support;

use chrono::{Duration, Utc};
use chrono_tz::Tz;
use palestra_trainer::dashboard::Periods;
use serde_json::{Value, json};

use support::{app, insert_appointment, insert_type, set_membership, workspace, workspace_in};

#[tokio::test]
async fn the_dashboard_counts_in_the_trainers_time_zone() {
    let app = app().await;
    let zone: Tz = "America/Mexico_City".parse().unwrap();
    let ws = workspace_in(&app, zone.name()).await;
    let other = workspace(&app).await;
    let (ana, ben, cid) = (
        ws.client(&app).await,
        ws.client(&app).await,
        ws.client(&app).await,
    );
    set_membership(&app, cid.account_id(), "status", "paused").await;
    let pack: Value = ws
        .owner
        .post(
            "/api/v1/packages",
            json!({ "name": "Five", "sessions": 5, "price_minor": 20000, "currency": "EUR", "validity_days": 60 }),
        )
        .await
        .assert_status(201)
        .json();
    ws.owner
        .post(
            &format!("/api/v1/clients/{}/credits/grants", ben.account_id()),
            json!({ "package_id": pack["id"] }),
        )
        .await
        .assert_status(201);

    let now = Utc::now();
    let p = Periods::at(zone, now);
    let pt = insert_type(&app, &ws.id, "Personal training", 1).await;
    let mut sessions = vec![
        (p.today.0, "completed"),
        (p.month.0 + Duration::hours(1), "no_show"),
        (p.week.0 + Duration::hours(2), "no_show"),
        (now + Duration::minutes(30), "cancelled"),
    ];
    for day in 1..=7 {
        sessions.push((now + Duration::days(day), "booked"));
    }
    for (i, (at, status)) in sessions.iter().enumerate() {
        let client = if i % 2 == 0 { &ana } else { &ben };
        // Keep fixtures from overlapping: a few minutes apart.
        let at = *at + Duration::minutes(i64::try_from(i).unwrap() * 3);
        insert_appointment(&app, &ws.id, pt, client.account_id(), at, status).await;
    }
    // Another workspace's sessions never count here.
    let other_type = insert_type(&app, &other.id, "Other", 0).await;
    let stranger = other.client(&app).await;
    insert_appointment(
        &app,
        &other.id,
        other_type,
        stranger.account_id(),
        now + Duration::hours(1),
        "booked",
    )
    .await;

    let placed: Vec<_> = sessions
        .iter()
        .enumerate()
        .map(|(i, (at, s))| (*at + Duration::minutes(i64::try_from(i).unwrap() * 3), *s))
        .collect();
    let count = |range: (chrono::DateTime<Utc>, chrono::DateTime<Utc>), statuses: &[&str]| {
        placed
            .iter()
            .filter(|(at, s)| *at >= range.0 && *at < range.1 && statuses.contains(s))
            .count()
    };
    let taking_place = ["booked", "completed", "no_show"];

    let body: Value = ws
        .owner
        .get("/api/v1/dashboard")
        .await
        .assert_status(200)
        .json();
    assert_eq!(body["time_zone"], "America/Mexico_City");
    let stats = &body["stats"];
    assert_eq!(stats["total_clients"], 3);
    assert_eq!(stats["active_clients"], 2);
    assert_eq!(
        stats["clients_without_credits"], 1,
        "ana has none, ben has five, cid is paused"
    );
    assert_eq!(stats["sessions_today"], count(p.today, &taking_place));
    assert_eq!(stats["sessions_this_week"], count(p.week, &taking_place));
    assert_eq!(stats["no_shows_this_month"], count(p.month, &["no_show"]));
    assert_eq!(stats["billing_enabled"], false);
    assert_eq!(
        stats["revenue_this_month"],
        json!({ "amount_minor": 0, "currency": "EUR" })
    );
    assert_eq!(stats["pending_payments"]["amount_minor"], 0);
    let upcoming = body["upcoming"].as_array().unwrap();
    assert_eq!(upcoming.len(), 5);
    assert_eq!(upcoming[0]["type_name"], "Personal training");
    assert_eq!(upcoming[0]["client_name"], "Test Person");
    let starts: Vec<&str> = upcoming
        .iter()
        .map(|u| u["starts_at"].as_str().unwrap())
        .collect();
    let mut sorted = starts.clone();
    sorted.sort_unstable();
    assert_eq!(starts, sorted, "soonest first");
    let keys: Vec<&str> = body["quick_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key"].as_str().unwrap())
        .collect();
    assert!(keys.contains(&"grant_package"), "{keys:?}");

    // The workspace carries the same figures for the trainer, none for a client.
    let workspace: Value = ws
        .owner
        .get("/api/v1/workspace")
        .await
        .assert_status(200)
        .json();
    assert_eq!(&workspace["stats"], stats);
    let seen_by_client: Value = ana.get("/api/v1/workspace").await.assert_status(200).json();
    assert!(seen_by_client.get("stats").is_none());
}

#[tokio::test]
async fn the_dashboard_is_for_the_workspaces_staff() {
    let app = app().await;
    let ws = workspace(&app).await;
    let other = workspace(&app).await;
    let ana = ws.client(&app).await;
    let assistant = ws.assistant(&app).await;
    ws.owner.get("/api/v1/dashboard").await.assert_status(200);
    assistant.get("/api/v1/dashboard").await.assert_status(200);
    let problem = ana.get("/api/v1/dashboard").await.assert_problem(403);
    assert_eq!(problem.code, "auth.forbidden");
    other
        .owner
        .in_tenant(&ws.id)
        .get("/api/v1/dashboard")
        .await
        .assert_problem(404);
    app.anonymous()
        .get("/api/v1/dashboard")
        .await
        .assert_problem(401);

    // An empty workspace's dashboard is all zeros.
    let body: Value = other
        .owner
        .get("/api/v1/dashboard")
        .await
        .assert_status(200)
        .json();
    assert_eq!(body["stats"]["total_clients"], 0);
    assert_eq!(body["upcoming"], json!([]));
}

#[tokio::test]
async fn the_credit_dashboard_and_calendar_operations_are_documented() {
    let app = app().await;
    let mut document: Value = app
        .anonymous()
        .get("/openapi.json")
        .await
        .assert_status(200)
        .json();
    let mine = [
        "/api/v1/packages",
        "/api/v1/packages/{id}",
        "/api/v1/clients/{id}/credits",
        "/api/v1/clients/{id}/credits/grants",
        "/api/v1/clients/{id}/credits/adjustments",
        "/api/v1/me/credits",
        "/api/v1/dashboard",
        "/api/v1/calendar/agenda-feed",
        "/api/v1/me/calendar-feed",
        "/api/v1/calendar/feeds/{token}",
    ];
    let paths = document["paths"].as_object_mut().unwrap();
    paths.retain(|path, _| mine.contains(&path.as_str()));
    assert_eq!(
        paths.len(),
        mine.len(),
        "every route is mounted and documented"
    );
    palestra_testkit::openapi::assert_complete(&document);
    // Every operation but the public feed documents the optional workspace header.
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let header = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|p| p["in"] == "header");
            if path.starts_with("/api/v1/calendar/feeds/") {
                assert!(header.is_none(), "{method} {path}");
            } else {
                let header = header.unwrap_or_else(|| panic!("{method} {path} lacks the header"));
                assert_eq!(header["name"], "X-Workspace-ID");
                assert_eq!(header["required"], false);
            }
        }
    }
    // The public feed needs no token.
    let feed = &document["paths"]["/api/v1/calendar/feeds/{token}"]["get"];
    assert!(feed["responses"]["401"].is_null());
    assert_eq!(
        document["paths"]["/api/v1/dashboard"]["get"]["security"][0]["bearer"][0],
        "trainer.dashboard.read"
    );
}
