//! Checks every product's OpenAPI document must pass: committed and current, complete, and
//! speaking of the product's own tenant header.

use serde_json::Value;

/// Fails unless `openapi/<product>.json` in the workspace holds exactly this document.
#[track_caller]
pub fn assert_committed(workspace_root: &str, product: &str, document: &Value) {
    let generated = serde_json::to_string_pretty(document).expect("the document serializes") + "\n";
    let path = format!("{workspace_root}/openapi/{product}.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/{product}.json is stale: run `just openapi` and commit the result"
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

/// Fails unless every operation has a summary, a success, a 500, problem bodies on every error,
/// and a 401 when it needs a token.
#[track_caller]
pub fn assert_complete(document: &Value) {
    for (method, path, operation) in operations(document) {
        let name = format!("{method} {path}");
        assert!(operation["summary"].is_string(), "{name} has no summary");
        let responses = operation["responses"].as_object().expect("responses");
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
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

/// Fails unless a tenant operation documents the product's tenant header, and no placeholder is left.
#[track_caller]
pub fn assert_tenant_header(document: &Value, path: &str, header: &str, required: bool) {
    assert!(
        !document
            .to_string()
            .contains(palestra_core::openapi::TENANT_HEADER_PLACEHOLDER)
    );
    let parameter = document["paths"][path]["get"]["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["in"] == "header")
        .expect("the tenant header is documented");
    assert_eq!(parameter["name"], header);
    assert_eq!(parameter["required"], required);
}
