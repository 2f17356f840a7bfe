//! The delivery channels, each a small trait with a real implementation and an embedded one:
//! email through SMTP when `SMTP_URL` is set, else the log; push through a provider, of which
//! the log is the one built in. The runner only sends through these traits, so tests swap in
//! doubles and a new push provider is one more implementation.
//!
//! The log implementations never log a message's body: bodies may carry one-time tokens
//! (password reset links). They log who it was for and the subject; the runner's span adds the
//! message id and kind.

pub mod email;
pub mod push;

use std::sync::Arc;

pub use email::{EmailSender, LogEmail, SmtpEmail};
pub use push::{LogPush, PushDevice, PushMessage, PushProvider};

use crate::error::ConfigError;
use crate::settings::NotificationSettings;

/// Why a channel could not send.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later: the server was unreachable, busy, timed out.
    #[error("{0}")]
    Transient(String),
    /// Will never work: the address is refused, the push token is dead.
    #[error("{0}")]
    Permanent(String),
}

/// The channels the runner delivers through.
#[derive(Clone)]
pub struct Channels {
    /// Email.
    pub email: Arc<dyn EmailSender>,
    /// Push.
    pub push: Arc<dyn PushProvider>,
}

impl Channels {
    /// Email and push both to the log (the embedded default).
    pub fn log() -> Self {
        Self {
            email: Arc::new(LogEmail),
            push: Arc::new(LogPush),
        }
    }

    /// The channels the settings ask for: SMTP when a URL is set, the log otherwise; push to the
    /// log. Builds the SMTP connection pool, so it must run inside the Tokio runtime.
    pub fn from_settings(settings: &NotificationSettings) -> Result<Self, ConfigError> {
        let email: Arc<dyn EmailSender> = match &settings.smtp_url {
            Some(url) => Arc::new(SmtpEmail::new(url, &settings.smtp_from)?),
            None => Arc::new(LogEmail),
        };
        Ok(Self {
            email,
            push: Arc::new(LogPush),
        })
    }
}

impl std::fmt::Debug for Channels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channels").finish_non_exhaustive()
    }
}
