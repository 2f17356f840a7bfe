//! Push: a provider trait, and the log provider used while no push service is configured.

use serde_json::Value;

use super::SendError;
use crate::entities::device::{DeviceId, Platform};

/// The device a push goes to.
#[derive(Debug, Clone, Copy)]
pub struct PushDevice<'a> {
    /// The device's id.
    pub id: DeviceId,
    /// Which push service reaches it.
    pub platform: Platform,
    /// Its push token.
    pub token: &'a str,
}

/// A push notification, as the enqueuing module wrote it.
#[derive(Debug, Clone, Copy)]
pub struct PushMessage<'a> {
    /// The outbox id: providers should pass it as the collapse or idempotency key
    /// (`apns-collapse-id`, FCM `collapse_key`), so a retried message replaces, on a device that
    /// already received it, rather than shows twice.
    pub id: uuid::Uuid,
    /// Stable kind, `module.event`.
    pub kind: &'a str,
    /// Title, in the recipient's language.
    pub title: &'a str,
    /// Text, in the recipient's language.
    pub body: &'a str,
    /// Extra data for the app (what to open).
    pub data: &'a Value,
}

/// Sends push notifications to devices.
#[async_trait::async_trait]
pub trait PushProvider: Send + Sync + 'static {
    /// Sends one message to one device. [`SendError::Permanent`] means the token is dead (the
    /// app was uninstalled): the device is then forgotten.
    async fn send(
        &self,
        device: &PushDevice<'_>,
        message: &PushMessage<'_>,
    ) -> Result<(), SendError>;
}

/// Writes pushes to the log instead of sending them: device, platform, kind and title; never
/// the token or the body.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogPush;

#[async_trait::async_trait]
impl PushProvider for LogPush {
    async fn send(
        &self,
        device: &PushDevice<'_>,
        message: &PushMessage<'_>,
    ) -> Result<(), SendError> {
        tracing::info!(
            device = %device.id,
            platform = device.platform.as_str(),
            kind = message.kind,
            title = message.title,
            "push not sent (no push provider is configured); body withheld from the log"
        );
        Ok(())
    }
}
