//! The trainer's workspace (trainer-api): sign-up and the workspace itself.

use actix_web::{get, post, web};

use palestra_core::openapi::TenantHeader;
use palestra_core::{ApiResult, AppContext, AuthUser, Authorized, Created, Json, Problem, Role};

use crate::password::Hasher;
use crate::permissions::ViewTenant;
use crate::service;
use crate::views::{RegisterTrainerRequest, TrainerRegistrationView, WorkspaceView};

/// Sign up as a personal trainer.
///
/// Creates the account, the trainer's workspace (named after them), its essential modules and
/// their ownership of it in one step, and signs them in. An email that already has an account
/// gets a workspace only when the request carries that account's access token.
#[utoipa::path(tag = "workspace", security((), ("bearer" = [])), request_body = RegisterTrainerRequest,
    responses(
        (status = 201, description = "Account and workspace created; the trainer is signed in.", body = TrainerRegistrationView),
        (status = 409, description = "The email already has an account (`identity.email_taken`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/auth/register-trainer")]
pub async fn register_trainer(
    ctx: web::Data<AppContext>,
    hasher: web::Data<Hasher>,
    caller: Option<AuthUser>,
    body: Json<RegisterTrainerRequest>,
) -> ApiResult<Created<TrainerRegistrationView>> {
    let (session, workspace) =
        service::register_trainer(&ctx, &hasher, body.into_inner(), caller).await?;
    Ok(Created {
        location: "/api/v1/workspace".to_owned(),
        body: TrainerRegistrationView {
            session,
            workspace: WorkspaceView::new(workspace, Role::Owner),
        },
    })
}

/// The caller's workspace: their own as a trainer, or their trainer's as a client.
#[utoipa::path(tag = "workspace", security(("bearer" = ["identity.tenant.read"])), params(TenantHeader),
    responses((status = 200, description = "The workspace.", body = WorkspaceView)))]
#[get("/workspace")]
pub async fn get_workspace(auth: Authorized<ViewTenant>) -> web::Json<WorkspaceView> {
    web::Json(WorkspaceView::new(auth.tenant.model.clone(), auth.role))
}
