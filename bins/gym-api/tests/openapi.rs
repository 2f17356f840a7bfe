//! The committed OpenAPI document of gym-api is the one the code produces, and it is complete.

use serde_json::Value;

fn document() -> Value {
    palestra_server::openapi_document(&gym_api::product(), &gym_api::modules())
}

#[test]
fn the_committed_document_is_current() {
    let generated = serde_json::to_string_pretty(&document()).unwrap() + "\n";
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/gym-api.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/gym-api.json is stale: run `just openapi` and commit the result"
    );
}

fn operations(document: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            out.push((method.clone(), path.clone(), operation));
        }
    }
    out
}

#[test]
fn every_operation_has_a_summary_a_success_and_problem_errors() {
    let document = document();
    for (method, path, operation) in operations(&document) {
        let name = format!("{method} {path}");
        assert!(operation["summary"].is_string(), "{name} has no summary");
        let responses = operation["responses"].as_object().unwrap();
        assert!(
            responses.keys().any(|s| s.starts_with('2')),
            "{name} has no success response"
        );
        assert!(responses.contains_key("500"), "{name} lacks 500");
        for (status, response) in responses {
            assert!(
                response["description"]
                    .as_str()
                    .is_some_and(|d| !d.is_empty()),
                "{name} {status} has no description"
            );
            if status.starts_with('4') || status == "500" {
                assert_eq!(
                    response["content"]["application/problem+json"]["schema"]["$ref"],
                    "#/components/schemas/Problem",
                    "{name} {status} is not a problem"
                );
            }
        }
        let requires_token = operation["security"].as_array().is_some_and(|s| {
            s.iter()
                .all(|r| r.as_object().is_some_and(|o| !o.is_empty()))
        });
        if requires_token {
            assert!(
                responses.contains_key("401"),
                "{name} needs a token but lacks 401"
            );
        }
    }
}

#[test]
fn tenant_routes_document_this_products_tenant_header() {
    let document = document();
    let text = document.to_string();
    assert!(!text.contains(palestra_core::openapi::TENANT_HEADER_PLACEHOLDER));
    let operation = &document["paths"]["/api/v1/gym"]["get"];
    let header = operation["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["in"] == "header")
        .expect("the tenant header is documented");
    assert_eq!(header["name"], "X-Gym-ID");
    assert_eq!(header["required"], true);
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

#[test]
fn only_this_products_routes_are_documented() {
    let document = document();
    assert!(document["paths"].get("/api/v1/gym").is_some());
    assert!(document["paths"].get("/api/v1/workspace").is_none());
}
