//! The test kit: starts the real application on port 0 with a fresh database, and gives tests
//! an HTTP client with helpers that read like the behaviour under test.
//!
//! `TEST_DATABASE_URL` unset: a SQLite file in a temporary folder. Set to a Postgres URL: a new
//! schema per test, dropped when the test's `TestApp` is dropped.
//!
//! Background jobs are off, so a test decides when work happens (the notifications tests call a
//! delivery pass directly); a test of the jobs themselves turns them on with
//! `TestApp::spawn_configured(product, modules, |s| s.run_jobs = true)`.

#![expect(
    clippy::expect_used,
    clippy::panic,
    reason = "a test kit fails the test loudly at the first surprise"
)]

use std::time::Duration;

use reqwest::{Method, StatusCode};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use palestra_core::entities::membership;
use palestra_core::limits::{Quota, RateLimits};
use palestra_core::{Problem, Product, Role};
use palestra_server::settings::{DatabaseSettings, Environment, Settings};
use palestra_server::{App, Modules};

pub mod openapi;

pub use palestra_server::Settings as AppSettings;

/// The password of every account the kit creates.
pub const PASSWORD: &str = "correct-horse-battery";

/// A running application with its own database.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// The HTTP client.
    pub client: reqwest::Client,
    /// A connection to the app's database, for fixtures and checks.
    pub db: DatabaseConnection,
    /// The product served.
    pub product: Product,
    handle: actix_web::dev::ServerHandle,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    postgres_schema: Option<(String, String)>,
    _data_dir: tempfile::TempDir,
}

fn settings(data_dir: &std::path::Path) -> (Settings, Option<(String, String)>) {
    let postgres = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let schema = format!("test_{}", uuid::Uuid::now_v7().simple());
    let database = DatabaseSettings {
        url: Some(match &postgres {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                data_dir.join("test.sqlite").display()
            ),
        }),
        schema: schema.clone(),
        data_dir: data_dir.to_path_buf(),
        max_connections: 8,
        min_connections: 0,
        connect_timeout: Duration::from_secs(10),
        acquire_timeout: Duration::from_secs(30),
        statement_timeout: Duration::from_secs(30),
    };
    let settings = Settings {
        environment: Environment::Development,
        host: "127.0.0.1".to_owned(),
        port: 0,
        database,
        redis_url: None,
        // Each app has its own Redis namespace, so tests sharing a Redis never share counters.
        redis_prefix: format!("palestra-test:{}:", uuid::Uuid::now_v7().simple()),
        trust_proxy: false,
        rate_limits: generous_rate_limits(),
        idempotency_ttl: palestra_core::idempotency::DEFAULT_TTL,
        jwt_secret: "test-secret-test-secret-test-secret-0123".to_owned(),
        access_token_ttl: Duration::from_secs(900),
        refresh_token_ttl: Duration::from_secs(86_400),
        cors_allowed_origins: Vec::new(),
        migrate_on_start: true,
        workers: 2,
        shutdown_timeout: Duration::from_secs(1),
        json_logs: false,
        handle_signals: false,
        run_jobs: false,
    };
    (settings, postgres.map(|url| (url, schema)))
}

/// The production rules with a quota no fixture reaches (the counting itself still runs); a test
/// of a limit sets the quota it needs with [`TestApp::spawn_configured`].
pub fn generous_rate_limits() -> RateLimits {
    let mut limits = RateLimits::default();
    for rule in limits.rules_mut() {
        rule.quota = rule.quota.map(|quota| Quota {
            limit: 10_000,
            ..quota
        });
    }
    limits
}

impl TestApp {
    /// Starts a product with its modules on a fresh database.
    pub async fn spawn(product: Product, modules: Modules) -> Self {
        Self::spawn_configured(product, modules, |_| {}).await
    }

    /// Starts a product with settings adjusted by the test (Redis, CORS, token lifetimes, jobs…).
    pub async fn spawn_configured(
        product: Product,
        modules: Modules,
        configure: impl FnOnce(&mut Settings),
    ) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let data_dir = tempfile::tempdir().expect("a temporary folder");
        let (mut settings, postgres_schema) = settings(data_dir.path());
        configure(&mut settings);
        let app = App::build(settings, product.clone(), modules)
            .await
            .expect("the app builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let db = app.context().db.clone();
        let handle = app.handle();
        let server = tokio::spawn(app.run());
        Self {
            address,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("an HTTP client"),
            db,
            product,
            handle,
            server: Some(server),
            postgres_schema,
            _data_dir: data_dir,
        }
    }

