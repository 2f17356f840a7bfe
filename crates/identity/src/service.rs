//! Identity's multi-step operations. Each write is one transaction; tokens are signed after it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, TransactionTrait};
use sha2::{Digest, Sha256};

use palestra_core::entities::{account, tenant};
use palestra_core::ids::{AccountId, SessionId, TenantId};
use palestra_core::{ApiError, AppContext, ProductKind, Role};

use crate::error::IdentityError;
use crate::password::Hasher;
use crate::repo::{self, NewAccount};
use crate::views::{
    AccountView, CreateGymRequest, LoginRequest, RegisterRequest, RegisterTrainerRequest, TokenView,
};

/// The SHA-256 of a refresh token, hex: what is stored.
pub fn hash_refresh_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new random refresh token and its hash.
fn new_refresh_token() -> (String, String) {
    let bytes: [u8; 32] = rand::random();
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_refresh_token(&token);
    (token, hash)
}

/// Opens a session for an account inside the caller's transaction; returns what to sign later.
async fn open_session(
    db: &impl ConnectionTrait,
    ctx: &AppContext,
    account: AccountId,
) -> Result<(SessionId, String, chrono::DateTime<Utc>), DbErr> {
    let (token, hash) = new_refresh_token();
    let expires_at = Utc::now() + ctx.tokens.refresh_ttl();
    let session = repo::insert_session(db, account, hash, expires_at).await?;
    Ok((session, token, expires_at))
}

fn token_view(
    ctx: &AppContext,
    account: account::Model,
    session: SessionId,
    refresh_token: String,
    refresh_expires_at: chrono::DateTime<Utc>,
) -> Result<TokenView, ApiError> {
    let access = ctx.tokens.issue(AccountId(account.id), session)?;
    Ok(TokenView {
        access_token: access.token,
        token_type: "Bearer",
        expires_in: access.expires_in,
        refresh_token,
        refresh_expires_at,
        account: AccountView::from(account),
    })
}

fn email_taken(error: DbErr) -> ApiError {
    if repo::is_unique_violation(&error) {
        IdentityError::EmailTaken.into()
    } else {
        error.into()
    }
}

/// Creates an account and signs it in. A taken email is a 409, however many race for it.
#[tracing::instrument(skip_all)]
pub async fn register(
    ctx: &AppContext,
    hasher: &Hasher,
    request: RegisterRequest,
) -> Result<TokenView, ApiError> {
    let password_hash = hasher.hash(request.password).await?;
    let txn = ctx.db.begin().await?;
    let account = repo::insert_account(
        &txn,
        NewAccount {
            email: request.email.as_str(),
            email_normalized: request.email.normalized(),
            password_hash,
            full_name: &request.full_name,
        },
    )
    .await
    .map_err(email_taken)?;
    let (session, token, expires_at) = open_session(&txn, ctx, AccountId(account.id)).await?;
    txn.commit().await?;
    token_view(ctx, account, session, token, expires_at)
}

/// The form of an email that sign-in looks accounts up by (and rate-limits them by).
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Checks email and password and opens a session. Unknown emails cost the same time as wrong
/// passwords, and both answer the same problem.
#[tracing::instrument(skip_all)]
pub async fn login(
    ctx: &AppContext,
    hasher: &Hasher,
    request: LoginRequest,
) -> Result<TokenView, ApiError> {
    let normalized = normalize_email(&request.email);
    let Some(account) = repo::find_account_by_email(&ctx.db, &normalized).await? else {
        hasher.verify_nothing(request.password).await?;
        return Err(IdentityError::InvalidCredentials.into());
    };
    if !hasher
        .verify(request.password, account.password_hash.clone())
        .await?
    {
        return Err(IdentityError::InvalidCredentials.into());
    }
    let (session, token, expires_at) = open_session(&ctx.db, ctx, AccountId(account.id)).await?;
    token_view(ctx, account, session, token, expires_at)
}

/// Trades a refresh token for new tokens. Each token works once: presenting a used one means it
/// leaked, so the whole session is revoked.
#[tracing::instrument(skip_all)]
pub async fn refresh(ctx: &AppContext, refresh_token: &str) -> Result<TokenView, ApiError> {
    let hash = hash_refresh_token(refresh_token.trim());
    let Some((token, session)) = repo::find_refresh_token(&ctx.db, &hash).await? else {
        return Err(IdentityError::InvalidRefreshToken.into());
    };
    let session_id = SessionId(session.id);
    if session.revoked_at.is_some() || token.expires_at <= Utc::now() {
        return Err(IdentityError::InvalidRefreshToken.into());
    }
    if token.rotated_at.is_some() {
        repo::revoke_session(&ctx.db, session_id).await?;
        tracing::warn!(session = %session_id, "refresh token reused: session revoked");
        return Err(IdentityError::RefreshTokenReused.into());
    }
    let txn = ctx.db.begin().await?;
    if !repo::claim_refresh_token(&txn, token.id).await? {
        // Another request used it between our read and this write: same as a reuse.
        txn.rollback().await?;
        repo::revoke_session(&ctx.db, session_id).await?;
        tracing::warn!(session = %session_id, "refresh token reused concurrently: session revoked");
        return Err(IdentityError::RefreshTokenReused.into());
    }
    let (next, next_hash) = new_refresh_token();
    let expires_at = Utc::now() + ctx.tokens.refresh_ttl();
    repo::insert_refresh_token(&txn, session_id, next_hash, expires_at).await?;
    txn.commit().await?;
    let account = repo::find_account(&ctx.db, AccountId(session.account_id))
        .await?
        .ok_or(IdentityError::AccountGone)?;
    token_view(ctx, account, session_id, next, expires_at)
}

