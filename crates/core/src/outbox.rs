//! Writing notifications: a domain operation calls [`enqueue`] inside its transaction; the
//! notifications module delivers after commit. Texts are chosen per recipient locale here, so
//! the delivery side only sends.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use serde_json::Value;

use crate::entities::outbox;
use crate::ids::{AccountId, TenantId};

/// Where a message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// An email to an address.
    Email,
    /// A push notification to every device of an account.
    Push,
}

impl Channel {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Push => "push",
        }
    }
}

/// A text in every language the platform speaks.
#[derive(Debug, Clone, Copy)]
pub struct Localized {
    /// English.
    pub en: &'static str,
    /// Spanish.
    pub es: &'static str,
}

impl Localized {
    /// The text for a locale (`es`, `es-MX`, …); English otherwise.
    pub fn pick(&self, locale: &str) -> &'static str {
        if locale.to_ascii_lowercase().starts_with("es") {
            self.es
        } else {
            self.en
        }
    }
}

/// Fills `{name}` placeholders of a text.
pub fn render(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

/// A message to deliver after commit.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// The tenant it concerns, if any.
    pub tenant: Option<TenantId>,
    /// Email or push.
    pub channel: Channel,
    /// The account it is for, if known.
    pub account: Option<AccountId>,
    /// Email address (email channel).
    pub recipient: String,
    /// Stable kind, `module.event`.
    pub kind: &'static str,
    /// Subject or push title, already in the recipient's language.
    pub subject: String,
    /// Body, already in the recipient's language.
    pub body: String,
    /// Extra data for the channel.
    pub data: Value,
}

/// Writes a message to the outbox, in the caller's transaction.
pub async fn enqueue(db: &impl ConnectionTrait, message: NewMessage) -> Result<(), DbErr> {
    let now = Utc::now();
    outbox::Entity::insert(outbox::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        tenant_id: Set(message.tenant.map(TenantId::uuid)),
        channel: Set(message.channel.as_str().to_owned()),
        account_id: Set(message.account.map(AccountId::uuid)),
        recipient: Set(message.recipient),
        kind: Set(message.kind.to_owned()),
        subject: Set(message.subject),
        body: Set(message.body),
        data: Set(message.data),
        status: Set("pending".to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        delivered_at: Set(None),
    })
    .exec(db)
    .await
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_picked_by_locale_and_filled() {
        let text = Localized {
            en: "Hello {name}",
            es: "Hola {name}",
        };
        assert_eq!(render(text.pick("es-MX"), &[("name", "Ana")]), "Hola Ana");
        assert_eq!(render(text.pick("fr"), &[("name", "Ana")]), "Hello Ana");
    }
}
