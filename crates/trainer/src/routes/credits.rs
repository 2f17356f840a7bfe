//! A client's session credits: grants, adjustments and the ledger.

use actix_web::middleware::from_fn;
use actix_web::{get, post, web};

use palestra_core::idempotency::{IdempotencyKeyHeader, idempotent};
use palestra_core::ids::AccountId;
use palestra_core::openapi::TenantHeader;
use palestra_core::pagination::PageQuery;
use palestra_core::{ApiResult, AppContext, Authorized, Created, Json, Problem};

use crate::packages::{
    self, AdjustCreditsRequest, ClientCreditsView, CreditMovementView, GrantPackageRequest,
    ManageCredits, ViewCredits, ViewOwnCredits,
};

/// Grant a package to a client by hand (recorded as a manual grant); its credits expire after
/// the package's validity. Send an `Idempotency-Key` to make a retry safe.
#[utoipa::path(tag = "credits", security(("bearer" = ["trainer.credits.manage"])), params(TenantHeader, ("id" = AccountId, Path, description = "The client's account."), IdempotencyKeyHeader),
    request_body = GrantPackageRequest,
    responses(
        (status = 201, description = "Granted: the ledger row and the new balance.", body = CreditMovementView),
        (status = 404, description = "No such client (`trainer.client_not_found`) or package (`trainer.package_not_found`) here.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The package is inactive (`trainer.package_inactive`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/clients/{id}/credits/grants", wrap = "from_fn(idempotent)")]
pub async fn grant_package(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageCredits>,
    id: web::Path<AccountId>,
    body: Json<GrantPackageRequest>,
) -> ApiResult<Created<CreditMovementView>> {
    let client = id.into_inner();
    let view = packages::grant(&ctx, auth.id, client, auth.account_id, body.into_inner()).await?;
    Ok(Created {
        location: format!("/api/v1/clients/{client}/credits"),
        body: view,
    })
}

/// Add or take credits by hand, with a reason. Added credits never expire; taking more than
/// the balance is refused. Send an `Idempotency-Key` to make a retry safe.
#[utoipa::path(tag = "credits", security(("bearer" = ["trainer.credits.manage"])), params(TenantHeader, ("id" = AccountId, Path, description = "The client's account."), IdempotencyKeyHeader),
    request_body = AdjustCreditsRequest,
    responses(
        (status = 201, description = "Adjusted: the ledger rows and the new balance.", body = CreditMovementView),
        (status = 404, description = "No such client here (`trainer.client_not_found`).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The balance is smaller than what would be taken (`trainer.no_credits`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/clients/{id}/credits/adjustments", wrap = "from_fn(idempotent)")]
pub async fn adjust_credits(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageCredits>,
    id: web::Path<AccountId>,
    body: Json<AdjustCreditsRequest>,
) -> ApiResult<Created<CreditMovementView>> {
    let client = id.into_inner();
    let view = packages::adjust(&ctx, auth.id, client, auth.account_id, body.into_inner()).await?;
    Ok(Created {
        location: format!("/api/v1/clients/{client}/credits"),
        body: view,
    })
}

/// A client's credit balance and ledger, newest first.
#[utoipa::path(tag = "credits", security(("bearer" = ["trainer.credits.read"])), params(TenantHeader, ("id" = AccountId, Path, description = "The client's account."), PageQuery),
    responses(
        (status = 200, description = "The balance and one page of the ledger.", body = ClientCreditsView),
        (status = 404, description = "No such client here (`trainer.client_not_found`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/clients/{id}/credits")]
pub async fn client_credits(
    ctx: web::Data<AppContext>,
    auth: Authorized<ViewCredits>,
    id: web::Path<AccountId>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<ClientCreditsView>> {
    packages::client_credits(&ctx, auth.id, id.into_inner(), &query)
        .await
        .map(web::Json)
}

/// The caller's own credit balance and ledger, newest first (clients).
#[utoipa::path(tag = "credits", security(("bearer" = ["trainer.credits.read_own"])), params(TenantHeader, PageQuery),
    responses(
        (status = 200, description = "The balance and one page of the ledger.", body = ClientCreditsView),
        (status = 404, description = "The caller is not a client here (`trainer.client_not_found`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/me/credits")]
pub async fn my_credits(
    ctx: web::Data<AppContext>,
    auth: Authorized<ViewOwnCredits>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<ClientCreditsView>> {
    packages::client_credits(&ctx, auth.id, auth.account_id, &query)
        .await
        .map(web::Json)
}