/// Revokes the session of a refresh token. Unknown tokens are ignored: logout always succeeds.
#[tracing::instrument(skip_all)]
pub async fn logout(ctx: &AppContext, refresh_token: &str) -> Result<(), ApiError> {
    let hash = hash_refresh_token(refresh_token.trim());
    if let Some((_, session)) = repo::find_refresh_token(&ctx.db, &hash).await? {
        repo::revoke_session(&ctx.db, SessionId(session.id)).await?;
    }
    Ok(())
}

/// The tenant row of a new gym or workspace.
fn new_tenant(
    kind: ProductKind,
    name: &str,
    time_zone: &str,
    currency: &str,
) -> tenant::ActiveModel {
    let now = Utc::now();
    tenant::ActiveModel {
        id: Set(TenantId::new().uuid()),
        kind: Set(kind.as_str().to_owned()),
        name: Set(name.trim().to_owned()),
        status: Set(tenant::STATUS_ACTIVE.to_owned()),
        time_zone: Set(time_zone.to_owned()),
        currency: Set(currency.to_owned()),
        contact_email: Set(None),
        contact_phone: Set(None),
        specialties: Set(serde_json::json!([])),
        certifications: Set(serde_json::json!([])),
        max_clients: Set(None),
        bio: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// Creates a gym with the caller as its owner, in one transaction.
#[tracing::instrument(skip_all, fields(account = %owner))]
pub async fn create_gym(
    ctx: &AppContext,
    owner: AccountId,
    request: CreateGymRequest,
) -> Result<tenant::Model, ApiError> {
    let mut row = new_tenant(
        ProductKind::Gym,
        &request.name,
        request.time_zone.name(),
        request.currency.code(),
    );
    row.contact_email = Set(request.contact_email.map(|e| e.to_string()));
    row.contact_phone = Set(request.contact_phone.map(|p| p.trim().to_owned()));
    let txn = ctx.db.begin().await?;
    let gym = repo::insert_tenant(&txn, row).await?;
    repo::insert_memberships(&txn, TenantId(gym.id), &[owner], Role::Owner).await?;
    txn.commit().await?;
    Ok(gym)
}

/// Signs up a trainer: account, workspace and ownership in one transaction, then tokens.
#[tracing::instrument(skip_all)]
pub async fn register_trainer(
    ctx: &AppContext,
    hasher: &Hasher,
    request: RegisterTrainerRequest,
) -> Result<(TokenView, tenant::Model), ApiError> {
    let password_hash = hasher.hash(request.password).await?;
    let currency = request.currency.map_or("EUR", |c| c.code());
    let mut row = new_tenant(
        ProductKind::Trainer,
        &request.full_name,
        request.time_zone.name(),
        currency,
    );
    row.contact_email = Set(Some(request.email.to_string()));
    row.contact_phone = Set(request.phone.map(|p| p.trim().to_owned()));
    row.specialties = Set(serde_json::json!(
        request
            .specialties
            .iter()
            .map(|s| s.trim())
            .collect::<Vec<_>>()
    ));
    row.certifications = Set(serde_json::json!(
        request
            .certifications
            .iter()
            .map(|s| s.trim())
            .collect::<Vec<_>>()
    ));
    row.max_clients = Set(request.max_clients);
    row.bio = Set(request
        .bio
        .map(|b| b.trim().to_owned())
        .filter(|b| !b.is_empty()));

    let txn = ctx.db.begin().await?;
    let account = repo::insert_account(
        &txn,
        NewAccount {
            email: request.email.as_str(),
            email_normalized: request.email.normalized(),
            password_hash,
            full_name: &request.full_name,
        },
    )
    .await
    .map_err(email_taken)?;
    let account_id = AccountId(account.id);
    let workspace = repo::insert_tenant(&txn, row).await?;
    repo::insert_memberships(&txn, TenantId(workspace.id), &[account_id], Role::Owner).await?;
    let (session, token, expires_at) = open_session(&txn, ctx, account_id).await?;
    txn.commit().await?;
    Ok((
        token_view(ctx, account, session, token, expires_at)?,
        workspace,
    ))
}

/// The caller's account.
pub async fn me(ctx: &AppContext, account: AccountId) -> Result<account::Model, ApiError> {
    repo::find_account(&ctx.db, account)
        .await?
        .ok_or_else(|| IdentityError::AccountGone.into())
}
