//! QR check-in: each member's check-in code, signed by the server and rotatable, and the front
//! desk's scan that marks the member attended in their session (or, with a named session and a
//! place left, lets them walk in).
//!
//! A code is `PCI1.<payload>.<tag>`: the payload (base64url) is the gym, the account and the
//! code's version; the tag is its HMAC-SHA-256 under the deployment's check-in key
//! (`CHECK_IN_SECRET`, or a key derived from `JWT_SECRET` in a domain of its own). Rotating bumps
//! the member's version, so every earlier code is refused. Codes carry no expiry: a member
//! prints theirs or keeps it in a wallet, and rotates it when it leaks.

use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use palestra_core::AppContext;
use palestra_core::ids::{AccountId, TenantId};
use palestra_core::scope::scoped;
use ring::hmac;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::entities::{booking, check_in_code};
use crate::error::ScheduleError;

/// The prefix of every check-in code of this format.
const PREFIX: &str = "PCI1";
/// The domain the check-in key is derived in when `CHECK_IN_SECRET` is not set. It starts with
/// a NUL byte, which no HTTP request line can carry, so no other use of the deployment secret
/// can produce the same value.
const KEY_DOMAIN: &str = "\0palestra.schedule.check_in.v1";
/// Sessions starting this many minutes either side of now are checked in to, by default.
pub const DEFAULT_WINDOW_MINUTES: i64 = 60;

fn env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// `SCHEDULE_CHECK_IN_WINDOW_MINUTES`: a scan without a session finds the member's booked
/// session starting at most this long before or after now (1 to 1440, default 60, read once;
/// a bad value is logged and the default used).
pub fn window() -> Duration {
    static WINDOW: OnceLock<i64> = OnceLock::new();
    Duration::minutes(*WINDOW.get_or_init(|| {
        let Some(value) = env("SCHEDULE_CHECK_IN_WINDOW_MINUTES") else {
            return DEFAULT_WINDOW_MINUTES;
        };
        value
            .parse::<i64>()
            .ok()
            .filter(|m| (1..=24 * 60).contains(m))
            .unwrap_or_else(|| {
                tracing::warn!(
                    %value,
                    "SCHEDULE_CHECK_IN_WINDOW_MINUTES is not whole minutes from 1 to 1440; using 60"
                );
                DEFAULT_WINDOW_MINUTES
            })
    }))
}

/// The key that signs codes: from `CHECK_IN_SECRET` when set (read once), else derived from the
/// deployment secret behind the idempotency layer (the JWT secret).
fn signing_key(ctx: &AppContext) -> hmac::Key {
    static CONFIGURED: OnceLock<Option<String>> = OnceLock::new();
    let configured = CONFIGURED.get_or_init(|| env("CHECK_IN_SECRET"));
    match configured {
        Some(secret) => hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes()),
        None => {
            let derived = ctx.idempotency.fingerprint(KEY_DOMAIN, b"");
            hmac::Key::new(hmac::HMAC_SHA256, derived.as_bytes())
        }
    }
}

/// What a valid code names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeClaims {
    /// The gym.
    pub tenant: TenantId,
    /// The member.
    pub account: AccountId,
    /// The version it was signed with.
    pub version: i32,
}

fn payload(claims: CodeClaims) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(36);
    bytes.extend_from_slice(claims.tenant.uuid().as_bytes());
    bytes.extend_from_slice(claims.account.uuid().as_bytes());
    bytes.extend_from_slice(&claims.version.to_be_bytes());
    bytes
}

/// Signs a code.
pub fn sign(key: &hmac::Key, claims: CodeClaims) -> String {
    let payload = payload(claims);
    let tag = hmac::sign(key, &payload);
    format!(
        "{PREFIX}.{}.{}",
        URL_SAFE_NO_PAD.encode(&payload),
        URL_SAFE_NO_PAD.encode(tag.as_ref())
    )
}

/// Reads a code this key signed, or `None` (malformed, forged, tampered with).
pub fn verify(key: &hmac::Key, code: &str) -> Option<CodeClaims> {
    let mut parts = code.trim().split('.');
    let (Some(PREFIX), Some(payload), Some(tag), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    hmac::verify(key, &payload, &tag).ok()?;
    let (tenant, rest) = payload.split_first_chunk::<16>()?;
    let (account, rest) = rest.split_first_chunk::<16>()?;
    let version: [u8; 4] = rest.try_into().ok()?;
    Some(CodeClaims {
        tenant: TenantId(uuid::Uuid::from_bytes(*tenant)),
        account: AccountId(uuid::Uuid::from_bytes(*account)),
        version: i32::from_be_bytes(version),
    })
}

/// The member's current code version (1 until the first rotation).
pub async fn current_version(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    account: AccountId,
) -> Result<i32, DbErr> {
    Ok(scoped::<check_in_code::Entity>(tenant)
        .filter(check_in_code::Column::AccountId.eq(account.uuid()))
        .one(db)
        .await?
        .map_or(1, |row| row.version))
}

/// Bumps the member's version in one statement (an upsert: concurrent rotations each count) and
/// returns the new one.
pub async fn rotate(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    account: AccountId,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    check_in_code::Entity::insert(check_in_code::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        tenant_id: Set(tenant.uuid()),
        account_id: Set(account.uuid()),
        version: Set(2),
        rotated_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            check_in_code::Column::TenantId,
            check_in_code::Column::AccountId,
        ])
        .value(
            check_in_code::Column::Version,
            Expr::col((check_in_code::Entity, check_in_code::Column::Version)).add(1),
        )
        .value(check_in_code::Column::RotatedAt, Expr::value(now))
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    current_version(db, tenant, account).await
}

