//! A person's goals, each with its progress computed from the measurements.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};

use palestra_core::openapi::TenantHeader;
use palestra_core::pagination::{Cursor, Page, PageQuery};
use palestra_core::time::TimeZone;
use palestra_core::{ApiError, ApiResult, AppContext, Authorized, Created, Json, Problem, Tenant};

use crate::access::{self, Mode};
use crate::entities::{GoalId, goal};
use crate::error::HealthError;
use crate::metrics;
use crate::permissions::{ReadProgress, WriteProgress};
use crate::repo;
use crate::views::{
    CreateGoalRequest, GoalQuery, GoalStatus, GoalView, UnitsQuery, UpdateGoalRequest, check_value,
    instant,
};

use super::viewer_units;

const PERSON: &str = "`me`, or the person's account id.";

async fn view(
    ctx: &AppContext,
    auth: &Tenant,
    row: goal::Model,
    units: Option<metrics::UnitSystem>,
) -> Result<GoalView, ApiError> {
    let latest = repo::latest_per_metric(
        &ctx.db,
        auth.id,
        palestra_core::ids::AccountId(row.account_id),
        std::slice::from_ref(&row.metric),
    )
    .await?;
    let units = viewer_units(ctx, auth, units).await?;
    let latest = latest.get(&row.metric);
    Ok(GoalView::new(row, latest, units, today(auth)))
}

/// Today in the tenant's time zone (deadlines are the tenant's calendar dates).
fn today(tenant: &Tenant) -> NaiveDate {
    let now = Utc::now();
    tenant
        .model
        .time_zone
        .parse::<TimeZone>()
        .map_or_else(|_| now.date_naive(), |tz| tz.local_date(now))
}

