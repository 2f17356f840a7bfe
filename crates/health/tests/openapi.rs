//! The module's operations are complete in both products' documents (summaries, described
//! responses, problem errors, the product's tenant header), and the same paths in both.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly at the first surprise"
)]

mod common;

use palestra_testkit::TestApp;
use palestra_testkit::openapi::{assert_complete, assert_tenant_header};
use serde_json::Value;

use common::{gym_app, trainer_app};

async fn progress_paths(app: &TestApp) -> (Value, Vec<String>) {
    let document: Value = app
        .anonymous()
        .get("/openapi.json")
        .await
        .assert_status(200)
        .json();
    let mut paths: Vec<String> = document["paths"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|p| p.starts_with("/api/v1/progress/"))
        .cloned()
        .collect();
    paths.sort();
    (document, paths)
}

#[tokio::test]
async fn both_products_document_the_same_complete_progress_routes() {
    let gym = gym_app().await;
    let trainer = trainer_app().await;
    let (gym_doc, gym_paths) = progress_paths(&gym).await;
    let (trainer_doc, trainer_paths) = progress_paths(&trainer).await;
    assert_eq!(gym_paths, trainer_paths);
    assert_eq!(gym_paths.len(), 9, "{gym_paths:?}");
    assert_complete(&gym_doc);
    assert_complete(&trainer_doc);
    assert_tenant_header(
        &gym_doc,
        "/api/v1/progress/people/{person}/series",
        "X-Gym-ID",
        true,
    );
    assert_tenant_header(
        &trainer_doc,
        "/api/v1/progress/people/{person}/series",
        "X-Workspace-ID",
        false,
    );
    assert!(gym_doc["paths"]["/api/v1/members/{id}/trainer"]["put"].is_object());
}
