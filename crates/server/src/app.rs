//! Assembling and running the HTTP application and the modules' background jobs. `main` and the
//! test kit share this path, so tests exercise the same middleware, errors, routing and job
//! lifecycle as production.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::http::Method;
use actix_web::middleware::from_fn;
use actix_web::{HttpResponse, HttpServer, web};
use anyhow::Context;
use sea_orm::DatabaseConnection;
use serde_json::Value;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::{AppExt, scope};
use utoipa_swagger_ui::SwaggerUi;

use palestra_core::idempotency::{
    DatabaseIdempotencyStore, Idempotency, IdempotencyStore, RedisIdempotencyStore,
};
use palestra_core::limits::{MemoryRateLimiter, RateLimiter, RedisRateLimiter};
use palestra_core::tenancy::ModuleRoutes;
use palestra_core::{AppContext, BackgroundJob, CancellationToken, Module, Product, TokenKeys};

use crate::metrics::Metrics;
use crate::middleware::{RouteTable, fallback, observe, path_error, query_error};
use crate::ops::{self, Readiness};
use crate::security_headers::{SecurityHeaders, secure};
use crate::settings::{Environment, Settings};
use crate::{db, openapi};

/// The modules a binary mounts, in order.
pub type Modules = Vec<Arc<dyn Module>>;

/// Routes outside the OpenAPI document: the document itself and its viewer.
const UNDOCUMENTED: [(&str, Method); 3] = [
    ("/openapi.json", Method::GET),
    ("/docs", Method::GET),
    ("/docs/", Method::GET),
];

fn mount(cfg: &mut ServiceConfig<'_>, modules: &Modules) {
    cfg.service(ops::healthz)
        .service(ops::readyz)
        .service(ops::metrics)
        .service(scope::scope("/api/v1").configure(|api| {
            for module in modules {
                module.configure(api);
            }
        }));
}

/// The product's finished OpenAPI document.
pub fn openapi_document(product: &Product, modules: &Modules) -> Value {
    let (_, document) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(openapi::base(product))
        .configure(|cfg| mount(cfg, modules))
        .split_for_parts();
    openapi::finish(product, document)
}

/// For each module a tenant can switch off, the route templates it mounts.
fn module_routes(modules: &Modules) -> ModuleRoutes {
    let mut routes = ModuleRoutes::default();
    for module in modules {
        let Some(key) = module.catalog_key() else {
            continue;
        };
        let (_, document) = actix_web::App::new()
            .into_utoipa_app()
            .service(scope::scope("/api/v1").configure(|api| module.configure(api)))
            .split_for_parts();
        for path in document.paths.paths.keys() {
            routes.0.insert(path.clone(), key);
        }
    }
    routes
}

/// A built application, bound to its port, ready to run.
pub struct App {
    server: Server,
    port: u16,
    context: AppContext,
    jobs: Vec<BackgroundJob>,
    shutdown_timeout: Duration,
}

impl App {
    /// Migrates (when configured), connects and binds.
    pub async fn build(
        settings: Settings,
        product: Product,
        modules: Modules,
    ) -> anyhow::Result<Self> {
        if settings.migrate_on_start {
            db::migrate(&settings.database, &product).await?;
        }
        let db = db::connect(&settings.database, &product).await?;
        Self::build_with_db(settings, product, modules, db)
    }

