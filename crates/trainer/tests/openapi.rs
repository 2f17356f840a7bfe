//! Every route of clients, availability and appointments is in trainer-api's OpenAPI document
//! with its summary, problems, the workspace header and its permission.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test loudly at the first surprise"
)]

mod support;

use palestra_testkit::openapi::assert_complete;
use serde_json::Value;

use support::app;

const OPERATIONS: &[(&str, &str, &str)] = &[
    ("get", "/api/v1/clients", "trainer.clients.read"),
    ("get", "/api/v1/clients/{id}", "trainer.clients.read"),
    ("patch", "/api/v1/clients/{id}", "trainer.clients.manage"),
    ("get", "/api/v1/me/client-profile", "trainer.profile.read"),
    (
        "patch",
        "/api/v1/me/client-profile",
        "trainer.profile.update",
    ),
    ("get", "/api/v1/availability", "trainer.availability.read"),
    (
        "get",
        "/api/v1/availability/weekly",
        "trainer.availability.read",
    ),
    (
        "put",
        "/api/v1/availability/weekly",
        "trainer.availability.manage",
    ),
    (
        "get",
        "/api/v1/availability/policy",
        "trainer.availability.read",
    ),
    (
        "put",
        "/api/v1/availability/policy",
        "trainer.availability.manage",
    ),
    (
        "get",
        "/api/v1/availability/exceptions",
        "trainer.availability.manage",
    ),
    (
        "post",
        "/api/v1/availability/exceptions",
        "trainer.availability.manage",
    ),
    (
        "get",
        "/api/v1/availability/exceptions/{id}",
        "trainer.availability.manage",
    ),
    (
        "put",
        "/api/v1/availability/exceptions/{id}",
        "trainer.availability.manage",
    ),
    (
        "delete",
        "/api/v1/availability/exceptions/{id}",
        "trainer.availability.manage",
    ),
    (
        "get",
        "/api/v1/appointment-types",
        "trainer.availability.read",
    ),
    (
        "post",
        "/api/v1/appointment-types",
        "trainer.availability.manage",
    ),
    (
        "get",
        "/api/v1/appointment-types/{id}",
        "trainer.availability.read",
    ),
    (
        "put",
        "/api/v1/appointment-types/{id}",
        "trainer.availability.manage",
    ),
    (
        "delete",
        "/api/v1/appointment-types/{id}",
        "trainer.availability.manage",
    ),
    ("get", "/api/v1/appointments", "trainer.appointments.read"),
    ("post", "/api/v1/appointments", "trainer.appointments.book"),
    (
        "post",
        "/api/v1/appointments/recurring",
        "trainer.appointments.book",
    ),
    (
        "get",
        "/api/v1/appointments/{id}",
        "trainer.appointments.read",
    ),
    (
        "patch",
        "/api/v1/appointments/{id}",
        "trainer.appointments.manage",
    ),
    (
        "post",
        "/api/v1/appointments/{id}/cancel",
        "trainer.appointments.book",
    ),
    (
        "post",
        "/api/v1/appointments/{id}/reschedule",
        "trainer.appointments.book",
    ),
    (
        "post",
        "/api/v1/appointments/{id}/complete",
        "trainer.appointments.manage",
    ),
    (
        "post",
        "/api/v1/appointments/{id}/no-show",
        "trainer.appointments.manage",
    ),
];

#[tokio::test]
async fn every_route_is_documented_with_its_permission_and_the_workspace_header() {
    let app = app().await;
    let document: Value = app
        .anonymous()
        .get("/openapi.json")
        .await
        .assert_status(200)
        .json();
    assert_complete(&document);
    for (method, path, permission) in OPERATIONS {
        let operation = &document["paths"][path][method];
        assert!(operation.is_object(), "{method} {path} is not documented");
        assert_eq!(
            operation["security"][0]["bearer"][0], *permission,
            "{method} {path}"
        );
        let headers: Vec<&str> = operation["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["in"] == "header")
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert!(headers.contains(&"X-Workspace-ID"), "{method} {path}");
        if *method == "post" && (path.ends_with("appointments") || path.ends_with("recurring")) {
            assert!(headers.contains(&"Idempotency-Key"), "{method} {path}");
        }
    }
}
