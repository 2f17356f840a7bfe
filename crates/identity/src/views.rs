//! Request and response bodies of identity's routes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use palestra_core::entities::{account, tenant};
use palestra_core::ids::{AccountId, TenantId};
use palestra_core::money::Currency;
use palestra_core::time::TimeZone;
use palestra_core::types::{Email, check_text};
use palestra_core::{FieldError, Role, Validate};

use crate::password::check_password;

/// A person's account and profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    pub id: AccountId,
    pub email: String,
    /// Whether the email was confirmed through a link.
    pub email_verified: bool,
    pub full_name: String,
    pub phone: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub birth_date: Option<chrono::NaiveDate>,
    /// BCP 47 tag of the language for messages, e.g. `es-MX`.
    pub locale: String,
    /// The person's own IANA zone, if set.
    pub time_zone: Option<String>,
    pub avatar_url: Option<String>,
    /// `metric` or `imperial`.
    pub units: String,
    pub created_at: DateTime<Utc>,
}

impl From<account::Model> for AccountView {
    fn from(model: account::Model) -> Self {
        Self {
            id: AccountId(model.id),
            email: model.email,
            email_verified: model.email_verified_at.is_some(),
            full_name: model.full_name,
            phone: model.phone,
            birth_date: model.birth_date,
            locale: model.locale,
            time_zone: model.time_zone,
            avatar_url: model.avatar_url,
            units: model.units,
            created_at: model.created_at,
        }
    }
}

/// The tokens of a signed-in session.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    /// Short-lived JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// One-time token for `POST /api/v1/auth/refresh`; each use returns a new one.
    pub refresh_token: String,
    /// When the refresh token expires.
    pub refresh_expires_at: DateTime<Utc>,
    /// Who signed in.
    pub account: AccountView,
}

/// Create an account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub email: Email,
    /// 10 to 128 characters.
    pub password: String,
    pub full_name: String,
}

impl Validate for RegisterRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_password(&mut errors, "password", &self.password, self.email.as_str());
        check_text(&mut errors, "full_name", &self.full_name, 1, 200);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Sign in with email and password.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

impl Validate for LoginRequest {}

/// A refresh token to use or revoke.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

impl Validate for RefreshRequest {}

/// A gym as its members see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct GymView {
    pub id: TenantId,
    pub name: String,
    /// `active` or `suspended`.
    pub status: String,
    #[schema(value_type = String, example = "Europe/Madrid")]
    pub time_zone: String,
    #[schema(value_type = String, example = "EUR")]
    pub currency: String,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub address: Option<String>,
    /// Unique URL-safe name.
    pub slug: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<tenant::Model> for GymView {
    fn from(model: tenant::Model) -> Self {
        Self {
            id: TenantId(model.id),
            address: model.address,
            slug: model.slug,
            name: model.name,
            status: model.status,
            time_zone: model.time_zone,
            currency: model.currency,
            contact_email: model.contact_email,
            contact_phone: model.contact_phone,
            created_at: model.created_at,
        }
    }
}

/// A gym of the caller, with their role there.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyGymView {
    pub gym: GymView,
    pub role: Role,
}

/// Create a gym; the caller becomes its owner.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGymRequest {
    pub name: String,
    pub time_zone: TimeZone,
    pub currency: Currency,
    pub contact_email: Option<Email>,
    /// International format, e.g. `+34 600 123 456`.
    pub contact_phone: Option<String>,
    /// Postal address, free text.
    pub address: Option<String>,
}

impl CreateGymRequest {
    fn check(&self, errors: &mut Vec<FieldError>, prefix: &str) {
        check_text(errors, &format!("{prefix}name"), &self.name, 1, 200);
        if let Some(phone) = &self.contact_phone {
            check_phone(errors, &format!("{prefix}contact_phone"), phone);
        }
        if let Some(address) = &self.address {
            check_text(errors, &format!("{prefix}address"), address, 0, 500);
        }
    }
}

