//! The account's own flows: profile, email verification, password reset and change, email
//! change and deletion.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test loudly at the first surprise"
)]

mod common;

use futures_util::future::join_all;
use palestra_core::Role;
use palestra_testkit::{PASSWORD, TestApp};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use common::gym_app;

/// The code in the newest email of a kind to an address.
async fn emailed_code(app: &TestApp, to: &str, kind: &str) -> String {
    use palestra_core::entities::outbox;
    let row = outbox::Entity::find()
        .filter(outbox::Column::Kind.eq(kind))
        .filter(outbox::Column::Recipient.eq(to))
        .order_by_desc(outbox::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("a {kind} email to {to} is queued"));
    row.body
        .split_whitespace()
        .find(|w| w.len() == 64 && w.chars().all(|c| c.is_ascii_hexdigit()))
        .expect("the email carries a code")
        .to_owned()
}

async fn emails(app: &TestApp, kind: &str) -> u64 {
    use palestra_core::entities::outbox;
    outbox::Entity::find()
        .filter(outbox::Column::Kind.eq(kind))
        .count(&app.db)
        .await
        .unwrap()
}

async fn login(app: &TestApp, email: &str, password: &str) -> palestra_testkit::TestResponse {
    app.anonymous()
        .post(
            "/api/v1/auth/login",
            json!({ "email": email, "password": password }),
        )
        .await
}

fn body(value: Value) -> impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    move |r| r.json(&value)
}

#[tokio::test]
async fn the_profile_is_read_changed_cleared_and_validated() {
    let app = gym_app().await;
    let (ana, _) = app.signup_with_email("ana@example.com").await;
    let me: Value = ana.get("/api/v1/me").await.assert_status(200).json();
    assert_eq!(me["locale"], "en");
    assert_eq!(me["units"], "metric");
    assert_eq!(me["email_verified"], false);

    let changed: Value = ana
        .send(
            Method::PATCH,
            "/api/v1/me",
            body(json!({ "full_name": "Ana López", "phone": "+34 600 111 222", "birth_date": "1990-05-17",
                         "locale": "es-MX", "time_zone": "America/Mexico_City", "units": "imperial",
                         "avatar_url": "https://cdn.example.com/ana.png" })),
        )
        .await
        .assert_status(200)
        .json();
    assert_eq!(changed["full_name"], "Ana López");
    assert_eq!(changed["birth_date"], "1990-05-17");
    assert_eq!(changed["locale"], "es-MX");
    assert_eq!(changed["units"], "imperial");
    let cleared: Value = ana
        .send(
            Method::PATCH,
            "/api/v1/me",
            body(json!({ "phone": null, "avatar_url": null })),
        )
        .await
        .assert_status(200)
        .json();
    assert!(cleared["phone"].is_null());
    assert_eq!(cleared["time_zone"], "America/Mexico_City");

    let problem = ana
        .send(
            Method::PATCH,
            "/api/v1/me",
            body(json!({ "locale": "not a locale", "birth_date": "2999-01-01", "avatar_url": "ftp://x" })),
        )
        .await
        .assert_problem(422);
    let fields: Vec<_> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["birth_date", "locale", "avatar_url"]);
    ana.send(
        Method::PATCH,
        "/api/v1/me",
        body(json!({ "units": "stones" })),
    )
    .await
    .assert_problem(422);
    ana.send(
        Method::PATCH,
        "/api/v1/me",
        body(json!({ "email": "x@example.com" })),
    )
    .await
    .assert_problem(422);
}

#[tokio::test]
async fn an_email_is_confirmed_once_with_the_emailed_code() {
    let app = gym_app().await;
    let (ana, _) = app.signup_with_email("confirm@example.com").await;
    ana.send(Method::POST, "/api/v1/me/email-verification", |r| r)
        .await
        .assert_status(202);
    let code = emailed_code(&app, "confirm@example.com", "identity.verify_email").await;
    app.anonymous()
        .post("/api/v1/auth/verify-email", json!({ "token": code }))
        .await
        .assert_status(204);
    let me: Value = ana.get("/api/v1/me").await.json();
    assert_eq!(me["email_verified"], true);
    let problem = app
        .anonymous()
        .post("/api/v1/auth/verify-email", json!({ "token": code }))
        .await
        .assert_problem(400);
    assert_eq!(problem.code, "identity.token_invalid");
    ana.send(Method::POST, "/api/v1/me/email-verification", |r| r)
        .await
        .assert_problem(409);
}

