//! Bad input of every kind comes back as a problem document, never as text and never as a 500;
//! and the operational routes answer.

mod common;

use palestra_testkit::TestResponse;
use reqwest::Method;
use serde_json::Value;

use common::gym_app;

#[tokio::test]
async fn malformed_json_wrong_content_type_and_wrong_shapes_are_problems() {
    let app = gym_app().await;
    let anonymous = app.anonymous();
    let send = |content_type: &'static str, body: &'static str| {
        anonymous.send(Method::POST, "/api/v1/auth/register", move |r| {
            r.header("content-type", content_type).body(body)
        })
    };
    let problem = send("application/json", "{\"email\": ")
        .await
        .assert_problem(400);
    assert_eq!(problem.code, "request.malformed_json");
    let problem = send("text/plain", "hello").await.assert_problem(415);
    assert_eq!(problem.code, "request.unsupported_media_type");
    let problem = send("application/json", "[1, 2]").await.assert_problem(422);
    assert_eq!(problem.code, "request.validation_failed");
    let problem = send(
        "application/json",
        "{\"email\": \"a@b.co\", \"password\": 5, \"full_name\": \"A\"}",
    )
    .await
    .assert_problem(422);
    assert_eq!(problem.errors[0].field, "password");
    let problem = send("application/json", "{\"email\": \"a@b.co\", \"password\": \"long-enough-pw\", \"full_name\": \"A\", \"admin\": true}")
        .await
        .assert_problem(422);
    assert!(problem.errors[0].message.contains("admin"));
    send("application/json; charset=utf-8", "{}")
        .await
        .assert_problem(422);
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = gym_app().await;
    let big = format!("{{\"email\": \"{}\"}}", "a".repeat(300 * 1024));
    let problem = app
        .anonymous()
        .send(Method::POST, "/api/v1/auth/login", move |r| {
            r.header("content-type", "application/json").body(big)
        })
        .await
        .assert_problem(413);
    assert_eq!(problem.code, "request.body_too_large");
}

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_methods_are_405_with_allow() {
    let app = gym_app().await;
    let problem = app
        .anonymous()
        .get("/api/v1/does-not-exist")
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "request.not_found");
    let response = app.anonymous().send(Method::PUT, "/api/v1/me", |r| r).await;
    let mut allowed: Vec<String> = response
        .header("allow")
        .unwrap_or_default()
        .split(", ")
        .map(str::to_owned)
        .collect();
    allowed.sort();
    assert_eq!(allowed, ["DELETE", "GET", "PATCH"]);
    let problem = response.assert_problem(405);
    assert_eq!(problem.code, "request.method_not_allowed");
    let response = app.anonymous().get("/api/v1/auth/login").await;
    assert_eq!(response.header("allow").as_deref(), Some("POST"));
    response.assert_problem(405);
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_a_given_one_is_kept() {
    let app = gym_app().await;
    let response = app.anonymous().get("/healthz").await.assert_status(200);
    assert!(response.header("x-request-id").is_some());
    let response: TestResponse = app
        .anonymous()
        .send(Method::GET, "/api/v1/me", |r| {
            r.header("x-request-id", "trace-abc-123")
        })
        .await;
    assert_eq!(
        response.header("x-request-id").as_deref(),
        Some("trace-abc-123")
    );
    let problem = response.assert_problem(401);
    assert_eq!(problem.request_id.as_deref(), Some("trace-abc-123"));
}

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let app = gym_app().await;
    let health: Value = app
        .anonymous()
        .get("/healthz")
        .await
        .assert_status(200)
        .json();
    assert_eq!(health["status"], "ok");
    let ready: Value = app
        .anonymous()
        .get("/readyz")
        .await
        .assert_status(200)
        .json();
    assert_eq!(ready["checks"]["database"], "ok");
    assert_eq!(ready["checks"]["redis"], "not_configured");
    app.anonymous().get("/api/v1/me").await.assert_status(401);
    let metrics = app.anonymous().get("/metrics").await.assert_status(200);
    assert!(
        metrics.body.contains("palestra_http_requests_total"),
        "{}",
        metrics.body
    );
    assert!(
        metrics.body.contains("route=\"/api/v1/me\"") && metrics.body.contains("status=\"401\""),
        "requests are counted by route template and status: {}",
        metrics.body
    );
    assert!(
        metrics
            .body
            .contains("palestra_http_request_duration_seconds_bucket")
    );
}

#[tokio::test]
async fn the_docs_page_and_the_document_are_served() {
    let app = gym_app().await;
    let document: Value = app
        .anonymous()
        .get("/openapi.json")
        .await
        .assert_status(200)
        .json();
    assert_eq!(document["openapi"], "3.1.0");
    let redirect = app.anonymous().get("/docs").await.assert_status(308);
    assert_eq!(redirect.header("location").as_deref(), Some("/docs/"));
    let page = app.anonymous().get("/docs/").await.assert_status(200);
    assert!(page.body.to_lowercase().contains("swagger"));
}
