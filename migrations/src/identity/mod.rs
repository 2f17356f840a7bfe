//! Identity: accounts, tenants, memberships, login sessions and refresh tokens, the audit log,
//! and the idempotency keys of requests.

use sea_orm_migration::MigrationTrait;

mod m20261126_000001_identity_create_accounts;
mod m20261126_000002_identity_create_tenants;
mod m20261126_000003_identity_create_memberships;
mod m20261126_000004_identity_create_sessions;
mod m20261126_000005_identity_create_audit_events;
mod m20261126_000006_identity_create_idempotency_keys;
mod m20261126_000010_identity_extend_tenants;
mod m20261126_000011_identity_extend_accounts;
mod m20261126_000012_identity_create_tenant_modules;
mod m20261126_000013_identity_create_invitations;
mod m20261126_000014_identity_one_owner_per_tenant;
mod m20261126_000015_identity_create_account_tokens;
mod m20261126_000016_identity_create_domain_events;
mod m20261126_000017_identity_assign_trainer;

pub fn migrations() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(m20261126_000001_identity_create_accounts::Migration),
        Box::new(m20261126_000002_identity_create_tenants::Migration),
        Box::new(m20261126_000003_identity_create_memberships::Migration),
        Box::new(m20261126_000004_identity_create_sessions::Migration),
        Box::new(m20261126_000005_identity_create_audit_events::Migration),
        Box::new(m20261126_000006_identity_create_idempotency_keys::Migration),
        Box::new(m20261126_000010_identity_extend_tenants::Migration),
        Box::new(m20261126_000011_identity_extend_accounts::Migration),
        Box::new(m20261126_000012_identity_create_tenant_modules::Migration),
        Box::new(m20261126_000013_identity_create_invitations::Migration),
        Box::new(m20261126_000014_identity_one_owner_per_tenant::Migration),
        Box::new(m20261126_000015_identity_create_account_tokens::Migration),
        Box::new(m20261126_000016_identity_create_domain_events::Migration),
        Box::new(m20261126_000017_identity_assign_trainer::Migration),
    ]
}