#[tokio::test]
async fn a_password_reset_changes_the_password_once_and_signs_out_everywhere() {
    let app = gym_app().await;
    let (_, registration) = app.signup_with_email("reset@example.com").await;
    app.anonymous()
        .post(
            "/api/v1/auth/password-reset",
            json!({ "email": "nobody@example.com" }),
        )
        .await
        .assert_status(202);
    assert_eq!(
        emails(&app, "identity.password_reset").await,
        0,
        "no email for unknown addresses"
    );
    app.anonymous()
        .post(
            "/api/v1/auth/password-reset",
            json!({ "email": "RESET@example.com" }),
        )
        .await
        .assert_status(202);
    let code = emailed_code(&app, "reset@example.com", "identity.password_reset").await;

    let confirms = (0..4).map(|_| {
        let anonymous = app.anonymous();
        let code = code.clone();
        async move {
            anonymous
                .post(
                    "/api/v1/auth/password-reset/confirm",
                    json!({ "token": code, "new_password": "a-brand-new-secret" }),
                )
                .await
        }
    });
    let responses = join_all(confirms).await;
    assert_eq!(
        responses.iter().filter(|r| r.status == 204).count(),
        1,
        "on {}",
        app.backend()
    );
    for response in responses.into_iter().filter(|r| r.status != 204) {
        assert_eq!(response.assert_problem(400).code, "identity.token_invalid");
    }
    login(&app, "reset@example.com", PASSWORD)
        .await
        .assert_problem(401);
    login(&app, "reset@example.com", "a-brand-new-secret")
        .await
        .assert_status(200);
    app.anonymous()
        .post(
            "/api/v1/auth/refresh",
            json!({ "refresh_token": registration["refresh_token"] }),
        )
        .await
        .assert_problem(401);
    app.anonymous()
        .post(
            "/api/v1/auth/password-reset/confirm",
            json!({ "token": code, "new_password": "short" }),
        )
        .await
        .assert_problem(422);
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_signs_out_other_sessions() {
    let app = gym_app().await;
    let (ana, first) = app.signup_with_email("change@example.com").await;
    let other: Value = login(&app, "change@example.com", PASSWORD)
        .await
        .assert_status(200)
        .json();
    let problem = ana
        .post(
            "/api/v1/me/password",
            json!({ "current_password": "wrong-password", "new_password": "another-long-secret" }),
        )
        .await
        .assert_problem(403);
    assert_eq!(problem.code, "identity.wrong_password");
    ana.post(
        "/api/v1/me/password",
        json!({ "current_password": PASSWORD, "new_password": "another-long-secret" }),
    )
    .await
    .assert_status(204);
    login(&app, "change@example.com", "another-long-secret")
        .await
        .assert_status(200);
    login(&app, "change@example.com", PASSWORD)
        .await
        .assert_problem(401);
    // The session that changed it lives on; the other one is signed out.
    app.anonymous()
        .post(
            "/api/v1/auth/refresh",
            json!({ "refresh_token": first["refresh_token"] }),
        )
        .await
        .assert_status(200);
    app.anonymous()
        .post(
            "/api/v1/auth/refresh",
            json!({ "refresh_token": other["refresh_token"] }),
        )
        .await
        .assert_problem(401);
    assert_eq!(emails(&app, "identity.password_changed").await, 1);
}

#[tokio::test]
async fn an_email_change_takes_effect_when_the_new_address_confirms_it() {
    let app = gym_app().await;
    let (ana, _) = app.signup_with_email("old@example.com").await;
    app.signup_with_email("taken@example.com").await;
    ana.post(
        "/api/v1/me/email",
        json!({ "new_email": "new@example.com", "password": "wrong-password" }),
    )
    .await
    .assert_problem(403);
    ana.post(
        "/api/v1/me/email",
        json!({ "new_email": "Taken@example.com", "password": PASSWORD }),
    )
    .await
    .assert_problem(409);
    ana.post(
        "/api/v1/me/email",
        json!({ "new_email": "New@Example.com", "password": PASSWORD }),
    )
    .await
    .assert_status(202);
    // Nothing changed yet.
    login(&app, "old@example.com", PASSWORD)
        .await
        .assert_status(200);
    let code = emailed_code(&app, "New@Example.com", "identity.change_email").await;
    app.anonymous()
        .post(
            "/api/v1/auth/confirm-email-change",
            json!({ "token": code }),
        )
        .await
        .assert_status(204);
    let me: Value = ana.get("/api/v1/me").await.json();
    assert_eq!(me["email"], "New@Example.com");
    assert_eq!(me["email_verified"], true);
    login(&app, "new@example.com", PASSWORD)
        .await
        .assert_status(200);
    login(&app, "old@example.com", PASSWORD)
        .await
        .assert_problem(401);
}

#[tokio::test]
async fn deleting_an_account_erases_it_but_owners_hand_over_first() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let owner = owner.in_tenant(&gym);
    let (member, _) = app.signup_with_email("leaving@example.com").await;
    let me: Value = member.get("/api/v1/me").await.json();
    app.add_membership(&gym, me["id"].as_str().unwrap(), Role::Member)
        .await;

    let problem = owner
        .send(
            Method::DELETE,
            "/api/v1/me",
            body(json!({ "password": PASSWORD })),
        )
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "identity.owns_tenants");
    member
        .send(
            Method::DELETE,
            "/api/v1/me",
            body(json!({ "password": "wrong-password" })),
        )
        .await
        .assert_problem(403);
    member
        .send(
            Method::DELETE,
            "/api/v1/me",
            body(json!({ "password": PASSWORD })),
        )
        .await
        .assert_status(204);

    member.get("/api/v1/me").await.assert_problem(401);
    login(&app, "leaving@example.com", PASSWORD)
        .await
        .assert_problem(401);
    let roster: Value = owner
        .get("/api/v1/members?q=leaving")
        .await
        .assert_status(200)
        .json();
    assert_eq!(roster["items"].as_array().unwrap().len(), 0);
    let log: Value = owner.get("/api/v1/audit?limit=100").await.json();
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "auth.account_deleted")
    );
    // The address is free again.
    app.signup_with_email("leaving@example.com").await;
}

#[tokio::test]
async fn sign_ins_are_audited_in_every_tenant_of_the_account() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let owner = owner.in_tenant(&gym);
    let (_, _) = app.signup_with_email("audited@example.com").await;
    owner
        .post(
            "/api/v1/members",
            json!({ "email": "audited@example.com", "role": "trainer" }),
        )
        .await
        .assert_status(201);
    login(&app, "audited@example.com", "wrong-password")
        .await
        .assert_problem(401);
    login(&app, "audited@example.com", PASSWORD)
        .await
        .assert_status(200);
    let log: Value = owner.get("/api/v1/audit").await.json();
    let actions: Vec<_> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.len() >= 2, "{actions:?}");
    assert_eq!(&actions[..2], ["auth.login_succeeded", "auth.login_failed"]);
}
