//! Gym sign-up, modules per tenant, the context endpoint, permissions and branding.

mod common;

use std::sync::Arc;

use actix_web::{get, web};
use futures_util::future::join_all;
use palestra_core::{Module, Product, Role, Tenant};
use palestra_testkit::{PASSWORD, TestApp};
use serde_json::{Value, json};
use utoipa_actix_web::service_config::ServiceConfig;

use common::{gym_app, trainer_app};

fn gym_signup(email: &str, gym_name: &str) -> Value {
    json!({
        "email": email,
        "password": PASSWORD,
        "full_name": "Olga Owner",
        "gym": { "name": gym_name, "time_zone": "America/Mexico_City", "currency": "MXN",
                 "address": "Av. Insurgentes 1, CDMX", "contact_phone": "+52 55 1111 2222" }
    })
}

#[tokio::test]
async fn a_gym_owner_signs_up_with_the_gym_its_slug_and_default_modules() {
    let app = gym_app().await;
    let body: Value = app
        .anonymous()
        .post(
            "/api/v1/auth/register-gym",
            gym_signup("olga@example.com", "Forja Fitness Coyoacán"),
        )
        .await
        .assert_status(201)
        .json();
    assert_eq!(body["gym"]["slug"], "forja-fitness-coyoacan");
    assert_eq!(body["gym"]["address"], "Av. Insurgentes 1, CDMX");
    let owner = app
        .anonymous()
        .with_token(body["access_token"].as_str().unwrap());
    let gym = body["gym"]["id"].as_str().unwrap();
    let modules: Value = owner
        .in_tenant(gym)
        .get("/api/v1/modules")
        .await
        .assert_status(200)
        .json();
    let active: Vec<_> = modules
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["active"] == true)
        .map(|m| m["key"].as_str().unwrap())
        .collect();
    assert_eq!(active, ["schedule", "billing", "notifications", "progress"]);

    // Same name, another gym: another slug.
    let second: Value = app
        .anonymous()
        .post(
            "/api/v1/auth/register-gym",
            gym_signup("otto@example.com", "Forja Fitness Coyoacán"),
        )
        .await
        .assert_status(201)
        .json();
    assert_eq!(second["gym"]["slug"], "forja-fitness-coyoacan-2");
}

#[tokio::test]
async fn concurrent_gyms_with_one_name_all_get_distinct_slugs() {
    let app = gym_app().await;
    let anonymous = app.anonymous();
    let attempts = (0..6).map(|i| {
        let anonymous = anonymous.clone();
        async move {
            anonymous
                .post(
                    "/api/v1/auth/register-gym",
                    gym_signup(&format!("race{i}@example.com"), "Race Gym"),
                )
                .await
        }
    });
    let mut slugs: Vec<String> = join_all(attempts)
        .await
        .into_iter()
        .map(|r| {
            let body: Value = r.assert_status(201).json();
            body["gym"]["slug"].as_str().unwrap().to_owned()
        })
        .collect();
    slugs.sort();
    let count = slugs.len();
    slugs.dedup();
    assert_eq!(slugs.len(), count, "slugs are unique on {}", app.backend());
}

#[tokio::test]
async fn gym_sign_up_is_validated_field_by_field_and_atomic() {
    let app = gym_app().await;
    let mut bad = gym_signup("vera@example.com", "");
    bad["gym"]["time_zone"] = json!("Europe/Madrid");
    let problem = app
        .anonymous()
        .post("/api/v1/auth/register-gym", bad)
        .await
        .assert_problem(422);
    assert_eq!(problem.errors[0].field, "gym.name");
    app.anonymous()
        .post(
            "/api/v1/auth/register-gym",
            gym_signup("vera@example.com", "Vera Gym"),
        )
        .await
        .assert_status(201);
}