/// Set a goal on a metric for a person; its start is the latest measurement unless given.
#[utoipa::path(tag = "progress", security(("bearer" = ["health.progress.write"])),
    params(TenantHeader, ("person" = String, Path, description = PERSON), UnitsQuery),
    request_body = CreateGoalRequest,
    responses(
        (status = 201, description = "The goal with its progress.", body = GoalView),
        (status = 404, description = "No such person, or not one whose progress you keep.", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/progress/people/{person}/goals")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id))]
pub async fn create_goal(
    ctx: web::Data<AppContext>,
    auth: Authorized<WriteProgress>,
    person: web::Path<String>,
    query: web::Query<UnitsQuery>,
    body: Json<CreateGoalRequest>,
) -> ApiResult<Created<GoalView>> {
    let person = access::person(&ctx, &auth, &person, Mode::Write).await?;
    let request = body.into_inner();
    let metric = metrics::find(&request.metric)
        .ok_or_else(|| HealthError::UnknownMetric(request.metric.clone()))?;
    let mut errors = Vec::new();
    let target = check_value(
        &mut errors,
        "target_value",
        metric,
        request.target_value,
        request.unit.as_deref(),
    );
    let start = request.start_value.and_then(|v| {
        check_value(
            &mut errors,
            "start_value",
            metric,
            v,
            request.unit.as_deref(),
        )
    });
    let Some(target) = target else {
        return Err(ApiError::validation(errors));
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let start = match start {
        Some(start) => Some(start),
        None => repo::latest_per_metric(&ctx.db, auth.id, person, &[metric.key.to_owned()])
            .await?
            .remove(metric.key)
            .map(|m| m.value),
    };
    let now = instant(Utc::now());
    let row = goal::ActiveModel {
        id: Set(GoalId::new().uuid()),
        tenant_id: Set(auth.id.uuid()),
        account_id: Set(person.uuid()),
        metric: Set(metric.key.to_owned()),
        title: Set(request.title.map(|t| t.trim().to_owned())),
        start_value: Set(start),
        target_value: Set(target),
        deadline: Set(request.deadline),
        status: Set(GoalStatus::Active.as_str().to_owned()),
        created_by: Set(auth.account_id.uuid()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let row = goal::Entity::insert(row)
        .exec_with_returning(&ctx.db)
        .await?;
    let location = format!("/api/v1/progress/people/{person}/goals/{}", row.id);
    Ok(Created {
        location,
        body: view(&ctx, &auth.tenant, row, query.units).await?,
    })
}

/// A person's goals, newest first, each with its progress.
#[utoipa::path(tag = "progress", security(("bearer" = ["health.progress.read"])),
    params(TenantHeader, ("person" = String, Path, description = PERSON), GoalQuery),
    responses(
        (status = 200, description = "One page of goals.", body = Page<GoalView>),
        (status = 404, description = "No such person, or not one whose progress you see.", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/progress/people/{person}/goals")]
pub async fn list_goals(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadProgress>,
    person: web::Path<String>,
    query: web::Query<GoalQuery>,
) -> ApiResult<web::Json<Page<GoalView>>> {
    let person = access::person(&ctx, &auth, &person, Mode::Read).await?;
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    };
    let limit = page.limit()?;
    let cursor = page.cursor()?;
    let units = viewer_units(&ctx, &auth, query.units).await?;
    let rows = repo::list_goals(
        &ctx.db,
        auth.id,
        person,
        query.status.map(GoalStatus::as_str),
        cursor.as_ref(),
        limit + 1,
    )
    .await?;
    let mut keys: Vec<String> = rows.iter().map(|g| g.metric.clone()).collect();
    keys.sort_unstable();
    keys.dedup();
    let latest = repo::latest_per_metric(&ctx.db, auth.id, person, &keys).await?;
    let today = today(&auth.tenant);
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |g| Cursor {
            key: String::new(),
            id: g.id,
        },
        |g| {
            let latest = latest.get(&g.metric);
            GoalView::new(g, latest, units, today)
        },
    )))
}

/// One goal with its progress.
#[utoipa::path(tag = "progress", security(("bearer" = ["health.progress.read"])),
    params(TenantHeader, ("person" = String, Path, description = PERSON),
        ("id" = GoalId, Path, description = "The goal."), UnitsQuery),
    responses(
        (status = 200, description = "The goal.", body = GoalView),
        (status = 404, description = "No such person or goal.", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/progress/people/{person}/goals/{id}")]
pub async fn get_goal(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadProgress>,
    path: web::Path<(String, GoalId)>,
    query: web::Query<UnitsQuery>,
) -> ApiResult<web::Json<GoalView>> {
    let (person, id) = path.into_inner();
    let person = access::person(&ctx, &auth, &person, Mode::Read).await?;
    let row = repo::find_goal(&ctx.db, auth.id, person, id.uuid())
        .await?
        .ok_or(HealthError::GoalNotFound)?;
    Ok(web::Json(view(&ctx, &auth.tenant, row, query.units).await?))
}

/// Change a goal's target, deadline, title or status.
#[utoipa::path(tag = "progress", security(("bearer" = ["health.progress.write"])),
    params(TenantHeader, ("person" = String, Path, description = PERSON),
        ("id" = GoalId, Path, description = "The goal."), UnitsQuery),
    request_body = UpdateGoalRequest,
    responses(
        (status = 200, description = "The goal as it is now.", body = GoalView),
        (status = 404, description = "No such person or goal.", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/progress/people/{person}/goals/{id}")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id))]
pub async fn update_goal(
    ctx: web::Data<AppContext>,
    auth: Authorized<WriteProgress>,
    path: web::Path<(String, GoalId)>,
    query: web::Query<UnitsQuery>,
    body: Json<UpdateGoalRequest>,
) -> ApiResult<web::Json<GoalView>> {
    let (person, id) = path.into_inner();
    let person = access::person(&ctx, &auth, &person, Mode::Write).await?;
    let row = repo::find_goal(&ctx.db, auth.id, person, id.uuid())
        .await?
        .ok_or(HealthError::GoalNotFound)?;
    let request = body.into_inner();
    let mut active = row.clone().into_active_model();
    if let Some(target) = request.target_value {
        let metric = metrics::find(&row.metric)
            .ok_or_else(|| HealthError::UnknownMetric(row.metric.clone()))?;
        let mut errors = Vec::new();
        match check_value(
            &mut errors,
            "target_value",
            metric,
            target,
            request.unit.as_deref(),
        ) {
            Some(target) => active.target_value = Set(target),
            None => return Err(ApiError::validation(errors)),
        }
    }
    if let Some(deadline) = request.deadline {
        active.deadline = Set(Some(deadline));
    }
    if let Some(title) = request.title {
        active.title = Set(Some(title.trim().to_owned()));
    }
    if let Some(status) = request.status {
        active.status = Set(status.as_str().to_owned());
    }
    active.updated_at = Set(instant(Utc::now()));
    let row = active.update(&ctx.db).await?;
    Ok(web::Json(view(&ctx, &auth.tenant, row, query.units).await?))
}

/// Delete a goal.
#[utoipa::path(tag = "progress", security(("bearer" = ["health.progress.write"])),
    params(TenantHeader, ("person" = String, Path, description = PERSON),
        ("id" = GoalId, Path, description = "The goal.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, description = "No such person or goal.", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/progress/people/{person}/goals/{id}")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id))]
pub async fn delete_goal(
    ctx: web::Data<AppContext>,
    auth: Authorized<WriteProgress>,
    path: web::Path<(String, GoalId)>,
) -> ApiResult<HttpResponse> {
    let (person, id) = path.into_inner();
    let person = access::person(&ctx, &auth, &person, Mode::Write).await?;
    let row = repo::find_goal(&ctx.db, auth.id, person, id.uuid())
        .await?
        .ok_or(HealthError::GoalNotFound)?;
    goal::Entity::delete_by_id(row.id).exec(&ctx.db).await?;
    Ok(HttpResponse::NoContent().finish())
}
