//! `/api/v1/me/devices`: registering, listing, reading and removing the caller's push devices;
//! tokens are unique and re-registering moves a device; other accounts' devices are invisible.

mod common;

use reqwest::Method;
use serde_json::{Value, json};

use common::{app, register};

#[tokio::test]
async fn a_registered_device_is_returned_listed_and_readable() {
    let app = app().await;
    let ana = app.signup().await;
    let response = ana
        .post(
            "/api/v1/me/devices",
            json!({ "platform": "ios", "token": "apns-token-1", "locale": "es_MX" }),
        )
        .await
        .assert_status(201);
    let device: Value = response.json();
    let id = device["id"].as_str().unwrap();
    assert_eq!(
        response.header("location").as_deref(),
        Some(format!("/api/v1/me/devices/{id}").as_str())
    );
    assert_eq!(device["platform"], "ios");
    assert_eq!(device["token"], "apns-token-1");
    assert_eq!(device["locale"], "es-MX");
    assert_eq!(device["created_at"], device["last_seen_at"]);

    let listed: Value = ana
        .get("/api/v1/me/devices")
        .await
        .assert_status(200)
        .json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed["items"][0], device);
    assert!(listed["next_cursor"].is_null());

    let read: Value = ana
        .get(&format!("/api/v1/me/devices/{id}"))
        .await
        .assert_status(200)
        .json();
    assert_eq!(read, device);
}

#[tokio::test]
async fn registering_a_known_token_again_gives_the_device_to_the_caller() {
    let app = app().await;
    let (ana, ben) = (app.signup().await, app.signup().await);
    let first: Value = ana
        .post(
            "/api/v1/me/devices",
            json!({ "platform": "android", "token": "fcm-shared-phone", "locale": "en" }),
        )
        .await
        .assert_status(201)
        .json();

    // The same app on the same phone registers again: the same device, refreshed.
    let again: Value = ana
        .post(
            "/api/v1/me/devices",
            json!({ "platform": "android", "token": "fcm-shared-phone", "locale": "es" }),
        )
        .await
        .assert_status(200)
        .json();
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["created_at"], first["created_at"]);
    assert_eq!(again["locale"], "es");

    // Ben signs in on that phone: the device is his now, and no longer Ana's.
    let moved = ben
        .post(
            "/api/v1/me/devices",
            json!({ "platform": "android", "token": "fcm-shared-phone" }),
        )
        .await
        .assert_status(200);
    assert!(
        moved.header("location").is_none(),
        "nothing was created: {moved:?}"
    );
    let moved: Value = moved.json();
    assert_eq!(moved["id"], first["id"]);
    assert!(moved["locale"].is_null());
    let anas: Value = ana.get("/api/v1/me/devices").await.json();
    assert_eq!(anas["items"].as_array().unwrap().len(), 0);
    let bens: Value = ben.get("/api/v1/me/devices").await.json();
    assert_eq!(bens["items"][0]["id"], first["id"]);
}

#[tokio::test]
async fn concurrent_registrations_of_one_token_leave_one_device() {
    let app = app().await;
    let people = futures_util::future::join_all((0..4).map(|_| app.signup())).await;
    let responses = futures_util::future::join_all((0..16).map(|i| {
        people[i % people.len()].post(
            "/api/v1/me/devices",
            json!({ "platform": "web", "token": "https://push.example/subscription/1" }),
        )
    }))
    .await;
    let mut ids = std::collections::BTreeSet::new();
    let mut created = 0;
    for response in responses {
        let status = response.status.as_u16();
        assert!(status == 200 || status == 201, "{response:?}");
        created += usize::from(status == 201);
        ids.insert(response.json::<Value>()["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(created, 1, "exactly one registration creates the device");
    assert_eq!(ids.len(), 1, "every answer names the same device");
    let mut owners = 0;
    for person in &people {
        let listed: Value = person.get("/api/v1/me/devices").await.json();
        owners += listed["items"].as_array().unwrap().len();
    }
    assert_eq!(owners, 1, "the device has exactly one owner");
}

#[tokio::test]
async fn the_longest_token_is_accepted_and_stays_unique() {
    let app = app().await;
    let ana = app.signup().await;
    let token = "t".repeat(4096);
    let id = register(&ana, "web", &token).await;
    let again: Value = ana
        .post(
            "/api/v1/me/devices",
            json!({ "platform": "web", "token": token }),
        )
        .await
        .assert_status(200)
        .json();
    assert_eq!(again["id"], id.as_str());
    assert_eq!(again["token"].as_str().unwrap().len(), 4096);
}

#[tokio::test]
async fn deleting_a_device_removes_it() {
    let app = app().await;
    let ana = app.signup().await;
    let phone = register(&ana, "ios", "apns-phone").await;
    let tablet = register(&ana, "ios", "apns-tablet").await;
    let response = ana
        .send(
            Method::DELETE,
            &format!("/api/v1/me/devices/{phone}"),
            |r| r,
        )
        .await
        .assert_status(204);
    assert!(response.body.is_empty());
    let listed: Value = ana.get("/api/v1/me/devices").await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed["items"][0]["id"], tablet.as_str());
    let problem = ana
        .send(
            Method::DELETE,
            &format!("/api/v1/me/devices/{phone}"),
            |r| r,
        )
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "notifications.device_not_found");
}

#[tokio::test]
async fn another_accounts_device_cannot_be_seen_or_deleted() {
    let app = app().await;
    let (ana, ben) = (app.signup().await, app.signup().await);
    let anas = register(&ana, "android", "fcm-ana").await;
    register(&ben, "android", "fcm-ben").await;

    let listed: Value = ben.get("/api/v1/me/devices").await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed["items"][0]["token"], "fcm-ben");

    let path = format!("/api/v1/me/devices/{anas}");
    let problem = ben.get(&path).await.assert_problem(404);
    assert_eq!(problem.code, "notifications.device_not_found");
    let problem = ben
        .send(Method::DELETE, &path, |r| r)
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "notifications.device_not_found");
    // A device that does not exist answers the same: ids cannot be probed.
    let missing = ben
        .get(&format!("/api/v1/me/devices/{}", uuid::Uuid::now_v7()))
        .await
        .assert_problem(404);
    assert_eq!(missing.detail, problem.detail);
    // Still Ana's.
    ana.get(&path).await.assert_status(200);
}

