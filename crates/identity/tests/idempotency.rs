//! Sign-up with `Idempotency-Key`: a retry gets the first answer, never a second account, on
//! SQLite and Postgres (as the run is configured) and on Redis when it is reachable.

mod common;

use futures_util::future::join_all;
use palestra_core::entities::{account, idempotency_key};
use palestra_testkit::{PASSWORD, TestApp, TestResponse};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use common::{gym_app_with, local_redis, trainer_app_with};

fn stores() -> Vec<Option<String>> {
    let mut stores = vec![None];
    stores.extend(local_redis().map(Some));
    stores
}

async fn send(app: &TestApp, path: &str, key: &str, body: &Value) -> TestResponse {
    let (body, key) = (body.clone(), key.to_owned());
    app.anonymous()
        .send(Method::POST, path, move |r| {
            r.json(&body).header("idempotency-key", key)
        })
        .await
}

async fn accounts_with_email(app: &TestApp, email: &str) -> Result<u64, sea_orm::DbErr> {
    account::Entity::find()
        .filter(account::Column::EmailNormalized.eq(email.to_lowercase()))
        .count(&app.db)
        .await
}

fn replayed(response: &TestResponse) -> bool {
    response.header("idempotency-replayed").as_deref() == Some("true")
}

#[tokio::test]
async fn a_retried_sign_up_creates_one_account_and_gets_the_same_tokens() {
    for redis in stores() {
        let app = gym_app_with(|s| s.redis_url = redis.clone()).await;
        let key = uuid::Uuid::now_v7().to_string();
        let body =
            json!({ "email": "Rosa@example.com", "password": PASSWORD, "full_name": "Rosa" });
        let first = send(&app, "/api/v1/auth/register", &key, &body)
            .await
            .assert_status(201);
        let retry = send(&app, "/api/v1/auth/register", &key, &body)
            .await
            .assert_status(201);
        assert!(replayed(&retry));
        assert_eq!(retry.header("location").as_deref(), Some("/api/v1/me"));
        let (first, retry): (Value, Value) = (first.json(), retry.json());
        assert_eq!(retry["account"]["id"], first["account"]["id"]);
        assert_eq!(retry["access_token"], first["access_token"]);
        assert_eq!(
            accounts_with_email(&app, "rosa@example.com").await.unwrap(),
            1
        );
        app.anonymous()
            .with_token(retry["access_token"].as_str().unwrap())
            .get("/api/v1/me")
            .await
            .assert_status(200);

        if redis.is_none() {
            // Tokens are secrets: the database keeps the response sealed, never in clear.
            let stored = idempotency_key::Entity::find()
                .filter(idempotency_key::Column::IdempotencyKey.eq(key.as_str()))
                .one(&app.db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(stored.status, idempotency_key::STATUS_DONE);
            assert_eq!(stored.response_status, Some(201));
            let sealed = stored.response_body.unwrap();
            let refresh = first["refresh_token"].as_str().unwrap();
            assert!(
                !sealed
                    .windows(refresh.len())
                    .any(|w| w == refresh.as_bytes()),
                "the refresh token is not stored in clear"
            );
        }
    }
}

#[tokio::test]
async fn a_sign_up_key_reused_with_another_body_is_refused() {
    let app = gym_app_with(|_| {}).await;
    let key = uuid::Uuid::now_v7().to_string();
    let body = json!({ "email": "sam@example.com", "password": PASSWORD, "full_name": "Sam" });
    send(&app, "/api/v1/auth/register", &key, &body)
        .await
        .assert_status(201);
    let other = json!({ "email": "sue@example.com", "password": PASSWORD, "full_name": "Sue" });
    let problem = send(&app, "/api/v1/auth/register", &key, &other)
        .await
        .assert_problem(422);
    assert_eq!(problem.code, "request.idempotency_key_reused");
    assert_eq!(
        accounts_with_email(&app, "sue@example.com").await.unwrap(),
        0
    );
}

#[tokio::test]
async fn concurrent_sign_ups_with_one_key_create_one_account() {
    for redis in stores() {
        let app = gym_app_with(|s| s.redis_url = redis.clone()).await;
        let key = uuid::Uuid::now_v7().to_string();
        let body =
            json!({ "email": "crowd@example.com", "password": PASSWORD, "full_name": "Cro" });
        let responses =
            join_all((0..8).map(|_| send(&app, "/api/v1/auth/register", &key, &body))).await;
        let fresh = responses
            .iter()
            .filter(|r| r.status == 201 && !replayed(r))
            .count();
        assert_eq!(fresh, 1, "one sign-up ran on {} / {redis:?}", app.backend());
        for response in responses {
            match response.status.as_u16() {
                201 => {}
                409 => assert_eq!(
                    response.assert_problem(409).code,
                    "request.idempotency_in_flight"
                ),
                other => panic!("unexpected {other}: {}", response.body),
            }
        }
        assert_eq!(
            accounts_with_email(&app, "crowd@example.com")
                .await
                .unwrap(),
            1
        );
    }
}

#[tokio::test]
async fn concurrent_trainer_sign_ups_with_one_key_create_one_workspace() {
    for redis in stores() {
        let app = trainer_app_with(|s| s.redis_url = redis.clone()).await;
        let key = uuid::Uuid::now_v7().to_string();
        let body = json!({
            "email": "tia@example.com",
            "password": PASSWORD,
            "full_name": "Tia Trainer",
            "time_zone": "America/Mexico_City",
            "currency": "MXN",
        });
        let responses =
            join_all((0..8).map(|_| send(&app, "/api/v1/auth/register-trainer", &key, &body)))
                .await;
        let created: Vec<_> = responses.iter().filter(|r| r.status == 201).collect();
        assert!(!created.is_empty());
        let workspaces: Vec<Value> = created
            .iter()
            .map(|r| r.json::<Value>()["workspace"]["id"].clone())
            .collect();
        assert!(
            workspaces.iter().all(|w| *w == workspaces[0]),
            "every answer names the same workspace"
        );
        assert_eq!(
            created.iter().filter(|r| !replayed(r)).count(),
            1,
            "on {} / {redis:?}",
            app.backend()
        );
        assert!(responses.iter().all(|r| r.status == 201 || r.status == 409));
        assert_eq!(
            accounts_with_email(&app, "tia@example.com").await.unwrap(),
            1
        );
    }
}