#[tokio::test]
async fn only_owners_and_admins_switch_modules_and_essential_ones_stay() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let owner = owner.in_tenant(&gym);
    let admin = app.signup_in(&gym, Role::Admin).await;
    let trainer = app.signup_in(&gym, Role::Trainer).await;
    let member = app.signup_in(&gym, Role::Member).await;

    let switched: Value = admin
        .send(reqwest::Method::PUT, "/api/v1/modules/nutrition", |r| {
            r.json(&json!({ "active": true }))
        })
        .await
        .assert_status(200)
        .json();
    assert_eq!(switched["active"], true);
    for person in [&trainer, &member] {
        let problem = person
            .send(reqwest::Method::PUT, "/api/v1/modules/nutrition", |r| {
                r.json(&json!({ "active": false }))
            })
            .await
            .assert_problem(403);
        assert_eq!(problem.code, "auth.forbidden");
    }
    let problem = owner
        .send(reqwest::Method::PUT, "/api/v1/modules/notifications", |r| {
            r.json(&json!({ "active": false }))
        })
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "modules.essential");
    let problem = owner
        .send(reqwest::Method::PUT, "/api/v1/modules/teleportation", |r| {
            r.json(&json!({ "active": true }))
        })
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "modules.unknown");

    let modules: Value = member
        .get("/api/v1/modules")
        .await
        .assert_status(200)
        .json();
    let nutrition = modules
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == "nutrition")
        .unwrap();
    assert_eq!(nutrition["active"], true);
    app.signup()
        .await
        .in_tenant(&gym)
        .get("/api/v1/modules")
        .await
        .assert_problem(404);
}

/// A stand-in domain module, switchable as `nutrition`, with one tenant route.
struct Nutrition;

#[utoipa::path(tag = "nutrition", responses((status = 200, description = "The tenant's name.")))]
#[get("/nutrition/ping")]
async fn ping(tenant: Tenant) -> web::Json<Value> {
    web::Json(json!({ "tenant": tenant.model.name }))
}

#[async_trait::async_trait]
impl Module for Nutrition {
    fn name(&self) -> &'static str {
        "nutrition"
    }

    fn catalog_key(&self) -> Option<&'static str> {
        Some("nutrition")
    }

    fn configure(&self, cfg: &mut ServiceConfig<'_>) {
        cfg.service(ping);
    }
}

#[tokio::test]
async fn every_route_of_a_deactivated_module_answers_module_disabled() {
    let mut modules = palestra_identity::gym_modules();
    modules.push(Arc::new(Nutrition));
    let app = TestApp::spawn(Product::gym(), modules).await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let owner = owner.in_tenant(&gym);
    let member = app.signup_in(&gym, Role::Member).await;

    // Nutrition is off by default for gyms.
    let problem = member
        .get("/api/v1/nutrition/ping")
        .await
        .assert_problem(403);
    assert_eq!(problem.code, "module.disabled");
    owner
        .send(reqwest::Method::PUT, "/api/v1/modules/nutrition", |r| {
            r.json(&json!({ "active": true }))
        })
        .await
        .assert_status(200);
    member
        .get("/api/v1/nutrition/ping")
        .await
        .assert_status(200);
    owner
        .send(reqwest::Method::PUT, "/api/v1/modules/nutrition", |r| {
            r.json(&json!({ "active": false }))
        })
        .await
        .assert_status(200);
    member
        .get("/api/v1/nutrition/ping")
        .await
        .assert_problem(403);
    // Outsiders still learn nothing: tenant isolation comes first.
    app.signup()
        .await
        .in_tenant(&gym)
        .get("/api/v1/nutrition/ping")
        .await
        .assert_problem(404);
}

#[tokio::test]
async fn the_context_has_tenant_role_permissions_modules_words_and_branding() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let member = app.signup_in(&gym, Role::Member).await;
    let context: Value = member
        .get("/api/v1/context")
        .await
        .assert_status(200)
        .json();
    assert_eq!(context["tenant"]["id"], gym.as_str());
    assert_eq!(context["tenant"]["kind"], "gym");
    assert_eq!(context["tenant"]["time_zone"], "Europe/Madrid");
    assert_eq!(context["role"], "member");
    assert!(
        context["permissions"]
            .as_array()
            .unwrap()
            .contains(&json!("identity.tenant.read"))
    );
    assert!(
        !context["permissions"]
            .as_array()
            .unwrap()
            .contains(&json!("identity.roster.manage"))
    );
    assert_eq!(context["terminology"]["en"]["tenant"], "gym");
    assert_eq!(context["terminology"]["es"]["tenant"], "gimnasio");
    assert_eq!(context["terminology"]["es"]["member"], "miembro");
    assert_eq!(context["terminology"]["es"]["session"], "clase");
    assert_eq!(context["branding"]["primary"], "#1F6FEB");
    assert_eq!(context["feature_flags"]["class_schedule"], true);
    let schedule = context["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == "schedule")
        .unwrap();
    assert_eq!(schedule["active"], true);

    let owner_context: Value = owner
        .in_tenant(&gym)
        .get("/api/v1/context")
        .await
        .assert_status(200)
        .json();
    assert!(
        owner_context["permissions"]
            .as_array()
            .unwrap()
            .contains(&json!("identity.ownership.transfer"))
    );
}