#[tokio::test]
async fn device_routes_need_a_signed_in_caller() {
    let app = app().await;
    let anonymous = app.anonymous();
    let problem = anonymous
        .post(
            "/api/v1/me/devices",
            json!({ "platform": "ios", "token": "t" }),
        )
        .await
        .assert_problem(401);
    assert_eq!(problem.code, "auth.missing_token");
    anonymous
        .get("/api/v1/me/devices")
        .await
        .assert_problem(401);
    let path = format!("/api/v1/me/devices/{}", uuid::Uuid::now_v7());
    anonymous.get(&path).await.assert_problem(401);
    anonymous
        .send(Method::DELETE, &path, |r| r)
        .await
        .assert_problem(401);
}

#[tokio::test]
async fn device_requests_are_validated() {
    let app = app().await;
    let ana = app.signup().await;
    let post = |body: Value| ana.post("/api/v1/me/devices", body);

    let problem = post(json!({ "platform": "blackberry", "token": "t" }))
        .await
        .assert_problem(422);
    assert_eq!(problem.code, "request.validation_failed");
    assert_eq!(problem.errors[0].field, "platform");
    let problem = post(json!({ "token": "t" })).await.assert_problem(422);
    assert!(
        problem.errors[0].message.contains("platform"),
        "{problem:?}"
    );
    let problem = post(json!({ "platform": "ios", "token": "t", "user": "x" }))
        .await
        .assert_problem(422);
    assert!(problem.errors[0].message.contains("user"), "{problem:?}");

    let problem = post(json!({ "platform": "ios", "token": " " }))
        .await
        .assert_problem(422);
    assert_eq!(problem.errors[0].field, "token");
    assert_eq!(problem.errors[0].code, "too_short");
    let problem = post(json!({ "platform": "ios", "token": "t".repeat(4097) }))
        .await
        .assert_problem(422);
    assert_eq!(problem.errors[0].code, "too_long");
    let problem = post(json!({ "platform": "ios", "token": "", "locale": "español" }))
        .await
        .assert_problem(422);
    let fields: Vec<_> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["token", "locale"]);

    let problem = ana
        .get("/api/v1/me/devices/not-a-uuid")
        .await
        .assert_problem(400);
    assert_eq!(problem.status, 400);
    let problem = ana
        .get("/api/v1/me/devices?limit=0")
        .await
        .assert_problem(400);
    assert_eq!(problem.code, "request.invalid_limit");
    let problem = ana
        .get("/api/v1/me/devices?cursor=%25%25")
        .await
        .assert_problem(400);
    assert_eq!(problem.code, "request.invalid_cursor");
    let listed: Value = ana.get("/api/v1/me/devices").await.json();
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        0,
        "nothing was stored"
    );
}

#[tokio::test]
async fn the_device_list_is_paginated_by_cursor() {
    let app = app().await;
    let ana = app.signup().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(register(&ana, "android", &format!("fcm-{i}")).await);
    }
    register(&app.signup().await, "android", "fcm-someone-else").await;

    let mut seen = Vec::new();
    let mut path = "/api/v1/me/devices?limit=2".to_owned();
    let mut pages = 0;
    loop {
        let page: Value = ana.get(&path).await.assert_status(200).json();
        pages += 1;
        for item in page["items"].as_array().unwrap() {
            seen.push(item["id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/me/devices?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ids, "every device once, oldest first");
}

#[tokio::test]
async fn deleting_an_account_forgets_its_devices() {
    use palestra_notifications::entities::device;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let app = app().await;
    let ana = app.signup().await;
    let ben = app.signup().await;
    register(&ana, "ios", "apns-ana").await;
    register(&ben, "android", "fcm-ben").await;
    ana.send(Method::DELETE, "/api/v1/me", |r| {
        r.json(&json!({ "password": palestra_testkit::PASSWORD }))
    })
    .await
    .assert_status(204);
    let account: uuid::Uuid = ana.account_id().parse().unwrap();
    let left = device::Entity::find()
        .filter(device::Column::AccountId.eq(account))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(left, 0, "the deleted account's devices are gone");
    let listed: Value = ben.get("/api/v1/me/devices").await.json();
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        1,
        "others keep theirs"
    );
}
