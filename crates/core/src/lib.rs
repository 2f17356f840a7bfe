//! The shared kernel of Palestra.
//!
//! It owns what every module needs and nothing that belongs to one module: typed ids, money,
//! tenant time zones, the problem+json error, the authenticated principal, tenancy and roles,
//! the [`Module`] trait every domain crate implements and the background jobs it may run, the
//! [`Product`] value that makes a binary a gym or a trainer service, pagination, the outbox that
//! notifications are written to, the shared domain entities (accounts, tenants, memberships),
//! and the security rails every route can use: rate limits, idempotency keys and the client's
//! address. It does not own routes: those live in the module crates.

pub mod audit;
pub mod auth;
pub mod calendar;
pub mod client;
pub mod context;
pub mod db;
pub mod entities;
pub mod error;
pub mod events;
pub mod idempotency;
pub mod ids;
pub mod jobs;
pub mod json;
pub mod limits;
pub mod module;
pub mod module_states;
pub mod money;
pub mod openapi;
pub mod outbox;
pub mod pagination;
pub mod permissions;
pub mod platform;
pub mod product;
pub mod scope;
pub mod tenancy;
pub mod time;
pub mod types;

pub use auth::{AuthUser, TokenKeys};
pub use client::ClientIp;
pub use context::AppContext;
pub use error::{ApiError, ApiResult, FieldError, Problem};
pub use jobs::{BackgroundJob, CancellationToken};
pub use json::{Created, Json, Validate};
pub use module::{Module, SeedOptions};
pub use product::{Product, ProductKind, TenantPolicy};
pub use tenancy::{Authorized, Permission, Role, Tenant};
