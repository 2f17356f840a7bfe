//! Packages of sessions, and the credit operations behind the routes: granting a package by
//! hand, manual adjustments, a client's balance and ledger. The ledger's rules live in
//! `credits.rs`; paying for a package belongs to billing.

use chrono::{DateTime, Utc};
use palestra_core::ids::{AccountId, TenantId};
use palestra_core::money::Currency;
use palestra_core::pagination::{Page, PageQuery};
use palestra_core::scope::scoped;
use palestra_core::{ApiError, ApiResult, AppContext, FieldError, Validate, permission};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::credits::{self, CreditError};
use crate::entities::{credit_entry, package};

permission!(
    /// See the packages on offer (clients see the active ones).
    ViewPackages = "trainer.packages.read"
);
permission!(
    /// Create and change packages.
    ManagePackages = "trainer.packages.manage"
);
permission!(
    /// See any client's credits and ledger.
    ViewCredits = "trainer.credits.read"
);
permission!(
    /// Grant packages and adjust credits.
    ManageCredits = "trainer.credits.manage"
);
permission!(
    /// See one's own credits and ledger.
    ViewOwnCredits = "trainer.credits.read_own"
);

/// A package of sessions.
#[derive(Debug, Serialize, ToSchema)]
pub struct PackageView {
    pub id: Uuid,
    pub name: String,
    /// Credits a grant gives.
    pub sessions: i32,
    /// Price in minor units of `currency` (4000 is 40.00 EUR).
    pub price_minor: i64,
    pub currency: Currency,
    /// Days the credits of a grant stay usable.
    pub validity_days: i32,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PackageView {
    fn new(model: package::Model) -> ApiResult<Self> {
        Ok(Self {
            currency: model.currency.parse().map_err(|e: String| {
                ApiError::internal(std::io::Error::other(format!(
                    "package {} has a bad currency: {e}",
                    model.id
                )))
            })?,
            id: model.id,
            name: model.name,
            sessions: model.sessions,
            price_minor: model.price_minor,
            validity_days: model.validity_days,
            active: model.active,
            created_at: model.created_at,
            updated_at: model.updated_at,
        })
    }
}

/// A new package.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePackageRequest {
    /// 1 to 120 characters.
    pub name: String,
    /// 1 to 1000.
    pub sessions: i32,
    /// Minor units, 0 or more.
    pub price_minor: i64,
    pub currency: Currency,
    /// 1 to 3650 days.
    pub validity_days: i32,
    /// On offer (default `true`).
    #[serde(default)]
    pub active: Option<bool>,
}

/// Changes to a package; absent fields stay as they are. Grants already made keep their terms.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePackageRequest {
    pub name: Option<String>,
    pub sessions: Option<i32>,
    pub price_minor: Option<i64>,
    pub currency: Option<Currency>,
    pub validity_days: Option<i32>,
    pub active: Option<bool>,
}

fn check_fields(
    name: Option<&str>,
    sessions: Option<i32>,
    price_minor: Option<i64>,
    validity_days: Option<i32>,
) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    if let Some(name) = name
        && (name.trim().is_empty() || name.chars().count() > 120)
    {
        errors.push(FieldError::new(
            "name",
            "invalid_length",
            "The name must be 1 to 120 characters.",
        ));
    }
    if let Some(sessions) = sessions
        && !(1..=1000).contains(&sessions)
    {
        errors.push(FieldError::new(
            "sessions",
            "out_of_range",
            "A package holds 1 to 1000 sessions.",
        ));
    }
    if let Some(price) = price_minor
        && price < 0
    {
        errors.push(FieldError::new(
            "price_minor",
            "out_of_range",
            "The price cannot be negative.",
        ));
    }
    if let Some(days) = validity_days
        && !(1..=3650).contains(&days)
    {
        errors.push(FieldError::new(
            "validity_days",
            "out_of_range",
            "Validity is 1 to 3650 days.",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

impl Validate for CreatePackageRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        check_fields(
            Some(&self.name),
            Some(self.sessions),
            Some(self.price_minor),
            Some(self.validity_days),
        )
    }
}

impl Validate for UpdatePackageRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        check_fields(
            self.name.as_deref(),
            self.sessions,
            self.price_minor,
            self.validity_days,
        )
    }
}

