//! Security headers on every response: JSON routes, problems, operations, refusals by CORS, and
//! the Swagger UI pages, which keep working under their own Content-Security-Policy.

mod common;

use palestra_server::security_headers::{API_CSP, DOCS_CSP, HSTS, PERMISSIONS_POLICY};
use palestra_server::settings::Environment;
use palestra_testkit::TestResponse;
use reqwest::Method;

use common::probe_app;

#[track_caller]
fn assert_common_headers(response: &TestResponse) {
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("cross-origin-opener-policy", "same-origin"),
        ("permissions-policy", PERMISSIONS_POLICY),
    ] {
        assert_eq!(
            response.header(name).as_deref(),
            Some(value),
            "{name} on a {} response",
            response.status
        );
    }
}

#[tokio::test]
async fn json_routes_problems_and_operations_carry_the_security_headers() {
    let (app, _) = probe_app(|_| {}).await;
    let anonymous = app.anonymous();

    let json = anonymous.get("/api/v1/probe").await.assert_status(200);
    let problem = anonymous.get("/api/v1/nothing-here").await;
    let health = anonymous.get("/healthz").await.assert_status(200);
    let document = anonymous.get("/openapi.json").await.assert_status(200);
    for response in [&json, &problem, &health, &document] {
        assert_common_headers(response);
        assert_eq!(
            response.header("content-security-policy").as_deref(),
            Some(API_CSP)
        );
        assert!(
            response.header("strict-transport-security").is_none(),
            "no HSTS in development"
        );
    }
    assert_eq!(json.header("cache-control").as_deref(), Some("no-store"));
    assert_eq!(problem.header("cache-control").as_deref(), Some("no-store"));
    assert!(health.header("cache-control").is_none());
    assert_eq!(problem.assert_problem(404).code, "request.not_found");
}

#[tokio::test]
async fn production_adds_strict_transport_security() {
    let (app, _) = probe_app(|s| s.environment = Environment::Production).await;
    for path in ["/api/v1/probe", "/healthz", "/docs/"] {
        let response = app.anonymous().get(path).await.assert_status(200);
        assert_eq!(
            response.header("strict-transport-security").as_deref(),
            Some(HSTS),
            "{path}"
        );
    }
}

#[tokio::test]
async fn refusals_by_cors_carry_the_headers_too() {
    let (app, _) =
        probe_app(|s| s.cors_allowed_origins = vec!["https://app.example.com".to_owned()]).await;
    let refused = app
        .anonymous()
        .send(Method::OPTIONS, "/api/v1/probe", |r| {
            r.header("origin", "https://evil.example.com")
                .header("access-control-request-method", "GET")
        })
        .await;
    assert!(refused.status.is_client_error(), "{}", refused.status);
    assert_common_headers(&refused);
    assert_eq!(
        refused.header("content-security-policy").as_deref(),
        Some(API_CSP)
    );
}

/// The values of `attribute="..."` in an HTML page.
fn attribute_values<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let needle = format!("{attribute}=\"");
    html.match_indices(&needle)
        .filter_map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

#[tokio::test]
async fn swagger_ui_loads_under_its_own_policy() {
    let (app, _) = probe_app(|_| {}).await;
    let anonymous = app.anonymous();

    let redirect = anonymous.get("/docs").await.assert_status(308);
    assert_common_headers(&redirect);

    let page = anonymous.get("/docs/").await.assert_status(200);
    assert_common_headers(&page);
    assert_eq!(
        page.header("content-security-policy").as_deref(),
        Some(DOCS_CSP)
    );
    assert!(page.header("cache-control").is_none());
    assert!(page.body.contains("id=\"swagger-ui\""), "{}", page.body);

    // `script-src 'self'` allows no inline script: every script must come from a file here.
    let scripts = page.body.matches("<script").count();
    let sources = attribute_values(&page.body, "src");
    assert_eq!(scripts, sources.len(), "an inline script would be blocked");
    let styles = attribute_values(&page.body, "href");
    assert!(!sources.is_empty() && !styles.is_empty());
    for asset in sources.iter().chain(&styles) {
        assert!(
            !asset.contains("//"),
            "{asset} must come from this origin, as the policy requires"
        );
        let path = format!("/docs/{}", asset.trim_start_matches("./"));
        let response = anonymous.get(&path).await.assert_status(200);
        assert_common_headers(&response);
        assert_eq!(
            response.header("content-security-policy").as_deref(),
            Some(DOCS_CSP)
        );
        let content_type = response.header("content-type").unwrap_or_default();
        let expected = if path.ends_with(".js") {
            "javascript"
        } else if path.ends_with(".css") {
            "css"
        } else {
            "image/"
        };
        assert!(content_type.contains(expected), "{path}: {content_type}");
    }

    // The initializer fetches the document from this origin (`connect-src 'self'`).
    let initializer = anonymous
        .get("/docs/swagger-initializer.js")
        .await
        .assert_status(200);
    assert!(
        initializer.body.contains("\"/openapi.json\""),
        "{}",
        initializer.body
    );
    anonymous.get("/openapi.json").await.assert_status(200);
}
