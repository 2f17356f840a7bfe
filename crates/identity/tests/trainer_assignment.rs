//! gym-api: managers assign members to trainers (who then see the members' progress).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test loudly at the first surprise"
)]

mod common;

use palestra_core::Role;
use palestra_testkit::{Actor, TestResponse};
use reqwest::Method;
use serde_json::{Value, json};

use common::gym_app;

async fn member_id(manager: &Actor<'_>, account: &str) -> String {
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

async fn assign(actor: &Actor<'_>, membership: &str, trainer: Value) -> TestResponse {
    actor
        .send(
            Method::PUT,
            &format!("/api/v1/members/{membership}/trainer"),
            |r| r.json(&json!({ "trainer_id": trainer })),
        )
        .await
}

#[tokio::test]
async fn managers_assign_a_member_to_a_trainer_and_the_roster_shows_it() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let owner = owner.in_tenant(&gym);
    let admin = app.signup_in(&gym, Role::Admin).await;
    let trainer = app.signup_in(&gym, Role::Trainer).await;
    let member = app.signup_in(&gym, Role::Member).await;
    let id = member_id(&owner, member.account_id()).await;

    let view: Value = assign(&owner, &id, json!(trainer.account_id()))
        .await
        .assert_status(200)
        .json();
    assert_eq!(view["assigned_trainer_id"], trainer.account_id());
    let page: Value = owner.get("/api/v1/members?role=member").await.json();
    assert_eq!(
        page["items"][0]["assigned_trainer_id"],
        trainer.account_id()
    );

    // Admins may too; clearing is `null`.
    let view: Value = assign(&admin, &id, Value::Null)
        .await
        .assert_status(200)
        .json();
    assert!(view["assigned_trainer_id"].is_null());
}

#[tokio::test]
async fn only_managers_assign_and_only_trainers_are_assigned_to_members() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let owner = owner.in_tenant(&gym);
    let trainer = app.signup_in(&gym, Role::Trainer).await;
    let member = app.signup_in(&gym, Role::Member).await;
    let other_member = app.signup_in(&gym, Role::Member).await;
    let id = member_id(&owner, member.account_id()).await;
    let trainer_membership = member_id(&owner, trainer.account_id()).await;

    for actor in [&trainer, &member] {
        let problem = assign(actor, &id, json!(trainer.account_id()))
            .await
            .assert_problem(403);
        assert_eq!(problem.code, "auth.forbidden");
    }
    let problem = assign(&owner, &id, json!(other_member.account_id()))
        .await
        .assert_problem(422);
    assert_eq!(problem.code, "roster.not_a_trainer");
    let problem = assign(&owner, &id, json!(uuid::Uuid::now_v7()))
        .await
        .assert_problem(422);
    assert_eq!(problem.code, "roster.not_a_trainer");
    let problem = assign(&owner, &trainer_membership, json!(trainer.account_id()))
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "roster.not_a_member");
    let problem = assign(&owner, &id, json!("not-a-uuid"))
        .await
        .assert_problem(422);
    assert_eq!(problem.code, "request.validation_failed");

    // A trainer of another gym is not a trainer here; another gym's member is not found; an
    // outsider does not learn the gym exists.
    let other_gym = app.signup().await.create_gym().await;
    let foreign_trainer = app.signup_in(&other_gym, Role::Trainer).await;
    let foreign_admin = app.signup_in(&other_gym, Role::Admin).await;
    let foreign_member = app.signup_in(&other_gym, Role::Member).await;
    let problem = assign(&owner, &id, json!(foreign_trainer.account_id()))
        .await
        .assert_problem(422);
    assert_eq!(problem.code, "roster.not_a_trainer");
    let foreign_id = member_id(&foreign_admin, foreign_member.account_id()).await;
    let problem = assign(&owner, &foreign_id, json!(trainer.account_id()))
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "roster.member_not_found");
    let problem = assign(
        &foreign_admin.in_tenant(&gym),
        &id,
        json!(trainer.account_id()),
    )
    .await
    .assert_problem(404);
    assert_eq!(problem.code, "tenancy.not_found");
}

#[tokio::test]
async fn a_trainer_who_stops_being_one_keeps_no_members() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let owner = owner.in_tenant(&gym);
    let trainer = app.signup_in(&gym, Role::Trainer).await;
    let member = app.signup_in(&gym, Role::Member).await;
    let id = member_id(&owner, member.account_id()).await;
    let trainer_membership = member_id(&owner, trainer.account_id()).await;
    assign(&owner, &id, json!(trainer.account_id()))
        .await
        .assert_status(200);

    owner
        .send(
            Method::PATCH,
            &format!("/api/v1/members/{trainer_membership}"),
            |r| r.json(&json!({ "role": "member" })),
        )
        .await
        .assert_status(200);
    let page: Value = owner.get("/api/v1/members?limit=100").await.json();
    let row = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id.as_str())
        .unwrap();
    assert!(row["assigned_trainer_id"].is_null(), "{row}");
    // And a member cannot be assigned to them any more.
    assign(&owner, &id, json!(trainer.account_id()))
        .await
        .assert_problem(422);
}

#[tokio::test]
async fn a_trainer_who_deletes_their_account_keeps_no_members() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let owner = owner.in_tenant(&gym);
    let trainer = app.signup_in(&gym, Role::Trainer).await;
    let member = app.signup_in(&gym, Role::Member).await;
    let id = member_id(&owner, member.account_id()).await;
    assign(&owner, &id, json!(trainer.account_id()))
        .await
        .assert_status(200);
    trainer
        .send(Method::DELETE, "/api/v1/me", |r| {
            r.json(&json!({ "password": palestra_testkit::PASSWORD }))
        })
        .await
        .assert_status(204);
    let page: Value = owner.get("/api/v1/members?role=member").await.json();
    assert!(page["items"][0]["assigned_trainer_id"].is_null(), "{page}");
}