    /// Binds an application on an open database connection.
    pub fn build_with_db(
        settings: Settings,
        product: Product,
        modules: Modules,
        db: DatabaseConnection,
    ) -> anyhow::Result<Self> {
        let tokens = TokenKeys::new(
            settings.jwt_secret.as_bytes(),
            product.audience(),
            i64::try_from(settings.access_token_ttl.as_secs()).unwrap_or(900),
            chrono::Duration::from_std(settings.refresh_token_ttl)
                .unwrap_or(chrono::Duration::days(30)),
        );
        let document = openapi_document(&product, &modules);
        let routes = web::Data::new(RouteTable::from_document(&document, &UNDOCUMENTED));
        let module_routes = web::Data::new(module_routes(&modules));
        let metrics = web::Data::new(Metrics::new(product.name)?);
        let redis = settings
            .redis_url
            .as_deref()
            .map(|url| {
                deadpool_redis::Config::from_url(url)
                    .create_pool(Some(deadpool_redis::Runtime::Tokio1))
                    .context("configuring the Redis pool")
            })
            .transpose()?;
        // Rate limits and idempotency keys are shared by every instance through Redis when it
        // is configured; otherwise they live in this process and in the database.
        let (limiter, idempotency): (Arc<dyn RateLimiter>, Arc<dyn IdempotencyStore>) = match &redis
        {
            Some(pool) => (
                Arc::new(RedisRateLimiter::new(
                    pool.clone(),
                    settings.redis_prefix.clone(),
                )),
                Arc::new(RedisIdempotencyStore::new(
                    pool.clone(),
                    settings.redis_prefix.clone(),
                    settings.idempotency_ttl,
                )),
            ),
            None => (
                Arc::new(MemoryRateLimiter::default()),
                Arc::new(DatabaseIdempotencyStore::new(
                    db.clone(),
                    settings.idempotency_ttl,
                )),
            ),
        };
        let readiness = web::Data::new(Readiness { redis });
        let context = AppContext {
            db,
            product: Arc::new(product),
            tokens: Arc::new(tokens),
            limiter,
            limits: Arc::new(settings.rate_limits.clone()),
            idempotency: Arc::new(Idempotency::new(
                idempotency,
                settings.jwt_secret.as_bytes(),
            )),
            trust_proxy: settings.trust_proxy,
            module_states: Arc::default(),
            modules: modules.iter().cloned().collect(),
        };
        let mut jobs = Vec::new();
        if settings.run_jobs {
            for module in &modules {
                let module_jobs = module
                    .jobs(&context)
                    .map_err(|e| anyhow::anyhow!("preparing the jobs of {}: {e}", module.name()))?;
                jobs.extend(module_jobs);
            }
        }
        let data = web::Data::new(context.clone());
        let cors_origins = settings.cors_allowed_origins.clone();
        let development = settings.environment == Environment::Development;
        let security_headers = web::Data::new(SecurityHeaders {
            hsts: settings.environment == Environment::Production,
        });

        let listener = TcpListener::bind((settings.host.as_str(), settings.port))
            .with_context(|| format!("binding {}:{}", settings.host, settings.port))?;
        let port = listener.local_addr()?.port();

        let modules = Arc::new(modules);
        let mut server = HttpServer::new(move || {
            let (app, _) = actix_web::App::new()
                .into_utoipa_app()
                .app_data(data.clone())
                .app_data(metrics.clone())
                .app_data(routes.clone())
                .app_data(module_routes.clone())
                .app_data(readiness.clone())
                .app_data(security_headers.clone())
                .app_data(web::QueryConfig::default().error_handler(query_error))
                .app_data(web::PathConfig::default().error_handler(path_error))
                .app_data(web::PayloadConfig::new(palestra_core::json::MAX_JSON_BODY))
                .configure(|cfg| mount(cfg, &modules))
                .split_for_parts();
            app.service(
                SwaggerUi::new("/docs/{_:.*}")
                    .external_url_unchecked("/openapi.json", document.clone()),
            )
            .route(
                "/docs",
                web::get().to(|| async {
                    HttpResponse::PermanentRedirect()
                        .insert_header(("Location", "/docs/"))
                        .finish()
                }),
            )
            .default_service(web::to(fallback))
            .wrap(cors(&cors_origins, development))
            .wrap(from_fn(observe))
            .wrap(from_fn(secure))
        })
        .listen(listener)?
        .shutdown_timeout(settings.shutdown_timeout.as_secs());
        if settings.workers > 0 {
            server = server.workers(settings.workers);
        }
        if !settings.handle_signals {
            server = server.disable_signals();
        }
        Ok(Self {
            server: server.run(),
            port,
            context,
            jobs,
            shutdown_timeout: settings.shutdown_timeout,
        })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state, for tests and commands.
    pub fn context(&self) -> &AppContext {
        &self.context
    }

    /// Starts the modules' background jobs and serves until SIGTERM or SIGINT (or a stop through
    /// [`App::handle`]); then stops accepting, lets in-flight requests finish, signals the jobs
    /// and waits for them to finish their current unit of work, bounded by the shutdown timeout.
    pub async fn run(self) -> std::io::Result<()> {
        let shutdown = CancellationToken::new();
        let running: Vec<_> = self
            .jobs
            .into_iter()
            .map(|job| {
                let name = job.name();
                tracing::info!(job = name, "background job started");
                (name, tokio::spawn(job.start(shutdown.clone())))
            })
            .collect();
        let served = self.server.await;
        shutdown.cancel();
        drain(running, self.shutdown_timeout).await;
        served
    }

    /// A handle that stops the server gracefully.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }
}

/// Waits for signalled jobs to return; those still running at the deadline are aborted.
async fn drain(jobs: Vec<(&'static str, tokio::task::JoinHandle<()>)>, timeout: Duration) {
    let deadline = tokio::time::Instant::now() + timeout;
    for (name, mut task) in jobs {
        match tokio::time::timeout_at(deadline, &mut task).await {
            Ok(Ok(())) => tracing::info!(job = name, "background job stopped"),
            Ok(Err(error)) => tracing::error!(job = name, %error, "background job failed"),
            Err(_) => {
                task.abort();
                tracing::warn!(
                    job = name,
                    "background job still running at the shutdown timeout: aborted"
                );
            }
        }
    }
}

fn cors(origins: &[String], development: bool) -> Cors {
    let base = Cors::default()
        .allow_any_method()
        .allow_any_header()
        .expose_headers([
            "x-request-id",
            "location",
            "retry-after",
            "idempotency-replayed",
        ])
        .max_age(3600);
    if origins.is_empty() {
        if development {
            base.allow_any_origin()
        } else {
            base
        }
    } else if origins.iter().any(|o| o == "*") {
        base.allow_any_origin()
    } else {
        origins
            .iter()
            .fold(base, |cors, origin| cors.allowed_origin(origin))
    }
}
