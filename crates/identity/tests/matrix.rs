//! Every tenant route of identity, for every role and an outsider: the expected status of each
//! cell. A new route belongs in this table.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test loudly at the first surprise"
)]

mod common;

use palestra_core::Role;
use palestra_testkit::{Actor, PASSWORD, TestApp};
use reqwest::Method;
use serde_json::{Value, json};

use common::{gym_app, trainer_app};

/// Columns of a row: owner, admin, trainer, member, outsider (signed in, not a member), anonymous.
const WHO: [&str; 6] = [
    "owner",
    "admin",
    "trainer",
    "member",
    "outsider",
    "anonymous",
];

struct Row {
    method: Method,
    path: &'static str,
    body: Option<Value>,
    expect: [u16; 6],
}

fn row(method: Method, path: &'static str, body: Option<Value>, expect: [u16; 6]) -> Row {
    Row {
        method,
        path,
        body,
        expect,
    }
}

async fn membership_of(owner: &Actor<'_>, account: &str) -> String {
    let page: Value = owner.get("/api/v1/members?limit=100").await.json();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["account_id"] == account)
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .unwrap()
}

/// Runs one row in a fresh gym. Per cell, `{victim}` is another member's membership id,
/// `{invitation}` a pending invitation and `{email}` a registered account outside the gym.
async fn run_gym_row(app: &TestApp, row: &Row) {
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let owner = owner.in_tenant(&gym);
    let actors = [
        owner.clone(),
        app.signup_in(&gym, Role::Admin).await,
        app.signup_in(&gym, Role::Trainer).await,
        app.signup_in(&gym, Role::Member).await,
        app.signup().await.in_tenant(&gym),
        app.anonymous().in_tenant(&gym),
    ];
    // Owner last: what it may do can end the others' access (transfer, removal).
    for column in [1, 2, 3, 4, 5, 0] {
        let mut path = row.path.to_owned();
        let mut body = row.body.clone();
        if path.contains("{victim}") {
            let victim = app.signup_in(&gym, Role::Member).await;
            path = path.replace(
                "{victim}",
                &membership_of(&owner, victim.account_id()).await,
            );
        }
        if path.contains("{invitation}") {
            let email = format!("{}@invited.example.com", uuid::Uuid::now_v7().simple());
            let invitation: Value = owner
                .post(
                    "/api/v1/invitations",
                    json!({ "email": email, "role": "member" }),
                )
                .await
                .assert_status(201)
                .json();
            path = path.replace("{invitation}", invitation["id"].as_str().unwrap());
        }
        if let Some(value) = &mut body {
            let text = value.to_string();
            if text.contains("{email}") {
                let email = format!("{}@example.com", uuid::Uuid::now_v7().simple());
                app.signup_with_email(&email).await;
                *value = serde_json::from_str(&text.replace("{email}", &email)).unwrap();
            }
            if text.contains("{victim}") {
                let victim = app.signup_in(&gym, Role::Member).await;
                let id = membership_of(&owner, victim.account_id()).await;
                *value = serde_json::from_str(&value.to_string().replace("{victim}", &id)).unwrap();
            }
        }
        let response = actors[column]
            .send(row.method.clone(), &path, |r| match body {
                Some(body) => r.json(&body),
                None => r,
            })
            .await;
        assert_eq!(
            response.status.as_u16(),
            row.expect[column],
            "{} {} as {} on {}: {}",
            row.method,
            row.path,
            WHO[column],
            app.backend(),
            response.body
        );
    }
}

