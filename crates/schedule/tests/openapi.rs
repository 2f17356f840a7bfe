//! The schedule's operations are documented completely: summaries, problem bodies, the tenant
//! header, the permission as the bearer scope.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly at the first surprise"
)]

mod support;

use serde_json::Value;

#[tokio::test]
async fn every_schedule_operation_is_documented() {
    let app = support::app().await;
    let document: Value = app
        .anonymous()
        .get("/openapi.json")
        .await
        .assert_status(200)
        .json();
    palestra_testkit::openapi::assert_complete(&document);
    for path in [
        "/api/v1/class-categories",
        "/api/v1/classes/{id}",
        "/api/v1/sessions",
        "/api/v1/sessions/{id}",
        "/api/v1/series/{id}",
        "/api/v1/bookings/{id}",
        "/api/v1/waitlist/{id}",
        "/api/v1/schedule/settings",
    ] {
        palestra_testkit::openapi::assert_tenant_header(&document, path, "X-Gym-ID", true);
    }
    // Every write documents the tenant header too, required.
    for path in [
        "/api/v1/series",
        "/api/v1/sessions/{id}/bookings",
        "/api/v1/bookings/{id}/cancel",
        "/api/v1/bookings/{id}/attendance",
        "/api/v1/sessions/{id}/waitlist",
        "/api/v1/sessions/{id}/cancel",
        "/api/v1/series/{id}/cancel",
    ] {
        let header = document["paths"][path]["post"]["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["in"] == "header" && p["name"] == "X-Gym-ID");
        assert!(
            header.is_some_and(|h| h["required"] == true),
            "POST {path} lacks X-Gym-ID"
        );
    }
    let book = &document["paths"]["/api/v1/sessions/{id}/bookings"]["post"];
    assert_eq!(book["security"][0]["bearer"][0], "schedule.bookings.book");
    let params: Vec<&str> = book["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(params.contains(&"Idempotency-Key"), "{params:?}");
}