    /// Stops the app as SIGTERM would, and waits until it has: requests in flight finished and
    /// background jobs drained. The database stays readable through `db`.
    pub async fn stop(&mut self) {
        self.handle.stop(true).await;
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("the server task ends")
                .expect("the server stops cleanly");
        }
    }

    /// Which backend this test runs on.
    pub fn backend(&self) -> &'static str {
        if self.postgres_schema.is_some() {
            "postgres"
        } else {
            "sqlite"
        }
    }

    /// A request to a path of the app.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{}", self.address, path))
    }

    /// Anyone, signed out.
    pub fn anonymous(&self) -> Actor<'_> {
        Actor {
            app: self,
            token: None,
            tenant: None,
            account: None,
        }
    }

    /// Registers a new account through the API and returns it signed in.
    pub async fn signup(&self) -> Actor<'_> {
        let email = format!("{}@example.com", uuid::Uuid::now_v7().simple());
        self.signup_with_email(&email).await.0
    }

    /// Registers an account with this email through the API; returns it signed in, and the
    /// registration's body (tokens and account).
    pub async fn signup_with_email(&self, email: &str) -> (Actor<'_>, Value) {
        let body: Value = self
            .anonymous()
            .post(
                "/api/v1/auth/register",
                json!({ "email": email, "password": PASSWORD, "full_name": "Test Person" }),
            )
            .await
            .assert_status(201)
            .json();
        let actor = Actor {
            app: self,
            token: body["access_token"].as_str().map(str::to_owned),
            tenant: None,
            account: body["account"]["id"].as_str().map(str::to_owned),
        };
        (actor, body)
    }

    /// Registers a new account and gives it a role in a tenant (a fixture written to the database
    /// directly, standing in for the roster routes).
    pub async fn signup_in(&self, tenant: &str, role: Role) -> Actor<'_> {
        let actor = self.signup().await;
        self.add_membership(tenant, actor.account_id(), role).await;
        actor.in_tenant(tenant)
    }

    /// Writes a membership row.
    pub async fn add_membership(&self, tenant: &str, account: &str, role: Role) {
        membership::Entity::insert(membership::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            tenant_id: Set(tenant.parse().expect("a tenant uuid")),
            account_id: Set(account.parse().expect("an account uuid")),
            role: Set(role.as_str().to_owned()),
            status: Set(membership::STATUS_ACTIVE.to_owned()),
            created_at: Set(chrono_now()),
            assigned_trainer_id: Set(None),
        })
        .exec(&self.db)
        .await
        .expect("the membership is written");
    }

    /// Suspends a tenant, as the platform would.
    pub async fn suspend_tenant(&self, tenant: &str) {
        use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};
        palestra_core::entities::tenant::Entity::update_many()
            .col_expr(
                palestra_core::entities::tenant::Column::Status,
                Expr::value("suspended"),
            )
            .filter(
                palestra_core::entities::tenant::Column::Id
                    .eq(tenant.parse::<uuid::Uuid>().expect("a tenant uuid")),
            )
            .exec(&self.db)
            .await
            .expect("the tenant is suspended");
    }

    /// Runs raw SQL against the app's database.
    pub async fn execute(&self, sql: &str) {
        self.db
            .execute_unprepared(sql)
            .await
            .expect("the statement runs");
    }
}

