//! Appointment reminders through the outbox: once per appointment and start, whatever the
//! number of instances.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test loudly at the first surprise"
)]

mod support;

use chrono::{Duration, Utc};
use palestra_core::entities::outbox;
use palestra_trainer::entities::appointment;
use palestra_trainer::reminders::send_due;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use support::{app, app_with, insert_appointment, insert_type, workspace};

async fn reminders(db: &sea_orm::DatabaseConnection) -> Vec<outbox::Model> {
    outbox::Entity::find()
        .filter(outbox::Column::Kind.eq("trainer.appointment_reminder"))
        .all(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn each_appointment_is_reminded_once_per_start_even_with_several_instances() {
    let app = app().await;
    let ws = workspace(&app).await;
    let (ana, ben) = (ws.client(&app).await, ws.client(&app).await);
    let pt = insert_type(&app, &ws.id, "Personal training", 0).await;
    let now = Utc::now();
    let soon = insert_appointment(
        &app,
        &ws.id,
        pt,
        ana.account_id(),
        now + Duration::minutes(30),
        "booked",
    )
    .await;
    insert_appointment(
        &app,
        &ws.id,
        pt,
        ben.account_id(),
        now + Duration::minutes(40),
        "cancelled",
    )
    .await;
    insert_appointment(
        &app,
        &ws.id,
        pt,
        ben.account_id(),
        now + Duration::hours(3),
        "booked",
    )
    .await;
    let lead = Duration::hours(1);

    // Four instances run a pass at the same moment.
    let passes = futures_util::future::join_all((0..4).map(|_| send_due(&app.db, now, lead))).await;
    let sent: usize = passes.into_iter().map(|p| p.unwrap().sent).sum();
    assert_eq!(sent, 1);
    let rows = reminders(&app.db).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].account_id.map(|a| a.to_string()).as_deref(),
        Some(ana.account_id())
    );
    assert_eq!(rows[0].channel, "email");
    assert!(
        rows[0].subject.starts_with("Reminder: Personal training"),
        "{}",
        rows[0].subject
    );
    assert!(rows[0].body.contains("Alex Rivera"), "{}", rows[0].body);
    assert_eq!(send_due(&app.db, now, lead).await.unwrap().sent, 0);

    // Rescheduled to another start: a new reminder for the new time.
    appointment::Entity::update_many()
        .col_expr(
            appointment::Column::StartsAt,
            Expr::value(now + Duration::minutes(50)),
        )
        .filter(appointment::Column::Id.eq(soon))
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(send_due(&app.db, now, lead).await.unwrap().sent, 1);
    assert_eq!(reminders(&app.db).await.len(), 2);

    // The one three hours away comes when it is within the lead.
    assert_eq!(
        send_due(&app.db, now + Duration::hours(2), lead)
            .await
            .unwrap()
            .sent,
        1
    );
    assert_eq!(reminders(&app.db).await.len(), 3);
}

#[tokio::test]
async fn the_job_sends_reminders_when_jobs_run_and_stops_with_the_app() {
    let mut app = app_with(|settings| settings.run_jobs = true).await;
    let ws = workspace(&app).await;
    let ana = ws.client(&app).await;
    let pt = insert_type(&app, &ws.id, "Personal training", 0).await;
    insert_appointment(
        &app,
        &ws.id,
        pt,
        ana.account_id(),
        Utc::now() + Duration::hours(2),
        "booked",
    )
    .await;
    let mut found = 0;
    for _ in 0..60 {
        found = reminders(&app.db).await.len();
        if found > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert_eq!(
        found, 1,
        "the default lead (a day) covers a session two hours away"
    );
    app.stop().await;
}
