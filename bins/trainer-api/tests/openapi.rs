//! The committed OpenAPI document of trainer-api is the one the code produces, and it is complete.

use palestra_testkit::openapi::{assert_committed, assert_complete, assert_tenant_header};
use serde_json::Value;

fn document() -> Value {
    palestra_server::openapi_document(&trainer_api::product(), &trainer_api::modules())
}

#[test]
fn the_committed_document_is_current() {
    assert_committed(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../.."),
        "trainer-api",
        &document(),
    );
}

#[test]
fn every_operation_has_a_summary_a_success_and_problem_errors() {
    assert_complete(&document());
}

#[test]
fn tenant_routes_document_this_products_tenant_header() {
    assert_tenant_header(&document(), "/api/v1/workspace", "X-Workspace-ID", false);
}

#[test]
fn only_this_products_routes_are_documented() {
    let document = document();
    assert!(document["paths"].get("/api/v1/workspace").is_some());
    assert!(document["paths"].get("/api/v1/gym").is_none());
}
