//! A device registered to receive an account's push notifications, with its platform and push
//! token. A token identifies one app installation, so it is unique: registering it again moves
//! the device to whoever registers it.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

palestra_core::typed_id!(
    /// A device registered for push notifications.
    DeviceId
);

/// Which push service a device is reached through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// Apple Push Notification service.
    Ios,
    /// Firebase Cloud Messaging.
    Android,
    /// Web Push (a browser subscription).
    Web,
}

impl Platform {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ios => "ios",
            Self::Android => "android",
            Self::Web => "web",
        }
    }

    /// The platform of a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "ios" => Some(Self::Ios),
            "android" => Some(Self::Android),
            "web" => Some(Self::Web),
            _ => None,
        }
    }
}

/// A device row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "devices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub account_id: Uuid,
    /// `ios`, `android` or `web` (a check constraint keeps it so).
    pub platform: String,
    /// The push token, up to 4096 characters.
    pub token: String,
    /// SHA-256 of the token, hex: what uniqueness is enforced on.
    #[sea_orm(unique)]
    pub token_hash: String,
    /// The app's language on this device (BCP 47, e.g. `es-MX`), when it said.
    pub locale: Option<String>,
    pub created_at: DateTimeUtc,
    /// The last time the device was registered.
    pub last_seen_at: DateTimeUtc,
}

impl Model {
    /// The device's platform; the check constraint makes the fallback unreachable.
    pub fn platform(&self) -> Platform {
        Platform::parse(&self.platform).unwrap_or(Platform::Web)
    }
}

/// No relations are navigated; the foreign key to `accounts` cascades deletes.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
