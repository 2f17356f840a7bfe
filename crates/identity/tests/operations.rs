//! Readiness with and without Redis, and CORS, as configured.

use palestra_core::Product;
use palestra_testkit::TestApp;
use reqwest::Method;
use serde_json::Value;

async fn gym_app_with(configure: impl FnOnce(&mut palestra_testkit::AppSettings)) -> TestApp {
    TestApp::spawn_configured(Product::gym(), palestra_identity::gym_modules(), configure).await
}

#[tokio::test]
async fn readiness_fails_when_a_configured_redis_does_not_answer() {
    // Nothing listens on port 1.
    let app = gym_app_with(|s| s.redis_url = Some("redis://127.0.0.1:1".to_owned())).await;
    let response = app.anonymous().get("/readyz").await.assert_status(503);
    let body: Value = response.json();
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["checks"]["database"], "ok");
    assert_eq!(body["checks"]["redis"], "unavailable");
}

#[tokio::test]
async fn readiness_checks_a_configured_redis_that_answers() {
    if std::net::TcpStream::connect("127.0.0.1:6379").is_err() {
        eprintln!("no Redis at 127.0.0.1:6379: this check is skipped here");
        return;
    }
    let app = gym_app_with(|s| s.redis_url = Some("redis://127.0.0.1:6379".to_owned())).await;
    let body: Value = app
        .anonymous()
        .get("/readyz")
        .await
        .assert_status(200)
        .json();
    assert_eq!(body["checks"]["redis"], "ok");
}

#[tokio::test]
async fn cors_allows_only_the_configured_origins() {
    let app =
        gym_app_with(|s| s.cors_allowed_origins = vec!["https://app.example.com".to_owned()]).await;
    let anonymous = app.anonymous();
    let preflight = |origin: &'static str| {
        anonymous.send(Method::OPTIONS, "/api/v1/me", move |r| {
            r.header("origin", origin)
                .header("access-control-request-method", "GET")
                .header("access-control-request-headers", "authorization")
        })
    };
    let allowed = preflight("https://app.example.com")
        .await
        .assert_status(200);
    assert_eq!(
        allowed.header("access-control-allow-origin").as_deref(),
        Some("https://app.example.com")
    );
    let refused = preflight("https://evil.example.com").await;
    assert!(refused.header("access-control-allow-origin").is_none());
    assert!(refused.status.is_client_error(), "{}", refused.status);
}
