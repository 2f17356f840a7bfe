//! The account's own flows: profile, email verification, password reset and change, email
//! change and deletion. Tokens are one-time, short-lived and stored hashed; the links reach the
//! person through the outbox, in their language.

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;

use palestra_core::audit::{self, AuditEvent};
use palestra_core::db::begin_write;
use palestra_core::entities::{account, membership};
use palestra_core::ids::{AccountId, SessionId, TenantId};
use palestra_core::outbox::{self, Channel, Localized, NewMessage, render};
use palestra_core::{ApiError, AppContext, AuthUser, Role};

use crate::account_views::UpdateProfileRequest;
use crate::entities::{account_token, auth_session};
use crate::error::IdentityError;
use crate::password::Hasher;
use crate::repo;
use crate::service::hash_refresh_token as hash_token;
use crate::views::AccountView;

const VERIFY_EMAIL: &str = "verify_email";
const RESET_PASSWORD: &str = "reset_password";
const CHANGE_EMAIL: &str = "change_email";

fn token_invalid() -> ApiError {
    ApiError::bad_request(
        "identity.token_invalid",
        "This link is not valid any more; ask for a new one.",
    )
}

async fn account_of(ctx: &AppContext, user: AuthUser) -> Result<account::Model, ApiError> {
    repo::find_account(&ctx.db, user.account_id)
        .await?
        .filter(|a| a.deleted_at.is_none())
        .ok_or_else(|| IdentityError::AccountGone.into())
}

/// Records an event in the audit log of every tenant the account belongs to.
pub async fn record_for_account(
    db: &impl ConnectionTrait,
    account: AccountId,
    action: &'static str,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    let tenants: Vec<uuid::Uuid> = membership::Entity::find()
        .filter(membership::Column::AccountId.eq(account.uuid()))
        .filter(membership::Column::Status.is_in(membership::STATUSES_WITH_ACCESS))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.tenant_id)
        .collect();
    for tenant in tenants {
        audit::record(
            db,
            AuditEvent {
                tenant: TenantId(tenant),
                actor: Some(account),
                action,
                subject: Some(account),
                details: details.clone(),
                ip: None,
            },
        )
        .await?;
    }
    Ok(())
}

/// Issues a one-time token, spending any earlier unused one of the same purpose.
async fn issue_token(
    db: &impl ConnectionTrait,
    account: AccountId,
    purpose: &'static str,
    ttl: Duration,
    new_email: Option<String>,
) -> Result<String, ApiError> {
    let now = Utc::now();
    account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, Expr::value(now))
        .filter(account_token::Column::AccountId.eq(account.uuid()))
        .filter(account_token::Column::Purpose.eq(purpose))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    let bytes: [u8; 32] = rand::random();
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    account_token::Entity::insert(account_token::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        account_id: Set(account.uuid()),
        purpose: Set(purpose.to_owned()),
        token_hash: Set(hash_token(&token)),
        new_email: Set(new_email),
        expires_at: Set(now + ttl),
        used_at: Set(None),
        created_at: Set(now),
    })
    .exec(db)
    .await?;
    Ok(token)
}

/// Spends a token of a purpose: once, however many requests race for it.
async fn consume_token(
    db: &impl ConnectionTrait,
    token: &str,
    purpose: &str,
) -> Result<account_token::Model, ApiError> {
    let row = account_token::Entity::find()
        .filter(account_token::Column::TokenHash.eq(hash_token(token.trim())))
        .filter(account_token::Column::Purpose.eq(purpose))
        .one(db)
        .await?
        .ok_or_else(token_invalid)?;
    if row.used_at.is_some() || row.expires_at <= Utc::now() {
        return Err(token_invalid());
    }
    let spent = account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, Expr::value(Utc::now()))
        .filter(account_token::Column::Id.eq(row.id))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    if spent.rows_affected != 1 {
        return Err(token_invalid());
    }
    Ok(row)
}