/// Grant a package to a client by hand.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantPackageRequest {
    pub package_id: Uuid,
    /// Up to 500 characters; the client sees it in their ledger.
    pub note: Option<String>,
}

impl Validate for GrantPackageRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        match &self.note {
            Some(note) if note.chars().count() > 500 => Err(vec![FieldError::new(
                "note",
                "too_long",
                "The note is at most 500 characters.",
            )]),
            _ => Ok(()),
        }
    }
}

/// A manual correction of a client's credits.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustCreditsRequest {
    /// Credits to add (positive, never expire) or take (negative); not 0, at most 1000 either way.
    pub amount: i32,
    /// Why, 1 to 500 characters; kept in the ledger, which the client sees too.
    pub reason: String,
}

impl Validate for AdjustCreditsRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.amount == 0 || self.amount.abs() > 1000 {
            errors.push(FieldError::new(
                "amount",
                "out_of_range",
                "The amount is 1 to 1000 credits, added or taken.",
            ));
        }
        if self.reason.trim().is_empty() || self.reason.chars().count() > 500 {
            errors.push(FieldError::new(
                "reason",
                "invalid_length",
                "The reason must be 1 to 500 characters.",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// One movement of a client's credits.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreditEntryView {
    pub id: Uuid,
    /// `grant`, `consume`, `refund`, `forfeit`, `expiry` or `adjustment`.
    pub kind: String,
    /// Signed: what the movement added to the balance.
    pub amount: i32,
    pub appointment_id: Option<Uuid>,
    pub package_id: Option<Uuid>,
    /// `manual` for grants made by the trainer.
    pub source: Option<String>,
    /// When a grant's credits expire.
    pub expires_at: Option<DateTime<Utc>>,
    /// Who made it; absent for expiry.
    pub created_by: Option<Uuid>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<credit_entry::Model> for CreditEntryView {
    fn from(e: credit_entry::Model) -> Self {
        Self {
            id: e.id,
            kind: e.kind,
            amount: e.amount,
            appointment_id: e.appointment_id,
            package_id: e.package_id,
            source: e.source,
            expires_at: e.expires_at,
            created_by: e.created_by,
            note: e.note,
            created_at: e.created_at,
        }
    }
}

/// A client's balance and one page of their ledger, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientCreditsView {
    pub client_id: AccountId,
    /// Credits left: the sum of the whole ledger.
    pub balance: i64,
    pub entries: Page<CreditEntryView>,
}

/// What a grant or an adjustment wrote, and the balance after it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreditMovementView {
    pub client_id: AccountId,
    pub balance: i64,
    pub entries: Vec<CreditEntryView>,
}

async fn find_package(
    db: &impl sea_orm::ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
) -> ApiResult<package::Model> {
    scoped::<package::Entity>(tenant)
        .filter(package::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or_else(|| CreditError::PackageNotFound.into())
}

async fn require_client(
    db: &impl sea_orm::ConnectionTrait,
    tenant: TenantId,
    client: AccountId,
) -> ApiResult<()> {
    if credits::is_client(db, tenant, client).await? {
        Ok(())
    } else {
        Err(CreditError::ClientNotFound.into())
    }
}

/// One page of packages, newest first; `active_only` for clients.
pub async fn list_packages(
    ctx: &AppContext,
    tenant: TenantId,
    active_only: bool,
    page: &PageQuery,
) -> ApiResult<Page<PackageView>> {
    let mut select = scoped::<package::Entity>(tenant);
    if active_only {
        select = select.filter(package::Column::Active.eq(true));
    }
    let page = page
        .newest_first(&ctx.db, select, package::Column::Id, |p| p.id, |p| p)
        .await?;
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(PackageView::new)
            .collect::<ApiResult<_>>()?,
        next_cursor: page.next_cursor,
    })
}

/// One package; clients do not see inactive ones.
pub async fn get_package(
    ctx: &AppContext,
    tenant: TenantId,
    id: Uuid,
    active_only: bool,
) -> ApiResult<PackageView> {
    let model = find_package(&ctx.db, tenant, id).await?;
    if active_only && !model.active {
        return Err(CreditError::PackageNotFound.into());
    }
    PackageView::new(model)
}

