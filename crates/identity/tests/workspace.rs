//! Trainer sign-up and the implicit workspace on trainer-api.

mod common;

use palestra_core::Role;
use palestra_testkit::PASSWORD;
use serde_json::{Value, json};

use common::{gym_app, trainer_app};

fn trainer(email: &str) -> Value {
    json!({
        "email": email,
        "password": PASSWORD,
        "full_name": "Alex Rivera",
        "time_zone": "America/Mexico_City",
        "currency": "MXN",
        "phone": "+52 55 1234 5678",
        "specialties": ["strength", "mobility"],
        "certifications": ["NSCA-CPT"],
        "max_clients": 40,
        "bio": "Strength coach."
    })
}

#[tokio::test]
async fn a_trainer_signs_up_with_their_workspace_in_one_step() {
    let app = trainer_app().await;
    let response = app
        .anonymous()
        .post("/api/v1/auth/register-trainer", trainer("alex@example.com"))
        .await
        .assert_status(201);
    assert_eq!(
        response.header("location").as_deref(),
        Some("/api/v1/workspace")
    );
    let body: Value = response.json();
    assert_eq!(body["workspace"]["name"], "Alex Rivera");
    assert_eq!(body["workspace"]["role"], "owner");
    assert_eq!(
        body["workspace"]["specialties"],
        json!(["strength", "mobility"])
    );
    assert_eq!(body["workspace"]["max_clients"], 40);

    // No header needed: the workspace is found from the caller.
    let workspace: Value = app
        .anonymous()
        .with_token(body["access_token"].as_str().unwrap())
        .get("/api/v1/workspace")
        .await
        .assert_status(200)
        .json();
    assert_eq!(workspace["id"], body["workspace"]["id"]);
    assert_eq!(workspace["time_zone"], "America/Mexico_City");
    assert_eq!(workspace["currency"], "MXN");
}

#[tokio::test]
async fn trainer_sign_up_is_validated_and_atomic() {
    let app = trainer_app().await;
    let mut bad = trainer("bea@example.com");
    bad["time_zone"] = json!("Nowhere/City");
    let problem = app
        .anonymous()
        .post("/api/v1/auth/register-trainer", bad)
        .await
        .assert_problem(422);
    assert_eq!(problem.errors[0].field, "time_zone");

    let mut bad = trainer("bea@example.com");
    bad["max_clients"] = json!(0);
    bad["specialties"] = json!(["", "ok"]);
    let problem = app
        .anonymous()
        .post("/api/v1/auth/register-trainer", bad)
        .await
        .assert_problem(422);
    let fields: Vec<_> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["specialties[0]", "max_clients"]);

    // Nothing was half-created: the email is still free.
    app.anonymous()
        .post("/api/v1/auth/register-trainer", trainer("bea@example.com"))
        .await
        .assert_status(201);
    let problem = app
        .anonymous()
        .post("/api/v1/auth/register-trainer", trainer("BEA@example.com"))
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "identity.email_taken");
}

#[tokio::test]
async fn a_client_sees_their_trainers_workspace() {
    let app = trainer_app().await;
    let body: Value = app
        .anonymous()
        .post(
            "/api/v1/auth/register-trainer",
            trainer("coach@example.com"),
        )
        .await
        .assert_status(201)
        .json();
    let workspace = body["workspace"]["id"].as_str().unwrap();
    let client = app.signup().await;
    app.add_membership(workspace, client.account_id(), Role::Member)
        .await;
    let seen: Value = client
        .get("/api/v1/workspace")
        .await
        .assert_status(200)
        .json();
    assert_eq!(seen["id"], workspace);
    assert_eq!(seen["role"], "member");
}

#[tokio::test]
async fn someone_without_a_workspace_gets_404() {
    let app = trainer_app().await;
    let problem = app
        .signup()
        .await
        .get("/api/v1/workspace")
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "tenancy.no_workspace");
}

#[tokio::test]
async fn someone_in_several_workspaces_must_choose_one() {
    let app = trainer_app().await;
    let mut workspaces = Vec::new();
    for email in ["one@example.com", "two@example.com"] {
        let body: Value = app
            .anonymous()
            .post("/api/v1/auth/register-trainer", trainer(email))
            .await
            .assert_status(201)
            .json();
        workspaces.push(body["workspace"]["id"].as_str().unwrap().to_owned());
    }
    let client = app.signup().await;
    for workspace in &workspaces {
        app.add_membership(workspace, client.account_id(), Role::Member)
            .await;
    }
    let problem = client.get("/api/v1/workspace").await.assert_problem(400);
    assert_eq!(problem.code, "tenancy.workspace_required");
    let choices = problem.extensions["choices"].as_array().unwrap();
    assert_eq!(choices.len(), 2);

    let chosen: Value = client
        .in_tenant(&workspaces[1])
        .get("/api/v1/workspace")
        .await
        .assert_status(200)
        .json();
    assert_eq!(chosen["id"], workspaces[1].as_str());

    // Choosing a workspace one is not in is a 404, like any foreign tenant.
    let stranger = app.signup().await;
    stranger
        .in_tenant(&workspaces[0])
        .get("/api/v1/workspace")
        .await
        .assert_problem(404);
}

#[tokio::test]
async fn a_gym_is_not_a_trainer_workspace() {
    // The trainer service ignores tenants of the other kind, even in a shared database.
    let app = trainer_app().await;
    let body: Value = app
        .anonymous()
        .post("/api/v1/auth/register-trainer", trainer("kind@example.com"))
        .await
        .assert_status(201)
        .json();
    let workspace = body["workspace"]["id"].as_str().unwrap();
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    palestra_core::entities::tenant::Entity::update_many()
        .col_expr(
            palestra_core::entities::tenant::Column::Kind,
            Expr::value("gym"),
        )
        .filter(
            palestra_core::entities::tenant::Column::Id
                .eq(workspace.parse::<uuid::Uuid>().unwrap()),
        )
        .exec(&app.db)
        .await
        .unwrap();
    let owner = app
        .anonymous()
        .with_token(body["access_token"].as_str().unwrap());
    owner.get("/api/v1/workspace").await.assert_problem(404);
}

#[tokio::test]
async fn trainer_sign_up_does_not_exist_on_the_gym_service() {
    let app = gym_app().await;
    app.anonymous()
        .post(
            "/api/v1/auth/register-trainer",
            trainer("gymgoer@example.com"),
        )
        .await
        .assert_problem(404);
}
