//! Categories and classes: managers write, everyone in the gym reads, outsiders see nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly at the first surprise"
)]

mod support;

use reqwest::Method;
use serde_json::{Value, json};

use support::{Gym, app};

#[tokio::test]
async fn managers_build_categories_and_classes_that_everyone_in_the_gym_reads() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let category: Value = gym
        .admin
        .post(
            "/api/v1/class-categories",
            json!({ "name": "Cardio", "color": "#ff8800", "icon": "bike" }),
        )
        .await
        .assert_status(201)
        .json();
    assert_eq!(category["color"], "#FF8800");
    let duplicate = gym
        .owner
        .post("/api/v1/class-categories", json!({ "name": "Cardio" }))
        .await
        .assert_problem(409);
    assert_eq!(duplicate.code, "schedule.category_name_taken");

    let created = gym
        .admin
        .post(
            "/api/v1/classes",
            json!({
                "name": "Spinning", "description": "45 minutes on the bike",
                "category_id": category["id"], "duration_minutes": 45, "capacity": 20,
                "difficulty": "intermediate", "default_trainer_id": gym.trainer.account_id(),
            }),
        )
        .await
        .assert_status(201);
    let location = created.header("location").unwrap();
    let class: Value = created.json();
    assert_eq!(
        location,
        format!("/api/v1/classes/{}", class["id"].as_str().unwrap())
    );
    assert_eq!(class["difficulty"], "intermediate");
    assert_eq!(class["active"], true);

    let listed: Value = gym
        .member
        .get(&format!(
            "/api/v1/classes?category_id={}",
            category["id"].as_str().unwrap()
        ))
        .await
        .assert_status(200)
        .json();
    assert_eq!(listed.as_array().unwrap().len(), 1);

    let updated: Value = gym
        .owner
        .send(Method::PATCH, &location, |r| {
            r.json(&json!({ "capacity": 25, "active": false }))
        })
        .await
        .assert_status(200)
        .json();
    assert_eq!(updated["capacity"], 25);
    assert_eq!(updated["active"], false);
    let inactive: Value = gym
        .trainer
        .get("/api/v1/classes?active=false")
        .await
        .assert_status(200)
        .json();
    assert_eq!(inactive.as_array().unwrap().len(), 1);

    // Deleting the category keeps the class, without it.
    gym.admin
        .send(
            Method::DELETE,
            &format!(
                "/api/v1/class-categories/{}",
                category["id"].as_str().unwrap()
            ),
            |r| r,
        )
        .await
        .assert_status(204);
    let class: Value = gym.member.get(&location).await.assert_status(200).json();
    assert!(class["category_id"].is_null());
}

#[tokio::test]
async fn a_class_trainer_must_hold_the_trainer_role_and_fields_are_checked() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    for who in [gym.member.account_id(), gym.admin.account_id()] {
        let problem = gym
            .admin
            .post(
                "/api/v1/classes",
                json!({ "name": "Yoga", "duration_minutes": 60, "capacity": 10, "default_trainer_id": who }),
            )
            .await
            .assert_problem(422);
        assert_eq!(problem.code, "schedule.trainer_not_eligible");
    }
    let problem = gym
        .admin
        .post(
            "/api/v1/classes",
            json!({ "name": " ", "duration_minutes": 2, "capacity": 0 }),
        )
        .await
        .assert_problem(422);
    let fields: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["name", "duration_minutes", "capacity"]);
    let problem = gym
        .admin
        .post(
            "/api/v1/classes",
            json!({ "name": "Yoga", "duration_minutes": 60, "capacity": 10, "colour": "red" }),
        )
        .await
        .assert_problem(422);
    assert_eq!(problem.code, "request.validation_failed");
    let problem = gym
        .admin
        .post(
            "/api/v1/class-categories",
            json!({ "name": "Mind", "color": "blue" }),
        )
        .await
        .assert_problem(422);
    assert_eq!(problem.errors[0].field, "color");
}

#[tokio::test]
async fn roles_and_outsiders_on_category_and_class_routes() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let class = gym.class(10).await;
    let category: Value = gym
        .admin
        .post("/api/v1/class-categories", json!({ "name": "Strength" }))
        .await
        .assert_status(201)
        .json();
    let category = category["id"].as_str().unwrap();

    // Reads: everyone in the gym; the outsider gets 404.
    for path in [
        "/api/v1/class-categories".to_owned(),
        format!("/api/v1/class-categories/{category}"),
        "/api/v1/classes".to_owned(),
        format!("/api/v1/classes/{class}"),
    ] {
        gym.expect_statuses(Method::GET, &path, None, [200, 200, 200, 200, 404])
            .await;
    }
    // Writes: managers only. A trainer or member gets 403 before any validation.
    gym.expect_statuses(
        Method::PATCH,
        &format!("/api/v1/classes/{class}"),
        Some(json!({ "name": "Spin" })),
        [200, 200, 403, 403, 404],
    )
    .await;
    gym.expect_statuses(
        Method::PATCH,
        &format!("/api/v1/class-categories/{category}"),
        Some(json!({ "icon": "dumbbell" })),
        [200, 200, 403, 403, 404],
    )
    .await;
    for (i, actor) in gym.everyone().into_iter().enumerate() {
        let response = actor
            .post(
                "/api/v1/classes",
                json!({ "name": format!("Class {i}"), "duration_minutes": 30, "capacity": 5 }),
            )
            .await;
        assert_eq!(
            response.status.as_u16(),
            [201, 201, 403, 403, 404][i],
            "{}",
            response.body
        );
        let response = actor
            .post(
                "/api/v1/class-categories",
                json!({ "name": format!("Category {i}") }),
            )
            .await;
        assert_eq!(
            response.status.as_u16(),
            [201, 201, 403, 403, 404][i],
            "{}",
            response.body
        );
    }
    gym.expect_statuses(
        Method::DELETE,
        &format!("/api/v1/class-categories/{category}"),
        None,
        [204, 404, 403, 403, 404],
    )
    .await;

    // Another gym's class is not found from this one, even by its manager.
    let other = Gym::create(&app).await;
    let theirs = other.class(5).await;
    let problem = gym
        .owner
        .get(&format!("/api/v1/classes/{theirs}"))
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "schedule.class_not_found");
}
