//! Emitting domain events inside the caller's transaction.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use serde_json::Value;

use crate::entities::domain_event;
use crate::ids::TenantId;

/// A tenant was created (gym or trainer workspace). Payload: `kind`, `owner_account_id`.
pub const TENANT_CREATED: &str = "tenant.created";

/// Records a domain event for the modules that react to it.
pub async fn emit(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    name: &'static str,
    payload: Value,
) -> Result<(), DbErr> {
    domain_event::Entity::insert(domain_event::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        tenant_id: Set(tenant.uuid()),
        name: Set(name.to_owned()),
        payload: Set(payload),
        created_at: Set(Utc::now()),
        processed_at: Set(None),
    })
    .exec(db)
    .await
    .map(|_| ())
}