/// Revokes every session of an account but one.
async fn revoke_sessions(
    db: &impl ConnectionTrait,
    account: AccountId,
    keep: Option<SessionId>,
) -> Result<(), ApiError> {
    let mut update = auth_session::Entity::update_many()
        .col_expr(auth_session::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(auth_session::Column::AccountId.eq(account.uuid()))
        .filter(auth_session::Column::RevokedAt.is_null());
    if let Some(keep) = keep {
        update = update.filter(auth_session::Column::Id.ne(keep.uuid()));
    }
    update.exec(db).await?;
    Ok(())
}

async fn send(
    db: &impl ConnectionTrait,
    account: &account::Model,
    to: &str,
    kind: &'static str,
    subject: Localized,
    body: Localized,
    values: &[(&str, &str)],
) -> Result<(), ApiError> {
    outbox::enqueue(
        db,
        NewMessage {
            tenant: None,
            channel: Channel::Email,
            account: Some(AccountId(account.id)),
            recipient: to.to_owned(),
            kind,
            subject: render(subject.pick(&account.locale), values),
            body: render(body.pick(&account.locale), values),
            data: json!({}),
        },
    )
    .await?;
    Ok(())
}

/// Changes the caller's profile.
pub async fn update_profile(
    ctx: &AppContext,
    user: AuthUser,
    request: UpdateProfileRequest,
) -> Result<AccountView, ApiError> {
    let current = account_of(ctx, user).await?;
    let mut row = account::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(current.id),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    if let Some(name) = request.full_name {
        row.full_name = Set(name.trim().to_owned());
    }
    if let Some(phone) = request.phone {
        row.phone = Set(phone.map(|p| p.trim().to_owned()));
    }
    if let Some(date) = request.birth_date {
        row.birth_date = Set(date);
    }
    if let Some(locale) = request.locale {
        row.locale = Set(locale);
    }
    if let Some(zone) = request.time_zone {
        row.time_zone = Set(zone.map(|z| z.name().to_owned()));
    }
    if let Some(url) = request.avatar_url {
        row.avatar_url = Set(url);
    }
    if let Some(units) = request.units {
        row.units = Set(units.as_str().to_owned());
    }
    let updated = sea_orm::ActiveModelTrait::update(row, &ctx.db).await?;
    Ok(updated.into())
}

const VERIFY_SUBJECT: Localized = Localized {
    en: "Confirm your email for Palestra",
    es: "Confirma tu correo para Palestra",
};
const VERIFY_BODY: Localized = Localized {
    en: "Hello {name},\n\nConfirm this email address with this code:\n\n{token}\n\nIt works for 24 hours.",
    es: "Hola {name}:\n\nConfirma esta dirección de correo con este código:\n\n{token}\n\nSirve durante 24 horas.",
};

/// Sends the caller a link to confirm their email.
pub async fn request_email_verification(ctx: &AppContext, user: AuthUser) -> Result<(), ApiError> {
    let account = account_of(ctx, user).await?;
    if account.email_verified_at.is_some() {
        return Err(ApiError::conflict(
            "identity.email_already_verified",
            "Your email is already confirmed.",
        ));
    }
    let txn = begin_write(&ctx.db).await?;
    let token = issue_token(
        &txn,
        AccountId(account.id),
        VERIFY_EMAIL,
        Duration::hours(24),
        None,
    )
    .await?;
    send(
        &txn,
        &account,
        &account.email,
        "identity.verify_email",
        VERIFY_SUBJECT,
        VERIFY_BODY,
        &[("name", &account.full_name), ("token", &token)],
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Confirms an email with the token sent to it.
pub async fn verify_email(ctx: &AppContext, token: &str) -> Result<(), ApiError> {
    let txn = begin_write(&ctx.db).await?;
    let row = consume_token(&txn, token, VERIFY_EMAIL).await?;
    account::Entity::update_many()
        .col_expr(account::Column::EmailVerifiedAt, Expr::value(Utc::now()))
        .filter(account::Column::Id.eq(row.account_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

const RESET_SUBJECT: Localized = Localized {
    en: "Reset your Palestra password",
    es: "Restablece tu contraseña de Palestra",
};
const RESET_BODY: Localized = Localized {
    en: "Hello {name},\n\nSomeone asked to reset your password. If it was you, use this code within an hour:\n\n{token}\n\nIf it was not you, ignore this email.",
    es: "Hola {name}:\n\nAlguien pidió restablecer tu contraseña. Si fuiste tú, usa este código antes de una hora:\n\n{token}\n\nSi no fuiste tú, ignora este correo.",
};

/// Sends a reset link when the email has an account. Answers the same either way.
pub async fn request_password_reset(ctx: &AppContext, email: &str) -> Result<(), ApiError> {
    let Some(account) = repo::find_account_by_email(&ctx.db, &email.trim().to_lowercase())
        .await?
        .filter(|a| a.deleted_at.is_none())
    else {
        return Ok(());
    };
    let txn = begin_write(&ctx.db).await?;
    let token = issue_token(
        &txn,
        AccountId(account.id),
        RESET_PASSWORD,
        Duration::hours(1),
        None,
    )
    .await?;
    send(
        &txn,
        &account,
        &account.email,
        "identity.password_reset",
        RESET_SUBJECT,
        RESET_BODY,
        &[("name", &account.full_name), ("token", &token)],
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Sets a new password with a reset token; every session of the account is revoked.
pub async fn confirm_password_reset(
    ctx: &AppContext,
    hasher: &Hasher,
    token: &str,
    new_password: String,
) -> Result<(), ApiError> {
    let password_hash = hasher.hash(new_password).await?;
    let txn = begin_write(&ctx.db).await?;
    let row = consume_token(&txn, token, RESET_PASSWORD).await?;
    let account = AccountId(row.account_id);
    set_password(&txn, account, password_hash).await?;
    revoke_sessions(&txn, account, None).await?;
    record_for_account(&txn, account, "auth.password_reset", json!({})).await?;
    txn.commit().await?;
    Ok(())
}

async fn set_password(
    db: &impl ConnectionTrait,
    account: AccountId,
    hash: String,
) -> Result<(), ApiError> {
    account::Entity::update_many()
        .col_expr(account::Column::PasswordHash, Expr::value(hash))
        .col_expr(account::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(account::Column::Id.eq(account.uuid()))
        .exec(db)
        .await?;
    Ok(())
}

async fn check_password(
    hasher: &Hasher,
    account: &account::Model,
    password: String,
) -> Result<(), ApiError> {
    if hasher
        .verify(password, account.password_hash.clone())
        .await?
    {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "identity.wrong_password",
            "The current password is not correct.",
        ))
    }
}

const PASSWORD_CHANGED_SUBJECT: Localized = Localized {
    en: "Your Palestra password was changed",
    es: "Tu contraseña de Palestra cambió",
};
const PASSWORD_CHANGED_BODY: Localized = Localized {
    en: "Hello {name},\n\nYour password was just changed, and your other sessions were signed out. If it was not you, reset your password now.",
    es: "Hola {name}:\n\nTu contraseña acaba de cambiar y se cerraron tus otras sesiones. Si no fuiste tú, restablece tu contraseña ahora.",
};

/// Changes the caller's password; their other sessions are revoked.
pub async fn change_password(
    ctx: &AppContext,
    hasher: &Hasher,
    user: AuthUser,
    current: String,
    new: String,
) -> Result<(), ApiError> {
    let account = account_of(ctx, user).await?;
    check_password(hasher, &account, current).await?;
    let hash = hasher.hash(new).await?;
    let txn = begin_write(&ctx.db).await?;
    set_password(&txn, user.account_id, hash).await?;
    revoke_sessions(&txn, user.account_id, Some(user.session_id)).await?;
    record_for_account(&txn, user.account_id, "auth.password_changed", json!({})).await?;
    send(
        &txn,
        &account,
        &account.email,
        "identity.password_changed",
        PASSWORD_CHANGED_SUBJECT,
        PASSWORD_CHANGED_BODY,
        &[("name", &account.full_name)],
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

const CHANGE_EMAIL_SUBJECT: Localized = Localized {
    en: "Confirm your new email for Palestra",
    es: "Confirma tu nuevo correo para Palestra",
};
const CHANGE_EMAIL_BODY: Localized = Localized {
    en: "Hello {name},\n\nConfirm that {email} is your new email with this code:\n\n{token}\n\nUntil then your old email stays in use.",
    es: "Hola {name}:\n\nConfirma que {email} es tu nuevo correo con este código:\n\n{token}\n\nHasta entonces seguirá en uso tu correo anterior.",
};

/// Starts an email change: the new address gets a link; nothing changes until it is used.
pub async fn request_email_change(
    ctx: &AppContext,
    hasher: &Hasher,
    user: AuthUser,
    new_email: &palestra_core::types::Email,
    password: String,
) -> Result<(), ApiError> {
    let account = account_of(ctx, user).await?;
    check_password(hasher, &account, password).await?;
    if repo::find_account_by_email(&ctx.db, &new_email.normalized())
        .await?
        .is_some()
    {
        return Err(IdentityError::EmailTaken.into());
    }
    let txn = begin_write(&ctx.db).await?;
    let token = issue_token(
        &txn,
        user.account_id,
        CHANGE_EMAIL,
        Duration::hours(24),
        Some(new_email.to_string()),
    )
    .await?;
    send(
        &txn,
        &account,
        new_email.as_str(),
        "identity.change_email",
        CHANGE_EMAIL_SUBJECT,
        CHANGE_EMAIL_BODY,
        &[
            ("name", &account.full_name),
            ("email", new_email.as_str()),
            ("token", &token),
        ],
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Completes an email change with the token sent to the new address.
pub async fn confirm_email_change(ctx: &AppContext, token: &str) -> Result<(), ApiError> {
    let txn = begin_write(&ctx.db).await?;
    let row = consume_token(&txn, token, CHANGE_EMAIL).await?;
    let new_email = row.new_email.clone().ok_or_else(token_invalid)?;
    let changed = account::Entity::update_many()
        .col_expr(account::Column::Email, Expr::value(new_email.as_str()))
        .col_expr(
            account::Column::EmailNormalized,
            Expr::value(new_email.to_lowercase()),
        )
        .col_expr(account::Column::EmailVerifiedAt, Expr::value(Utc::now()))
        .col_expr(account::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(account::Column::Id.eq(row.account_id))
        .exec(&txn)
        .await;
    match changed {
        Err(error) if repo::is_unique_violation(&error) => {
            return Err(IdentityError::EmailTaken.into());
        }
        other => other?,
    };
    record_for_account(
        &txn,
        AccountId(row.account_id),
        "auth.email_changed",
        json!({ "email": new_email }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Deletes the caller's account: personal data is erased, memberships end, sessions die. What
/// the books need (ids, memberships' history, audit) stays. An owner must hand over first.
pub async fn delete_account(
    ctx: &AppContext,
    hasher: &Hasher,
    user: AuthUser,
    password: String,
) -> Result<(), ApiError> {
    let account = account_of(ctx, user).await?;
    check_password(hasher, &account, password).await?;
    let owned = membership::Entity::find()
        .filter(membership::Column::AccountId.eq(account.id))
        .filter(membership::Column::Role.eq(Role::Owner.as_str()))
        .filter(membership::Column::Status.is_in(membership::STATUSES_WITH_ACCESS))
        .one(&ctx.db)
        .await?;
    if owned.is_some() {
        return Err(ApiError::conflict(
            "identity.owns_tenants",
            "You own a gym or workspace; hand ownership to someone else before deleting your account.",
        ));
    }
    let id = AccountId(account.id);
    let txn = begin_write(&ctx.db).await?;
    record_for_account(&txn, id, "auth.account_deleted", json!({})).await?;
    let memberships = membership::Entity::find()
        .filter(membership::Column::AccountId.eq(account.id))
        .filter(membership::Column::Status.is_in(membership::STATUSES_WITH_ACCESS))
        .all(&txn)
        .await?;
    for member in memberships {
        membership::Entity::update_many()
            .col_expr(
                membership::Column::Status,
                Expr::value(membership::STATUS_REMOVED),
            )
            .filter(membership::Column::Id.eq(member.id))
            .exec(&txn)
            .await?;
        if member.role == Role::Member.as_str() {
            crate::roster::free_place(&txn, TenantId(member.tenant_id)).await?;
        }
        if member.role == Role::Trainer.as_str() {
            crate::roster::unassign_trainer(&txn, TenantId(member.tenant_id), id).await?;
        }
    }
    let erased = format!("deleted-{}@deleted.invalid", account.id.simple());
    account::Entity::update_many()
        .col_expr(account::Column::Email, Expr::value(erased.as_str()))
        .col_expr(
            account::Column::EmailNormalized,
            Expr::value(erased.as_str()),
        )
        .col_expr(account::Column::FullName, Expr::value("Deleted account"))
        .col_expr(account::Column::PasswordHash, Expr::value("!"))
        .col_expr(account::Column::Phone, Expr::value(Option::<String>::None))
        .col_expr(
            account::Column::BirthDate,
            Expr::value(Option::<chrono::NaiveDate>::None),
        )
        .col_expr(
            account::Column::AvatarUrl,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            account::Column::TimeZone,
            Expr::value(Option::<String>::None),
        )
        .col_expr(account::Column::DeletedAt, Expr::value(Utc::now()))
        .col_expr(account::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(account::Column::Id.eq(account.id))
        .exec(&txn)
        .await?;
    account_token::Entity::delete_many()
        .filter(account_token::Column::AccountId.eq(account.id))
        .exec(&txn)
        .await?;
    revoke_sessions(&txn, id, None).await?;
    // Other modules' data about the person (devices, …), in the same transaction.
    for module in ctx.modules.iter() {
        module.erase_account(&txn, id).await?;
    }
    txn.commit().await?;
    Ok(())
}
