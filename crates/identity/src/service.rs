//! Identity's multi-step operations. Each write is one transaction; tokens are signed after it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr};
use sha2::{Digest, Sha256};

use palestra_core::audit::{self, AuditEvent};
use palestra_core::entities::{account, tenant};
use palestra_core::ids::{AccountId, SessionId, TenantId};
use palestra_core::{ApiError, AppContext, AuthUser, ProductKind, Role, Tenant};
use serde_json::json;

use crate::error::IdentityError;
use crate::password::Hasher;
use crate::repo::{self, NewAccount};
use crate::views::{
    AccountView, CreateGymRequest, LoginRequest, RegisterGymRequest, RegisterRequest,
    RegisterTrainerRequest, TokenView,
};
use crate::views::{
    BrandingView, ContextModuleView, ContextTenantView, ContextView, ModuleView, TerminologyView,
    UpdateBrandingRequest,
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
    let txn = palestra_core::db::begin_write(&ctx.db).await?;
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
    let found = repo::find_account_by_email(&ctx.db, &normalized).await?;
    let Some(account) = found.filter(|a| a.deleted_at.is_none()) else {
        hasher.verify_nothing(request.password).await?;
        return Err(IdentityError::InvalidCredentials.into());
    };
    let account_id = AccountId(account.id);
    if !hasher
        .verify(request.password, account.password_hash.clone())
        .await?
    {
        crate::account::record_for_account(&ctx.db, account_id, "auth.login_failed", json!({}))
            .await?;
        return Err(IdentityError::InvalidCredentials.into());
    }
    crate::account::record_for_account(&ctx.db, account_id, "auth.login_succeeded", json!({}))
        .await?;
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
    let txn = palestra_core::db::begin_write(&ctx.db).await?;
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
        ..Default::default()
    }
}

/// Creates a gym with the caller as its owner, in one transaction.
#[tracing::instrument(skip_all, fields(account = %owner))]
pub async fn create_gym(
    ctx: &AppContext,
    owner: AccountId,
    request: CreateGymRequest,
) -> Result<tenant::Model, ApiError> {
    let row = gym_row(&request);
    retry_slug_race(|| async {
        let txn = palestra_core::db::begin_write(&ctx.db).await?;
        let gym =
            insert_tenant_with_owner(&txn, ctx, row.clone(), owner, Some(&request.name)).await?;
        txn.commit().await?;
        Ok(gym)
    })
    .await
}

fn gym_row(request: &CreateGymRequest) -> tenant::ActiveModel {
    let mut row = new_tenant(
        ProductKind::Gym,
        &request.name,
        request.time_zone.name(),
        request.currency.code(),
    );
    row.contact_email = Set(request.contact_email.as_ref().map(ToString::to_string));
    row.contact_phone = Set(request.contact_phone.as_ref().map(|p| p.trim().to_owned()));
    row.address = Set(request
        .address
        .as_ref()
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty()));
    row
}

/// Signs up a gym owner: account, gym, ownership and default modules in one transaction.
#[tracing::instrument(skip_all)]
pub async fn register_gym(
    ctx: &AppContext,
    hasher: &Hasher,
    request: RegisterGymRequest,
) -> Result<(TokenView, tenant::Model), ApiError> {
    let password_hash = hasher.hash(request.password.clone()).await?;
    let row = gym_row(&request.gym);
    retry_slug_race(|| async {
        let txn = palestra_core::db::begin_write(&ctx.db).await?;
        let account = repo::insert_account(
            &txn,
            NewAccount {
                email: request.email.as_str(),
                email_normalized: request.email.normalized(),
                password_hash: password_hash.clone(),
                full_name: &request.full_name,
            },
        )
        .await
        .map_err(email_taken)?;
        let account_id = AccountId(account.id);
        let gym =
            insert_tenant_with_owner(&txn, ctx, row.clone(), account_id, Some(&request.gym.name))
                .await?;
        let (session, token, expires_at) = open_session(&txn, ctx, account_id).await?;
        txn.commit().await?;
        Ok((token_view(ctx, account, session, token, expires_at)?, gym))
    })
    .await
}

const SLUG_TAKEN: &str = "identity.slug_taken";

/// Runs a tenant-creating transaction again when it lost a race for a slug (at most 3 times).
async fn retry_slug_race<T, F, Fut>(mut attempt: F) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    for _ in 0..2 {
        match attempt().await {
            Err(error) if error.code() == SLUG_TAKEN => continue,
            result => return result,
        }
    }
    attempt().await
}