fn chrono_now() -> sea_orm::prelude::DateTimeUtc {
    sea_orm::prelude::DateTimeUtc::from(std::time::SystemTime::now())
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        // Stopping is asynchronous; the runtime of the test may already be gone, so do not wait.
        drop(handle.stop(false));
        if let Some((url, schema)) = self.postgres_schema.take() {
            // Drop the schema from a thread of its own: Drop cannot await.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(runtime) = runtime {
                    runtime.block_on(async move {
                        if let Ok(db) = sea_orm::Database::connect(url.as_str()).await {
                            // A test that failed with a transaction open leaves row locks whose
                            // rollback needs the runtime this drop is blocking: give up on the
                            // schema after a while rather than hang the test.
                            let _ = db
                                .execute_unprepared(&format!(
                                    "SET lock_timeout = '10s'; DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"
                                ))
                                .await;
                            let _ = db.close().await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

/// Someone calling the API: signed in or not, maybe acting in a tenant.
#[derive(Clone)]
pub struct Actor<'a> {
    app: &'a TestApp,
    /// The access token, when signed in.
    pub token: Option<String>,
    /// The tenant sent in the product's tenant header, if any.
    pub tenant: Option<String>,
    account: Option<String>,
}

impl<'a> Actor<'a> {
    /// The same person acting in a tenant (sending its header on every request).
    pub fn in_tenant(&self, tenant: &str) -> Actor<'a> {
        Actor {
            tenant: Some(tenant.to_owned()),
            ..self.clone()
        }
    }

    /// The same person sending no tenant header (the trainer product finds the workspace itself).
    pub fn with_token_only(&self) -> Actor<'a> {
        Actor {
            tenant: None,
            ..self.clone()
        }
    }

    /// The same person with another access token.
    pub fn with_token(&self, token: &str) -> Actor<'a> {
        Actor {
            token: Some(token.to_owned()),
            ..self.clone()
        }
    }

    /// The account id.
    pub fn account_id(&self) -> &str {
        self.account.as_deref().expect("a signed-in actor")
    }

    fn tenant_header(&self) -> &'static str {
        match self.app.product.tenant_policy {
            palestra_core::TenantPolicy::Header { header } => header,
            palestra_core::TenantPolicy::Implicit { selector_header } => selector_header,
        }
    }

    fn builder(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut request = self.app.request(method, path);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(tenant) = &self.tenant {
            request = request.header(self.tenant_header(), tenant);
        }
        request
    }

    /// Sends a request built by the caller, with this actor's credentials.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        build: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> TestResponse {
        TestResponse::read(
            build(self.builder(method, path))
                .send()
                .await
                .expect("the request is sent"),
        )
        .await
    }

    /// GET.
    pub async fn get(&self, path: &str) -> TestResponse {
        self.send(Method::GET, path, |r| r).await
    }

    /// POST with a JSON body.
    pub async fn post(&self, path: &str, body: Value) -> TestResponse {
        self.send(Method::POST, path, |r| r.json(&body)).await
    }

    /// Creates a gym owned by this actor (gym-api) and returns its id.
    pub async fn create_gym(&self) -> String {
        let body: Value = self
            .post(
                "/api/v1/gyms",
                json!({ "name": "Test Gym", "time_zone": "Europe/Madrid", "currency": "EUR" }),
            )
            .await
            .assert_status(201)
            .json();
        body["id"].as_str().expect("a gym id").to_owned()
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct TestResponse {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: reqwest::header::HeaderMap,
    /// Body text.
    pub body: String,
}

impl TestResponse {
    async fn read(response: reqwest::Response) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap_or_default();
        Self {
            status,
            headers,
            body,
        }
    }

    /// Fails the test unless the status is as expected.
    #[track_caller]
    pub fn assert_status(self, expected: u16) -> Self {
        assert_eq!(
            self.status.as_u16(),
            expected,
            "unexpected status; body: {}",
            self.body
        );
        self
    }

    /// The body as JSON.
    #[track_caller]
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("body is not the expected JSON ({e}): {}", self.body))
    }

    /// Fails unless this is a problem+json of the status; returns the problem.
    #[track_caller]
    pub fn assert_problem(self, expected: u16) -> Problem {
        assert_eq!(
            self.status.as_u16(),
            expected,
            "unexpected status; body: {}",
            self.body
        );
        let content_type = self.header("content-type").unwrap_or_default();
        assert_eq!(
            content_type, "application/problem+json",
            "body: {}",
            self.body
        );
        let problem: Problem = self.json();
        assert_eq!(problem.status, expected);
        assert!(
            problem.request_id.is_some(),
            "a problem carries the request id: {}",
            self.body
        );
        problem
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}
