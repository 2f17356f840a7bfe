//! Identity's errors and their stable codes.

use actix_web::http::StatusCode;
use palestra_core::ApiError;
use palestra_core::error::DomainError;

/// What can go wrong in sign-up, sign-in and token handling.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// Registration with an email that already has an account.
    #[error("An account with this email already exists; sign in instead.")]
    EmailTaken,
    /// Wrong email or password (never says which).
    #[error("The email or password is not correct.")]
    InvalidCredentials,
    /// The refresh token is unknown, revoked or expired.
    #[error("The refresh token is not valid; sign in again.")]
    InvalidRefreshToken,
    /// An already-used refresh token was presented: the session is revoked.
    #[error(
        "This refresh token was already used; the session has been revoked for safety. Sign in again."
    )]
    RefreshTokenReused,
    /// The access token names an account that no longer exists.
    #[error("The account of this token no longer exists.")]
    AccountGone,
}

impl DomainError for IdentityError {
    fn status(&self) -> StatusCode {
        match self {
            Self::EmailTaken => StatusCode::CONFLICT,
            Self::InvalidCredentials
            | Self::InvalidRefreshToken
            | Self::RefreshTokenReused
            | Self::AccountGone => StatusCode::UNAUTHORIZED,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::EmailTaken => "identity.email_taken",
            Self::InvalidCredentials => "identity.invalid_credentials",
            Self::InvalidRefreshToken => "identity.invalid_refresh_token",
            Self::RefreshTokenReused => "identity.refresh_token_reused",
            Self::AccountGone => "identity.account_gone",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::EmailTaken => "Email already registered",
            Self::InvalidCredentials => "Invalid credentials",
            Self::InvalidRefreshToken | Self::RefreshTokenReused => "Invalid refresh token",
            Self::AccountGone => "Account not found",
        }
    }
}

impl From<IdentityError> for ApiError {
    fn from(error: IdentityError) -> Self {
        error.into_api_error()
    }
}
