//! Request bodies of the account's own flows: profile, verification, reset, changes, deletion.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use palestra_core::time::TimeZone;
use palestra_core::types::{Email, check_text};
use palestra_core::{FieldError, Validate};

use crate::password::check_password;
use crate::views::{check_phone, check_url, double_option};

/// Units a person reads measurements in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Units {
    /// Kilograms, centimetres.
    Metric,
    /// Pounds, inches.
    Imperial,
}

impl Units {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Metric => "metric",
            Self::Imperial => "imperial",
        }
    }
}

/// Change one's profile; absent fields stay, `null` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProfileRequest {
    pub full_name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub birth_date: Option<Option<chrono::NaiveDate>>,
    /// BCP 47 tag, e.g. `es-MX`.
    pub locale: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub time_zone: Option<Option<TimeZone>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub avatar_url: Option<Option<String>>,
    pub units: Option<Units>,
}

fn is_locale(value: &str) -> bool {
    let mut parts = value.split('-');
    let language = parts.next().unwrap_or_default();
    (2..=3).contains(&language.len())
        && language.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

impl Validate for UpdateProfileRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Some(name) = &self.full_name {
            check_text(&mut errors, "full_name", name, 1, 200);
        }
        if let Some(Some(phone)) = &self.phone {
            check_phone(&mut errors, "phone", phone);
        }
        if let Some(Some(date)) = self.birth_date {
            let today = chrono::Utc::now().date_naive();
            if date > today || date < chrono::NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(date) {
                errors.push(FieldError::new(
                    "birth_date",
                    "out_of_range",
                    "must be a real date of birth",
                ));
            }
        }
        if let Some(locale) = &self.locale
            && (!is_locale(locale) || locale.len() > 16)
        {
            errors.push(FieldError::new(
                "locale",
                "invalid_locale",
                "must be a language tag such as es or es-MX",
            ));
        }
        if let Some(Some(url)) = &self.avatar_url {
            check_url(&mut errors, "avatar_url", url);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// A one-time token from an email.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    pub token: String,
}

impl Validate for TokenRequest {}

/// Ask for a password reset link.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordResetRequest {
    pub email: String,
}

impl Validate for PasswordResetRequest {}

/// Set a new password with a reset token.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ConfirmPasswordResetRequest {
    pub token: String,
    /// 10 to 128 characters.
    pub new_password: String,
}

impl Validate for ConfirmPasswordResetRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_password(&mut errors, "new_password", &self.new_password, "");
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Change one's password.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    /// 10 to 128 characters.
    pub new_password: String,
}

impl Validate for ChangePasswordRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_password(&mut errors, "new_password", &self.new_password, "");
        if self.new_password == self.current_password {
            errors.push(FieldError::new(
                "new_password",
                "unchanged",
                "must differ from the current password",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Change one's email: a link goes to the new address, which takes effect once confirmed.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangeEmailRequest {
    pub new_email: Email,
    pub password: String,
}

impl Validate for ChangeEmailRequest {}

/// Delete one's account: personal data is erased.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DeleteAccountRequest {
    pub password: String,
}

impl Validate for DeleteAccountRequest {}
