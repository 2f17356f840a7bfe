//! The committed OpenAPI document of gym-api is the one the code produces, and it is complete.

use palestra_testkit::openapi::{assert_committed, assert_complete, assert_tenant_header};
use serde_json::Value;

fn document() -> Value {
    palestra_server::openapi_document(&gym_api::product(), &gym_api::modules())
}

#[test]
fn the_committed_document_is_current() {
    assert_committed(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../.."),
        "gym-api",
        &document(),
    );
}

#[test]
fn every_operation_has_a_summary_a_success_and_problem_errors() {
    assert_complete(&document());
}

#[test]
fn tenant_routes_document_this_products_tenant_header() {
    assert_tenant_header(&document(), "/api/v1/gym", "X-Gym-ID", true);
}

#[test]
fn only_this_products_routes_are_documented() {
    let document = document();
    assert!(document["paths"].get("/api/v1/gym").is_some());
    assert!(document["paths"].get("/api/v1/workspace").is_none());
}
