//! The contract between a domain module crate and the binaries that mount it.

use utoipa_actix_web::service_config::ServiceConfig;

use crate::context::AppContext;
use crate::jobs::{BackgroundJob, JobSetupError};

/// What `seed-demo` is asked to create.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    /// How many members (or clients) the demo tenant gets.
    pub members: u32,
    /// The password every demo account gets.
    pub password: String,
}

/// A workspace's business figures, for the trainer's dashboard and `GET /workspace`. Computed
/// in the workspace's time zone ("today", "this week" from Monday, "this month").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct WorkspaceStats {
    /// Clients on the roster (active, paused or archived).
    pub total_clients: i64,
    /// Clients with an active membership.
    pub active_clients: i64,
    /// Sessions that take place today (booked, completed or no-show).
    pub sessions_today: i64,
    /// Sessions that take place this week, Monday to Sunday.
    pub sessions_this_week: i64,
    /// Sessions of this month the client did not come to.
    pub no_shows_this_month: i64,
    /// Active clients with no session credits left.
    pub clients_without_credits: i64,
    /// Whether payments are taken through the platform; until then the money figures are 0.
    pub billing_enabled: bool,
    /// Payments received this month.
    pub revenue_this_month: crate::money::Money,
    /// Payments due and not yet received.
    pub pending_payments: crate::money::Money,
}

/// A domain module: it owns some routes under `/api/v1`, may run background jobs and can seed
/// demo data.
#[async_trait::async_trait]
pub trait Module: Send + Sync + 'static {
    /// Short name, e.g. `identity`.
    fn name(&self) -> &'static str;

    /// The catalogue key this module's routes answer to: while a tenant has that key inactive,
    /// every tenant-scoped route of the module answers 403 `module.disabled`. `None` for the
    /// platform's own modules, which are always on.
    fn catalog_key(&self) -> Option<&'static str> {
        None
    }

    /// Mounts the module's routes (relative to `/api/v1`) with their OpenAPI entries.
    fn configure(&self, cfg: &mut ServiceConfig<'_>);

    /// The background jobs this module runs beside the HTTP server (none by default).
    ///
    /// Called once while the application is built, and only on instances that run jobs
    /// (`RUN_JOBS`); the jobs start when the server starts serving and are drained when it stops.
    /// An error (a bad setting the jobs need) stops the start-up.
    fn jobs(&self, _ctx: &AppContext) -> Result<Vec<BackgroundJob>, JobSetupError> {
        Ok(Vec::new())
    }

    /// Erases what this module keeps about an account that is being deleted, inside the
    /// deletion's transaction. The account row itself and its memberships are identity's.
    async fn erase_account(
        &self,
        _txn: &sea_orm::DatabaseTransaction,
        _account: crate::ids::AccountId,
    ) -> Result<(), sea_orm::DbErr> {
        Ok(())
    }

    /// Adds this module's share of the demo tenant. Runs in module order; must be idempotent.
    async fn seed_demo(
        &self,
        _ctx: &AppContext,
        _options: &SeedOptions,
    ) -> Result<Vec<String>, crate::ApiError> {
        Ok(Vec::new())
    }

    /// Creates this module's defaults for a tenant that is being created (a gym's opening
    /// hours, say), inside the creation's transaction. `time_zone` is the tenant's IANA zone.
    async fn tenant_created(
        &self,
        _txn: &sea_orm::DatabaseTransaction,
        _tenant: crate::ids::TenantId,
        _time_zone: &str,
    ) -> Result<(), sea_orm::DbErr> {
        Ok(())
    }

    /// This module's business figures for a tenant, as the caller may see them (`None`: the
    /// module has none, or not for this caller's role). `GET /workspace` shows the first
    /// module's answer.
    async fn workspace_stats(
        &self,
        _ctx: &AppContext,
        _tenant: &crate::tenancy::Tenant,
    ) -> Result<Option<WorkspaceStats>, crate::ApiError> {
        Ok(None)
    }

    /// Whether this module lets `account` take a place (book a class, an appointment) in
    /// `tenant`. An error refuses the booking with its problem (billing will answer 402-style
    /// "no active membership" here); `Ok` lets it through. Every module is asked, in order.
    async fn check_booking_allowed(
        &self,
        _db: &sea_orm::DatabaseConnection,
        _tenant: crate::ids::TenantId,
        _account: crate::ids::AccountId,
    ) -> Result<(), crate::ApiError> {
        Ok(())
    }
}
