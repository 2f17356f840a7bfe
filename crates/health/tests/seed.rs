//! The demo data: the demo gym's first members get weekly measurements and a goal, and are
//! assigned to the first demo trainer, who can follow them; seeding twice adds nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly at the first surprise"
)]

mod common;

use palestra_core::Role;
use palestra_core::product::ProductKind;
use palestra_health::entities::measurement;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::Value;

use common::{gym_app, person};

#[tokio::test]
async fn the_demo_gym_gets_progress_its_trainer_can_follow() {
    let app = gym_app().await;
    assert_eq!(
        palestra_health::seed::demo(&app.db, ProductKind::Gym)
            .await
            .unwrap(),
        vec!["Progress: no demo tenant to fill.".to_owned()]
    );
    let (owner, _) = app.signup_with_email("owner@demo.palestra.dev").await;
    let gym = owner.create_gym().await;
    let (coach, _) = app.signup_with_email("trainer1@demo.palestra.dev").await;
    app.add_membership(&gym, coach.account_id(), Role::Trainer)
        .await;
    let coach = coach.in_tenant(&gym);
    let member = person(&app, &gym, Role::Member).await;

    palestra_health::seed::demo(&app.db, ProductKind::Gym)
        .await
        .unwrap();
    let rows = measurement::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(rows, 24);
    let series: Value = coach
        .get(&format!(
            "/api/v1/progress/people/{}/series?metric=weight",
            member.account_id()
        ))
        .await
        .assert_status(200)
        .json();
    assert_eq!(series["points"].as_array().unwrap().len(), 12);
    let goals: Value = member.get("/api/v1/progress/people/me/goals").await.json();
    assert!(
        goals["items"][0]["progress_percent"].as_f64().unwrap() > 0.0,
        "{goals}"
    );

    palestra_health::seed::demo(&app.db, ProductKind::Gym)
        .await
        .unwrap();
    assert_eq!(
        measurement::Entity::find().count(&app.db).await.unwrap(),
        rows
    );
}
