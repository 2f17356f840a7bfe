//! Reminders: one email through the outbox per booked place, a set time before the session,
//! exactly once even when passes run concurrently; the job runs on instances that run jobs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly at the first surprise"
)]

mod extras;

use chrono::{Duration, Utc};
use palestra_core::entities::outbox;
use palestra_core::{Product, Role};
use palestra_schedule::reminders::send_due;
use palestra_testkit::TestApp;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use extras::{Gym, app};

async fn reminders_in_outbox(app: &TestApp) -> Vec<outbox::Model> {
    outbox::Entity::find()
        .filter(outbox::Column::Kind.eq("schedule.reminder"))
        .all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_booked_place_is_reminded_once_inside_the_lead_time() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let class = gym.class(&app, "Pilates").await;
    let now = Utc::now();
    let soon = gym
        .session(&app, class, now + Duration::minutes(90), 10)
        .await;
    let later = gym.session(&app, class, now + Duration::hours(5), 10).await;
    let called_off = gym
        .session(&app, class, now + Duration::minutes(60), 10)
        .await;
    gym.book(&app, soon, gym.member.account_id()).await;
    gym.book(&app, later, gym.member.account_id()).await;
    gym.book(&app, called_off, gym.member.account_id()).await;
    gym.cancel_session(&app, called_off).await;
    let cancelled_by_member = app.signup_in(&gym.id, Role::Member).await;
    gym.book_as(&app, soon, cancelled_by_member.account_id(), "cancelled")
        .await;

    let pass = send_due(&app.db, now, Duration::minutes(120))
        .await
        .unwrap();
    assert_eq!((pass.due, pass.sent), (1, 1));
    let sent = reminders_in_outbox(&app).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].channel, "email");
    assert_eq!(
        sent[0].account_id.map(|a| a.to_string()).as_deref(),
        Some(gym.member.account_id())
    );
    assert!(
        sent[0].subject.starts_with("Reminder: Pilates at "),
        "{}",
        sent[0].subject
    );
    assert_eq!(sent[0].data["session_id"], soon.to_string());

    let again = send_due(&app.db, now + Duration::minutes(1), Duration::minutes(120))
        .await
        .unwrap();
    assert_eq!((again.due, again.sent), (0, 0));
    // Three hours on, the later session is inside the lead time.
    let later_pass = send_due(
        &app.db,
        now + Duration::hours(3) + Duration::minutes(1),
        Duration::minutes(120),
    )
    .await
    .unwrap();
    assert_eq!(later_pass.sent, 1);
    assert_eq!(reminders_in_outbox(&app).await.len(), 2);
}

#[tokio::test]
async fn concurrent_passes_send_each_reminder_exactly_once() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let class = gym.class(&app, "Boxing").await;
    let now = Utc::now();
    let session = gym
        .session(&app, class, now + Duration::minutes(30), 30)
        .await;
    for _ in 0..20 {
        let member = app.signup_in(&gym.id, Role::Member).await;
        gym.book(&app, session, member.account_id()).await;
    }
    let lead = Duration::minutes(120);
    let (a, b, c) = tokio::join!(
        send_due(&app.db, now, lead),
        send_due(&app.db, now, lead),
        send_due(&app.db, now, lead)
    );
    let sent = a.unwrap().sent + b.unwrap().sent + c.unwrap().sent;
    assert_eq!(sent, 20, "on {}", app.backend());
    let rows = reminders_in_outbox(&app).await;
    assert_eq!(rows.len(), 20);
    let mut recipients: Vec<_> = rows.iter().map(|r| r.recipient.clone()).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 20, "no member is reminded twice");
}

#[tokio::test]
async fn the_job_sends_reminders_on_instances_that_run_jobs() {
    let mut app = TestApp::spawn_configured(Product::gym(), extras::modules(), |settings| {
        settings.run_jobs = true;
    })
    .await;
    let gym = Gym::create(&app).await;
    let class = gym.class(&app, "Yoga").await;
    let session = gym
        .session(&app, class, Utc::now() + Duration::minutes(45), 10)
        .await;
    gym.book(&app, session, gym.member.account_id()).await;
    // The job's first pass may have run before the booking existed: it runs every 30 s, so
    // wait for the next one at most.
    let mut found = 0;
    for _ in 0..80 {
        found = reminders_in_outbox(&app).await.len();
        if found > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert_eq!(found, 1);
    app.stop().await;
}
