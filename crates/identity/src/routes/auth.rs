//! Sign-up, sign-in, token refresh and sign-out.
//!
//! Sign-up and sign-in are rate-limited (per client IP, and sign-in also per account), and
//! sign-up accepts an `Idempotency-Key`, so a retried sign-up never creates a second account.

use actix_web::middleware::from_fn;
use actix_web::{HttpResponse, post, web};

use palestra_core::idempotency::{IdempotencyKeyHeader, idempotent};
use palestra_core::limits::digest;
use palestra_core::{ApiResult, AppContext, ClientIp, Created, Json, Problem};

use crate::account;
use crate::account_views::{ConfirmPasswordResetRequest, PasswordResetRequest, TokenRequest};
use crate::password::Hasher;
use crate::service;
use crate::views::{LoginRequest, RefreshRequest, RegisterRequest, TokenView};

/// Create an account and sign in.
///
/// Emails are unique whatever their case. The password must have 10 to 128 characters. Send an
/// `Idempotency-Key` to make a retry safe. Sign-ups are limited per client address.
#[utoipa::path(tag = "identity", request_body = RegisterRequest, params(IdempotencyKeyHeader),
    responses(
        (status = 201, description = "Account created; the caller is signed in.", body = TokenView,
            headers(("Idempotency-Replayed" = bool, description = "`true` when this is the stored response of an earlier request with the same `Idempotency-Key`."))),
        (status = 400, description = "The body is not valid JSON (`request.malformed_json`), or the `Idempotency-Key` header is not 1 to 255 visible ASCII characters (`request.invalid_idempotency_key`).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The email already has an account (`identity.email_taken`), or a request with the same `Idempotency-Key` is still running (`request.idempotency_in_flight`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some fields are invalid (`request.validation_failed`; `errors` lists them), or the `Idempotency-Key` was used for another body (`request.idempotency_key_reused`).", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many sign-ups from this address (`request.rate_limited`).", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))),
    ))]
#[post("/auth/register", wrap = "from_fn(idempotent)")]
pub async fn register(
    ctx: web::Data<AppContext>,
    hasher: web::Data<Hasher>,
    client: ClientIp,
    body: Json<RegisterRequest>,
) -> ApiResult<Created<TokenView>> {
    ctx.rate_limit(&ctx.limits.register_per_ip, &client.subject())
        .await?;
    let tokens = service::register(&ctx, &hasher, body.into_inner()).await?;
    Ok(Created {
        location: "/api/v1/me".to_owned(),
        body: tokens,
    })
}

/// Sign in with email and password.
///
/// Attempts are limited per client address and per account.
#[utoipa::path(tag = "identity", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in.", body = TokenView),
        (status = 401, description = "Wrong email or password (`identity.invalid_credentials`).", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this address or for this account (`request.rate_limited`).", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))),
    ))]
#[post("/auth/login")]
pub async fn login(
    ctx: web::Data<AppContext>,
    hasher: web::Data<Hasher>,
    client: ClientIp,
    body: Json<LoginRequest>,
) -> ApiResult<web::Json<TokenView>> {
    ctx.rate_limit(&ctx.limits.login_per_ip, &client.subject())
        .await?;
    ctx.rate_limit(
        &ctx.limits.login_per_account,
        &digest(&service::normalize_email(&body.email)),
    )
    .await?;
    service::login(&ctx, &hasher, body.into_inner())
        .await
        .map(web::Json)
}

/// Trade a refresh token for a new access token and refresh token.
///
/// Each refresh token works once. Presenting one that was already used revokes the whole
/// session (`identity.refresh_token_reused`): sign in again.
#[utoipa::path(tag = "identity", request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens; the old refresh token is spent.", body = TokenView),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token.", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/auth/refresh")]
pub async fn refresh(
    ctx: web::Data<AppContext>,
    body: Json<RefreshRequest>,
) -> ApiResult<web::Json<TokenView>> {
    service::refresh(&ctx, &body.refresh_token)
        .await
        .map(web::Json)
}

/// Sign out: revoke the session of a refresh token.
///
/// Access tokens already issued stay valid until they expire (15 minutes at most).
#[utoipa::path(tag = "identity", request_body = RefreshRequest,
    responses((status = 204, description = "The session is revoked (or was not known).")))]
#[post("/auth/logout")]
pub async fn logout(
    ctx: web::Data<AppContext>,
    body: Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    service::logout(&ctx, &body.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Confirm an email address with the code from the verification email.
#[utoipa::path(tag = "identity", request_body = TokenRequest,
    responses(
        (status = 204, description = "Confirmed."),
        (status = 400, description = "Unknown, used or expired code (`identity.token_invalid`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/auth/verify-email")]
pub async fn verify_email(
    ctx: web::Data<AppContext>,
    body: Json<TokenRequest>,
) -> ApiResult<HttpResponse> {
    account::verify_email(&ctx, &body.token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ask for a password reset code by email.
///
/// Answers 202 whether or not the email has an account, so accounts cannot be discovered.
#[utoipa::path(tag = "identity", request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If the email has an account, a code is on its way."),
        (status = 429, description = "Too many requests from this address or for this email (`request.rate_limited`).", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))),
    ))]
#[post("/auth/password-reset")]
pub async fn request_password_reset(
    ctx: web::Data<AppContext>,
    client: ClientIp,
    body: Json<PasswordResetRequest>,
) -> ApiResult<HttpResponse> {
    ctx.rate_limit(&ctx.limits.password_reset_per_ip, &client.subject())
        .await?;
    ctx.rate_limit(
        &ctx.limits.password_reset_per_account,
        &digest(&service::normalize_email(&body.email)),
    )
    .await?;
    account::request_password_reset(&ctx, &body.email).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Set a new password with the reset code; every session of the account is signed out.
#[utoipa::path(tag = "identity", request_body = ConfirmPasswordResetRequest,
    responses(
        (status = 204, description = "The password is changed; sign in again."),
        (status = 400, description = "Unknown, used or expired code (`identity.token_invalid`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/auth/password-reset/confirm")]
pub async fn confirm_password_reset(
    ctx: web::Data<AppContext>,
    hasher: web::Data<Hasher>,
    body: Json<ConfirmPasswordResetRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    account::confirm_password_reset(&ctx, &hasher, &body.token, body.new_password).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Complete an email change with the code sent to the new address.
#[utoipa::path(tag = "identity", request_body = TokenRequest,
    responses(
        (status = 204, description = "The new email is in use."),
        (status = 400, description = "Unknown, used or expired code (`identity.token_invalid`).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The email was taken meanwhile.", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/auth/confirm-email-change")]
pub async fn confirm_email_change(
    ctx: web::Data<AppContext>,
    body: Json<TokenRequest>,
) -> ApiResult<HttpResponse> {
    account::confirm_email_change(&ctx, &body.token).await?;
    Ok(HttpResponse::NoContent().finish())
}
