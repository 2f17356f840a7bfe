//! The server shell every binary shares: settings, telemetry, middleware, app and OpenAPI
//! assembly, and the command line. It owns no domain logic; modules bring that.

pub mod app;
pub mod cli;
pub mod db;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod ops;
pub mod security_headers;
pub mod settings;
pub mod telemetry;

pub use app::{App, Modules, openapi_document};
pub use settings::Settings;

/// Installs the process-wide TLS crypto provider (ring), once, before any TLS client is built.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
