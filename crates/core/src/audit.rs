//! Recording security events in the tenant's audit log, inside the caller's transaction.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use serde_json::Value;

use crate::entities::audit_event;
use crate::ids::{AccountId, TenantId};

/// A security event to record.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    /// The tenant it happened in.
    pub tenant: TenantId,
    /// Who acted (none for the platform or an anonymous caller).
    pub actor: Option<AccountId>,
    /// Stable action name, `area.event` (e.g. `auth.login_failed`, `roster.role_changed`).
    pub action: &'static str,
    /// Whom it concerned.
    pub subject: Option<AccountId>,
    /// Anything else worth keeping (old and new role, …). Never secrets.
    pub details: Value,
    /// The caller's IP address, when known.
    pub ip: Option<String>,
}

/// Writes an audit event.
pub async fn record(db: &impl ConnectionTrait, event: AuditEvent) -> Result<(), DbErr> {
    audit_event::Entity::insert(audit_event::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        tenant_id: Set(event.tenant.uuid()),
        actor_account_id: Set(event.actor.map(AccountId::uuid)),
        action: Set(event.action.to_owned()),
        subject_account_id: Set(event.subject.map(AccountId::uuid)),
        details: Set(event.details),
        ip: Set(event.ip),
        created_at: Set(Utc::now()),
    })
    .exec(db)
    .await
    .map(|_| ())
}
