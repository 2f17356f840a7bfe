//! The notifications module's errors: problems its routes answer with, and configuration errors
//! that stop a service from starting its delivery job.

use actix_web::http::StatusCode;
use palestra_core::ApiError;
use palestra_core::error::DomainError;

/// What the device routes can refuse.
#[derive(Debug, thiserror::Error)]
pub enum NotificationsError {
    /// No device with this id belongs to the caller (another account's device answers the same).
    #[error("The caller has no device with this id.")]
    DeviceNotFound,
}

impl DomainError for NotificationsError {
    fn status(&self) -> StatusCode {
        match self {
            Self::DeviceNotFound => StatusCode::NOT_FOUND,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::DeviceNotFound => "notifications.device_not_found",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::DeviceNotFound => "Device not found",
        }
    }
}

impl From<NotificationsError> for ApiError {
    fn from(error: NotificationsError) -> Self {
        error.into_api_error()
    }
}

/// A setting the delivery channels cannot work with. Messages never name the SMTP URL itself,
/// which may carry a password.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `SMTP_URL` does not parse or names an unknown scheme.
    #[error("SMTP_URL is not a usable SMTP URL (smtp://, smtp://…?tls=required or smtps://): {0}")]
    InvalidSmtpUrl(String),
    /// `SMTP_FROM` is not a mailbox.
    #[error("SMTP_FROM is not a mailbox like `Palestra <no-reply@example.com>`: {0}")]
    InvalidSender(String),
}
