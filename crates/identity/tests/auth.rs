//! Sign-up, sign-in, tokens and their lifecycle, through the real server.

mod common;

use futures_util::future::join_all;
use palestra_testkit::PASSWORD;
use serde_json::{Value, json};

use common::{gym_app, trainer_app};

fn registration(email: &str) -> Value {
    json!({ "email": email, "password": PASSWORD, "full_name": "Ana López" })
}

#[tokio::test]
async fn registering_signs_in_and_me_returns_the_account() {
    let app = gym_app().await;
    let response = app
        .anonymous()
        .post(
            "/api/v1/auth/register",
            registration("Ana.Lopez@Example.com"),
        )
        .await
        .assert_status(201);
    assert_eq!(response.header("location").as_deref(), Some("/api/v1/me"));
    let body: Value = response.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(
        body["refresh_token"]
            .as_str()
            .is_some_and(|t| t.len() >= 40)
    );

    let me: Value = app
        .anonymous()
        .with_token(body["access_token"].as_str().unwrap())
        .get("/api/v1/me")
        .await
        .assert_status(200)
        .json();
    assert_eq!(me["email"], "Ana.Lopez@Example.com");
    assert_eq!(me["full_name"], "Ana López");
    assert_eq!(me["id"], body["account"]["id"]);
}

#[tokio::test]
async fn emails_are_unique_whatever_their_case() {
    let app = gym_app().await;
    app.anonymous()
        .post("/api/v1/auth/register", registration("ben@example.com"))
        .await
        .assert_status(201);
    let problem = app
        .anonymous()
        .post("/api/v1/auth/register", registration("BEN@Example.COM"))
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "identity.email_taken");
}

#[tokio::test]
async fn concurrent_registrations_of_one_email_let_exactly_one_win() {
    let app = gym_app().await;
    let attempts = (0..12).map(|i| {
        let email = if i % 2 == 0 {
            "race@example.com"
        } else {
            "RACE@example.com"
        };
        let anonymous = app.anonymous();
        async move {
            anonymous
                .post("/api/v1/auth/register", registration(email))
                .await
        }
    });
    let responses = join_all(attempts).await;
    let created = responses.iter().filter(|r| r.status == 201).count();
    let conflicts: Vec<_> = responses.into_iter().filter(|r| r.status != 201).collect();
    assert_eq!(
        created,
        1,
        "exactly one registration wins on {}",
        app.backend()
    );
    assert_eq!(conflicts.len(), 11);
    for response in conflicts {
        assert_eq!(response.assert_problem(409).code, "identity.email_taken");
    }
}

#[tokio::test]
async fn a_weak_password_and_a_bad_email_are_explained_field_by_field() {
    let app = gym_app().await;
    let problem = app
        .anonymous()
        .post(
            "/api/v1/auth/register",
            json!({ "email": "cara@example.com", "password": "short", "full_name": "" }),
        )
        .await
        .assert_problem(422);
    assert_eq!(problem.code, "request.validation_failed");
    let fields: Vec<_> = problem
        .errors
        .iter()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(
        fields,
        [("password", "too_short"), ("full_name", "too_short")]
    );

    let problem = app
        .anonymous()
        .post(
            "/api/v1/auth/register",
            json!({ "email": "not-an-email", "password": PASSWORD, "full_name": "Cara" }),
        )
        .await
        .assert_problem(422);
    assert_eq!(problem.errors[0].field, "email");
}

#[tokio::test]
async fn login_accepts_the_right_password_in_any_email_case_and_nothing_else() {
    let app = gym_app().await;
    app.anonymous()
        .post("/api/v1/auth/register", registration("dani@example.com"))
        .await
        .assert_status(201);
    let body: Value = app
        .anonymous()
        .post(
            "/api/v1/auth/login",
            json!({ "email": " DANI@example.com ", "password": PASSWORD }),
        )
        .await
        .assert_status(200)
        .json();
    assert!(body["access_token"].is_string());

    let wrong_password = app
        .anonymous()
        .post(
            "/api/v1/auth/login",
            json!({ "email": "dani@example.com", "password": "not-the-password" }),
        )
        .await
        .assert_problem(401);
    let unknown_email = app
        .anonymous()
        .post(
            "/api/v1/auth/login",
            json!({ "email": "nobody@example.com", "password": PASSWORD }),
        )
        .await
        .assert_problem(401);
    // Both failures look the same: no way to tell which emails have accounts.
    assert_eq!(wrong_password.code, "identity.invalid_credentials");
    assert_eq!(unknown_email.code, wrong_password.code);
    assert_eq!(unknown_email.detail, wrong_password.detail);
}

#[tokio::test]
async fn me_needs_a_valid_bearer_token() {
    let app = gym_app().await;
    let problem = app.anonymous().get("/api/v1/me").await.assert_problem(401);
    assert_eq!(problem.code, "auth.missing_token");
    let response = app
        .anonymous()
        .with_token("not-a-jwt")
        .get("/api/v1/me")
        .await;
    assert_eq!(
        response.header("www-authenticate").as_deref(),
        Some("Bearer")
    );
    assert_eq!(response.assert_problem(401).code, "auth.invalid_token");
}

