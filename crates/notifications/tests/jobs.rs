//! The delivery job as the server runs it: it starts with the service, delivers on its own, and
//! on a graceful stop finishes what it is sending before the service exits.

mod common;

use std::time::Duration;

use common::{RecordingEmail, RecordingPush, app_running_jobs, enqueue_email, reload};

async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting until {what}");
}

#[tokio::test]
async fn the_job_delivers_due_messages_by_itself() {
    let email = RecordingEmail::accepting();
    let app = app_running_jobs(email.channels(&RecordingPush::accepting())).await;
    let message = enqueue_email(&app, "ana@example.com").await;
    eventually("the message is delivered", async || {
        reload(&app, &message).await.status == "delivered"
    })
    .await;
    let sent = email.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, "ana@example.com");
}

#[tokio::test]
async fn a_stopping_service_lets_the_job_finish_what_it_is_sending() {
    let email = RecordingEmail::slow(Duration::from_millis(500));
    let mut app = app_running_jobs(email.channels(&RecordingPush::accepting())).await;
    let message = enqueue_email(&app, "ana@example.com").await;
    eventually("the send has begun", async || email.started() == 1).await;

    // What SIGTERM does; this returns once the service has stopped.
    app.stop().await;
    let row = reload(&app, &message).await;
    assert_eq!(
        row.status, "delivered",
        "the send in flight was completed and recorded"
    );
    assert!(row.locked_until.is_none());

    // The job is gone: nothing picks up new work.
    let later = enqueue_email(&app, "ben@example.com").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(reload(&app, &later).await.status, "pending");
    assert_eq!(email.started(), 1);
}