/// Creates a tenant with its owner and the product's default modules, inside a transaction.
/// A gym gets a unique slug; losing a race for it is a `SLUG_TAKEN` conflict to retry.
pub(crate) async fn insert_tenant_with_owner(
    txn: &sea_orm::DatabaseTransaction,
    ctx: &AppContext,
    mut row: tenant::ActiveModel,
    owner: AccountId,
    slug_base: Option<&str>,
) -> Result<tenant::Model, ApiError> {
    if let Some(base) = slug_base {
        row.slug = Set(Some(repo::free_slug(txn, &slugify(base)).await?));
    }
    let tenant = repo::insert_tenant(txn, row).await.map_err(|e| {
        if repo::is_unique_violation(&e) {
            ApiError::conflict(
                SLUG_TAKEN,
                "Another gym took this name's address at the same moment; try again.",
            )
        } else {
            e.into()
        }
    })?;
    let tenant_id = TenantId(tenant.id);
    repo::insert_memberships(txn, tenant_id, &[owner], Role::Owner).await?;
    repo::insert_default_modules(txn, tenant_id, ctx.product.catalog).await?;
    palestra_core::events::emit(
        txn,
        tenant_id,
        palestra_core::events::TENANT_CREATED,
        json!({ "kind": tenant.kind, "owner_account_id": owner }),
    )
    .await?;
    for module in ctx.modules.iter() {
        module
            .tenant_created(txn, tenant_id, &tenant.time_zone)
            .await?;
    }
    Ok(tenant)
}

/// A URL-safe name: lower-case ASCII letters and digits joined by single dashes.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        let c = match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.chars().take(60).collect();
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "gym".to_owned()
    } else {
        slug.to_owned()
    }
}

/// Signs up a trainer: account, workspace and ownership in one transaction, then tokens.
#[tracing::instrument(skip_all)]
pub async fn register_trainer(
    ctx: &AppContext,
    hasher: &Hasher,
    request: RegisterTrainerRequest,
    caller: Option<AuthUser>,
) -> Result<(TokenView, tenant::Model), ApiError> {
    // An email that has an account gets a workspace only when its owner is the one asking.
    let existing = repo::find_account_by_email(&ctx.db, &request.email.normalized())
        .await?
        .filter(|a| a.deleted_at.is_none());
    let password_hash = match &existing {
        Some(account) if caller.is_some_and(|c| c.account_id.uuid() == account.id) => None,
        Some(_) => {
            return Err(ApiError::conflict(
                "identity.email_taken",
                "An account with this email already exists; sign in and send its access token to add a workspace to it.",
            ));
        }
        None => Some(hasher.hash(request.password.clone()).await?),
    };
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

    let txn = palestra_core::db::begin_write(&ctx.db).await?;
    let account = match (existing, password_hash) {
        (Some(account), _) => account,
        (None, password_hash) => repo::insert_account(
            &txn,
            NewAccount {
                email: request.email.as_str(),
                email_normalized: request.email.normalized(),
                password_hash: password_hash.unwrap_or_default(),
                full_name: &request.full_name,
            },
        )
        .await
        .map_err(email_taken)?,
    };
    let account_id = AccountId(account.id);
    let workspace = insert_tenant_with_owner(&txn, ctx, row, account_id, None).await?;
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
        .filter(|a| a.deleted_at.is_none())
        .ok_or_else(|| IdentityError::AccountGone.into())
}

/// Every catalogue module of the product with the tenant's state, in catalogue order.
pub async fn list_modules(ctx: &AppContext, tenant: TenantId) -> Result<Vec<ModuleView>, ApiError> {
    let states = ctx.module_states.of(&ctx.db, tenant).await?;
    Ok(ctx
        .product
        .catalog
        .iter()
        .map(|module| ModuleView {
            key: module.key,
            name: module.name,
            description: module.description,
            active: states
                .get(module.key)
                .copied()
                .unwrap_or(module.default_active),
            essential: module.essential,
        })
        .collect())
}

