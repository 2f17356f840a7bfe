//! Shared set-up of the tests of opening hours, check-in, calendar feeds, reminders, people
//! views and the dashboard: an app, a gym with one person per role, classes, sessions and
//! bookings written straight to the database (the fixtures set the stage; the routes under test
//! go through HTTP).

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "each test file uses a different part; fixtures fail loudly"
)]

use chrono::{DateTime, Duration, Utc};
use palestra_core::ids::{AccountId, TenantId};
use palestra_core::{Product, Role};
use palestra_schedule::entities::{class, session};
use palestra_schedule::ids::ClassSessionId;
use palestra_schedule::repo;
use palestra_testkit::{Actor, TestApp};
use reqwest::Method;
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::Value;

/// gym-api with identity and the schedule module.
pub async fn app() -> TestApp {
    TestApp::spawn(Product::gym(), modules()).await
}

/// The modules the tests mount.
pub fn modules() -> Vec<std::sync::Arc<dyn palestra_core::Module>> {
    let mut modules = palestra_identity::gym_modules();
    modules.extend(palestra_schedule::modules());
    modules
}

/// A gym with one person per role, and someone from another gym.
pub struct Gym<'a> {
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

    /// A class of this gym.
    pub async fn class(&self, app: &TestApp, name: &str) -> uuid::Uuid {
        let id = uuid::Uuid::now_v7();
        let now = Utc::now();
        class::Entity::insert(class::ActiveModel {
            id: Set(id),
            tenant_id: Set(self.tenant().uuid()),
            category_id: Set(None),
            name: Set(name.to_owned()),
            description: Set(None),
            duration_minutes: Set(60),
            capacity: Set(10),
            difficulty: Set("all_levels".to_owned()),
            default_trainer_id: Set(None),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(&app.db)
        .await
        .unwrap();
        id
    }

    /// A scheduled one-hour session of a class, led by this gym's trainer.
    pub async fn session(
        &self,
        app: &TestApp,
        class: uuid::Uuid,
        starts_at: DateTime<Utc>,
        capacity: i32,
    ) -> uuid::Uuid {
        let id = uuid::Uuid::now_v7();
        let now = Utc::now();
        session::Entity::insert(session::ActiveModel {
            id: Set(id),
            tenant_id: Set(self.tenant().uuid()),
            class_id: Set(class),
            series_id: Set(None),
            occurrence_index: Set(None),
            original_starts_at: Set(None),
            starts_at: Set(starts_at),
            ends_at: Set(starts_at + Duration::hours(1)),
            trainer_id: Set(Some(self.trainer.account_id().parse().unwrap())),
            room: Set(Some("Studio 1".to_owned())),
            capacity: Set(capacity),
            booked_count: Set(0),
            waitlist_count: Set(0),
            waitlist_seq: Set(0),
            status: Set(session::STATUS_SCHEDULED.to_owned()),
            cancelled_at: Set(None),
            notes: Set(None),
            sequence: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(&app.db)
        .await
        .unwrap();
        id
    }

    /// Books a place for an account (the place is taken as booking does).
    pub async fn book(&self, app: &TestApp, session: uuid::Uuid, account: &str) -> uuid::Uuid {
        self.book_as(app, session, account, "booked").await
    }

    /// A booking row with a given status, its place taken.
    pub async fn book_as(
        &self,
        app: &TestApp,
        session: uuid::Uuid,
        account: &str,
        status: &'static str,
    ) -> uuid::Uuid {
        let session = ClassSessionId(session);
        let account = AccountId(account.parse().unwrap());
        let now = Utc::now();
        let holds_place = ["booked", "attended", "no_show"].contains(&status);
        if holds_place {
            assert!(
                repo::take_place(&app.db, self.tenant(), session, now)
                    .await
                    .unwrap(),
                "a place is left"
            );
        }
        let row = repo::insert_booking(
            &app.db,
            self.tenant(),
            repo::NewBooking {
                session,
                account,
                booked_by: account,
                walk_in: false,
                status,
            },
            now,
        )
        .await
        .unwrap();
        row.id
    }

    /// Cancels a session straight in the database (and bumps its sequence, as editing does).
    pub async fn cancel_session(&self, app: &TestApp, session: uuid::Uuid) {
        use sea_orm::sea_query::{Expr, ExprTrait};
        use sea_orm::{ColumnTrait, QueryFilter};
        session::Entity::update_many()
            .col_expr(
                session::Column::Status,
                Expr::value(session::STATUS_CANCELLED),
            )
            .col_expr(
                session::Column::Sequence,
                Expr::col(session::Column::Sequence).add(1),
            )
            .filter(session::Column::Id.eq(session))
            .exec(&app.db)
            .await
            .unwrap();
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
