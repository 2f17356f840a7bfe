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
