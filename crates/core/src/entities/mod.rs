//! Entities shared by every module: accounts, tenants and the memberships that join them, and
//! the platform's own tables (outbox, audit log, idempotency keys).

pub mod account;
pub mod audit_event;
pub mod domain_event;
pub mod idempotency_key;
pub mod membership;
pub mod outbox;
pub mod tenant;
pub mod tenant_module;
