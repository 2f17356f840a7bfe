//! Gyms on gym-api: creation, the caller's list, and tenant binding through `X-Gym-ID`.

mod common;

use palestra_core::Role;
use serde_json::{Value, json};

use common::{gym_app, trainer_app};

#[tokio::test]
async fn creating_a_gym_makes_the_caller_its_owner() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let response = owner
        .post(
            "/api/v1/gyms",
            json!({ "name": "Forja Fitness", "time_zone": "America/Mexico_City", "currency": "MXN",
                    "contact_email": "hola@forja.mx", "contact_phone": "+52 55 1234 5678" }),
        )
        .await
        .assert_status(201);
    assert_eq!(response.header("location").as_deref(), Some("/api/v1/gym"));
    let gym: Value = response.json();
    assert_eq!(gym["time_zone"], "America/Mexico_City");
    assert_eq!(gym["currency"], "MXN");
    assert_eq!(gym["status"], "active");

    let mine: Value = owner
        .get("/api/v1/gyms/mine")
        .await
        .assert_status(200)
        .json();
    assert_eq!(mine["items"][0]["gym"]["id"], gym["id"]);
    assert_eq!(mine["items"][0]["role"], "owner");
    assert!(mine["next_cursor"].is_null());

    let selected: Value = owner
        .in_tenant(gym["id"].as_str().unwrap())
        .get("/api/v1/gym")
        .await
        .assert_status(200)
        .json();
    assert_eq!(selected["name"], "Forja Fitness");
}

#[tokio::test]
async fn gym_fields_are_validated() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let problem = owner
        .post(
            "/api/v1/gyms",
            json!({ "name": "X", "time_zone": "Mars/Olympus", "currency": "EUR" }),
        )
        .await
        .assert_problem(422);
    assert_eq!(problem.errors[0].field, "time_zone");
    let problem = owner
        .post(
            "/api/v1/gyms",
            json!({ "name": "X", "time_zone": "Europe/Madrid", "currency": "EURO" }),
        )
        .await
        .assert_problem(422);
    assert_eq!(problem.errors[0].field, "currency");
    let problem = owner
        .post("/api/v1/gyms", json!({ "name": " ", "time_zone": "Europe/Madrid", "currency": "EUR", "contact_phone": "call me" }))
        .await
        .assert_problem(422);
    let fields: Vec<_> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["name", "contact_phone"]);
    owner
        .post("/api/v1/gyms", json!({ "name": "X" }))
        .await
        .assert_problem(422);
    app.anonymous()
        .post(
            "/api/v1/gyms",
            json!({ "name": "X", "time_zone": "Europe/Madrid", "currency": "EUR" }),
        )
        .await
        .assert_problem(401);
}

#[tokio::test]
async fn the_gym_header_is_required_and_must_be_a_uuid() {
    let app = gym_app().await;
    let owner = app.signup().await;
    owner.create_gym().await;
    let problem = owner.get("/api/v1/gym").await.assert_problem(400);
    assert_eq!(problem.code, "tenancy.missing_tenant_header");
    assert!(problem.detail.unwrap().contains("X-Gym-ID"));
    let problem = owner
        .in_tenant("gym-42")
        .get("/api/v1/gym")
        .await
        .assert_problem(400);
    assert_eq!(problem.code, "tenancy.invalid_tenant_header");
}

#[tokio::test]
async fn a_member_of_one_gym_gets_404_from_another_gym() {
    let app = gym_app().await;
    let gym_a = app.signup().await.create_gym().await;
    let gym_b = app.signup().await.create_gym().await;
    let member_of_a = app.signup_in(&gym_a, Role::Member).await;

    member_of_a.get("/api/v1/gym").await.assert_status(200);
    let problem = member_of_a
        .in_tenant(&gym_b)
        .get("/api/v1/gym")
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "tenancy.not_found");
    // A gym that does not exist answers exactly like one the caller is not in.
    let missing = member_of_a
        .in_tenant(&uuid::Uuid::now_v7().to_string())
        .get("/api/v1/gym")
        .await
        .assert_problem(404);
    assert_eq!(missing.detail, problem.detail);
}

