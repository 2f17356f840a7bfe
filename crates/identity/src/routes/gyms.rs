//! Gyms (gym-api): create one, list the caller's, read the selected one.

use actix_web::{get, post, web};

use palestra_core::openapi::TenantHeader;
use palestra_core::pagination::{Cursor, Page, PageQuery};
use palestra_core::{ApiResult, AppContext, AuthUser, Authorized, Created, Json, Problem, Role};

use crate::password::Hasher;
use crate::permissions::ViewTenant;
use crate::views::{CreateGymRequest, GymRegistrationView, GymView, MyGymView, RegisterGymRequest};
use crate::{repo, service};

/// Sign up as a gym owner.
///
/// Creates the account, the gym (with a unique URL slug derived from its name), the owner's
/// membership and the product's default modules in one step, and signs the owner in.
#[utoipa::path(tag = "gyms", request_body = RegisterGymRequest,
    responses(
        (status = 201, description = "Account and gym created; the owner is signed in.", body = GymRegistrationView),
        (status = 409, description = "The email already has an account (`identity.email_taken`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/auth/register-gym")]
pub async fn register_gym(
    ctx: web::Data<AppContext>,
    hasher: web::Data<Hasher>,
    body: Json<RegisterGymRequest>,
) -> ApiResult<Created<GymRegistrationView>> {
    let (session, gym) = service::register_gym(&ctx, &hasher, body.into_inner()).await?;
    Ok(Created {
        location: "/api/v1/gym".to_owned(),
        body: GymRegistrationView {
            session,
            gym: gym.into(),
        },
    })
}

/// Create a gym; the caller becomes its owner.
#[utoipa::path(tag = "gyms", security(("bearer" = [])), request_body = CreateGymRequest,
    responses((status = 201, description = "The gym, with the caller as owner.", body = GymView)))]
#[post("/gyms")]
pub async fn create_gym(
    ctx: web::Data<AppContext>,
    user: AuthUser,
    body: Json<CreateGymRequest>,
) -> ApiResult<Created<GymView>> {
    let gym = service::create_gym(&ctx, user.account_id, body.into_inner()).await?;
    Ok(Created {
        location: "/api/v1/gym".to_owned(),
        body: gym.into(),
    })
}

/// The gyms the caller belongs to, with their role in each, by name.
#[utoipa::path(tag = "gyms", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, description = "One page of the caller's gyms.", body = Page<MyGymView>)))]
#[get("/gyms/mine")]
pub async fn list_my_gyms(
    ctx: web::Data<AppContext>,
    user: AuthUser,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<MyGymView>>> {
    let limit = query.limit()?;
    let cursor = query.cursor()?;
    let rows = repo::list_my_tenants(
        &ctx.db,
        user.account_id,
        ctx.product.kind,
        cursor.as_ref(),
        limit,
    )
    .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |(_, gym)| Cursor {
            key: gym.name.clone(),
            id: gym.id,
        },
        |(membership, gym)| MyGymView {
            role: Role::parse(&membership.role).unwrap_or(Role::Member),
            gym: gym.into(),
        },
    )))
}

/// The gym selected by the `X-Gym-ID` header.
#[utoipa::path(tag = "gyms", security(("bearer" = ["identity.tenant.read"])), params(TenantHeader),
    responses((status = 200, description = "The gym.", body = GymView)))]
#[get("/gym")]
pub async fn get_gym(auth: Authorized<ViewTenant>) -> web::Json<GymView> {
    web::Json(auth.tenant.model.clone().into())
}
