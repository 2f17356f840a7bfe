//! Shared set-up of the notifications tests: the app as gym-api mounts the module, test doubles
//! for the channels, and outbox fixtures.

#![allow(dead_code, reason = "each test file uses a different part")]
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test loudly at the first surprise"
)]

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use palestra_core::entities::outbox;
use palestra_core::ids::AccountId;
use palestra_core::outbox::{Channel, NewMessage, enqueue};
use palestra_core::{Module, Product};
use palestra_notifications::Notifications;
use palestra_notifications::channels::{
    Channels, EmailSender, PushDevice, PushMessage, PushProvider, SendError,
};
use palestra_notifications::settings::NotificationSettings;
use palestra_testkit::{Actor, TestApp};

/// gym-api with identity (to sign people up) and notifications; jobs off, log channels.
pub async fn app() -> TestApp {
    TestApp::spawn(Product::gym(), modules(Notifications::from_env())).await
}

/// gym-api with the delivery job running every 50 ms through these channels.
pub async fn app_running_jobs(channels: Channels) -> TestApp {
    let notifications = Notifications::new(NotificationSettings {
        poll_interval: Duration::from_millis(50),
        ..NotificationSettings::default()
    })
    .with_channels(channels);
    TestApp::spawn_configured(Product::gym(), modules(notifications), |settings| {
        settings.run_jobs = true;
        settings.shutdown_timeout = Duration::from_secs(10);
    })
    .await
}

fn modules(notifications: Notifications) -> Vec<Arc<dyn Module>> {
    let mut modules = palestra_identity::gym_modules();
    modules.push(Arc::new(notifications));
    modules
}

/// How a test double answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Answer {
    /// Accepts.
    #[default]
    Accept,
    /// Fails, worth retrying.
    FailTransiently,
    /// Refuses for good.
    Refuse,
}

impl Answer {
    fn result(self) -> Result<(), SendError> {
        match self {
            Self::Accept => Ok(()),
            Self::FailTransiently => {
                Err(SendError::Transient("421 service not available".to_owned()))
            }
            Self::Refuse => Err(SendError::Permanent("550 no such user".to_owned())),
        }
    }
}

/// One email handed to the sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentEmail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// An email sender that records what it is asked to send and answers as told.
#[derive(Default)]
pub struct RecordingEmail {
    answer: Answer,
    delay: Duration,
    started: AtomicUsize,
    sent: Mutex<Vec<SentEmail>>,
}

impl RecordingEmail {
    /// Accepts everything at once.
    pub fn accepting() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Answers every email the same way.
    pub fn answering(answer: Answer) -> Arc<Self> {
        Arc::new(Self {
            answer,
            ..Self::default()
        })
    }

    /// Accepts, after a while.
    pub fn slow(delay: Duration) -> Arc<Self> {
        Arc::new(Self {
            delay,
            ..Self::default()
        })
    }

    /// Every email it was asked to send (accepted or not).
    pub fn sent(&self) -> Vec<SentEmail> {
        self.sent.lock().unwrap().clone()
    }

    /// How many sends have begun.
    pub fn started(&self) -> usize {
        self.started.load(Ordering::SeqCst)
    }

    /// The channels of a test: this sender for email, and a push double.
    pub fn channels(self: &Arc<Self>, push: &Arc<RecordingPush>) -> Channels {
        Channels {
            email: self.clone(),
            push: push.clone(),
        }
    }
}

#[async_trait::async_trait]
impl EmailSender for RecordingEmail {
    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), SendError> {
        self.started.fetch_add(1, Ordering::SeqCst);
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
        self.sent.lock().unwrap().push(SentEmail {
            to: to.to_owned(),
            subject: subject.to_owned(),
            body: body.to_owned(),
        });
        self.answer.result()
    }
}

/// One push handed to the provider.
#[derive(Debug, Clone, PartialEq)]
pub struct SentPush {
    pub token: String,
    pub platform: String,
    pub message_id: uuid::Uuid,
    pub title: String,
    pub body: String,
    pub data: Value,
}

