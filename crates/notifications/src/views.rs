//! Request and response bodies of the device routes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use palestra_core::types::check_text;
use palestra_core::{FieldError, Validate};

use crate::entities::device::{self, DeviceId, Platform};

/// The longest push token accepted, in characters.
pub const MAX_TOKEN_CHARS: usize = 4096;

/// Register this app installation for push notifications.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterDeviceRequest {
    pub platform: Platform,
    /// The push token the platform gave the app (APNs device token, FCM registration token, or
    /// the Web Push subscription), 1 to 4096 characters.
    #[schema(min_length = 1, max_length = 4096)]
    pub token: String,
    /// The app's language (BCP 47, e.g. `es-MX`), so messages can be written in it. Sent again
    /// on every registration: leaving it out clears it.
    #[schema(example = "es-MX", min_length = 2, max_length = 35)]
    pub locale: Option<String>,
}

/// Checks a language tag: 2 to 35 letters, digits and dashes, starting with a letter
/// (`es`, `es-MX`, `zh-Hant-TW`); `_` is read as `-`.
fn check_locale(errors: &mut Vec<FieldError>, field: &str, locale: &str) {
    let valid = (2..=35).contains(&locale.len())
        && locale.starts_with(|c: char| c.is_ascii_alphabetic())
        && locale
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && locale.split(['-', '_']).all(|part| !part.is_empty());
    if !valid {
        errors.push(FieldError::new(
            field,
            "invalid_locale",
            "must be a language tag such as `es` or `es-MX`",
        ));
    }
}

impl RegisterDeviceRequest {
    /// The token as stored: without surrounding white space.
    pub fn token(&self) -> &str {
        self.token.trim()
    }

    /// The locale as stored: `es_MX` is written `es-MX`.
    pub fn locale(&self) -> Option<String> {
        self.locale
            .as_deref()
            .map(|locale| locale.trim().replace('_', "-"))
    }
}

impl Validate for RegisterDeviceRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_text(&mut errors, "token", &self.token, 1, MAX_TOKEN_CHARS);
        if self.token().chars().any(char::is_control) {
            errors.push(FieldError::new(
                "token",
                "invalid_token",
                "must not contain control characters",
            ));
        }
        if let Some(locale) = &self.locale {
            check_locale(&mut errors, "locale", locale.trim());
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// A device of the caller that receives their push notifications.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeviceView {
    pub id: DeviceId,
    pub platform: Platform,
    /// The push token, as registered.
    pub token: String,
    /// The app's language on this device, if it said.
    pub locale: Option<String>,
    /// When the device was first registered.
    pub created_at: DateTime<Utc>,
    /// When the device was last registered (apps register again at every start).
    pub last_seen_at: DateTime<Utc>,
}

impl From<device::Model> for DeviceView {
    fn from(model: device::Model) -> Self {
        Self {
            id: DeviceId(model.id),
            platform: model.platform(),
            token: model.token,
            locale: model.locale,
            created_at: model.created_at,
            last_seen_at: model.last_seen_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(token: &str, locale: Option<&str>) -> RegisterDeviceRequest {
        RegisterDeviceRequest {
            platform: Platform::Ios,
            token: token.to_owned(),
            locale: locale.map(str::to_owned),
        }
    }

    fn fields(request: &RegisterDeviceRequest) -> Vec<String> {
        request
            .validate()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn tokens_and_locales_are_checked() {
        assert!(fields(&request("abc", Some("es-MX"))).is_empty());
        assert!(fields(&request("abc", Some("es_MX"))).is_empty());
        assert!(fields(&request(&"a".repeat(MAX_TOKEN_CHARS), None)).is_empty());
        assert_eq!(fields(&request("  ", None)), ["token"]);
        assert_eq!(
            fields(&request(&"a".repeat(MAX_TOKEN_CHARS + 1), None)),
            ["token"]
        );
        assert_eq!(fields(&request("a\u{0}b", None)), ["token"]);
        for locale in ["e", "1es", "es--MX", "es MX", "-es", &"a".repeat(36)] {
            assert_eq!(
                fields(&request("abc", Some(locale))),
                ["locale"],
                "{locale}"
            );
        }
        assert_eq!(request(" t ", Some("es_MX")).token(), "t");
        assert_eq!(
            request("t", Some("es_MX")).locale().as_deref(),
            Some("es-MX")
        );
    }
}