#[tokio::test]
async fn gym_routes_answer_each_role_as_the_table_says() {
    let app = gym_app().await;
    let rows = [
        row(
            Method::GET,
            "/api/v1/gym",
            None,
            [200, 200, 200, 200, 404, 401],
        ),
        row(
            Method::GET,
            "/api/v1/context",
            None,
            [200, 200, 200, 200, 404, 401],
        ),
        row(
            Method::GET,
            "/api/v1/me/permissions",
            None,
            [200, 200, 200, 200, 404, 401],
        ),
        row(
            Method::GET,
            "/api/v1/modules",
            None,
            [200, 200, 200, 200, 404, 401],
        ),
        row(
            Method::PUT,
            "/api/v1/modules/chat",
            Some(json!({ "active": true })),
            [200, 200, 403, 403, 404, 401],
        ),
        row(
            Method::PATCH,
            "/api/v1/branding",
            Some(json!({ "primary": "#000000" })),
            [200, 403, 403, 403, 404, 401],
        ),
        row(
            Method::GET,
            "/api/v1/members",
            None,
            [200, 200, 200, 403, 404, 401],
        ),
        row(
            Method::POST,
            "/api/v1/members",
            Some(json!({ "email": "{email}", "role": "member" })),
            [201, 201, 403, 403, 404, 401],
        ),
        row(
            Method::PATCH,
            "/api/v1/members/{victim}",
            Some(json!({ "role": "trainer" })),
            [200, 200, 403, 403, 404, 401],
        ),
        row(
            Method::DELETE,
            "/api/v1/members/{victim}",
            None,
            [204, 204, 403, 403, 404, 401],
        ),
        row(
            Method::POST,
            "/api/v1/invitations",
            Some(json!({ "email": "{email}", "role": "member" })),
            [201, 201, 403, 403, 404, 401],
        ),
        row(
            Method::GET,
            "/api/v1/invitations",
            None,
            [200, 200, 403, 403, 404, 401],
        ),
        row(
            Method::DELETE,
            "/api/v1/invitations/{invitation}",
            None,
            [204, 204, 403, 403, 404, 401],
        ),
        row(
            Method::GET,
            "/api/v1/audit",
            None,
            [200, 200, 403, 403, 404, 401],
        ),
        row(
            Method::POST,
            "/api/v1/ownership/transfer",
            Some(json!({ "membership_id": "{victim}" })),
            [200, 403, 403, 403, 404, 401],
        ),
        row(
            Method::POST,
            "/api/v1/membership/leave",
            Some(json!({})),
            [409, 204, 204, 204, 404, 401],
        ),
    ];
    for row in &rows {
        run_gym_row(&app, row).await;
    }
}

#[tokio::test]
async fn workspace_routes_answer_each_role_as_the_table_says() {
    let app = trainer_app().await;
    let rows = [
        row(
            Method::GET,
            "/api/v1/workspace",
            None,
            [200, 200, 200, 200, 404, 401],
        ),
        row(
            Method::GET,
            "/api/v1/join-code",
            None,
            [200, 200, 403, 403, 404, 401],
        ),
        row(
            Method::POST,
            "/api/v1/join-code/rotate",
            Some(json!({})),
            [200, 200, 403, 403, 404, 401],
        ),
        row(
            Method::GET,
            "/api/v1/members",
            None,
            [200, 200, 200, 403, 404, 401],
        ),
        row(
            Method::GET,
            "/api/v1/context",
            None,
            [200, 200, 200, 200, 404, 401],
        ),
    ];
    for row in &rows {
        let body: Value = app
            .anonymous()
            .post(
                "/api/v1/auth/register-trainer",
                json!({ "email": format!("{}@coach.example.com", uuid::Uuid::now_v7().simple()), "password": PASSWORD,
                        "full_name": "Coach", "time_zone": "Europe/Madrid" }),
            )
            .await
            .assert_status(201)
            .json();
        let workspace = body["workspace"]["id"].as_str().unwrap();
        let owner = app
            .anonymous()
            .with_token(body["access_token"].as_str().unwrap());
        // In the trainer product the workspace is found from the caller: no header.
        let actors = [
            owner,
            app.signup_in(workspace, Role::Admin)
                .await
                .with_token_only(),
            app.signup_in(workspace, Role::Trainer)
                .await
                .with_token_only(),
            app.signup_in(workspace, Role::Member)
                .await
                .with_token_only(),
            app.signup().await,
            app.anonymous(),
        ];
        for (column, actor) in actors.iter().enumerate() {
            let response = actor
                .send(row.method.clone(), row.path, |r| match &row.body {
                    Some(body) => r.json(body),
                    None => r,
                })
                .await;
            assert_eq!(
                response.status.as_u16(),
                row.expect[column],
                "{} {} as {} on {}: {}",
                row.method,
                row.path,
                WHO[column],
                app.backend(),
                response.body
            );
        }
    }
}
