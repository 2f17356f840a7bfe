//! The trainer's workspace (trainer-api): sign-up and the workspace itself.

use actix_web::middleware::from_fn;
use actix_web::{get, post, web};

use palestra_core::idempotency::{IdempotencyKeyHeader, idempotent};
use palestra_core::openapi::TenantHeader;
use palestra_core::{
    ApiResult, AppContext, AuthUser, Authorized, ClientIp, Created, Json, Problem, Role,
};

use crate::password::Hasher;
use crate::permissions::ViewTenant;
use crate::service;
use crate::views::{RegisterTrainerRequest, TrainerRegistrationView, WorkspaceView};

/// Sign up as a personal trainer.
///
/// Creates the account, the trainer's workspace (named after them), its essential modules and
/// their ownership of it in one step, and signs them in. An email that already has an account
/// gets a workspace only when the request carries that account's access token. Send an
/// `Idempotency-Key` to make a retry safe. Sign-ups are limited per client address.
#[utoipa::path(tag = "workspace", security((), ("bearer" = [])), request_body = RegisterTrainerRequest, params(IdempotencyKeyHeader),
    responses(
        (status = 201, description = "Account and workspace created; the trainer is signed in.", body = TrainerRegistrationView,
            headers(("Idempotency-Replayed" = bool, description = "`true` when this is the stored response of an earlier request with the same `Idempotency-Key`."))),
        (status = 400, description = "The body is not valid JSON (`request.malformed_json`), or the `Idempotency-Key` header is not 1 to 255 visible ASCII characters (`request.invalid_idempotency_key`).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The email already has an account (`identity.email_taken`), or a request with the same `Idempotency-Key` is still running (`request.idempotency_in_flight`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some fields are invalid (`request.validation_failed`; `errors` lists them), or the `Idempotency-Key` was used for another body (`request.idempotency_key_reused`).", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many sign-ups from this address (`request.rate_limited`).", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))),
    ))]
#[post("/auth/register-trainer", wrap = "from_fn(idempotent)")]
pub async fn register_trainer(
    ctx: web::Data<AppContext>,
    hasher: web::Data<Hasher>,
    caller: Option<AuthUser>,
    client: ClientIp,
    body: Json<RegisterTrainerRequest>,
) -> ApiResult<Created<TrainerRegistrationView>> {
    ctx.rate_limit(&ctx.limits.register_per_ip, &client.subject())
        .await?;
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
///
/// The trainer and their staff also get the workspace's business figures (`stats`, as on the
/// dashboard) when a module provides them.
#[utoipa::path(tag = "workspace", security(("bearer" = ["identity.tenant.read"])), params(TenantHeader),
    responses((status = 200, description = "The workspace.", body = WorkspaceView)))]
#[get("/workspace")]
pub async fn get_workspace(
    ctx: web::Data<AppContext>,
    auth: Authorized<ViewTenant>,
) -> ApiResult<web::Json<WorkspaceView>> {
    let mut view = WorkspaceView::new(auth.tenant.model.clone(), auth.role);
    for module in ctx.modules.iter() {
        if let Some(stats) = module.workspace_stats(&ctx, &auth.tenant).await? {
            view.stats = Some(stats);
            break;
        }
    }
    Ok(web::Json(view))
}
