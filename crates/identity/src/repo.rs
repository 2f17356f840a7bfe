//! Identity's queries: plain functions over any connection or transaction.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};

use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, SqlErr,
};

use palestra_core::entities::{account, membership, tenant, tenant_module};
use palestra_core::ids::{AccountId, SessionId, TenantId};
use palestra_core::pagination::Cursor;
use palestra_core::{ProductKind, Role};

use crate::entities::{auth_session, refresh_token};

/// Whether an error is a unique-constraint violation.
pub fn is_unique_violation(error: &DbErr) -> bool {
    matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// The account with this normalized email.
pub async fn find_account_by_email(
    db: &impl ConnectionTrait,
    email_normalized: &str,
) -> Result<Option<account::Model>, DbErr> {
    account::Entity::find()
        .filter(account::Column::EmailNormalized.eq(email_normalized))
        .one(db)
        .await
}

/// The account with this id.
pub async fn find_account(
    db: &impl ConnectionTrait,
    id: AccountId,
) -> Result<Option<account::Model>, DbErr> {
    account::Entity::find_by_id(id.uuid()).one(db).await
}

/// A new account to insert.
pub struct NewAccount<'a> {
    /// Email as written.
    pub email: &'a str,
    /// Lower-cased email.
    pub email_normalized: String,
    /// Argon2id hash.
    pub password_hash: String,
    /// Name.
    pub full_name: &'a str,
}