#[tokio::test]
async fn a_gym_token_is_refused_by_the_trainer_service_and_the_other_way_round() {
    let gym = gym_app().await;
    let trainer = trainer_app().await;
    let gym_user = gym.signup().await;
    let trainer_user = trainer.signup().await;

    gym_user.get("/api/v1/me").await.assert_status(200);
    let problem = trainer
        .anonymous()
        .with_token(gym_user.token.as_deref().unwrap())
        .get("/api/v1/me")
        .await
        .assert_problem(401);
    assert_eq!(problem.code, "auth.invalid_token");
    gym.anonymous()
        .with_token(trainer_user.token.as_deref().unwrap())
        .get("/api/v1/me")
        .await
        .assert_problem(401);
}

async fn refresh(app: &palestra_testkit::TestApp, token: &str) -> palestra_testkit::TestResponse {
    app.anonymous()
        .post("/api/v1/auth/refresh", json!({ "refresh_token": token }))
        .await
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_revokes_the_session() {
    let app = gym_app().await;
    let first: Value = app
        .anonymous()
        .post("/api/v1/auth/register", registration("eva@example.com"))
        .await
        .assert_status(201)
        .json();
    let first_token = first["refresh_token"].as_str().unwrap().to_owned();

    let second: Value = refresh(&app, &first_token).await.assert_status(200).json();
    let second_token = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(second_token, first_token);
    assert_eq!(second["account"]["email"], "eva@example.com");
    app.anonymous()
        .with_token(second["access_token"].as_str().unwrap())
        .get("/api/v1/me")
        .await
        .assert_status(200);

    // Someone replays the spent token: the whole session dies, including the newest token.
    let problem = refresh(&app, &first_token).await.assert_problem(401);
    assert_eq!(problem.code, "identity.refresh_token_reused");
    let problem = refresh(&app, &second_token).await.assert_problem(401);
    assert_eq!(problem.code, "identity.invalid_refresh_token");

    // Other sessions of the same account are untouched.
    let other: Value = app
        .anonymous()
        .post(
            "/api/v1/auth/login",
            json!({ "email": "eva@example.com", "password": PASSWORD }),
        )
        .await
        .assert_status(200)
        .json();
    refresh(&app, other["refresh_token"].as_str().unwrap())
        .await
        .assert_status(200);
}

#[tokio::test]
async fn concurrent_uses_of_one_refresh_token_never_yield_two_sessions() {
    let app = gym_app().await;
    let body: Value = app
        .anonymous()
        .post("/api/v1/auth/register", registration("fran@example.com"))
        .await
        .assert_status(201)
        .json();
    let token = body["refresh_token"].as_str().unwrap().to_owned();
    let responses = join_all((0..8).map(|_| refresh(&app, &token))).await;
    let winners: Vec<_> = responses.iter().filter(|r| r.status == 200).collect();
    assert!(
        winners.len() <= 1,
        "at most one refresh succeeds on {}",
        app.backend()
    );
    for response in responses.iter().filter(|r| r.status != 200) {
        assert_eq!(response.status, 401, "{}", response.body);
    }
    // Any reuse revoked the session, so even the winner's new token is dead.
    if let Some(winner) = winners.first() {
        let next: Value = winner.json();
        refresh(&app, next["refresh_token"].as_str().unwrap())
            .await
            .assert_problem(401);
    }
}

#[tokio::test]
async fn logout_revokes_the_session_and_always_answers_204() {
    let app = gym_app().await;
    let body: Value = app
        .anonymous()
        .post("/api/v1/auth/register", registration("gala@example.com"))
        .await
        .assert_status(201)
        .json();
    let token = body["refresh_token"].as_str().unwrap();
    app.anonymous()
        .post("/api/v1/auth/logout", json!({ "refresh_token": token }))
        .await
        .assert_status(204);
    let problem = refresh(&app, token).await.assert_problem(401);
    assert_eq!(problem.code, "identity.invalid_refresh_token");
    app.anonymous()
        .post("/api/v1/auth/logout", json!({ "refresh_token": "unknown" }))
        .await
        .assert_status(204);
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id_hashes_and_refresh_tokens_as_digests() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = gym_app().await;
    let body: Value = app
        .anonymous()
        .post("/api/v1/auth/register", registration("hana@example.com"))
        .await
        .assert_status(201)
        .json();
    let backend = app.db.get_database_backend();
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT password_hash FROM accounts",
        ))
        .await
        .unwrap()
        .unwrap();
    let hash: String = row.try_get("", "password_hash").unwrap();
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    assert!(!hash.contains(PASSWORD));
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT token_hash FROM refresh_tokens",
        ))
        .await
        .unwrap()
        .unwrap();
    let stored: String = row.try_get("", "token_hash").unwrap();
    assert_ne!(stored, body["refresh_token"].as_str().unwrap());
    assert_eq!(stored.len(), 64);
}
