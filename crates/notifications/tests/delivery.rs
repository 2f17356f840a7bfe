//! The delivery runner, driven pass by pass with a chosen clock: messages are sent once and marked
//! delivered, failures retry with backoff and end `failed`, concurrent runners never send a
//! message twice, and pushes fan out to every device of the account.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel, QuerySelect, TransactionTrait,
};

use palestra_core::entities::outbox;

use palestra_core::outbox::{Localized, render};
use palestra_notifications::channels::Channels;
use palestra_notifications::runner::{MAX_ATTEMPTS, Pass, deliver_due};

use common::{
    Answer, RecordingEmail, RecordingPush, all_messages, app, enqueue_email, enqueue_push,
    register, reload, seconds_between,
};

#[tokio::test]
async fn a_pending_email_is_sent_once_and_marked_delivered() {
    let app = app().await;
    let email = RecordingEmail::accepting();
    let channels = email.channels(&RecordingPush::accepting());
    let message = enqueue_email(&app, "ana@example.com").await;
    assert_eq!(message.status, "pending");

    let now = Utc::now();
    let pass = deliver_due(&app.db, &channels, now).await.unwrap();
    assert_eq!(
        pass,
        Pass {
            claimed: 1,
            delivered: 1,
            ..Pass::default()
        }
    );
    let sent = email.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, "ana@example.com");
    assert_eq!(sent[0].subject, message.subject);
    assert_eq!(sent[0].body, message.body);
    let message = reload(&app, &message).await;
    assert_eq!(message.status, "delivered");
    assert_eq!(message.attempts, 1);
    assert!(message.locked_until.is_none());
    assert!(message.last_error.is_none());
    let delivered_at = message.delivered_at.expect("a delivery time");
    assert!(
        (delivered_at - now).num_milliseconds().abs() < 1,
        "{delivered_at} vs {now}"
    );

    // Later passes find nothing to do.
    for later in [now, now + chrono::Duration::days(1)] {
        let pass = deliver_due(&app.db, &channels, later).await.unwrap();
        assert_eq!(pass.claimed, 0);
    }
    assert_eq!(email.sent().len(), 1);
}

