//! The caller's own account.

use actix_web::{HttpResponse, delete, get, patch, post, web};

use palestra_core::{ApiResult, AppContext, AuthUser, Json, Problem};

use crate::account;
use crate::account_views::{
    ChangeEmailRequest, ChangePasswordRequest, DeleteAccountRequest, UpdateProfileRequest,
};
use crate::password::Hasher;
use crate::service;
use crate::views::AccountView;

/// The signed-in account.
#[utoipa::path(tag = "identity", security(("bearer" = [])),
    responses((status = 200, description = "The caller's account.", body = AccountView)))]
#[get("/me")]
pub async fn get_me(
    ctx: web::Data<AppContext>,
    user: AuthUser,
) -> ApiResult<web::Json<AccountView>> {
    let account = service::me(&ctx, user.account_id).await?;
    Ok(web::Json(account.into()))
}

/// Change one's profile: name, phone, birth date, language, time zone, avatar, units.
#[utoipa::path(tag = "identity", security(("bearer" = [])), request_body = UpdateProfileRequest,
    responses((status = 200, description = "The profile as it is now.", body = AccountView)))]
#[patch("/me")]
pub async fn update_me(
    ctx: web::Data<AppContext>,
    user: AuthUser,
    body: Json<UpdateProfileRequest>,
) -> ApiResult<web::Json<AccountView>> {
    account::update_profile(&ctx, user, body.into_inner())
        .await
        .map(web::Json)
}

/// Delete one's account: personal data is erased, memberships end, sessions are revoked.
///
/// Owners must hand their gym or workspace over first (`identity.owns_tenants`).
#[utoipa::path(tag = "identity", security(("bearer" = [])), request_body = DeleteAccountRequest,
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "Wrong password (`identity.wrong_password`).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The caller owns a tenant (`identity.owns_tenants`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/me")]
pub async fn delete_me(
    ctx: web::Data<AppContext>,
    hasher: web::Data<Hasher>,
    user: AuthUser,
    body: Json<DeleteAccountRequest>,
) -> ApiResult<HttpResponse> {
    account::delete_account(&ctx, &hasher, user, body.into_inner().password).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Send a link that confirms the caller's email.
#[utoipa::path(tag = "identity", security(("bearer" = [])),
    responses(
        (status = 202, description = "The link is on its way."),
        (status = 409, description = "Already confirmed.", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/me/email-verification")]
pub async fn request_email_verification(
    ctx: web::Data<AppContext>,
    user: AuthUser,
) -> ApiResult<HttpResponse> {
    account::request_email_verification(&ctx, user).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Change one's password; the other sessions are signed out.
#[utoipa::path(tag = "identity", security(("bearer" = [])), request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed."),
        (status = 403, description = "Wrong current password (`identity.wrong_password`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/me/password")]
pub async fn change_password(
    ctx: web::Data<AppContext>,
    hasher: web::Data<Hasher>,
    user: AuthUser,
    body: Json<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    account::change_password(
        &ctx,
        &hasher,
        user,
        body.current_password,
        body.new_password,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Change one's email: a link goes to the new address, which takes effect once confirmed.
#[utoipa::path(tag = "identity", security(("bearer" = [])), request_body = ChangeEmailRequest,
    responses(
        (status = 202, description = "The link is on its way to the new address."),
        (status = 403, description = "Wrong password.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The new email has an account (`identity.email_taken`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/me/email")]
pub async fn change_email(
    ctx: web::Data<AppContext>,
    hasher: web::Data<Hasher>,
    user: AuthUser,
    body: Json<ChangeEmailRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    account::request_email_change(&ctx, &hasher, user, &body.new_email, body.password).await?;
    Ok(HttpResponse::Accepted().finish())
}
