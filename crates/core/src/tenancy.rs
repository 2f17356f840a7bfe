//! Binding a request to its tenant, and roles and permissions within it.
//!
//! The [`Tenant`] extractor fails closed: no header (gym-api) is a 400, a tenant the caller has
//! no active membership in is a 404 (tenant ids cannot be probed), a suspended tenant is a 403.
//! [`Authorized<P>`] adds a permission check, so the permission shows in the handler signature.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::auth::AuthUser;
use crate::context::AppContext;
use crate::entities::{membership, tenant};
use crate::error::ApiError;
use crate::ids::{AccountId, MembershipId, TenantId};
use crate::product::{ProductKind, TenantPolicy};
use crate::scope::scoped;

/// A person's role in one tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Owns the business: everything, including billing and ownership transfer.
    Owner,
    /// Runs the business day to day.
    Admin,
    /// Coaches members or clients.
    Trainer,
    /// A gym member or a trainer's client.
    Member,
}

impl Role {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Trainer => "trainer",
            Self::Member => "member",
        }
    }

    /// Parses a stored name.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "owner" => Some(Self::Owner),
            "admin" => Some(Self::Admin),
            "trainer" => Some(Self::Trainer),
            "member" => Some(Self::Member),
            _ => None,
        }
    }

    /// Owner or admin.
    pub fn is_manager(self) -> bool {
        matches!(self, Self::Owner | Self::Admin)
    }
}

/// The tenant a request acts in, and the caller's membership there.
#[derive(Debug, Clone)]
pub struct Tenant {
    /// The tenant.
    pub id: TenantId,
    /// The caller.
    pub account_id: AccountId,
    /// The caller's membership.
    pub membership_id: MembershipId,
    /// The caller's role in this tenant.
    pub role: Role,
    /// Whether the caller's membership is active (the binding also admits a paused one).
    pub membership_active: bool,
    /// The tenant's row, loaded with the membership in one query.
    pub model: tenant::Model,
}

fn not_found() -> ApiError {
    ApiError::not_found(
        "tenancy.not_found",
        "No such tenant, or you are not a member of it.",
    )
}

fn read_tenant_header(req: &HttpRequest, name: &str) -> Result<Option<TenantId>, ApiError> {
    let Some(value) = req.headers().get(name) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .and_then(|v| v.trim().parse::<TenantId>().ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::bad_request(
                "tenancy.invalid_tenant_header",
                format!("The `{name}` header must be a tenant UUID."),
            )
        })
}

/// Loads the caller's active membership in a tenant of the product's kind, with the tenant.
pub async fn find_membership(
    db: &impl ConnectionTrait,
    kind: ProductKind,
    account: AccountId,
    tenant: TenantId,
) -> Result<Tenant, ApiError> {
    let row = scoped::<membership::Entity>(tenant)
        .find_also_related(tenant::Entity)
        .filter(membership::Column::AccountId.eq(account.uuid()))
        .filter(membership::Column::Status.is_in(membership::STATUSES_WITH_ACCESS))
        .filter(tenant::Column::Kind.eq(kind.as_str()))
        .one(db)
        .await?;
    let (membership, Some(model)) = row.ok_or_else(not_found)? else {
        return Err(not_found());
    };
    into_tenant(account, membership, model)
}

fn into_tenant(
    account: AccountId,
    membership: membership::Model,
    model: tenant::Model,
) -> Result<Tenant, ApiError> {
    if model.status == tenant::STATUS_SUSPENDED {
        return Err(ApiError::forbidden(
            "tenancy.suspended",
            "This tenant is suspended; contact support.",
        ));
    }
    let role = Role::parse(&membership.role).ok_or_else(|| {
        ApiError::internal(std::io::Error::other(format!(
            "membership {} has unknown role {}",
            membership.id, membership.role
        )))
    })?;
    Ok(Tenant {
        id: TenantId(model.id),
        account_id: account,
        membership_id: MembershipId(membership.id),
        role,
        membership_active: membership.status == membership::STATUS_ACTIVE,
        model,
    })
}