#[tokio::test]
async fn a_trainer_workspace_context_speaks_of_clients_and_sessions() {
    let app = trainer_app().await;
    let body: Value = app
        .anonymous()
        .post(
            "/api/v1/auth/register-trainer",
            json!({ "email": "coach@example.com", "password": PASSWORD, "full_name": "Coach Carter", "time_zone": "America/Mexico_City" }),
        )
        .await
        .assert_status(201)
        .json();
    let trainer = app
        .anonymous()
        .with_token(body["access_token"].as_str().unwrap());
    let context: Value = trainer
        .get("/api/v1/context")
        .await
        .assert_status(200)
        .json();
    assert_eq!(context["tenant"]["kind"], "trainer");
    assert_eq!(context["role"], "owner");
    assert_eq!(context["terminology"]["en"]["member"], "client");
    assert_eq!(context["terminology"]["es"]["tenant"], "espacio de trabajo");
    assert_eq!(context["terminology"]["es"]["session"], "sesión");
    let active: Vec<_> = context["modules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["active"] == true)
        .map(|m| m["key"].as_str().unwrap())
        .collect();
    for essential in [
        "users",
        "chat",
        "health",
        "nutrition",
        "payments",
        "appointments",
        "progress",
    ] {
        assert!(
            active.contains(&essential),
            "{essential} is active for a new trainer"
        );
    }
}

#[tokio::test]
async fn permissions_follow_the_role() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    for (role, can_manage_roster) in [
        (Role::Admin, true),
        (Role::Trainer, false),
        (Role::Member, false),
    ] {
        let person = app.signup_in(&gym, role).await;
        let body: Value = person
            .get("/api/v1/me/permissions")
            .await
            .assert_status(200)
            .json();
        assert_eq!(body["role"], role.as_str());
        let has = body["permissions"]
            .as_array()
            .unwrap()
            .contains(&json!("identity.roster.manage"));
        assert_eq!(has, can_manage_roster, "{role:?}");
    }
    owner
        .get("/api/v1/me/permissions")
        .await
        .assert_problem(400);
}

#[tokio::test]
async fn only_the_owner_changes_branding_and_null_restores_defaults() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let owner = owner.in_tenant(&gym);
    let patch = |body: Value| move |r: reqwest::RequestBuilder| r.json(&body);
    let branding: Value = owner
        .send(
            reqwest::Method::PATCH,
            "/api/v1/branding",
            patch(json!({ "primary": "#ff0000", "logo_url": "https://cdn.example.com/logo.png" })),
        )
        .await
        .assert_status(200)
        .json();
    assert_eq!(branding["primary"], "#FF0000");
    assert_eq!(branding["secondary"], "#0D1117");
    let context: Value = owner.get("/api/v1/context").await.json();
    assert_eq!(context["branding"]["primary"], "#FF0000");
    assert_eq!(
        context["tenant"]["logo_url"],
        "https://cdn.example.com/logo.png"
    );

    let restored: Value = owner
        .send(
            reqwest::Method::PATCH,
            "/api/v1/branding",
            patch(json!({ "primary": null })),
        )
        .await
        .assert_status(200)
        .json();
    assert_eq!(restored["primary"], "#1F6FEB");
    assert_eq!(restored["logo_url"], "https://cdn.example.com/logo.png");

    let problem = owner
        .send(
            reqwest::Method::PATCH,
            "/api/v1/branding",
            patch(json!({ "accent": "red", "logo_url": "http://x" })),
        )
        .await
        .assert_problem(422);
    let fields: Vec<_> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["accent", "logo_url"]);
    let admin = app.signup_in(&gym, Role::Admin).await;
    admin
        .send(
            reqwest::Method::PATCH,
            "/api/v1/branding",
            patch(json!({ "primary": "#000000" })),
        )
        .await
        .assert_problem(403);
}