/// A push provider that records what it is asked to send; tokens can be set to be refused for
/// good or to fail for now.
#[derive(Default)]
pub struct RecordingPush {
    dead: Mutex<HashSet<String>>,
    unreachable: Mutex<HashSet<String>>,
    sent: Mutex<Vec<SentPush>>,
}

impl RecordingPush {
    /// Accepts every token.
    pub fn accepting() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Refuses this token for good from now on.
    pub fn kill(&self, token: &str) {
        self.dead.lock().unwrap().insert(token.to_owned());
    }

    /// Fails for now on this token.
    pub fn cut_off(&self, token: &str) {
        self.unreachable.lock().unwrap().insert(token.to_owned());
    }

    /// Every push it was asked to send.
    pub fn sent(&self) -> Vec<SentPush> {
        self.sent.lock().unwrap().clone()
    }
}

#[async_trait::async_trait]
impl PushProvider for RecordingPush {
    async fn send(
        &self,
        device: &PushDevice<'_>,
        message: &PushMessage<'_>,
    ) -> Result<(), SendError> {
        self.sent.lock().unwrap().push(SentPush {
            token: device.token.to_owned(),
            platform: device.platform.as_str().to_owned(),
            message_id: message.id,
            title: message.title.to_owned(),
            body: message.body.to_owned(),
            data: message.data.clone(),
        });
        if self.dead.lock().unwrap().contains(device.token) {
            return Answer::Refuse.result();
        }
        if self.unreachable.lock().unwrap().contains(device.token) {
            return Answer::FailTransiently.result();
        }
        Ok(())
    }
}

/// Enqueues an email to `to`, as a domain module would, and returns its row.
pub async fn enqueue_email(app: &TestApp, to: &str) -> outbox::Model {
    enqueue(
        &app.db,
        NewMessage {
            tenant: None,
            channel: Channel::Email,
            account: None,
            recipient: to.to_owned(),
            kind: "identity.password_reset",
            subject: format!("Reset your password, {to}"),
            body: "Open https://example.com/reset?token=secret-token within an hour.".to_owned(),
            data: json!({}),
        },
    )
    .await
    .unwrap();
    outbox::Entity::find()
        .filter(outbox::Column::Recipient.eq(to))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the message was enqueued")
}

/// Enqueues a push to an account, and returns its row.
pub async fn enqueue_push(app: &TestApp, account: &str, title: &str) -> outbox::Model {
    let account: AccountId = account.parse().unwrap();
    enqueue(
        &app.db,
        NewMessage {
            tenant: None,
            channel: Channel::Push,
            account: Some(account),
            recipient: String::new(),
            kind: "schedule.class_reminder",
            subject: title.to_owned(),
            body: "Your class starts in one hour.".to_owned(),
            data: json!({ "open": "schedule/sessions/42" }),
        },
    )
    .await
    .unwrap();
    outbox::Entity::find()
        .filter(outbox::Column::Subject.eq(title))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the message was enqueued")
}

/// A message as it is now.
pub async fn reload(app: &TestApp, message: &outbox::Model) -> outbox::Model {
    outbox::Entity::find_by_id(message.id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("the message exists")
}

/// Every message, oldest first.
pub async fn all_messages(app: &TestApp) -> Vec<outbox::Model> {
    outbox::Entity::find()
        .order_by_asc(outbox::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

/// Registers a device for an actor and returns its id.
pub async fn register(actor: &Actor<'_>, platform: &str, token: &str) -> String {
    let device: Value = actor
        .post(
            "/api/v1/me/devices",
            json!({ "platform": platform, "token": token }),
        )
        .await
        .assert_status(201)
        .json();
    device["id"].as_str().unwrap().to_owned()
}

/// Whole seconds from one instant to another.
pub fn seconds_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_seconds()
}
