//! Email: SMTP through `lettre` (Tokio, rustls on ring), or the log when no server is configured.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::SendError;
use crate::error::ConfigError;

/// How long one SMTP command may take before the attempt counts as failed (and is retried).
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

/// Sends one plain-text email.
#[async_trait::async_trait]
pub trait EmailSender: Send + Sync + 'static {
    /// Sends `body` to `to` with `subject`; texts are already in the recipient's language.
    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), SendError>;
}

/// Writes emails to the log instead of sending them (no `SMTP_URL`): recipient and subject only,
/// never the body, which may hold a one-time token.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogEmail;

#[async_trait::async_trait]
impl EmailSender for LogEmail {
    async fn send(&self, to: &str, subject: &str, _body: &str) -> Result<(), SendError> {
        tracing::info!(
            to,
            subject,
            "email not sent (SMTP_URL is not set); body withheld from the log"
        );
        Ok(())
    }
}

/// Sends through an SMTP server, over a pool of connections.
pub struct SmtpEmail {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpEmail {
    /// A sender for an SMTP URL (`smtp://host:25`, `smtp://user:pass@host:587?tls=required`,
    /// `smtps://user:pass@host:465`) and a sender mailbox (`Palestra <no-reply@example.com>`).
    /// Must run inside the Tokio runtime (the pool starts a task).
    pub fn new(url: &str, from: &str) -> Result<Self, ConfigError> {
        let from: Mailbox = from.parse().map_err(|e: lettre::address::AddressError| {
            ConfigError::InvalidSender(e.to_string())
        })?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| ConfigError::InvalidSmtpUrl(e.to_string()))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Self { transport, from })
    }
}

impl std::fmt::Debug for SmtpEmail {
    // The transport holds the credentials: only the sender is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpEmail")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

#[async_trait::async_trait]
impl EmailSender for SmtpEmail {
    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), SendError> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| SendError::Permanent(format!("the recipient is not an address: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| SendError::Permanent(format!("the email cannot be built: {e}")))?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| {
            if e.is_permanent() {
                SendError::Permanent(format!("the SMTP server refused the email: {e}"))
            } else {
                SendError::Transient(format!("SMTP: {e}"))
            }
        })
    }
}
