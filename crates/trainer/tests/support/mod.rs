//! Shared set-up of the trainer module's API tests: trainer-api as its binary composes it, a
//! trainer's workspace and its people.

#![allow(
    dead_code,
    clippy::expect_used,
    reason = "each test file uses a different part; fixtures fail loudly"
)]

use palestra_core::{Product, Role};
use palestra_testkit::{Actor, PASSWORD, TestApp};
use serde_json::{Value, json};

/// The modules trainer-api mounts, without the binary.
pub fn modules() -> Vec<std::sync::Arc<dyn palestra_core::Module>> {
    let mut modules = palestra_identity::trainer_modules();
    modules.extend(palestra_trainer::modules());
    modules
}

/// trainer-api on a fresh database.
pub async fn app() -> TestApp {
    TestApp::spawn(Product::trainer(), modules()).await
}

/// trainer-api with settings adjusted by the test (jobs on, say).
pub async fn app_with(configure: impl FnOnce(&mut palestra_testkit::AppSettings)) -> TestApp {
    TestApp::spawn_configured(Product::trainer(), modules(), configure).await
}

/// A trainer's workspace: its id and its owner, signed in and acting in it.
pub struct Workspace<'a> {
    /// The workspace (tenant) id.
    pub id: String,
    /// The trainer who owns it.
    pub owner: Actor<'a>,
}

/// A trainer signs up with a workspace in `time_zone`.
pub async fn workspace_in<'a>(app: &'a TestApp, time_zone: &str) -> Workspace<'a> {
    let email = format!("trainer-{}@example.com", uuid::Uuid::now_v7().simple());
    let (account, _) = app.signup_with_email(&email).await;
    let body: Value = account
        .post(
            "/api/v1/auth/register-trainer",
            json!({
                "email": email,
                "password": PASSWORD,
                "full_name": "Alex Rivera",
                "time_zone": time_zone,
                "currency": "EUR"
            }),
        )
        .await
        .assert_status(201)
        .json();
    let id = body["workspace"]["id"]
        .as_str()
        .expect("a workspace id")
        .to_owned();
    Workspace {
        owner: account.in_tenant(&id),
        id,
    }
}

/// A trainer's workspace in Madrid.
pub async fn workspace(app: &TestApp) -> Workspace<'_> {
    workspace_in(app, "Europe/Madrid").await
}

impl<'a> Workspace<'a> {
    /// A new client of the workspace.
    pub async fn client(&self, app: &'a TestApp) -> Actor<'a> {
        app.signup_in(&self.id, Role::Member).await
    }

    /// A new assistant trainer of the workspace.
    pub async fn assistant(&self, app: &'a TestApp) -> Actor<'a> {
        app.signup_in(&self.id, Role::Trainer).await
    }
}

/// Writes an appointment type straight to the database (a fixture standing in for the
/// appointment type routes); returns its id.
pub async fn insert_type(app: &TestApp, workspace: &str, name: &str, credits: i32) -> uuid::Uuid {
    use palestra_trainer::entities::appointment_type;
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let id = uuid::Uuid::now_v7();
    let now = chrono::Utc::now();
    appointment_type::Entity::insert(appointment_type::ActiveModel {
        id: Set(id),
        tenant_id: Set(workspace.parse().expect("a workspace uuid")),
        name: Set(name.to_owned()),
        duration_minutes: Set(60),
        price_minor: Set(5000),
        currency: Set("EUR".to_owned()),
        buffer_before_minutes: Set(0),
        buffer_after_minutes: Set(0),
        min_notice_minutes: Set(0),
        max_days_ahead: Set(365),
        location: Set(Some("Studio 1".to_owned())),
        online_link: Set(None),
        self_bookable: Set(true),
        credits: Set(credits),
        cancel_cutoff_minutes: Set(None),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(&app.db)
    .await
    .expect("the type is written");
    id
}

/// Writes an appointment straight to the database (a fixture standing in for booking);
/// returns its id.
pub async fn insert_appointment(
    app: &TestApp,
    workspace: &str,
    type_id: uuid::Uuid,
    client: &str,
    starts_at: chrono::DateTime<chrono::Utc>,
    status: &str,
) -> uuid::Uuid {
    use palestra_trainer::entities::appointment;
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let id = uuid::Uuid::now_v7();
    let now = chrono::Utc::now();
    let ends_at = starts_at + chrono::Duration::hours(1);
    appointment::Entity::insert(appointment::ActiveModel {
        id: Set(id),
        tenant_id: Set(workspace.parse().expect("a workspace uuid")),
        client_id: Set(client.parse().expect("an account uuid")),
        type_id: Set(type_id),
        starts_at: Set(starts_at),
        ends_at: Set(ends_at),
        blocked_from: Set(starts_at),
        blocked_until: Set(ends_at),
        status: Set(status.to_owned()),
        notes: Set(Some("private note".to_owned())),
        series_id: Set(None),
        booked_by: Set(client.parse().expect("an account uuid")),
        credits: Set(0),
        cancelled_at: Set(None),
        cancelled_by: Set(None),
        cancel_reason: Set(None),
        sequence: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(&app.db)
    .await
    .expect("the appointment is written");
    id
}

/// Changes a membership's column (`status` or `role`) straight in the database.
pub async fn set_membership(app: &TestApp, account: &str, column: &str, value: &str) {
    use palestra_core::entities::membership;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let column = match column {
        "status" => membership::Column::Status,
        "role" => membership::Column::Role,
        other => panic!("no membership column {other}"),
    };
    membership::Entity::update_many()
        .col_expr(column, Expr::value(value))
        .filter(membership::Column::AccountId.eq(account.parse::<uuid::Uuid>().expect("a uuid")))
        .exec(&app.db)
        .await
        .expect("the membership is changed");
}

/// Sets an appointment's iCalendar sequence straight in the database.
pub async fn set_sequence(app: &TestApp, appointment: uuid::Uuid, sequence: i32) {
    use palestra_trainer::entities::appointment;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    appointment::Entity::update_many()
        .col_expr(appointment::Column::Sequence, Expr::value(sequence))
        .filter(appointment::Column::Id.eq(appointment))
        .exec(&app.db)
        .await
        .expect("the appointment is changed");
}
