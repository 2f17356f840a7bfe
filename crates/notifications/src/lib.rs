//! Notifications: delivering the outbox, and the devices that receive push notifications.
//!
//! Domain operations write messages to the outbox (`palestra_core::outbox::enqueue`) inside
//! their own transaction, already rendered in the recipient's language. This module owns what
//! happens after commit: a background job ([`runner`]) claims due messages, safely with several
//! service instances, sends them through the [`channels`] (SMTP or the log for email; a push
//! provider, the log for now, for push), and marks them delivered, retries them with exponential
//! backoff, or gives up on them. It also owns `/api/v1/me/devices`, where apps register the push
//! tokens that push messages fan out to.
//!
//! It does not own the outbox table or the texts of messages (those belong to core and to the
//! modules that enqueue), nor push providers' credentials, of which none is configured yet.

pub mod channels;
pub mod entities;
pub mod error;
pub mod repo;
pub mod routes;
pub mod runner;
pub mod settings;
pub mod views;

use std::sync::Arc;

use utoipa_actix_web::service_config::ServiceConfig;

use palestra_core::jobs::JobSetupError;
use palestra_core::{AppContext, BackgroundJob, Module};

use channels::Channels;
use settings::NotificationSettings;

/// The notifications module: device routes, and the delivery job on instances that run jobs.
pub struct Notifications {
    settings: Option<NotificationSettings>,
    channels: Option<Channels>,
}

/// The notifications module configured from the environment, as the binaries mount it.
pub fn modules() -> Vec<Arc<dyn Module>> {
    vec![Arc::new(Notifications::from_env())]
}

impl Notifications {
    /// Configured from the environment (`SMTP_URL`, `SMTP_FROM`). The variables are read when the
    /// delivery job is prepared, at start-up, after the service has loaded its `.env` file.
    pub fn from_env() -> Self {
        Self {
            settings: None,
            channels: None,
        }
    }

    /// Configured with explicit settings.
    pub fn new(settings: NotificationSettings) -> Self {
        Self {
            settings: Some(settings),
            channels: None,
        }
    }

    /// Delivers through these channels instead of those the settings describe (tests use
    /// recording doubles).
    #[must_use]
    pub fn with_channels(mut self, channels: Channels) -> Self {
        self.channels = Some(channels);
        self
    }
}

#[async_trait::async_trait]
impl Module for Notifications {
    fn name(&self) -> &'static str {
        "notifications"
    }

    fn configure(&self, cfg: &mut ServiceConfig<'_>) {
        cfg.service(routes::devices::register_device)
            .service(routes::devices::list_devices)
            .service(routes::devices::get_device)
            .service(routes::devices::delete_device);
    }

    fn jobs(&self, ctx: &AppContext) -> Result<Vec<BackgroundJob>, JobSetupError> {
        let settings = self
            .settings
            .clone()
            .unwrap_or_else(NotificationSettings::from_env);
        let channels = match &self.channels {
            Some(channels) => channels.clone(),
            None => Channels::from_settings(&settings)?,
        };
        Ok(vec![runner::job(
            ctx.db.clone(),
            channels,
            settings.poll_interval,
        )])
    }

    /// A deleted account's devices go with it: their tokens are personal data.
    async fn erase_account(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        account: palestra_core::ids::AccountId,
    ) -> Result<(), sea_orm::DbErr> {
        repo::forget_account_devices(txn, account).await
    }
}