/// The caller's check-in code, to show as a QR code at the front desk.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckInCodeView {
    /// The signed code (the QR code's text).
    pub code: String,
    /// Its version: rotating makes a new one and refuses every older one.
    pub version: i32,
    /// Whose code it is.
    pub account_id: uuid::Uuid,
}

/// The member's current code.
pub async fn code_for(
    ctx: &AppContext,
    tenant: TenantId,
    account: AccountId,
) -> Result<CheckInCodeView, DbErr> {
    let version = current_version(&ctx.db, tenant, account).await?;
    Ok(CheckInCodeView {
        code: sign(
            &signing_key(ctx),
            CodeClaims {
                tenant,
                account,
                version,
            },
        ),
        version,
        account_id: account.uuid(),
    })
}

/// A scanned code, maybe with the session to check in to.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInRequest {
    /// The member's check-in code, as scanned.
    pub code: String,
    /// The session to check in to. Without it, the member's booked session starting within
    /// the check-in window (an hour either side of now by default) is found.
    pub session_id: Option<uuid::Uuid>,
}

impl palestra_core::Validate for CheckInRequest {
    fn validate(&self) -> Result<(), Vec<palestra_core::FieldError>> {
        if self.code.trim().is_empty() || self.code.len() > 512 {
            return Err(vec![palestra_core::FieldError::new(
                "code",
                "invalid",
                "a check-in code is 1 to 512 characters",
            )]);
        }
        Ok(())
    }
}

/// The outcome of a check-in.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckInView {
    /// The booking now marked attended.
    pub booking_id: uuid::Uuid,
    /// Its session.
    pub session_id: uuid::Uuid,
    /// The member.
    pub account_id: uuid::Uuid,
    /// The member's name, for the front desk's screen.
    pub full_name: String,
    /// The session's start.
    pub starts_at: DateTime<Utc>,
    /// The member had no booking and took a free place at the door.
    pub walk_in: bool,
    /// Always `attended`.
    pub status: String,
}

/// Checks a scanned code against this gym: its signature, then its version.
pub async fn read_code(
    ctx: &AppContext,
    tenant: TenantId,
    code: &str,
) -> Result<CodeClaims, palestra_core::ApiError> {
    let claims = verify(&signing_key(ctx), code)
        .filter(|claims| claims.tenant == tenant)
        .ok_or(ScheduleError::CheckInCodeInvalid)?;
    if current_version(&ctx.db, tenant, claims.account).await? != claims.version {
        return Err(ScheduleError::CheckInCodeRevoked.into());
    }
    Ok(claims)
}

/// Marks a booking attended at the door: only from `booked` (or `no_show`, for someone marked
/// missing who turns up late), so of two scans at once exactly one succeeds. `false` when the
/// booking was already attended or is not active.
pub async fn mark_checked_in(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    booking: uuid::Uuid,
    by: AccountId,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = booking::Entity::update_many()
        .col_expr(
            booking::Column::Status,
            Expr::value(booking::STATUS_ATTENDED),
        )
        .col_expr(booking::Column::AttendanceMarkedAt, Expr::value(now))
        .col_expr(booking::Column::AttendanceMarkedBy, Expr::value(by.uuid()))
        .col_expr(booking::Column::UpdatedAt, Expr::value(now))
        .filter(booking::Column::TenantId.eq(tenant.uuid()))
        .filter(booking::Column::Id.eq(booking))
        .filter(booking::Column::Status.is_in([booking::STATUS_BOOKED, booking::STATUS_NO_SHOW]))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The member's bookings of sessions starting in `[from, to]` that check-in can act on
/// (`booked` or already `attended`), closest start first.
pub async fn bookings_around(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    account: AccountId,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<Vec<booking::Model>, DbErr> {
    let mut rows = crate::repo::member_bookings(
        db,
        tenant,
        account,
        Some(now - window),
        Some(now + window + Duration::seconds(1)),
        &[booking::STATUS_BOOKED, booking::STATUS_ATTENDED],
        20,
    )
    .await?;
    rows.retain(|(_, s)| s.status == crate::entities::session::STATUS_SCHEDULED);
    rows.sort_by_key(|(_, s)| (s.starts_at - now).num_seconds().abs());
    Ok(rows.into_iter().map(|(b, _)| b).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> CodeClaims {
        CodeClaims {
            tenant: TenantId(uuid::Uuid::now_v7()),
            account: AccountId(uuid::Uuid::now_v7()),
            version: 3,
        }
    }

    #[test]
    fn a_signed_code_reads_back() {
        let key = hmac::Key::new(hmac::HMAC_SHA256, b"k");
        let claims = claims();
        let code = sign(&key, claims);
        assert!(code.starts_with("PCI1."));
        assert_eq!(verify(&key, &code), Some(claims));
    }

    #[test]
    fn forged_and_tampered_codes_are_refused() {
        let key = hmac::Key::new(hmac::HMAC_SHA256, b"k");
        let claims = claims();
        let code = sign(&key, claims);
        let other_key = hmac::Key::new(hmac::HMAC_SHA256, b"other");
        assert_eq!(verify(&other_key, &code), None);
        // Same tag, another version in the payload.
        let parts: Vec<&str> = code.split('.').collect();
        let forged = sign(
            &other_key,
            CodeClaims {
                version: 4,
                ..claims
            },
        );
        let forged_payload = forged.split('.').nth(1).unwrap_or_default();
        assert_eq!(
            verify(&key, &format!("PCI1.{forged_payload}.{}", parts[2])),
            None
        );
        for bad in ["", "PCI1", "PCI1..", "PCI2.a.b", "PCI1.a.b.c", "not a code"] {
            assert_eq!(verify(&key, bad), None, "{bad}");
        }
    }
}
