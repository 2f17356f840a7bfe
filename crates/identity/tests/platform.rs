//! Platform super-admins, trainer sign-up for existing accounts, and the tenant.created event.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test loudly at the first surprise"
)]

mod common;

use palestra_core::Role;
use palestra_testkit::{PASSWORD, TestApp};
use reqwest::Method;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use common::{gym_app, trainer_app};

async fn make_platform_admin(app: &TestApp, account: &str) {
    use palestra_core::entities::account;
    account::Entity::update_many()
        .col_expr(account::Column::IsPlatformAdmin, Expr::value(true))
        .filter(account::Column::Id.eq(account.parse::<uuid::Uuid>().unwrap()))
        .exec(&app.db)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_platform_admin_lists_suspends_and_reactivates_tenants() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let member = app.signup_in(&gym, Role::Member).await;
    let admin = app.signup().await;
    make_platform_admin(&app, admin.account_id()).await;

    // Tenant roles give no platform rights.
    owner
        .get("/api/v1/platform/tenants")
        .await
        .assert_problem(403);
    owner
        .send(
            Method::POST,
            &format!("/api/v1/platform/tenants/{gym}/suspend"),
            |r| r,
        )
        .await
        .assert_problem(403);
    app.anonymous()
        .get("/api/v1/platform/tenants")
        .await
        .assert_problem(401);

    let list: Value = admin
        .get("/api/v1/platform/tenants")
        .await
        .assert_status(200)
        .json();
    assert_eq!(list["items"][0]["id"], gym.as_str());
    let suspended: Value = admin
        .send(
            Method::POST,
            &format!("/api/v1/platform/tenants/{gym}/suspend"),
            |r| r,
        )
        .await
        .assert_status(200)
        .json();
    assert_eq!(suspended["status"], "suspended");
    member.get("/api/v1/gym").await.assert_problem(403);
    owner
        .in_tenant(&gym)
        .get("/api/v1/context")
        .await
        .assert_problem(403);
    admin
        .send(
            Method::POST,
            &format!("/api/v1/platform/tenants/{gym}/suspend"),
            |r| r,
        )
        .await
        .assert_problem(409);
    let only_suspended: Value = admin
        .get("/api/v1/platform/tenants?status=suspended")
        .await
        .json();
    assert_eq!(only_suspended["items"].as_array().unwrap().len(), 1);

    admin
        .send(
            Method::POST,
            &format!("/api/v1/platform/tenants/{gym}/reactivate"),
            |r| r,
        )
        .await
        .assert_status(200);
    member.get("/api/v1/gym").await.assert_status(200);
    let log: Value = owner.in_tenant(&gym).get("/api/v1/audit").await.json();
    let actions: Vec<_> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(&actions[..2], ["tenants.reactivated", "tenants.suspended"]);
    admin
        .send(
            Method::POST,
            &format!("/api/v1/platform/tenants/{}/suspend", uuid::Uuid::now_v7()),
            |r| r,
        )
        .await
        .assert_problem(404);
}

fn trainer_signup(email: &str) -> Value {
    json!({ "email": email, "password": PASSWORD, "full_name": "Tina Trainer", "time_zone": "Europe/Madrid" })
}

#[tokio::test]
async fn an_existing_account_adds_a_workspace_only_when_signed_in_as_itself() {
    let app = trainer_app().await;
    let body: Value = app
        .anonymous()
        .post(
            "/api/v1/auth/register",
            json!({ "email": "tina@example.com", "password": PASSWORD, "full_name": "Tina" }),
        )
        .await
        .assert_status(201)
        .json();
    let tina = app
        .anonymous()
        .with_token(body["access_token"].as_str().unwrap());

    // Knowing the email is not enough.
    let problem = app
        .anonymous()
        .post(
            "/api/v1/auth/register-trainer",
            trainer_signup("tina@example.com"),
        )
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "identity.email_taken");
    let stranger = app.signup().await;
    stranger
        .post(
            "/api/v1/auth/register-trainer",
            trainer_signup("tina@example.com"),
        )
        .await
        .assert_problem(409);

    let created: Value = tina
        .post(
            "/api/v1/auth/register-trainer",
            trainer_signup("TINA@example.com"),
        )
        .await
        .assert_status(201)
        .json();
    assert_eq!(created["account"]["id"], body["account"]["id"]);
    assert_eq!(created["workspace"]["role"], "owner");
    tina.get("/api/v1/workspace").await.assert_status(200);
}

#[tokio::test]
async fn creating_a_tenant_emits_tenant_created_in_the_same_transaction() {
    use palestra_core::entities::domain_event;
    let gym_side = gym_app().await;
    let gym = gym_side.signup().await.create_gym().await;
    let events = domain_event::Entity::find()
        .filter(domain_event::Column::Name.eq("tenant.created"))
        .all(&gym_side.db)
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].tenant_id.to_string(), gym);
    assert_eq!(events[0].payload["kind"], "gym");

    let trainer_side = trainer_app().await;
    let body: Value = trainer_side
        .anonymous()
        .post(
            "/api/v1/auth/register-trainer",
            trainer_signup("event@example.com"),
        )
        .await
        .assert_status(201)
        .json();
    let events = domain_event::Entity::find()
        .filter(domain_event::Column::Name.eq("tenant.created"))
        .all(&trainer_side.db)
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].payload["kind"], "trainer");
    assert_eq!(events[0].payload["owner_account_id"], body["account"]["id"]);
}
