//! Assembling a product's OpenAPI document.
//!
//! Modules register their operations with `utoipa-actix-web`; this file adds what is the same
//! everywhere, once: the bearer scheme, the product's tenant header in place of the modules'
//! placeholder, the standard problem responses each kind of operation can give, and the tags of
//! the modules, of which only those some operation uses are kept.

use serde_json::{Map, Value, json};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ComponentsBuilder, InfoBuilder, OpenApi, OpenApiBuilder, Tag};
use utoipa::{PartialSchema, ToSchema};

use palestra_core::openapi::{BEARER, TENANT_HEADER_PLACEHOLDER};
use palestra_core::{FieldError, Problem, Product, TenantPolicy};

/// The document before modules add their operations.
pub fn base(product: &Product) -> OpenApi {
    let description = format!(
        "The {} of Palestra. Errors are RFC 9457 problem documents (`application/problem+json`) \
         with a stable `code`. Authenticate with `Authorization: Bearer <access token>` from \
         `/api/v1/auth/login`. {}",
        product.name,
        match product.tenant_policy {
            TenantPolicy::Header { header } =>
                format!("Tenant routes act in the gym named by the `{header}` header."),
            TenantPolicy::Implicit { selector_header } => format!(
                "Tenant routes act in the caller's workspace; someone in several chooses one with `{selector_header}`."
            ),
        }
    );
    let mut tags = vec![
        tag("identity", "Accounts, sign-in and tokens."),
        tag("operations", "Health, readiness and metrics."),
        tag(
            "notifications",
            "The caller's devices that receive push notifications.",
        ),
    ];
    tags.push(match product.tenant_policy {
        TenantPolicy::Header { .. } => tag("gyms", "Gyms and the caller's memberships in them."),
        TenantPolicy::Implicit { .. } => tag("workspace", "The trainer's workspace."),
    });
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title(product.title)
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(description)),
        )
        .components(Some(
            ComponentsBuilder::new()
                .security_scheme(
                    BEARER,
                    SecurityScheme::Http(
                        HttpBuilder::new()
                            .scheme(HttpAuthScheme::Bearer)
                            .bearer_format("JWT")
                            .build(),
                    ),
                )
                .schema(Problem::name(), Problem::schema())
                .schema(FieldError::name(), FieldError::schema())
                .build(),
        ))
        .tags(Some(tags))
        .build()
}

fn tag(name: &str, description: &str) -> Tag {
    let mut tag = Tag::new(name);
    tag.description = Some(description.to_owned());
    tag
}

fn problem(description: &str) -> Value {
    json!({
        "description": description,
        "content": {
            "application/problem+json": {
                "schema": { "$ref": "#/components/schemas/Problem" }
            }
        }
    })
}

fn add_response(responses: &mut Map<String, Value>, status: &str, description: &str) {
    responses
        .entry(status.to_owned())
        .or_insert_with(|| problem(description));
}

/// Rewrites the tenant placeholder for this product and adds the standard problem responses.
pub fn finish(product: &Product, document: OpenApi) -> Value {
    let mut document = serde_json::to_value(document).unwrap_or(Value::Null);
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return document;
    };
    let mut used_tags = std::collections::BTreeSet::new();
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for operation in item.values_mut() {
            let Some(operation) = operation.as_object_mut() else {
                continue;
            };
            finish_operation(product, operation);
            for name in operation
                .get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                used_tags.insert(name.to_owned());
            }
        }
    }
    // A tag of a module the binary does not mount would describe nothing.
    if let Some(tags) = document.get_mut("tags").and_then(Value::as_array_mut) {
        tags.retain(|tag| tag["name"].as_str().is_some_and(|n| used_tags.contains(n)));
    }
    document
}

fn finish_operation(product: &Product, operation: &mut Map<String, Value>) {
    let mut tenant_scoped = false;
    let mut has_params = false;
    if let Some(parameters) = operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
    {
        for parameter in parameters.iter_mut() {
            if parameter["name"] == TENANT_HEADER_PLACEHOLDER {
                tenant_scoped = true;
                *parameter = tenant_parameter(product);
            } else {
                has_params = true;
            }
        }
    }
    // Secured means a token is required: an empty requirement (`{}`) makes it optional.
    let secured = operation
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| {
            !s.is_empty()
                && s.iter()
                    .all(|r| r.as_object().is_some_and(|o| !o.is_empty()))
        });
    let has_body = operation.contains_key("requestBody");
    let responses = operation
        .entry("responses")
        .or_insert_with(|| json!({}))
        .as_object_mut();
    let Some(responses) = responses else { return };
    if has_body {
        add_response(responses, "400", "The body is not valid JSON.");
        add_response(
            responses,
            "415",
            "The body is not sent as `application/json`.",
        );
        add_response(
            responses,
            "422",
            "Some fields are invalid; `errors` lists them.",
        );
    }
    if has_params {
        add_response(responses, "400", "A path or query parameter is not valid.");
    }
    if secured {
        add_response(
            responses,
            "401",
            "Missing, expired or invalid access token.",
        );
    }
    if tenant_scoped {
        add_response(
            responses,
            "400",
            "The tenant header is missing or malformed, or a workspace must be chosen.",
        );
        add_response(
            responses,
            "403",
            "The tenant is suspended, or the caller's role lacks the permission.",
        );
        add_response(
            responses,
            "404",
            "No such tenant, or the caller is not a member of it.",
        );
    }
    add_response(
        responses,
        "500",
        "Unexpected failure; the problem carries the request id.",
    );
}

fn tenant_parameter(product: &Product) -> Value {
    match product.tenant_policy {
        TenantPolicy::Header { header } => json!({
            "name": header,
            "in": "header",
            "required": true,
            "description": "The gym this request acts in; the caller must be a member of it.",
            "schema": { "type": "string", "format": "uuid" }
        }),
        TenantPolicy::Implicit { selector_header } => json!({
            "name": selector_header,
            "in": "header",
            "required": false,
            "description": "Only for callers in several workspaces: the one this request acts in.",
            "schema": { "type": "string", "format": "uuid" }
        }),
    }
}
