//! The trainer's clients: the list with profile, tags, sessions and credits; who sees what.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test loudly at the first surprise"
)]

mod support;

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use support::{app, workspace};

#[tokio::test]
async fn the_trainer_keeps_notes_and_tags_and_a_client_sees_their_own_without_private_notes() {
    let app = app().await;
    let ws = workspace(&app).await;
    let (ana, ben) = (ws.client(&app).await, ws.client(&app).await);
    let ana_id = ana.account_id().to_owned();
    let updated: Value = ws
        .owner
        .send(Method::PATCH, &format!("/api/v1/clients/{ana_id}"), |r| {
            r.json(&json!({
                "tags": ["VIP", "morning", "vip"],
                "goals": "Run 10k",
                "private_notes": "Knee trouble: go easy",
                "emergency_contact_name": "Luis",
                "emergency_contact_phone": "+34 600 000 000",
                "health_notes": "Asthma"
            }))
        })
        .await
        .assert_status(200)
        .json();
    assert_eq!(updated["tags"], json!(["morning", "vip"]));
    assert_eq!(updated["private_notes"], "Knee trouble: go easy");

    // A session to come shows as next; a type that consumes credits needs them.
    let kind: Value = ws
        .owner
        .post(
            "/api/v1/appointment-types",
            json!({ "name": "PT", "duration_minutes": 60 }),
        )
        .await
        .assert_status(201)
        .json();
    let start = Utc::now() + chrono::Duration::days(3);
    ws.owner
        .post(
            "/api/v1/appointments",
            json!({ "type_id": kind["id"], "client_id": ana_id, "starts_at": start }),
        )
        .await
        .assert_status(201);
    let paid: Value = ws
        .owner
        .post(
            "/api/v1/appointment-types",
            json!({ "name": "Paid", "duration_minutes": 30, "credits": 1 }),
        )
        .await
        .assert_status(201)
        .json();
    let problem = ws
        .owner
        .post(
            "/api/v1/appointments",
            json!({ "type_id": paid["id"], "client_id": ben.account_id(), "starts_at": Utc::now() + chrono::Duration::days(5) }),
        )
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "trainer.no_credits");

    let all: Value = ws
        .owner
        .get("/api/v1/clients")
        .await
        .assert_status(200)
        .json();
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    let tagged: Value = ws
        .owner
        .get("/api/v1/clients?tag=VIP")
        .await
        .assert_status(200)
        .json();
    let tagged = tagged["items"].as_array().unwrap();
    assert_eq!(tagged.len(), 1);
    assert_eq!(tagged[0]["id"], ana_id);
    let next: DateTime<Utc> = tagged[0]["next_session_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((next - start).num_seconds().abs() < 1);
    assert_eq!(tagged[0]["credits_left"], 0);
    let paused: Value = ws
        .owner
        .get("/api/v1/clients?status=paused")
        .await
        .assert_status(200)
        .json();
    assert!(paused["items"].as_array().unwrap().is_empty());
    ws.owner
        .get("/api/v1/clients?status=gone")
        .await
        .assert_problem(422);
    let page: Value = ws
        .owner
        .get("/api/v1/clients?limit=1")
        .await
        .assert_status(200)
        .json();
    let cursor = page["next_cursor"].as_str().unwrap();
    let second: Value = ws
        .owner
        .get(&format!("/api/v1/clients?limit=1&cursor={cursor}"))
        .await
        .assert_status(200)
        .json();
    assert_ne!(page["items"][0]["id"], second["items"][0]["id"]);
    assert!(second["next_cursor"].is_null());

    // A pending invitation lists as invited, and only there.
    ws.owner
        .post(
            "/api/v1/invitations",
            json!({ "email": "New.Client@example.com", "role": "member" }),
        )
        .await
        .assert_status(201);
    let invited: Value = ws
        .owner
        .get("/api/v1/clients?status=invited")
        .await
        .assert_status(200)
        .json();
    let invited = invited["items"].as_array().unwrap();
    assert_eq!(invited.len(), 1);
    assert_eq!(invited[0]["status"], "invited");
    assert!(invited[0]["id"].is_null());
    assert!(invited[0]["invitation_id"].is_string());
    let all: Value = ws
        .owner
        .get("/api/v1/clients")
        .await
        .assert_status(200)
        .json();
    assert_eq!(all["items"].as_array().unwrap().len(), 2);

    // The client's own view: sensitive fields yes, private notes never.
    let mine: Value = ana
        .get("/api/v1/me/client-profile")
        .await
        .assert_status(200)
        .json();
    assert_eq!(mine["health_notes"], "Asthma");
    assert_eq!(mine["emergency_contact"]["name"], "Luis");
    assert!(mine.get("private_notes").is_none());
    assert!(!mine.to_string().contains("Knee trouble"));
    let bens: Value = ben
        .get("/api/v1/me/client-profile")
        .await
        .assert_status(200)
        .json();
    assert!(bens["health_notes"].is_null());

    // Clients may not read or change the list; outsiders get 404.
    for (method, path) in [
        (Method::GET, "/api/v1/clients".to_owned()),
        (Method::GET, format!("/api/v1/clients/{ana_id}")),
        (Method::PATCH, format!("/api/v1/clients/{ana_id}")),
    ] {
        let response = ben
            .send(method.clone(), &path, |r| r.json(&json!({})))
            .await;
        assert_eq!(response.status.as_u16(), 403, "{method} {path}");
    }
    let other = workspace(&app).await;
    for (method, path) in [
        (Method::GET, "/api/v1/clients".to_owned()),
        (Method::GET, format!("/api/v1/clients/{ana_id}")),
        (Method::PATCH, format!("/api/v1/clients/{ana_id}")),
        (Method::GET, "/api/v1/me/client-profile".to_owned()),
    ] {
        let response = other
            .owner
            .in_tenant(&ws.id)
            .send(method.clone(), &path, |r| r.json(&json!({})))
            .await;
        assert_eq!(response.status.as_u16(), 404, "{method} {path}");
    }
    other
        .owner
        .get(&format!("/api/v1/clients/{ana_id}"))
        .await
        .assert_problem(404);
    // Staff have no client profile of their own.
    ws.owner
        .get("/api/v1/me/client-profile")
        .await
        .assert_problem(404);
}

