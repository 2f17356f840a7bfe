//! Shared set-up of the health tests: each product as its binary composes identity and health.

#![allow(dead_code, reason = "each test file uses a different part")]
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test loudly at the first surprise"
)]

use palestra_core::{Product, Role};
use palestra_testkit::{Actor, PASSWORD, TestApp, TestResponse};
use reqwest::Method;
use serde_json::{Value, json};

/// gym-api with identity and health.
pub async fn gym_app() -> TestApp {
    let mut modules = palestra_identity::gym_modules();
    modules.extend(palestra_health::modules());
    TestApp::spawn(Product::gym(), modules).await
}

/// trainer-api with identity and health.
pub async fn trainer_app() -> TestApp {
    let mut modules = palestra_identity::trainer_modules();
    modules.extend(palestra_health::modules());
    TestApp::spawn(Product::trainer(), modules).await
}

/// A gym with its owner acting in it.
pub async fn gym(app: &TestApp) -> (String, Actor<'_>) {
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let owner = owner.in_tenant(&gym);
    (gym, owner)
}

/// A trainer workspace (signed up through the API) with its owner, who sends no header.
pub async fn workspace(app: &TestApp) -> (String, Actor<'_>) {
    let body: Value = app
        .anonymous()
        .post(
            "/api/v1/auth/register-trainer",
            json!({ "email": format!("{}@coach.example.com", uuid::Uuid::now_v7().simple()),
                    "password": PASSWORD, "full_name": "Coach", "time_zone": "Europe/Madrid" }),
        )
        .await
        .assert_status(201)
        .json();
    let owner = app
        .anonymous()
        .with_token(body["access_token"].as_str().unwrap());
    (body["workspace"]["id"].as_str().unwrap().to_owned(), owner)
}

/// The membership id of an account, read from the roster by a manager.
pub async fn membership_id(manager: &Actor<'_>, account: &str) -> String {
    let page: Value = manager
        .get("/api/v1/members?limit=100")
        .await
        .assert_status(200)
        .json();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["account_id"] == account)
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .expect("the person is in the roster")
}

/// Assigns a gym member to a trainer through the roster route.
pub async fn assign(manager: &Actor<'_>, member: &Actor<'_>, trainer: &Actor<'_>) {
    let id = membership_id(manager, member.account_id()).await;
    manager
        .send(Method::PUT, &format!("/api/v1/members/{id}/trainer"), |r| {
            r.json(&json!({ "trainer_id": trainer.account_id() }))
        })
        .await
        .assert_status(200);
}

/// A new account with a role in a tenant.
pub async fn person<'a>(app: &'a TestApp, tenant: &str, role: Role) -> Actor<'a> {
    app.signup_in(tenant, role).await
}

/// PATCH with a JSON body.
pub async fn patch(actor: &Actor<'_>, path: &str, body: Value) -> TestResponse {
    actor.send(Method::PATCH, path, |r| r.json(&body)).await
}

/// PUT with a JSON body.
pub async fn put(actor: &Actor<'_>, path: &str, body: Value) -> TestResponse {
    actor.send(Method::PUT, path, |r| r.json(&body)).await
}

/// DELETE.
pub async fn delete(actor: &Actor<'_>, path: &str) -> TestResponse {
    actor.send(Method::DELETE, path, |r| r).await
}

/// Records a measurement and returns its view.
pub async fn record(actor: &Actor<'_>, person: &str, body: Value) -> Value {
    actor
        .post(
            &format!("/api/v1/progress/people/{person}/measurements"),
            body,
        )
        .await
        .assert_status(201)
        .json()
}
