//! What a platform super-admin does: list tenants, suspend and reactivate them.

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use palestra_core::audit::{self, AuditEvent};
use palestra_core::db::begin_write;
use palestra_core::entities::tenant;
use palestra_core::ids::TenantId;
use palestra_core::pagination::{Page, PageQuery};
use palestra_core::platform::PlatformAdmin;
use palestra_core::types::{contains_pattern, search_term};
use palestra_core::{ApiError, AppContext};

/// A tenant as the platform sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlatformTenantView {
    pub id: TenantId,
    pub name: String,
    /// `gym` or `trainer`.
    pub kind: String,
    /// `active` or `suspended`.
    pub status: String,
    pub slug: Option<String>,
    pub contact_email: Option<String>,
    pub created_at: chrono::DateTime<Utc>,
}

impl From<tenant::Model> for PlatformTenantView {
    fn from(model: tenant::Model) -> Self {
        Self {
            id: TenantId(model.id),
            name: model.name,
            kind: model.kind,
            status: model.status,
            slug: model.slug,
            contact_email: model.contact_email,
            created_at: model.created_at,
        }
    }
}

/// Tenant filters and page.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TenantQuery {
    /// `active` or `suspended`.
    pub status: Option<String>,
    /// Part of the name, case-insensitive.
    pub q: Option<String>,
    /// Items per page, 1 to 100 (default 50).
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// This product's tenants, newest first.
pub async fn list_tenants(
    ctx: &AppContext,
    query: &TenantQuery,
) -> Result<Page<PlatformTenantView>, ApiError> {
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    };
    let mut select =
        tenant::Entity::find().filter(tenant::Column::Kind.eq(ctx.product.kind.as_str()));
    if let Some(status) = &query.status {
        select = select.filter(tenant::Column::Status.eq(status.as_str()));
    }
    if let Some(term) = search_term(query.q.as_deref()) {
        select = select.filter(
            Expr::expr(Func::lower(Expr::col(tenant::Column::Name))).like(contains_pattern(term)),
        );
    }
    page.newest_first(
        &ctx.db,
        select,
        tenant::Column::Id,
        |t| t.id,
        PlatformTenantView::from,
    )
    .await
}

/// Suspends or reactivates a tenant of this product; recorded in its audit log.
pub async fn set_status(
    ctx: &AppContext,
    admin: PlatformAdmin,
    id: TenantId,
    suspend: bool,
) -> Result<PlatformTenantView, ApiError> {
    let (from, to) = if suspend {
        (tenant::STATUS_ACTIVE, tenant::STATUS_SUSPENDED)
    } else {
        (tenant::STATUS_SUSPENDED, tenant::STATUS_ACTIVE)
    };
    let txn = begin_write(&ctx.db).await?;
    let existing = tenant::Entity::find_by_id(id.uuid())
        .filter(tenant::Column::Kind.eq(ctx.product.kind.as_str()))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("platform.tenant_not_found", "No such tenant."))?;
    let changed = tenant::Entity::update_many()
        .col_expr(tenant::Column::Status, Expr::value(to))
        .col_expr(tenant::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(tenant::Column::Id.eq(id.uuid()))
        .filter(tenant::Column::Status.eq(from))
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        return Err(ApiError::conflict(
            "platform.tenant_status_unchanged",
            format!("The tenant is already {}.", existing.status),
        ));
    }
    audit::record(
        &txn,
        AuditEvent {
            tenant: id,
            actor: Some(admin.0.account_id),
            action: if suspend {
                "tenants.suspended"
            } else {
                "tenants.reactivated"
            },
            subject: None,
            details: json!({ "by": "platform" }),
            ip: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(tenant::Model {
        status: to.to_owned(),
        ..existing
    }
    .into())
}