#[tokio::test]
async fn messages_go_out_in_the_language_they_were_written_in() {
    // Modules render per recipient locale when they enqueue; delivery sends the text as it is.
    const SUBJECT: Localized = Localized {
        en: "Welcome, {name}",
        es: "Te damos la bienvenida, {name}",
    };
    let app = app().await;
    let email = RecordingEmail::accepting();
    let mut message = enqueue_email(&app, "lucia@example.com")
        .await
        .into_active_model();
    message.subject = Set(render(SUBJECT.pick("es-MX"), &[("name", "Lucía")]));
    message.update(&app.db).await.unwrap();
    deliver_due(
        &app.db,
        &email.channels(&RecordingPush::accepting()),
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(email.sent()[0].subject, "Te damos la bienvenida, Lucía");
}

#[tokio::test]
async fn a_failing_sender_is_retried_with_growing_delays_until_the_message_fails() {
    let app = app().await;
    let email = RecordingEmail::answering(Answer::FailTransiently);
    let channels = email.channels(&RecordingPush::accepting());
    let message = enqueue_email(&app, "ana@example.com").await;

    let mut now = Utc::now();
    for attempt in 1..=MAX_ATTEMPTS {
        let pass = deliver_due(&app.db, &channels, now).await.unwrap();
        assert_eq!(pass.claimed, 1, "attempt {attempt}");
        let row = reload(&app, &message).await;
        assert_eq!(row.attempts, attempt);
        assert_eq!(row.last_error.as_deref(), Some("421 service not available"));
        assert!(row.locked_until.is_none());
        if attempt == MAX_ATTEMPTS {
            assert_eq!(pass.failed, 1);
            assert_eq!(row.status, "failed");
            assert!(row.delivered_at.is_none());
            break;
        }
        assert_eq!(pass.retried, 1);
        assert_eq!(row.status, "pending");
        // 30 s, 60 s, 120 s, … at most an hour, each less up to 20 % of jitter.
        let full = (30_i64 << (attempt - 1)).min(3600);
        let delay = seconds_between(now, row.next_attempt_at);
        assert!(
            delay <= full && delay >= full * 8 / 10 - 1,
            "attempt {attempt}: retried after {delay} s, expected about {full} s"
        );
        // Not due before its time.
        let early = deliver_due(
            &app.db,
            &channels,
            row.next_attempt_at - chrono::Duration::seconds(1),
        )
        .await
        .unwrap();
        assert_eq!(early.claimed, 0);
        now = row.next_attempt_at;
    }
    assert_eq!(email.sent().len(), usize::try_from(MAX_ATTEMPTS).unwrap());
    let pass = deliver_due(&app.db, &channels, now + chrono::Duration::days(30))
        .await
        .unwrap();
    assert_eq!(pass.claimed, 0, "a failed message is never tried again");
}

#[tokio::test]
async fn a_retried_message_is_delivered_when_the_sender_recovers() {
    let app = app().await;
    let failing = RecordingEmail::answering(Answer::FailTransiently);
    let push = RecordingPush::accepting();
    let message = enqueue_email(&app, "ana@example.com").await;
    let now = Utc::now();
    deliver_due(&app.db, &failing.channels(&push), now)
        .await
        .unwrap();
    let retry_at = reload(&app, &message).await.next_attempt_at;

    let working = RecordingEmail::accepting();
    let pass = deliver_due(&app.db, &working.channels(&push), retry_at)
        .await
        .unwrap();
    assert_eq!(pass.delivered, 1);
    let row = reload(&app, &message).await;
    assert_eq!(row.status, "delivered");
    assert_eq!(row.attempts, 2);
    assert!(row.last_error.is_none(), "the old error is cleared");
}

#[tokio::test]
async fn a_refused_email_fails_at_once() {
    let app = app().await;
    let email = RecordingEmail::answering(Answer::Refuse);
    let message = enqueue_email(&app, "nobody@example.com").await;
    let pass = deliver_due(
        &app.db,
        &email.channels(&RecordingPush::accepting()),
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(pass.failed, 1);
    let row = reload(&app, &message).await;
    assert_eq!(row.status, "failed");
    assert_eq!(row.attempts, 1);
    assert_eq!(row.last_error.as_deref(), Some("550 no such user"));
}

#[tokio::test]
async fn a_message_claimed_by_another_runner_waits_until_the_claim_expires() {
    let app = app().await;
    let email = RecordingEmail::accepting();
    let channels = email.channels(&RecordingPush::accepting());
    let message = enqueue_email(&app, "ana@example.com").await;
    let now = Utc::now();
    // Another instance claimed it and died before settling it.
    let mut claimed = message.clone().into_active_model();
    claimed.locked_until = Set(Some(now + chrono::Duration::seconds(60)));
    claimed.update(&app.db).await.unwrap();

    let pass = deliver_due(&app.db, &channels, now).await.unwrap();
    assert_eq!(pass.claimed, 0);
    assert!(email.sent().is_empty());
    let pass = deliver_due(&app.db, &channels, now + chrono::Duration::seconds(61))
        .await
        .unwrap();
    assert_eq!(pass.delivered, 1);
    assert_eq!(reload(&app, &message).await.status, "delivered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_runners_deliver_each_message_exactly_once() {
    let app = app().await;
    // A little slowness keeps the runners' passes overlapping.
    let email = RecordingEmail::slow(Duration::from_millis(20));
    let channels = email.channels(&RecordingPush::accepting());
    for i in 0..20 {
        enqueue_email(&app, &format!("member-{i}@example.com")).await;
    }
    let now = Utc::now();
    let runners: Vec<_> = (0..4)
        .map(|_| {
            let (db, channels) = (app.db.clone(), channels.clone());
            tokio::spawn(async move { deliver_due(&db, &channels, now).await })
        })
        .collect();
    let mut claimed = 0;
    for runner in runners {
        let pass = runner.await.unwrap().unwrap();
        assert_eq!(pass.claimed, pass.delivered, "{pass:?}");
        claimed += pass.claimed;
    }
    assert_eq!(
        claimed, 20,
        "every message was claimed by exactly one runner"
    );

    let mut sends = BTreeMap::<String, usize>::new();
    for sent in email.sent() {
        *sends.entry(sent.to).or_default() += 1;
    }
    assert_eq!(sends.len(), 20, "every message was sent");
    assert!(
        sends.values().all(|&n| n == 1),
        "no message was sent twice: {sends:?}"
    );
    for message in all_messages(&app).await {
        assert_eq!(message.status, "delivered");
        assert_eq!(message.attempts, 1);
    }
}

#[tokio::test]
async fn on_postgres_a_message_another_runner_is_claiming_is_skipped_not_waited_for() {
    let app = app().await;
    if app.backend() != "postgres" {
        // SQLite has no row locks: there, claims are the conditional updates raced above.
        return;
    }
    let email = RecordingEmail::accepting();
    let channels = email.channels(&RecordingPush::accepting());
    let held = enqueue_email(&app, "held@example.com").await;
    enqueue_email(&app, "free@example.com").await;
    // Another runner's claim transaction, still open, holds one row.
    let other_runner = app.db.begin().await.unwrap();
    outbox::Entity::find_by_id(held.id)
        .lock_exclusive()
        .one(&other_runner)
        .await
        .unwrap();

    let pass = tokio::time::timeout(
        Duration::from_secs(5),
        deliver_due(&app.db, &channels, Utc::now()),
    )
    .await
    .expect("the pass does not wait for the other runner")
    .unwrap();
    assert_eq!((pass.claimed, pass.delivered), (1, 1));
    assert_eq!(email.sent()[0].to, "free@example.com");

    other_runner.rollback().await.unwrap();
    let pass = deliver_due(&app.db, &channels, Utc::now()).await.unwrap();
    assert_eq!(pass.delivered, 1, "once free, the row is claimed");
    assert_eq!(email.sent()[1].to, "held@example.com");
}

#[tokio::test]
async fn a_push_goes_to_every_device_of_its_account_and_no_other() {
    let app = app().await;
    let (ana, ben) = (app.signup().await, app.signup().await);
    register(&ana, "ios", "ana-phone").await;
    register(&ana, "android", "ana-tablet").await;
    register(&ana, "web", "ana-browser").await;
    register(&ben, "ios", "ben-phone").await;
    let message = enqueue_push(&app, ana.account_id(), "Spinning at 7").await;

    let push = RecordingPush::accepting();
    let pass = deliver_due(
        &app.db,
        &RecordingEmail::accepting().channels(&push),
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(pass.delivered, 1);
    let mut sent = push.sent();
    sent.sort_by(|a, b| a.token.cmp(&b.token));
    let targets: Vec<_> = sent
        .iter()
        .map(|s| (s.token.as_str(), s.platform.as_str()))
        .collect();
    assert_eq!(
        targets,
        [
            ("ana-browser", "web"),
            ("ana-phone", "ios"),
            ("ana-tablet", "android")
        ]
    );
    for push in &sent {
        assert_eq!(
            push.message_id, message.id,
            "the message id is the collapse key"
        );
        assert_eq!(push.title, "Spinning at 7");
        assert_eq!(push.body, message.body);
        assert_eq!(push.data, message.data);
    }
    let row = reload(&app, &message).await;
    assert_eq!(row.status, "delivered");
    assert!(row.last_error.is_none());
}

#[tokio::test]
async fn a_push_to_an_account_without_devices_is_delivered_with_a_note() {
    let app = app().await;
    let ana = app.signup().await;
    let message = enqueue_push(&app, ana.account_id(), "Nobody listens").await;
    let push = RecordingPush::accepting();
    deliver_due(
        &app.db,
        &RecordingEmail::accepting().channels(&push),
        Utc::now(),
    )
    .await
    .unwrap();
    assert!(push.sent().is_empty());
    let row = reload(&app, &message).await;
    assert_eq!(row.status, "delivered");
    assert_eq!(
        row.last_error.as_deref(),
        Some("no device registered: nothing sent")
    );
}

#[tokio::test]
async fn a_dead_push_token_is_forgotten_and_an_unreachable_one_retries_the_message() {
    let app = app().await;
    let ana = app.signup().await;
    register(&ana, "ios", "old-phone").await;
    register(&ana, "android", "new-phone").await;
    let push = RecordingPush::accepting();
    let channels = RecordingEmail::accepting().channels(&push);

    push.kill("old-phone");
    push.cut_off("new-phone");
    let first = enqueue_push(&app, ana.account_id(), "First").await;
    let now = Utc::now();
    let pass = deliver_due(&app.db, &channels, now).await.unwrap();
    assert_eq!(pass.retried, 1);
    let devices: serde_json::Value = ana.get("/api/v1/me/devices").await.json();
    let tokens: Vec<_> = devices["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["token"].as_str().unwrap())
        .collect();
    assert_eq!(
        tokens,
        ["new-phone"],
        "the dead token's device is forgotten"
    );

    // The phone is reachable again: the retry reaches it.
    let push = RecordingPush::accepting();
    let channels = RecordingEmail::accepting().channels(&push);
    let retry_at = reload(&app, &first).await.next_attempt_at;
    let pass = deliver_due(&app.db, &channels, retry_at).await.unwrap();
    assert_eq!(pass.delivered, 1);
    let sent = push.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].token, "new-phone");
}

#[tokio::test]
async fn the_embedded_channels_write_to_the_log_and_count_as_delivered() {
    let app = app().await;
    let ana = app.signup().await;
    register(&ana, "ios", "ana-phone").await;
    let email = enqueue_email(&app, "ana@example.com").await;
    let push = enqueue_push(&app, ana.account_id(), "Logged").await;
    let pass = deliver_due(&app.db, &Channels::log(), Utc::now())
        .await
        .unwrap();
    assert_eq!(pass.delivered, 2);
    assert_eq!(reload(&app, &email).await.status, "delivered");
    assert_eq!(reload(&app, &push).await.status, "delivered");
}

#[tokio::test]
async fn messages_that_cannot_be_delivered_fail_without_retries() {
    let app = app().await;
    let email = enqueue_email(&app, "ana@example.com").await;
    let mut no_recipient = email.clone().into_active_model();
    no_recipient.recipient = Set(String::new());
    no_recipient.update(&app.db).await.unwrap();
    let push = enqueue_push(&app, &uuid::Uuid::now_v7().to_string(), "For no one").await;
    let mut no_account = push.clone().into_active_model();
    no_account.account_id = Set(None);
    no_account.update(&app.db).await.unwrap();

    let pass = deliver_due(&app.db, &Channels::log(), Utc::now())
        .await
        .unwrap();
    assert_eq!(pass.failed, 2);
    let email = reload(&app, &email).await;
    assert_eq!(email.status, "failed");
    assert_eq!(
        email.last_error.as_deref(),
        Some("an email message has no recipient")
    );
    let push = reload(&app, &push).await;
    assert_eq!(push.status, "failed");
    assert_eq!(
        push.last_error.as_deref(),
        Some("a push message names no account")
    );
}
