//! Idempotency keys kept in the database (when no Redis is configured): the claim of a key by a
//! first request, then the response replayed to its repeats. Global table: a key belongs to a
//! caller (an account, or an IP address for anonymous calls), not to a tenant.

use sea_orm::entity::prelude::*;

/// `status` of a key whose first request is still running.
pub const STATUS_IN_FLIGHT: &str = "in_flight";
/// `status` of a key whose response is stored.
pub const STATUS_DONE: &str = "done";

/// One key of one caller on one route. Unique on (`scope`, `route`, `idempotency_key`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `account:<id>` for a signed-in caller, `ip:<address>` for an anonymous one.
    pub scope: String,
    /// Method and path, e.g. `POST /api/v1/auth/register`.
    pub route: String,
    /// The client's `Idempotency-Key`.
    pub idempotency_key: String,
    /// HMAC-SHA-256 (hex, keyed by the deployment secret) of the first request's query string
    /// and body.
    pub fingerprint: String,
    /// `in_flight` or `done`.
    pub status: String,
    /// The stored response's status, once done.
    pub response_status: Option<i32>,
    /// The stored response's headers and body, sealed with a key derived from the request.
    pub response_body: Option<Vec<u8>>,
    pub created_at: DateTimeUtc,
    /// In flight: when the claim is considered abandoned. Done: when the key is forgotten.
    pub expires_at: DateTimeUtc,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
