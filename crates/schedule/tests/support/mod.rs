//! Shared set-up of the tests of classes, sessions, bookings and the waitlist: an app, a gym
//! with one person per role, and helpers that create classes and sessions through the API.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "each test file uses a different part; fixtures fail loudly"
)]

use chrono::{DateTime, Duration, Utc};
use palestra_core::entities::outbox;
use palestra_core::ids::TenantId;
use palestra_core::{Product, Role};
use palestra_schedule::entities::session;
use palestra_testkit::{Actor, TestApp};
use reqwest::Method;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

/// gym-api with identity and the schedule module.
pub async fn app() -> TestApp {
    let mut modules = palestra_identity::gym_modules();
    modules.extend(palestra_schedule::modules());
    TestApp::spawn(Product::gym(), modules).await
}

/// A gym with one person per role, and the owner of another gym.
pub struct Gym<'a> {
    pub app: &'a TestApp,
    pub id: String,
    pub owner: Actor<'a>,
    pub admin: Actor<'a>,
    pub trainer: Actor<'a>,
    pub member: Actor<'a>,
    /// The owner of another gym, sending this gym's header.
    pub outsider: Actor<'a>,
}

impl<'a> Gym<'a> {
    /// A new gym (Europe/Madrid) with its people.
    pub async fn create(app: &'a TestApp) -> Self {
        let owner = app.signup().await;
        let id = owner.create_gym().await;
        let other = app.signup().await;
        other.create_gym().await;
        Self {
            app,
            owner: owner.in_tenant(&id),
            admin: app.signup_in(&id, Role::Admin).await,
            trainer: app.signup_in(&id, Role::Trainer).await,
            member: app.signup_in(&id, Role::Member).await,
            outsider: other.in_tenant(&id),
            id,
        }
    }

    /// The tenant id.
    pub fn tenant(&self) -> TenantId {
        TenantId(self.id.parse().unwrap())
    }

    /// A new member of this gym.
    pub async fn new_member(&self) -> Actor<'a> {
        self.app.signup_in(&self.id, Role::Member).await
    }

    /// Owner, admin, trainer, member, outsider, in that order.
    pub fn everyone(&self) -> [&Actor<'a>; 5] {
        [
            &self.owner,
            &self.admin,
            &self.trainer,
            &self.member,
            &self.outsider,
        ]
    }

    /// A class (through the API), 60 minutes, with a capacity.
    pub async fn class(&self, capacity: i32) -> String {
        let body: Value = self
            .admin
            .post(
                "/api/v1/classes",
                json!({ "name": "Spinning", "duration_minutes": 60, "capacity": capacity,
                        "default_trainer_id": self.trainer.account_id() }),
            )
            .await
            .assert_status(201)
            .json();
        body["id"].as_str().unwrap().to_owned()
    }

    /// A one-off session (through the API) of a new class, starting at `starts_at`.
    pub async fn session_at(&self, capacity: i32, starts_at: DateTime<Utc>) -> String {
        let class = self.class(capacity).await;
        let body: Value = self
            .admin
            .post(
                "/api/v1/sessions",
                json!({ "class_id": class, "starts_at": starts_at }),
            )
            .await
            .assert_status(201)
            .json();
        body["id"].as_str().unwrap().to_owned()
    }

    /// A session in three days, bookable now.
    pub async fn session(&self, capacity: i32) -> String {
        self.session_at(capacity, Utc::now() + Duration::days(3))
            .await
    }

    /// Moves a session's times straight in the database (to put it in the past, or near).
    pub async fn move_session(&self, session: &str, starts_at: DateTime<Utc>) {
        session::Entity::update_many()
            .col_expr(session::Column::StartsAt, Expr::value(starts_at))
            .col_expr(
                session::Column::EndsAt,
                Expr::value(starts_at + Duration::hours(1)),
            )
            .filter(session::Column::Id.eq(session.parse::<uuid::Uuid>().unwrap()))
            .exec(&self.app.db)
            .await
            .unwrap();
    }

    /// The session row.
    pub async fn session_row(&self, session: &str) -> session::Model {
        session::Entity::find_by_id(session.parse::<uuid::Uuid>().unwrap())
            .one(&self.app.db)
            .await
            .unwrap()
            .unwrap()
    }

    /// Checks each actor's status on a route: `expect` is owner, admin, trainer, member,
    /// outsider.
    pub async fn expect_statuses(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        expect: [u16; 5],
    ) {
        let who = ["owner", "admin", "trainer", "member", "outsider"];
        for (i, actor) in self.everyone().into_iter().enumerate() {
            let body = body.clone();
            let response = actor
                .send(method.clone(), path, |r| match body {
                    Some(body) => r.json(&body),
                    None => r,
                })
                .await;
            assert_eq!(
                response.status.as_u16(),
                expect[i],
                "{method} {path} as {}: {}",
                who[i],
                response.body
            );
        }
    }
}

/// Outbox messages of a kind, oldest first.
pub async fn messages(app: &TestApp, kind: &str) -> Vec<outbox::Model> {
    outbox::Entity::find()
        .filter(outbox::Column::Kind.eq(kind))
        .order_by_asc(outbox::Column::CreatedAt)
        .order_by_asc(outbox::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

/// Books a place for oneself.
pub async fn book(actor: &Actor<'_>, session: &str) -> palestra_testkit::TestResponse {
    actor
        .post(&format!("/api/v1/sessions/{session}/bookings"), json!({}))
        .await
}
