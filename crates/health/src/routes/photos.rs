//! A person's progress photos (records with a URL; the same privacy as measurements).

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::Utc;
use sea_orm::{ActiveValue::Set, EntityTrait};

use palestra_core::openapi::TenantHeader;
use palestra_core::pagination::{Page, PageQuery};
use palestra_core::{ApiResult, AppContext, Authorized, Created, Json, Problem};

use crate::access::{self, Mode};
use crate::entities::{PhotoId, photo};
use crate::error::HealthError;
use crate::permissions::{ReadProgress, WriteProgress};
use crate::repo;
use crate::views::{CreatePhotoRequest, PhotoQuery, PhotoView, instant};

use super::{cursor_of, instant_cursor, range};

const PERSON: &str = "`me`, or the person's account id.";

/// Record a progress photo already stored at a URL.
#[utoipa::path(tag = "progress", security(("bearer" = ["health.progress.write"])),
    params(TenantHeader, ("person" = String, Path, description = PERSON)),
    request_body = CreatePhotoRequest,
    responses(
        (status = 201, description = "Recorded.", body = PhotoView),
        (status = 404, description = "No such person, or not one whose progress you keep.", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/progress/people/{person}/photos")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id))]
pub async fn create_photo(
    ctx: web::Data<AppContext>,
    auth: Authorized<WriteProgress>,
    person: web::Path<String>,
    body: Json<CreatePhotoRequest>,
) -> ApiResult<Created<PhotoView>> {
    let person = access::person(&ctx, &auth, &person, Mode::Write).await?;
    let request = body.into_inner();
    let now = instant(Utc::now());
    let row = photo::ActiveModel {
        id: Set(PhotoId::new().uuid()),
        tenant_id: Set(auth.id.uuid()),
        account_id: Set(person.uuid()),
        url: Set(request.url.trim().to_owned()),
        pose: Set(request.pose.as_str().to_owned()),
        taken_at: Set(request.taken_at.map_or(now, instant)),
        note: Set(request
            .note
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())),
        recorded_by: Set(auth.account_id.uuid()),
        created_at: Set(now),
    };
    let row = photo::Entity::insert(row)
        .exec_with_returning(&ctx.db)
        .await?;
    Ok(Created {
        location: format!("/api/v1/progress/people/{person}/photos/{}", row.id),
        body: row.into(),
    })
}

/// A person's progress photos, newest first.
#[utoipa::path(tag = "progress", security(("bearer" = ["health.progress.read"])),
    params(TenantHeader, ("person" = String, Path, description = PERSON), PhotoQuery),
    responses(
        (status = 200, description = "One page of photos.", body = Page<PhotoView>),
        (status = 404, description = "No such person, or not one whose progress you see.", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/progress/people/{person}/photos")]
pub async fn list_photos(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadProgress>,
    person: web::Path<String>,
    query: web::Query<PhotoQuery>,
) -> ApiResult<web::Json<Page<PhotoView>>> {
    let person = access::person(&ctx, &auth, &person, Mode::Read).await?;
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    };
    let limit = page.limit()?;
    let cursor = instant_cursor(page.cursor()?)?;
    let range = range(query.from, query.to)?;
    let rows = repo::list_photos(&ctx.db, auth.id, person, range, cursor, limit + 1).await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |row| cursor_of(row.taken_at, row.id),
        PhotoView::from,
    )))
}

/// One progress photo.
#[utoipa::path(tag = "progress", security(("bearer" = ["health.progress.read"])),
    params(TenantHeader, ("person" = String, Path, description = PERSON),
        ("id" = PhotoId, Path, description = "The photo.")),
    responses(
        (status = 200, description = "The photo.", body = PhotoView),
        (status = 404, description = "No such person or photo.", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/progress/people/{person}/photos/{id}")]
pub async fn get_photo(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadProgress>,
    path: web::Path<(String, PhotoId)>,
) -> ApiResult<web::Json<PhotoView>> {
    let (person, id) = path.into_inner();
    let person = access::person(&ctx, &auth, &person, Mode::Read).await?;
    let row = repo::find_photo(&ctx.db, auth.id, person, id.uuid())
        .await?
        .ok_or(HealthError::PhotoNotFound)?;
    Ok(web::Json(row.into()))
}

/// Delete a progress photo's record.
#[utoipa::path(tag = "progress", security(("bearer" = ["health.progress.write"])),
    params(TenantHeader, ("person" = String, Path, description = PERSON),
        ("id" = PhotoId, Path, description = "The photo.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, description = "No such person or photo.", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/progress/people/{person}/photos/{id}")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id))]
pub async fn delete_photo(
    ctx: web::Data<AppContext>,
    auth: Authorized<WriteProgress>,
    path: web::Path<(String, PhotoId)>,
) -> ApiResult<HttpResponse> {
    let (person, id) = path.into_inner();
    let person = access::person(&ctx, &auth, &person, Mode::Write).await?;
    let row = repo::find_photo(&ctx.db, auth.id, person, id.uuid())
        .await?
        .ok_or(HealthError::PhotoNotFound)?;
    photo::Entity::delete_by_id(row.id).exec(&ctx.db).await?;
    Ok(HttpResponse::NoContent().finish())
}