impl Validate for CreateGymRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        self.check(&mut errors, "");
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Sign up as a gym owner: the account, the gym and its ownership in one step.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterGymRequest {
    pub email: Email,
    /// 10 to 128 characters.
    pub password: String,
    pub full_name: String,
    pub gym: CreateGymRequest,
}

impl Validate for RegisterGymRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_password(&mut errors, "password", &self.password, self.email.as_str());
        check_text(&mut errors, "full_name", &self.full_name, 1, 200);
        self.gym.check(&mut errors, "gym.");
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// A new gym owner's session and gym.
#[derive(Debug, Serialize, ToSchema)]
pub struct GymRegistrationView {
    #[serde(flatten)]
    pub session: TokenView,
    pub gym: GymView,
}

/// Checks a phone number: an optional `+` and 7 to 15 digits, spaces, dashes and dots allowed.
pub fn check_phone(errors: &mut Vec<FieldError>, field: &str, phone: &str) {
    let compact: String = phone
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let digits = compact.strip_prefix('+').unwrap_or(&compact);
    if !(7..=15).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
        errors.push(FieldError::new(
            field,
            "invalid_phone",
            "must be a phone number in international format, e.g. +34 600 123 456",
        ));
    }
}

/// Sign up as a personal trainer: the account, the workspace and its ownership in one step.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterTrainerRequest {
    pub email: Email,
    /// 10 to 128 characters.
    pub password: String,
    /// The trainer's name; the workspace is named after it.
    pub full_name: String,
    pub time_zone: TimeZone,
    /// Currency of prices; `EUR` when absent.
    pub currency: Option<Currency>,
    pub phone: Option<String>,
    #[serde(default)]
    pub specialties: Vec<String>,
    #[serde(default)]
    pub certifications: Vec<String>,
    /// Most clients the trainer takes on, 1 to 1000.
    pub max_clients: Option<i32>,
    pub bio: Option<String>,
}

fn check_list(errors: &mut Vec<FieldError>, field: &str, items: &[String]) {
    if items.len() > 20 {
        errors.push(FieldError::new(
            field,
            "too_many",
            "must have at most 20 items",
        ));
    }
    for (i, item) in items.iter().enumerate() {
        check_text(errors, &format!("{field}[{i}]"), item, 1, 80);
    }
}

impl Validate for RegisterTrainerRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_password(&mut errors, "password", &self.password, self.email.as_str());
        check_text(&mut errors, "full_name", &self.full_name, 1, 200);
        if let Some(phone) = &self.phone {
            check_phone(&mut errors, "phone", phone);
        }
        check_list(&mut errors, "specialties", &self.specialties);
        check_list(&mut errors, "certifications", &self.certifications);
        if let Some(max) = self.max_clients
            && !(1..=1000).contains(&max)
        {
            errors.push(FieldError::new(
                "max_clients",
                "out_of_range",
                "must be between 1 and 1000",
            ));
        }
        if let Some(bio) = &self.bio {
            check_text(&mut errors, "bio", bio, 0, 2000);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// A personal trainer's workspace.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspaceView {
    pub id: TenantId,
    /// Named after the trainer.
    pub name: String,
    pub status: String,
    #[schema(value_type = String, example = "America/Mexico_City")]
    pub time_zone: String,
    #[schema(value_type = String, example = "MXN")]
    pub currency: String,
    pub phone: Option<String>,
    pub specialties: Vec<String>,
    pub certifications: Vec<String>,
    pub max_clients: Option<i32>,
    pub bio: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The caller's role in this workspace.
    pub role: Role,
    /// The business figures (the dashboard's), for the trainer and their staff; absent for
    /// clients and when no module provides them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stats: Option<palestra_core::module::WorkspaceStats>,
}

