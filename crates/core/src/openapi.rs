//! OpenAPI pieces shared by the modules.
//!
//! Tenant-scoped operations declare `params(TenantHeader)`: a placeholder header that the server
//! rewrites per product (`X-Gym-ID`, required, on gym-api; `X-Workspace-ID`, optional, on
//! trainer-api), so a module's documentation is written once for both products.

use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{KnownFormat, ObjectBuilder, Required, SchemaFormat, Type};

/// The placeholder name of the tenant header in module documentation.
pub const TENANT_HEADER_PLACEHOLDER: &str = "X-Palestra-Tenant";

/// Marks an operation as tenant-scoped in its `#[utoipa::path]` (`params(TenantHeader)`).
pub struct TenantHeader;

impl utoipa::IntoParams for TenantHeader {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            ParameterBuilder::new()
                .name(TENANT_HEADER_PLACEHOLDER)
                .parameter_in(ParameterIn::Header)
                .required(Required::True)
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))),
                ))
                .build(),
        ]
    }
}

/// The name of the bearer security scheme.
pub const BEARER: &str = "bearer";