/// The caller's only tenant of the product's kind, or a problem saying how to choose.
async fn find_implicit(
    db: &impl ConnectionTrait,
    kind: ProductKind,
    account: AccountId,
    selector_header: &str,
) -> Result<Tenant, ApiError> {
    let rows = membership::Entity::find()
        .find_also_related(tenant::Entity)
        .filter(membership::Column::AccountId.eq(account.uuid()))
        .filter(membership::Column::Status.is_in(membership::STATUSES_WITH_ACCESS))
        .filter(tenant::Column::Kind.eq(kind.as_str()))
        .limit(21)
        .all(db)
        .await?;
    let mut rows: Vec<_> = rows
        .into_iter()
        .filter_map(|(m, t)| t.map(|t| (m, t)))
        .collect();
    match rows.len() {
        0 => Err(ApiError::not_found(
            "tenancy.no_workspace",
            "You do not belong to any workspace yet.",
        )),
        1 => {
            let (membership, model) = rows.remove(0);
            into_tenant(account, membership, model)
        }
        _ => {
            let choices: Vec<_> = rows
                .iter()
                .map(|(_, t)| json!({ "id": t.id, "name": t.name }))
                .collect();
            Err(ApiError::bad_request(
                "tenancy.workspace_required",
                format!("You belong to several workspaces; choose one with the `{selector_header}` header."),
            )
            .with_extension("choices", json!(choices)))
        }
    }
}

/// The route templates of every module that a tenant can switch off, with the module's key.
/// Built by the server from what each module mounts; read by the [`Tenant`] extractor, the one
/// place where a deactivated module is refused.
#[derive(Debug, Default)]
pub struct ModuleRoutes(pub std::collections::HashMap<String, &'static str>);

impl Tenant {
    async fn resolve(
        ctx: web::Data<AppContext>,
        user: AuthUser,
        header: Result<Option<TenantId>, ApiError>,
        module: Option<&'static str>,
    ) -> Result<Self, ApiError> {
        let tenant = Self::find(&ctx, user, header).await?;
        if let Some(key) = module
            && !ctx
                .module_states
                .is_active(&ctx.db, &ctx.product, tenant.id, key)
                .await?
        {
            return Err(ApiError::forbidden(
                "module.disabled",
                format!(
                    "The `{key}` module is not active here; an owner or admin can activate it."
                ),
            )
            .with_extension("module", json!(key)));
        }
        Ok(tenant)
    }

    async fn find(
        ctx: &web::Data<AppContext>,
        user: AuthUser,
        header: Result<Option<TenantId>, ApiError>,
    ) -> Result<Self, ApiError> {
        let kind = ctx.product.kind;
        match (ctx.product.tenant_policy, header?) {
            (_, Some(tenant)) => find_membership(&ctx.db, kind, user.account_id, tenant).await,
            (TenantPolicy::Header { header }, None) => Err(ApiError::bad_request(
                "tenancy.missing_tenant_header",
                format!("This route needs the `{header}` header naming the tenant."),
            )),
            (TenantPolicy::Implicit { selector_header }, None) => {
                find_implicit(&ctx.db, kind, user.account_id, selector_header).await
            }
        }
    }
}

fn context(req: &HttpRequest) -> Result<web::Data<AppContext>, ApiError> {
    req.app_data::<web::Data<AppContext>>()
        .cloned()
        .ok_or_else(|| ApiError::internal(std::io::Error::other("AppContext is not registered")))
}

impl FromRequest for Tenant {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let prepared = context(req).and_then(|ctx| {
            let user = AuthUser::from_http(req)?;
            let header_name = match ctx.product.tenant_policy {
                TenantPolicy::Header { header } => header,
                TenantPolicy::Implicit { selector_header } => selector_header,
            };
            Ok((ctx, user, read_tenant_header(req, header_name)))
        });
        let module = req
            .app_data::<web::Data<ModuleRoutes>>()
            .and_then(|routes| req.match_pattern().and_then(|p| routes.0.get(&p).copied()));
        Box::pin(async move {
            let (ctx, user, header) = prepared?;
            Self::resolve(ctx, user, header, module).await
        })
    }
}

/// A named permission, `module.resource.action`, granted to some roles.
pub trait Permission {
    /// The permission's name, shown in problems and in the OpenAPI security entry.
    const NAME: &'static str;
    /// Whether a role holds it.
    fn granted_to(role: Role) -> bool;
}

/// A tenant-bound caller who holds permission `P` there.
pub struct Authorized<P> {
    /// The tenant and the caller's membership.
    pub tenant: Tenant,
    _permission: PhantomData<P>,
}

impl<P> std::ops::Deref for Authorized<P> {
    type Target = Tenant;

    fn deref(&self) -> &Tenant {
        &self.tenant
    }
}

impl<P: Permission + 'static> FromRequest for Authorized<P> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let tenant = Tenant::from_request(req, payload);
        Box::pin(async move {
            let tenant = tenant.await?;
            if !P::granted_to(tenant.role) {
                return Err(ApiError::forbidden(
                    "auth.forbidden",
                    format!("Your role may not do this (needs `{}`).", P::NAME),
                )
                .with_extension("permission", json!(P::NAME)));
            }
            Ok(Self {
                tenant,
                _permission: PhantomData,
            })
        })
    }
}
