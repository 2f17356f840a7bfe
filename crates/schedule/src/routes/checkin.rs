//! QR check-in: a member's code (show it, rotate it) and the front desk's scan.

use actix_web::{get, post, web};
use chrono::Utc;
use sea_orm::EntityTrait;

use palestra_core::db::begin_write;
use palestra_core::entities::account;
use palestra_core::ids::AccountId;
use palestra_core::openapi::TenantHeader;
use palestra_core::{ApiError, ApiResult, AppContext, Authorized, Json, Problem, permission};

use crate::checkin::{self, CheckInCodeView, CheckInRequest, CheckInView};
use crate::entities::{booking, session};
use crate::error::ScheduleError;
use crate::ids::ClassSessionId;
use crate::repo;

permission!(
    /// Show and rotate one's own check-in code.
    OwnCheckInCode = "schedule.check_in.own_code"
);
permission!(
    /// Scan members' codes at the front desk.
    ScanCheckIn = "schedule.check_in.scan"
);

/// The caller's check-in code in this gym, to show as a QR code at the front desk.
#[utoipa::path(tag = "check-in", security(("bearer" = ["schedule.check_in.own_code"])), params(TenantHeader),
    responses((status = 200, description = "The current signed code.", body = CheckInCodeView)))]
#[get("/me/check-in-code")]
pub async fn get_check_in_code(
    ctx: web::Data<AppContext>,
    auth: Authorized<OwnCheckInCode>,
) -> ApiResult<web::Json<CheckInCodeView>> {
    Ok(web::Json(
        checkin::code_for(&ctx, auth.id, auth.account_id).await?,
    ))
}

/// Replace the caller's check-in code: every earlier code is refused from now on.
#[utoipa::path(tag = "check-in", security(("bearer" = ["schedule.check_in.own_code"])), params(TenantHeader),
    responses((status = 200, description = "The new signed code.", body = CheckInCodeView)))]
#[post("/me/check-in-code/rotate")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id, account = %auth.account_id))]
pub async fn rotate_check_in_code(
    ctx: web::Data<AppContext>,
    auth: Authorized<OwnCheckInCode>,
) -> ApiResult<web::Json<CheckInCodeView>> {
    checkin::rotate(&ctx.db, auth.id, auth.account_id, Utc::now()).await?;
    Ok(web::Json(
        checkin::code_for(&ctx, auth.id, auth.account_id).await?,
    ))
}

/// Check a member in with their scanned code (front desk).
///
/// Without `session_id`, the member's booked session starting within the check-in window is
/// marked attended. With it, their booking of that session is; a member without a booking
/// walks in and takes a place only if one is left.
#[utoipa::path(tag = "check-in", security(("bearer" = ["schedule.check_in.scan"])), params(TenantHeader),
    request_body = CheckInRequest,
    responses(
        (status = 200, description = "Checked in: the booking is attended.", body = CheckInView),
        (status = 404, description = "No such member or session here, or no booked session around now (`schedule.nothing_to_check_in`).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already checked in, the session is full (`schedule.session_full`), cancelled or over.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A code this server did not sign for this gym (`schedule.check_in_code_invalid`) or one replaced by a newer code (`schedule.check_in_code_revoked`).", body = Problem, content_type = "application/problem+json")))]
#[post("/check-in")]
#[tracing::instrument(skip_all, fields(tenant = %auth.id))]
pub async fn check_in(
    ctx: web::Data<AppContext>,
    auth: Authorized<ScanCheckIn>,
    body: Json<CheckInRequest>,
) -> ApiResult<web::Json<CheckInView>> {
    let request = body.into_inner();
    let tenant = auth.id;
    let claims = checkin::read_code(&ctx, tenant, &request.code).await?;
    let member = claims.account;
    palestra_core::tenancy::find_membership(&ctx.db, ctx.product.kind, member, tenant)
        .await
        .map_err(|_| ScheduleError::MemberNotFound)?;
    let full_name = account::Entity::find_by_id(member.uuid())
        .one(&ctx.db)
        .await?
        .map(|a| a.full_name)
        .unwrap_or_default();
    let now = Utc::now();

    let (row, starts_at) = match request.session_id {
        None => {
            let candidates =
                checkin::bookings_around(&ctx.db, tenant, member, now, checkin::window()).await?;
            let Some(found) = candidates
                .iter()
                .find(|b| b.status == booking::STATUS_BOOKED)
                .or(candidates.first())
            else {
                return Err(ScheduleError::NothingToCheckIn.into());
            };
            if found.status == booking::STATUS_ATTENDED {
                return Err(ScheduleError::AlreadyCheckedIn.into());
            }
            let session = repo::find_session(&ctx.db, tenant, ClassSessionId(found.session_id))
                .await?
                .ok_or(ScheduleError::SessionNotFound)?;
            if !checkin::mark_checked_in(&ctx.db, tenant, found.id, auth.account_id, now).await? {
                return Err(ScheduleError::AlreadyCheckedIn.into());
            }
            (found.clone(), session.starts_at)
        }
        Some(session_id) => {
            let session_id = ClassSessionId(session_id);
            let session = repo::find_session(&ctx.db, tenant, session_id)
                .await?
                .ok_or(ScheduleError::SessionNotFound)?;
            if session.status == session::STATUS_CANCELLED {
                return Err(ScheduleError::SessionCancelled.into());
            }
            if now >= session.ends_at {
                return Err(ScheduleError::SessionStarted.into());
            }
            match repo::active_booking(&ctx.db, tenant, session_id, member).await? {
                Some(existing) if existing.status == booking::STATUS_ATTENDED => {
                    return Err(ScheduleError::AlreadyCheckedIn.into());
                }
                Some(existing) => {
                    if !checkin::mark_checked_in(&ctx.db, tenant, existing.id, auth.account_id, now)
                        .await?
                    {
                        return Err(ScheduleError::AlreadyCheckedIn.into());
                    }
                    (existing, session.starts_at)
                }
                None => (
                    walk_in(&ctx, &auth, session_id, member).await?,
                    session.starts_at,
                ),
            }
        }
    };
    Ok(web::Json(CheckInView {
        booking_id: row.id,
        session_id: row.session_id,
        account_id: member.uuid(),
        full_name,
        starts_at,
        walk_in: row.walk_in,
        status: booking::STATUS_ATTENDED.to_owned(),
    }))
}

/// A walk-in: the booking hook first, then a place taken by a conditional update and the
/// attended booking written, in one write transaction.
async fn walk_in(
    ctx: &AppContext,
    auth: &Authorized<ScanCheckIn>,
    session: ClassSessionId,
    member: AccountId,
) -> Result<booking::Model, ApiError> {
    ctx.check_booking_allowed(auth.id, member).await?;
    let txn = begin_write(&ctx.db).await?;
    let inserted =
        repo::insert_walk_in(&txn, auth.id, session, member, auth.account_id, Utc::now()).await;
    match inserted {
        Ok(Some(row)) => {
            txn.commit().await?;
            Ok(row)
        }
        Ok(None) => {
            txn.rollback().await?;
            Err(ScheduleError::SessionFull.into())
        }
        Err(error) if repo::is_unique_violation(&error) => {
            txn.rollback().await?;
            Err(ScheduleError::AlreadyCheckedIn.into())
        }
        Err(error) => Err(error.into()),
    }
}