#[tokio::test]
async fn a_deleted_clients_profile_goes_and_their_coming_appointments_free_the_time() {
    let app = app().await;
    let ws = workspace(&app).await;
    let ana = ws.client(&app).await;
    let ana_id = ana.account_id().to_owned();
    ws.owner
        .send(Method::PATCH, &format!("/api/v1/clients/{ana_id}"), |r| {
            r.json(&json!({ "tags": ["vip"], "health_notes": "Asthma" }))
        })
        .await
        .assert_status(200);
    let kind: Value = ws
        .owner
        .post(
            "/api/v1/appointment-types",
            json!({ "name": "PT", "duration_minutes": 60 }),
        )
        .await
        .assert_status(201)
        .json();
    let start = Utc::now() + chrono::Duration::days(4);
    let booked: Value = ws
        .owner
        .post(
            "/api/v1/appointments",
            json!({ "type_id": kind["id"], "client_id": ana_id, "starts_at": start }),
        )
        .await
        .assert_status(201)
        .json();
    ana.send(Method::DELETE, "/api/v1/me", |r| {
        r.json(&json!({ "password": palestra_testkit::PASSWORD }))
    })
    .await
    .assert_status(204);
    let after: Value = ws
        .owner
        .get(&format!(
            "/api/v1/appointments/{}",
            booked["id"].as_str().unwrap()
        ))
        .await
        .assert_status(200)
        .json();
    assert_eq!(after["status"], "cancelled");
    let tagged: Value = ws
        .owner
        .get("/api/v1/clients?tag=vip")
        .await
        .assert_status(200)
        .json();
    assert!(tagged["items"].as_array().unwrap().is_empty());
    // The time is free for someone else.
    let ben = ws.client(&app).await;
    ws.owner
        .post(
            "/api/v1/appointments",
            json!({ "type_id": kind["id"], "client_id": ben.account_id(), "starts_at": start }),
        )
        .await
        .assert_status(201);
}
