//! The module's configuration: where email goes and how often the runner looks for work.

use std::time::Duration;

/// The sender used when `SMTP_FROM` is not set.
pub const DEFAULT_SMTP_FROM: &str = "Palestra <no-reply@palestra.local>";

/// How often the runner looks for due messages by default.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(1);

/// What the notifications module needs to deliver.
#[derive(Clone)]
pub struct NotificationSettings {
    /// `SMTP_URL`: the SMTP server (`smtp://`, `smtp://…?tls=required`, `smtps://`, with
    /// credentials in the URL); `None` writes emails to the log.
    pub smtp_url: Option<String>,
    /// `SMTP_FROM`: the sender mailbox.
    pub smtp_from: String,
    /// How long the runner sleeps when it found less than a full batch.
    pub poll_interval: Duration,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        Self {
            smtp_url: None,
            smtp_from: DEFAULT_SMTP_FROM.to_owned(),
            poll_interval: DEFAULT_POLL_INTERVAL,
        }
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

impl NotificationSettings {
    /// Reads `SMTP_URL` and `SMTP_FROM`; an empty value counts as unset. Values are checked when
    /// the delivery job is prepared, so a bad one stops a service that runs jobs from starting.
    pub fn from_env() -> Self {
        Self {
            smtp_url: var("SMTP_URL"),
            smtp_from: var("SMTP_FROM").unwrap_or_else(|| DEFAULT_SMTP_FROM.to_owned()),
            poll_interval: DEFAULT_POLL_INTERVAL,
        }
    }
}

impl std::fmt::Debug for NotificationSettings {
    // The SMTP URL may carry a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotificationSettings")
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "<set>"))
            .field("smtp_from", &self.smtp_from)
            .field("poll_interval", &self.poll_interval)
            .finish()
    }
}