/// Creates a package.
#[tracing::instrument(skip_all, fields(tenant = %tenant))]
pub async fn create_package(
    ctx: &AppContext,
    tenant: TenantId,
    request: CreatePackageRequest,
) -> ApiResult<PackageView> {
    let now = Utc::now();
    let model = package::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tenant.uuid()),
        name: Set(request.name.trim().to_owned()),
        sessions: Set(request.sessions),
        price_minor: Set(request.price_minor),
        currency: Set(request.currency.code().to_owned()),
        validity_days: Set(request.validity_days),
        active: Set(request.active.unwrap_or(true)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&ctx.db)
    .await?;
    PackageView::new(model)
}

/// Changes a package.
#[tracing::instrument(skip_all, fields(tenant = %tenant, package = %id))]
pub async fn update_package(
    ctx: &AppContext,
    tenant: TenantId,
    id: Uuid,
    request: UpdatePackageRequest,
) -> ApiResult<PackageView> {
    let model = find_package(&ctx.db, tenant, id).await?;
    let mut row: package::ActiveModel = model.into();
    if let Some(name) = request.name {
        row.name = Set(name.trim().to_owned());
    }
    if let Some(sessions) = request.sessions {
        row.sessions = Set(sessions);
    }
    if let Some(price) = request.price_minor {
        row.price_minor = Set(price);
    }
    if let Some(currency) = request.currency {
        row.currency = Set(currency.code().to_owned());
    }
    if let Some(days) = request.validity_days {
        row.validity_days = Set(days);
    }
    if let Some(active) = request.active {
        row.active = Set(active);
    }
    row.updated_at = Set(Utc::now());
    PackageView::new(row.update(&ctx.db).await?)
}

async fn movement(
    txn: &sea_orm::DatabaseTransaction,
    tenant: TenantId,
    client: AccountId,
    entries: Vec<credit_entry::Model>,
) -> ApiResult<CreditMovementView> {
    let balance = credits::balances(txn, tenant, &[client])
        .await?
        .get(&client)
        .copied()
        .unwrap_or(0);
    Ok(CreditMovementView {
        client_id: client,
        balance,
        entries: entries.into_iter().map(Into::into).collect(),
    })
}

/// Grants a package to a client by hand.
#[tracing::instrument(skip_all, fields(tenant = %tenant, client = %client))]
pub async fn grant(
    ctx: &AppContext,
    tenant: TenantId,
    client: AccountId,
    by: AccountId,
    request: GrantPackageRequest,
) -> ApiResult<CreditMovementView> {
    let txn = palestra_core::db::begin_write(&ctx.db).await?;
    require_client(&txn, tenant, client).await?;
    let package = find_package(&txn, tenant, request.package_id).await?;
    let entry = credits::grant_package(&txn, tenant, client, &package, by, request.note).await?;
    let view = movement(&txn, tenant, client, vec![entry]).await?;
    txn.commit().await?;
    Ok(view)
}

/// Adjusts a client's credits by hand.
#[tracing::instrument(skip_all, fields(tenant = %tenant, client = %client))]
pub async fn adjust(
    ctx: &AppContext,
    tenant: TenantId,
    client: AccountId,
    by: AccountId,
    request: AdjustCreditsRequest,
) -> ApiResult<CreditMovementView> {
    let txn = palestra_core::db::begin_write(&ctx.db).await?;
    require_client(&txn, tenant, client).await?;
    let entries = credits::adjust(
        &txn,
        tenant,
        client,
        request.amount,
        request.reason.trim().to_owned(),
        by,
    )
    .await?;
    let view = movement(&txn, tenant, client, entries).await?;
    txn.commit().await?;
    Ok(view)
}

/// A client's balance and a page of their ledger (two queries).
pub async fn client_credits(
    ctx: &AppContext,
    tenant: TenantId,
    client: AccountId,
    page: &PageQuery,
) -> ApiResult<ClientCreditsView> {
    require_client(&ctx.db, tenant, client).await?;
    let balance = credits::balances(&ctx.db, tenant, &[client])
        .await?
        .get(&client)
        .copied()
        .unwrap_or(0);
    let select = scoped::<credit_entry::Entity>(tenant)
        .filter(credit_entry::Column::AccountId.eq(client.uuid()));
    let entries = page
        .newest_first(
            &ctx.db,
            select,
            credit_entry::Column::Id,
            |e| e.id,
            CreditEntryView::from,
        )
        .await?;
    Ok(ClientCreditsView {
        client_id: client,
        balance,
        entries,
    })
}