/// Switches a module on or off for the tenant, and records who did it.
#[tracing::instrument(skip_all, fields(tenant = %tenant.id, module = key))]
pub async fn set_module(
    ctx: &AppContext,
    tenant: &Tenant,
    key: &str,
    active: bool,
) -> Result<ModuleView, ApiError> {
    let module = ctx.product.catalog_module(key).ok_or_else(|| {
        ApiError::not_found(
            "modules.unknown",
            format!("This product has no `{key}` module."),
        )
    })?;
    if module.essential && !active {
        return Err(ApiError::conflict(
            "modules.essential",
            format!("The `{key}` module is essential and stays active."),
        ));
    }
    let txn = palestra_core::db::begin_write(&ctx.db).await?;
    repo::upsert_module(&txn, tenant.id, module.key, active).await?;
    audit::record(
        &txn,
        AuditEvent {
            tenant: tenant.id,
            actor: Some(tenant.account_id),
            action: if active {
                "modules.activated"
            } else {
                "modules.deactivated"
            },
            subject: None,
            details: json!({ "module": key }),
            ip: None,
        },
    )
    .await?;
    txn.commit().await?;
    ctx.module_states.invalidate(tenant.id);
    Ok(ModuleView {
        key: module.key,
        name: module.name,
        description: module.description,
        active,
        essential: module.essential,
    })
}

fn branding(ctx: &AppContext, model: &tenant::Model) -> BrandingView {
    let defaults = ctx.product.branding;
    BrandingView {
        primary: model
            .brand_primary
            .clone()
            .unwrap_or_else(|| defaults.primary.to_owned()),
        secondary: model
            .brand_secondary
            .clone()
            .unwrap_or_else(|| defaults.secondary.to_owned()),
        accent: model
            .brand_accent
            .clone()
            .unwrap_or_else(|| defaults.accent.to_owned()),
        logo_url: model.logo_url.clone(),
    }
}

/// The context of the caller in the tenant: one query beyond the tenant binding.
pub async fn context(ctx: &AppContext, tenant: &Tenant) -> Result<ContextView, ApiError> {
    let states = ctx.module_states.of(&ctx.db, tenant.id).await?;
    let model = &tenant.model;
    Ok(ContextView {
        tenant: ContextTenantView {
            id: tenant.id,
            name: model.name.clone(),
            kind: ctx.product.kind.as_str(),
            time_zone: model.time_zone.clone(),
            currency: model.currency.clone(),
            logo_url: model.logo_url.clone(),
            contact_email: model.contact_email.clone(),
            contact_phone: model.contact_phone.clone(),
            slug: model.slug.clone(),
        },
        role: tenant.role,
        permissions: palestra_core::permissions::granted_to(tenant.role),
        modules: ctx
            .product
            .catalog
            .iter()
            .map(|m| ContextModuleView {
                key: m.key,
                active: states.get(m.key).copied().unwrap_or(m.default_active),
            })
            .collect(),
        feature_flags: ctx
            .product
            .feature_flags
            .iter()
            .map(|(name, on)| ((*name).to_owned(), serde_json::Value::Bool(*on)))
            .collect(),
        terminology: TerminologyView {
            en: ctx.product.terminology.clone(),
            es: ctx.product.terminology_es.clone(),
        },
        branding: branding(ctx, model),
    })
}

/// Changes the tenant's branding; `null` restores a default.
#[tracing::instrument(skip_all, fields(tenant = %tenant.id))]
pub async fn update_branding(
    ctx: &AppContext,
    tenant: &Tenant,
    request: UpdateBrandingRequest,
) -> Result<BrandingView, ApiError> {
    let mut row = tenant::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(tenant.id.uuid()),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    let upper = |v: Option<String>| v.map(|c| c.to_ascii_uppercase());
    if let Some(value) = request.primary {
        row.brand_primary = Set(upper(value));
    }
    if let Some(value) = request.secondary {
        row.brand_secondary = Set(upper(value));
    }
    if let Some(value) = request.accent {
        row.brand_accent = Set(upper(value));
    }
    if let Some(value) = request.logo_url {
        row.logo_url = Set(value);
    }
    let updated = repo::update_tenant(&ctx.db, row).await?;
    Ok(branding(ctx, &updated))
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(
            slugify("  Forja Fitness — Coyoacán!! "),
            "forja-fitness-coyoacan"
        );
        assert_eq!(slugify("Gimnasio Ñandú 24/7"), "gimnasio-nandu-24-7");
        assert_eq!(slugify("💪💪"), "gym");
        assert!(slugify(&"a".repeat(200)).len() <= 60);
    }
}
