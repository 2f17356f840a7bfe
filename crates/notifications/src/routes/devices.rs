//! The caller's devices: register one for push notifications, list them, read one, remove one.
//! Devices belong to an account, not a tenant, so these routes take no tenant header; another
//! account's device answers 404, exactly like one that does not exist.

use actix_web::{Either, HttpResponse, delete, get, post, web};
use chrono::Utc;

use palestra_core::pagination::{Cursor, Page, PageQuery};
use palestra_core::{ApiResult, AppContext, AuthUser, Created, Json, Problem};

use crate::entities::device::DeviceId;
use crate::error::NotificationsError;
use crate::repo::{self, NewDevice};
use crate::views::{DeviceView, RegisterDeviceRequest};

/// Register this device for the caller's push notifications.
///
/// Idempotent on the token: registering a token that is already known answers 200 with the same
/// device, now the caller's, with the platform and locale sent. Apps register at every start and
/// after every sign-in, so a shared or resold phone follows whoever uses it.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), request_body = RegisterDeviceRequest,
    responses(
        (status = 201, description = "A new device, registered to the caller.", body = DeviceView),
        (status = 200, description = "The token was already registered: the device is now the caller's.", body = DeviceView)))]
#[post("/me/devices")]
#[tracing::instrument(skip_all, fields(account = %user.account_id))]
pub async fn register_device(
    ctx: web::Data<AppContext>,
    user: AuthUser,
    body: Json<RegisterDeviceRequest>,
) -> ApiResult<Either<Created<DeviceView>, web::Json<DeviceView>>> {
    let request = body.into_inner();
    let (device, created) = repo::upsert_device(
        &ctx.db,
        NewDevice {
            account: user.account_id,
            platform: request.platform,
            token: request.token(),
            locale: request.locale(),
        },
        Utc::now(),
    )
    .await?;
    let view = DeviceView::from(device);
    Ok(if created {
        Either::Left(Created {
            location: format!("/api/v1/me/devices/{}", view.id),
            body: view,
        })
    } else {
        Either::Right(web::Json(view))
    })
}

/// The caller's devices, oldest registration first.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, description = "One page of the caller's devices.", body = Page<DeviceView>)))]
#[get("/me/devices")]
pub async fn list_devices(
    ctx: web::Data<AppContext>,
    user: AuthUser,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<DeviceView>>> {
    let limit = query.limit()?;
    let cursor = query.cursor()?;
    let rows = repo::list_devices(&ctx.db, user.account_id, cursor.as_ref(), limit).await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |device| Cursor {
            key: device.created_at.to_rfc3339(),
            id: device.id,
        },
        DeviceView::from,
    )))
}

/// One of the caller's devices.
#[utoipa::path(tag = "notifications", security(("bearer" = [])),
    params(("id" = DeviceId, Path, description = "The device.")),
    responses(
        (status = 200, description = "The device.", body = DeviceView),
        (status = 404, description = "The caller has no such device (`notifications.device_not_found`).", body = Problem, content_type = "application/problem+json")))]
#[get("/me/devices/{id}")]
pub async fn get_device(
    ctx: web::Data<AppContext>,
    user: AuthUser,
    id: web::Path<DeviceId>,
) -> ApiResult<web::Json<DeviceView>> {
    let device = repo::find_device(&ctx.db, user.account_id, id.into_inner())
        .await?
        .ok_or(NotificationsError::DeviceNotFound)?;
    Ok(web::Json(device.into()))
}

/// Stop sending push notifications to one of the caller's devices (apps call it at sign-out).
#[utoipa::path(tag = "notifications", security(("bearer" = [])),
    params(("id" = DeviceId, Path, description = "The device.")),
    responses(
        (status = 204, description = "The device is removed."),
        (status = 404, description = "The caller has no such device (`notifications.device_not_found`).", body = Problem, content_type = "application/problem+json")))]
#[delete("/me/devices/{id}")]
#[tracing::instrument(skip_all, fields(account = %user.account_id))]
pub async fn delete_device(
    ctx: web::Data<AppContext>,
    user: AuthUser,
    id: web::Path<DeviceId>,
) -> ApiResult<HttpResponse> {
    if repo::delete_device(&ctx.db, user.account_id, id.into_inner()).await? {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(NotificationsError::DeviceNotFound.into())
    }
}
