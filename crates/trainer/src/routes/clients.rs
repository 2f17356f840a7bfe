//! The trainer's clients, and a client's own profile.

use actix_web::{get, patch, web};

use palestra_core::Role;
use uuid::Uuid;

use palestra_core::openapi::TenantHeader;
use palestra_core::pagination::Page;
use palestra_core::{ApiResult, AppContext, Authorized, Json, Problem, permission};

use crate::clients::{
    self, ClientUpdateRequest, ClientView, ClientsQuery, MyClientProfileRequest,
    MyClientProfileView,
};

permission!(
    /// See the client list and each client's profile.
    ReadClients = "trainer.clients.read"
);
permission!(
    /// Change what the trainer keeps about a client.
    ManageClients = "trainer.clients.manage"
);
permission!(
    /// A client reads their own profile.
    ReadOwnProfile = "trainer.profile.read"
);
permission!(
    /// A client changes their own goals, emergency contact and health notes.
    UpdateOwnProfile = "trainer.profile.update"
);

/// The workspace's clients, newest first: search (`q`), filter by status and tag.
#[utoipa::path(tag = "clients", security(("bearer" = ["trainer.clients.read"])), params(TenantHeader, ClientsQuery),
    responses(
        (status = 200, description = "One page of clients.", body = Page<ClientView>),
        (status = 400, description = "A bad cursor or limit.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown status.", body = Problem, content_type = "application/problem+json")))]
#[get("/clients")]
pub async fn list_clients(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadClients>,
    query: web::Query<ClientsQuery>,
) -> ApiResult<web::Json<Page<ClientView>>> {
    Ok(web::Json(clients::list(&ctx.db, auth.id, &query).await?))
}

/// One client, with the trainer's notes.
#[utoipa::path(tag = "clients", security(("bearer" = ["trainer.clients.read"])), params(TenantHeader, ("id" = Uuid, Path, description = "The client's account.")),
    responses(
        (status = 200, description = "The client.", body = ClientView),
        (status = 404, description = "No such client here (`trainer.client_not_found`).", body = Problem, content_type = "application/problem+json")))]
#[get("/clients/{id}")]
pub async fn get_client(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadClients>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ClientView>> {
    Ok(web::Json(
        clients::find(&ctx.db, auth.id, id.into_inner()).await?,
    ))
}

/// Change a client's tags, goals, notes, emergency contact or health notes (absent fields
/// stay, an empty string clears).
#[utoipa::path(tag = "clients", security(("bearer" = ["trainer.clients.manage"])), params(TenantHeader, ("id" = Uuid, Path, description = "The client's account.")),
    request_body = ClientUpdateRequest,
    responses(
        (status = 200, description = "The client.", body = ClientView),
        (status = 404, description = "No such client here (`trainer.client_not_found`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, with their paths.", body = Problem, content_type = "application/problem+json")))]
#[patch("/clients/{id}")]
pub async fn update_client(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageClients>,
    id: web::Path<Uuid>,
    body: Json<ClientUpdateRequest>,
) -> ApiResult<web::Json<ClientView>> {
    Ok(web::Json(
        clients::update(&ctx.db, auth.id, id.into_inner(), body.into_inner()).await?,
    ))
}

/// The caller's own client profile in this workspace (without the trainer's private notes).
#[utoipa::path(tag = "clients", security(("bearer" = ["trainer.profile.read"])), params(TenantHeader),
    responses(
        (status = 200, description = "The profile.", body = MyClientProfileView),
        (status = 404, description = "The caller is not a client here (`trainer.client_not_found`).", body = Problem, content_type = "application/problem+json")))]
#[get("/me/client-profile")]
pub async fn my_client_profile(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadOwnProfile>,
) -> ApiResult<web::Json<MyClientProfileView>> {
    let view = clients::find(&ctx.db, auth.id, auth.account_id.uuid()).await?;
    Ok(web::Json(view.into()))
}

/// Change the caller's own goals, emergency contact or health notes (absent fields stay, an
/// empty string clears). Tags and the trainer's notes are the trainer's.
#[utoipa::path(tag = "clients", security(("bearer" = ["trainer.profile.update"])), params(TenantHeader),
    request_body = MyClientProfileRequest,
    responses(
        (status = 200, description = "The profile.", body = MyClientProfileView),
        (status = 404, description = "The caller is not a client here (`trainer.client_not_found`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid or unknown fields, with their paths.", body = Problem, content_type = "application/problem+json")))]
#[patch("/me/client-profile")]
pub async fn update_my_client_profile(
    ctx: web::Data<AppContext>,
    auth: Authorized<UpdateOwnProfile>,
    body: Json<MyClientProfileRequest>,
) -> ApiResult<web::Json<MyClientProfileView>> {
    if auth.role != Role::Member {
        return Err(crate::error::TrainerError::ClientNotFound.into());
    }
    let view = clients::update(
        &ctx.db,
        auth.id,
        auth.account_id.uuid(),
        body.into_inner().into(),
    )
    .await?;
    Ok(web::Json(view.into()))
}