fn strings(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

impl WorkspaceView {
    /// The view of a workspace for a caller with a role.
    pub fn new(model: tenant::Model, role: Role) -> Self {
        Self {
            id: TenantId(model.id),
            specialties: strings(&model.specialties),
            certifications: strings(&model.certifications),
            name: model.name,
            status: model.status,
            time_zone: model.time_zone,
            currency: model.currency,
            phone: model.contact_phone,
            max_clients: model.max_clients,
            bio: model.bio,
            created_at: model.created_at,
            role,
            stats: None,
        }
    }
}

/// A new trainer's session and workspace.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrainerRegistrationView {
    #[serde(flatten)]
    pub session: TokenView,
    pub workspace: WorkspaceView,
}

/// A module of the tenant's product and whether it is active.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModuleView {
    /// Stable key, e.g. `schedule`.
    pub key: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub active: bool,
    /// Cannot be deactivated.
    pub essential: bool,
}

/// Activate or deactivate a module.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetModuleRequest {
    pub active: bool,
}

impl Validate for SetModuleRequest {}

/// The caller's role and effective permissions in the tenant.
#[derive(Debug, Serialize, ToSchema)]
pub struct PermissionsView {
    pub role: Role,
    /// Permission names, `module.resource.action`.
    pub permissions: Vec<&'static str>,
}

/// The tenant's colours and logo, with the product's defaults filled in.
#[derive(Debug, Serialize, ToSchema)]
pub struct BrandingView {
    /// `#RRGGBB`.
    pub primary: String,
    pub secondary: String,
    pub accent: String,
    pub logo_url: Option<String>,
}

/// Change colours or the logo; `null` restores a product default.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBrandingRequest {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub primary: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub secondary: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub accent: Option<Option<String>>,
    /// An `https://` URL.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub logo_url: Option<Option<String>>,
}

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`).
pub fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

fn is_colour(value: &str) -> bool {
    value.len() == 7 && value.starts_with('#') && value[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// Checks an optional `https://` URL of at most 2048 characters.
pub fn check_url(errors: &mut Vec<FieldError>, field: &str, value: &str) {
    let ok = value.len() <= 2048
        && value.starts_with("https://")
        && value.len() > "https://".len()
        && !value.chars().any(char::is_whitespace);
    if !ok {
        errors.push(FieldError::new(
            field,
            "invalid_url",
            "must be an https:// URL",
        ));
    }
}

impl Validate for UpdateBrandingRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        for (field, value) in [
            ("primary", &self.primary),
            ("secondary", &self.secondary),
            ("accent", &self.accent),
        ] {
            if let Some(Some(colour)) = value
                && !is_colour(colour)
            {
                errors.push(FieldError::new(
                    field,
                    "invalid_colour",
                    "must be a colour like #1F6FEB",
                ));
            }
        }
        if let Some(Some(url)) = &self.logo_url {
            check_url(&mut errors, "logo_url", url);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// The tenant as the context shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContextTenantView {
    pub id: TenantId,
    pub name: String,
    /// `gym` or `trainer`.
    pub kind: &'static str,
    #[schema(value_type = String, example = "Europe/Madrid")]
    pub time_zone: String,
    #[schema(value_type = String, example = "EUR")]
    pub currency: String,
    pub logo_url: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub slug: Option<String>,
}

/// A module's state, as the context lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContextModuleView {
    pub key: &'static str,
    pub active: bool,
}

/// Words for the client UI in each language.
#[derive(Debug, Serialize, ToSchema)]
pub struct TerminologyView {
    pub en: palestra_core::product::Terminology,
    pub es: palestra_core::product::Terminology,
}

/// Everything a client needs to adapt its UI to the tenant and the caller, in one round-trip.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContextView {
    pub tenant: ContextTenantView,
    pub role: Role,
    pub permissions: Vec<&'static str>,
    pub modules: Vec<ContextModuleView>,
    /// Product feature flags.
    #[schema(value_type = Object)]
    pub feature_flags: serde_json::Map<String, serde_json::Value>,
    pub terminology: TerminologyView,
    pub branding: BrandingView,
}