#[tokio::test]
async fn every_role_of_the_gym_can_read_it_and_outsiders_cannot() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    for role in [Role::Admin, Role::Trainer, Role::Member] {
        let person = app.signup_in(&gym, role).await;
        person.get("/api/v1/gym").await.assert_status(200);
        let mine: Value = person
            .get("/api/v1/gyms/mine")
            .await
            .assert_status(200)
            .json();
        assert_eq!(mine["items"][0]["role"], role.as_str());
    }
    owner
        .in_tenant(&gym)
        .get("/api/v1/gym")
        .await
        .assert_status(200);
    app.signup()
        .await
        .in_tenant(&gym)
        .get("/api/v1/gym")
        .await
        .assert_problem(404);
    app.anonymous()
        .in_tenant(&gym)
        .get("/api/v1/gym")
        .await
        .assert_problem(401);
}

#[tokio::test]
async fn a_suspended_gym_answers_403() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    app.suspend_tenant(&gym).await;
    let problem = owner
        .in_tenant(&gym)
        .get("/api/v1/gym")
        .await
        .assert_problem(403);
    assert_eq!(problem.code, "tenancy.suspended");
}

#[tokio::test]
async fn a_trainer_workspace_is_not_a_gym() {
    // Both products can share one database; a workspace id must not open gym routes.
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    app.execute("SELECT 1").await;
    // Turn the gym into a trainer workspace behind the API's back.
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    palestra_core::entities::tenant::Entity::update_many()
        .col_expr(
            palestra_core::entities::tenant::Column::Kind,
            Expr::value("trainer"),
        )
        .filter(palestra_core::entities::tenant::Column::Id.eq(gym.parse::<uuid::Uuid>().unwrap()))
        .exec(&app.db)
        .await
        .unwrap();
    owner
        .in_tenant(&gym)
        .get("/api/v1/gym")
        .await
        .assert_problem(404);
    let mine: Value = owner
        .get("/api/v1/gyms/mine")
        .await
        .assert_status(200)
        .json();
    assert_eq!(mine["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn my_gyms_are_paginated_by_name_with_a_cursor() {
    let app = gym_app().await;
    let owner = app.signup().await;
    for name in ["Delta", "Alpha", "Charlie", "Bravo", "Echo"] {
        owner
            .post(
                "/api/v1/gyms",
                json!({ "name": name, "time_zone": "Europe/Madrid", "currency": "EUR" }),
            )
            .await
            .assert_status(201);
    }
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/gyms/mine?limit=2&cursor={c}"),
            None => "/api/v1/gyms/mine?limit=2".to_owned(),
        };
        let page: Value = owner.get(&path).await.assert_status(200).json();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        names.extend(
            items
                .iter()
                .map(|i| i["gym"]["name"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(names, ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]);

    let problem = owner
        .get("/api/v1/gyms/mine?limit=0")
        .await
        .assert_problem(400);
    assert_eq!(problem.code, "request.invalid_limit");
    let problem = owner
        .get("/api/v1/gyms/mine?cursor=garbage!")
        .await
        .assert_problem(400);
    assert_eq!(problem.code, "request.invalid_cursor");
    let problem = owner
        .get("/api/v1/gyms/mine?limit=many")
        .await
        .assert_problem(400);
    assert_eq!(problem.code, "request.invalid_query");
}

#[tokio::test]
async fn gym_routes_do_not_exist_on_the_trainer_service() {
    let app = trainer_app().await;
    let user = app.signup().await;
    user.get("/api/v1/gym").await.assert_problem(404);
    user.post(
        "/api/v1/gyms",
        json!({ "name": "X", "time_zone": "Europe/Madrid", "currency": "EUR" }),
    )
    .await
    .assert_problem(404);
}