fn account_row(id: AccountId, new: NewAccount<'_>, now: DateTime<Utc>) -> account::ActiveModel {
    account::ActiveModel {
        id: Set(id.uuid()),
        email: Set(new.email.to_owned()),
        email_normalized: Set(new.email_normalized),
        password_hash: Set(new.password_hash),
        full_name: Set(new.full_name.trim().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// Inserts an account; a duplicate email is a unique violation.
pub async fn insert_account(
    db: &impl ConnectionTrait,
    new: NewAccount<'_>,
) -> Result<account::Model, DbErr> {
    let row = account_row(AccountId::new(), new, Utc::now());
    account::Entity::insert(row).exec_with_returning(db).await
}

/// Inserts many accounts at once (demo data); returns their ids in order.
pub async fn insert_accounts(
    db: &impl ConnectionTrait,
    news: Vec<NewAccount<'_>>,
) -> Result<Vec<AccountId>, DbErr> {
    let now = Utc::now();
    let ids: Vec<AccountId> = news.iter().map(|_| AccountId::new()).collect();
    let rows: Vec<_> = news
        .into_iter()
        .zip(&ids)
        .map(|(new, id)| account_row(*id, new, now))
        .collect();
    if !rows.is_empty() {
        account::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(ids)
}

/// Inserts a tenant.
pub async fn insert_tenant(
    db: &impl ConnectionTrait,
    row: tenant::ActiveModel,
) -> Result<tenant::Model, DbErr> {
    tenant::Entity::insert(row).exec_with_returning(db).await
}

/// A slug based on `base` that no tenant has yet: `base`, else `base-2`, `base-3`, …
pub async fn free_slug(db: &impl ConnectionTrait, base: &str) -> Result<String, DbErr> {
    let taken: Vec<String> = tenant::Entity::find()
        .select_only()
        .column(tenant::Column::Slug)
        .filter(
            Condition::any()
                .add(tenant::Column::Slug.eq(base))
                .add(tenant::Column::Slug.like(format!("{base}-%"))),
        )
        .into_tuple::<Option<String>>()
        .all(db)
        .await?
        .into_iter()
        .flatten()
        .collect();
    if !taken.iter().any(|s| s == base) {
        return Ok(base.to_owned());
    }
    let next = (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_else(|| format!("{base}-{}", uuid::Uuid::now_v7().simple()));
    Ok(next)
}

/// Writes the product's default module activations for a new tenant.
pub async fn insert_default_modules(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    catalog: &[palestra_core::product::CatalogModule],
) -> Result<(), DbErr> {
    let now = Utc::now();
    let rows = catalog.iter().map(|module| tenant_module::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        tenant_id: Set(tenant.uuid()),
        module: Set(module.key.to_owned()),
        active: Set(module.default_active),
        updated_at: Set(now),
    });
    if catalog.is_empty() {
        return Ok(());
    }
    tenant_module::Entity::insert_many(rows)
        .exec(db)
        .await
        .map(|_| ())
}

/// Sets a module's state for a tenant: one row per (tenant, module), inserted or updated.
pub async fn upsert_module(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    key: &str,
    active: bool,
) -> Result<(), DbErr> {
    let row = tenant_module::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        tenant_id: Set(tenant.uuid()),
        module: Set(key.to_owned()),
        active: Set(active),
        updated_at: Set(Utc::now()),
    };
    tenant_module::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                tenant_module::Column::TenantId,
                tenant_module::Column::Module,
            ])
            .update_columns([
                tenant_module::Column::Active,
                tenant_module::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec(db)
        .await
        .map(|_| ())
}

/// Writes changed tenant columns and returns the row.
pub async fn update_tenant(
    db: &impl ConnectionTrait,
    row: tenant::ActiveModel,
) -> Result<tenant::Model, DbErr> {
    sea_orm::ActiveModelTrait::update(row, db).await
}

/// Adds memberships of one role in a tenant.
pub async fn insert_memberships(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    accounts: &[AccountId],
    role: Role,
) -> Result<(), DbErr> {
    if accounts.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let rows = accounts.iter().map(|account| membership::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        tenant_id: Set(tenant.uuid()),
        account_id: Set(account.uuid()),
        role: Set(role.as_str().to_owned()),
        status: Set(membership::STATUS_ACTIVE.to_owned()),
        created_at: Set(now),
        assigned_trainer_id: Set(None),
    });
    membership::Entity::insert_many(rows)
        .exec(db)
        .await
        .map(|_| ())
}

/// One page of the caller's active tenants of a kind, ordered by name then id.
pub async fn list_my_tenants(
    db: &impl ConnectionTrait,
    account: AccountId,
    kind: ProductKind,
    after: Option<&Cursor>,
    limit: u64,
) -> Result<Vec<(membership::Model, tenant::Model)>, DbErr> {
    let mut query = membership::Entity::find()
        .find_also_related(tenant::Entity)
        .filter(membership::Column::AccountId.eq(account.uuid()))
        .filter(membership::Column::Status.is_in(membership::STATUSES_WITH_ACCESS))
        .filter(tenant::Column::Kind.eq(kind.as_str()));
    if let Some(cursor) = after {
        query = query.filter(
            Condition::any()
                .add(tenant::Column::Name.gt(cursor.key.as_str()))
                .add(
                    Condition::all()
                        .add(tenant::Column::Name.eq(cursor.key.as_str()))
                        .add(tenant::Column::Id.gt(cursor.id)),
                ),
        );
    }
    let rows = query
        .order_by_asc(tenant::Column::Name)
        .order_by_asc(tenant::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(m, t)| t.map(|t| (m, t)))
        .collect())
}

/// Opens a login session with its first refresh token.
pub async fn insert_session(
    db: &impl ConnectionTrait,
    account: AccountId,
    token_hash: String,
    expires_at: DateTime<Utc>,
) -> Result<SessionId, DbErr> {
    let session = SessionId::new();
    let now = Utc::now();
    auth_session::Entity::insert(auth_session::ActiveModel {
        id: Set(session.uuid()),
        account_id: Set(account.uuid()),
        created_at: Set(now),
        revoked_at: Set(None),
    })
    .exec(db)
    .await?;
    insert_refresh_token(db, session, token_hash, expires_at).await?;
    Ok(session)
}

/// Adds a refresh token to a session.
pub async fn insert_refresh_token(
    db: &impl ConnectionTrait,
    session: SessionId,
    token_hash: String,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    refresh_token::Entity::insert(refresh_token::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        session_id: Set(session.uuid()),
        token_hash: Set(token_hash),
        created_at: Set(Utc::now()),
        expires_at: Set(expires_at),
        rotated_at: Set(None),
    })
    .exec(db)
    .await
    .map(|_| ())
}

/// A refresh token with its session.
pub async fn find_refresh_token(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<(refresh_token::Model, auth_session::Model)>, DbErr> {
    let row = refresh_token::Entity::find()
        .find_also_related(auth_session::Entity)
        .filter(refresh_token::Column::TokenHash.eq(token_hash))
        .one(db)
        .await?;
    Ok(row.and_then(|(token, session)| session.map(|s| (token, s))))
}

/// Marks a token used, if nobody did first. False means it was already used.
pub async fn claim_refresh_token(db: &impl ConnectionTrait, id: uuid::Uuid) -> Result<bool, DbErr> {
    let result = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RotatedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::Id.eq(id))
        .filter(refresh_token::Column::RotatedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Revokes a session and so every refresh token of it.
pub async fn revoke_session(db: &impl ConnectionTrait, session: SessionId) -> Result<(), DbErr> {
    auth_session::Entity::update_many()
        .col_expr(auth_session::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(auth_session::Column::Id.eq(session.uuid()))
        .filter(auth_session::Column::RevokedAt.is_null())
        .exec(db)
        .await
        .map(|_| ())
}
