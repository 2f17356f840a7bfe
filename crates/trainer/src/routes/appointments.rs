//! Appointments: booking (one or a recurring series), the agenda, rescheduling, cancelling,
//! completion, no-shows and notes.

use actix_web::middleware::from_fn;
use actix_web::{get, patch, post, web};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use palestra_core::idempotency::{IdempotencyKeyHeader, idempotent};
use palestra_core::openapi::TenantHeader;
use palestra_core::pagination::{Cursor, Page};
use palestra_core::scope::scoped;
use palestra_core::{
    ApiError, ApiResult, AppContext, Authorized, Created, FieldError, Json, Problem, Role, Tenant,
    permission,
};

use crate::appointments::{
    self, AppointmentView, BookRequest, Caller, CancelRequest, NotesRequest, Outcome,
    RecurringRequest, RecurringView, RescheduleRequest,
};
use crate::entities::appointment;

permission!(
    /// See appointments: all for staff, their own for a client.
    ReadAppointments = "trainer.appointments.read"
);
permission!(
    /// Book, move and cancel appointments (a client: their own).
    BookAppointments = "trainer.appointments.book"
);
permission!(
    /// Mark completion and no-shows, keep session notes.
    ManageAppointments = "trainer.appointments.manage"
);

fn caller(tenant: &Tenant) -> Caller {
    Caller {
        tenant: tenant.id,
        account: tenant.account_id,
        staff: tenant.role != Role::Member,
    }
}

/// Book an appointment: staff for a client, or a client for themself (self-bookable types,
/// within working hours, notice and horizon). The trainer's time, buffers included, is never
/// booked twice; a taken slot answers 409 `trainer.slot_taken` with `next_slots`.
#[utoipa::path(tag = "appointments", security(("bearer" = ["trainer.appointments.book"])), params(TenantHeader, IdempotencyKeyHeader),
    request_body = BookRequest,
    responses(
        (status = 201, description = "Booked.", body = AppointmentView),
        (status = 403, description = "A client booking a trainer-only type (`trainer.not_self_bookable`).", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such type or client (`trainer.type_not_found`, `trainer.client_not_found`).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The slot is taken (`trainer.slot_taken`, with `next_slots`), outside working hours, or the client has no credits (`trainer.no_credits`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Too soon, too far ahead, an archived type or inactive client, or invalid fields.", body = Problem, content_type = "application/problem+json")))]
#[post("/appointments", wrap = "from_fn(idempotent)")]
pub async fn book_appointment(
    ctx: web::Data<AppContext>,
    auth: Authorized<BookAppointments>,
    body: Json<BookRequest>,
) -> ApiResult<Created<AppointmentView>> {
    let model = appointments::book(&ctx.db, caller(&auth), &auth.model, body.into_inner()).await?;
    Ok(Created {
        location: format!("/api/v1/appointments/{}", model.id),
        body: model.into(),
    })
}

/// Book a recurring series (every N weeks at the same wall time, `count` times or `until` a
/// date) in one request; occurrences that cannot be booked are reported, the others booked.
#[utoipa::path(tag = "appointments", security(("bearer" = ["trainer.appointments.book"])), params(TenantHeader, IdempotencyKeyHeader),
    request_body = RecurringRequest,
    responses(
        (status = 201, description = "What was booked and what was skipped, with reasons.", body = RecurringView),
        (status = 403, description = "A client booking a trainer-only type.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such type or client.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (neither or both of `count` and `until`, …).", body = Problem, content_type = "application/problem+json")))]
#[post("/appointments/recurring", wrap = "from_fn(idempotent)")]
pub async fn book_recurring_appointments(
    ctx: web::Data<AppContext>,
    auth: Authorized<BookAppointments>,
    body: Json<RecurringRequest>,
) -> ApiResult<Created<RecurringView>> {
    let view = appointments::book_recurring(&ctx.db, caller(&auth), &auth.model, body.into_inner())
        .await?;
    Ok(Created {
        location: format!("/api/v1/appointments?series_id={}", view.series_id),
        body: view,
    })
}

/// Filters of the appointment list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AppointmentsQuery {
    /// Starts at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Starts before this instant.
    pub to: Option<DateTime<Utc>>,
    /// One client's (staff only; a client always sees their own).
    pub client_id: Option<Uuid>,
    /// One series.
    pub series_id: Option<Uuid>,
    /// One status.
    pub status: Option<String>,
    /// Items per page, 1 to 100 (default 50).
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Appointments in start order: all for staff, a client's own for a client.
#[utoipa::path(tag = "appointments", security(("bearer" = ["trainer.appointments.read"])), params(TenantHeader, AppointmentsQuery),
    responses(
        (status = 200, description = "One page, in start order.", body = Page<AppointmentView>),
        (status = 400, description = "A bad cursor or limit.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown status.", body = Problem, content_type = "application/problem+json")))]
#[get("/appointments")]
pub async fn list_appointments(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadAppointments>,
    query: web::Query<AppointmentsQuery>,
) -> ApiResult<web::Json<Page<AppointmentView>>> {
    let page = palestra_core::pagination::PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    };
    let limit = page.limit()?;
    let mut select = scoped::<appointment::Entity>(auth.id);
    if auth.role == Role::Member {
        select = select.filter(appointment::Column::ClientId.eq(auth.account_id.uuid()));
    } else if let Some(client) = query.client_id {
        select = select.filter(appointment::Column::ClientId.eq(client));
    }
    if let Some(series) = query.series_id {
        select = select.filter(appointment::Column::SeriesId.eq(series));
    }
    if let Some(status) = &query.status {
        if ![
            "booked",
            "cancelled",
            "late_cancelled",
            "completed",
            "no_show",
        ]
        .contains(&status.as_str())
        {
            return Err(ApiError::validation(vec![FieldError::new(
                "status",
                "invalid",
                "one of booked, cancelled, late_cancelled, completed, no_show",
            )]));
        }
        select = select.filter(appointment::Column::Status.eq(status.as_str()));
    }
    if let Some(from) = query.from {
        select = select.filter(appointment::Column::StartsAt.gte(from));
    }
    if let Some(to) = query.to {
        select = select.filter(appointment::Column::StartsAt.lt(to));
    }
    if let Some(cursor) = page.cursor()? {
        let after: DateTime<Utc> = cursor.key.parse().map_err(|_| {
            ApiError::bad_request(
                "request.invalid_cursor",
                "The cursor is not valid; start again without it.",
            )
        })?;
        select = select.filter(
            sea_orm::Condition::any()
                .add(appointment::Column::StartsAt.gt(after))
                .add(
                    sea_orm::Condition::all()
                        .add(appointment::Column::StartsAt.eq(after))
                        .add(appointment::Column::Id.gt(cursor.id)),
                ),
        );
    }
    let rows = select
        .order_by_asc(appointment::Column::StartsAt)
        .order_by_asc(appointment::Column::Id)
        .limit(limit + 1)
        .all(&ctx.db)
        .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |r| Cursor {
            key: r.starts_at.to_rfc3339(),
            id: r.id,
        },
        AppointmentView::from,
    )))
}

/// One appointment (a client: only their own).
#[utoipa::path(tag = "appointments", security(("bearer" = ["trainer.appointments.read"])), params(TenantHeader, ("id" = Uuid, Path, description = "The appointment.")),
    responses(
        (status = 200, description = "The appointment.", body = AppointmentView),
        (status = 404, description = "No such appointment for the caller (`trainer.appointment_not_found`).", body = Problem, content_type = "application/problem+json")))]
#[get("/appointments/{id}")]
pub async fn get_appointment(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadAppointments>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<AppointmentView>> {
    let model = appointments::find_visible(&ctx.db, caller(&auth), id.into_inner()).await?;
    Ok(web::Json(model.into()))
}

/// Cancel an appointment. A client's cancellation after the cut-off (the type's, else the
/// workspace's, 24 h by default) is `late_cancelled` and forfeits its credits; otherwise
/// credits come back. Staff cancellations are timely unless `late` says otherwise.
#[utoipa::path(tag = "appointments", security(("bearer" = ["trainer.appointments.book"])), params(TenantHeader, ("id" = Uuid, Path, description = "The appointment.")),
    request_body = CancelRequest,
    responses(
        (status = 200, description = "The cancelled appointment.", body = AppointmentView),
        (status = 404, description = "No such appointment for the caller.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not booked any more (`trainer.appointment_not_active`) or started (`trainer.appointment_started`).", body = Problem, content_type = "application/problem+json")))]
#[post("/appointments/{id}/cancel")]
pub async fn cancel_appointment(
    ctx: web::Data<AppContext>,
    auth: Authorized<BookAppointments>,
    id: web::Path<Uuid>,
    body: Json<CancelRequest>,
) -> ApiResult<web::Json<AppointmentView>> {
    let model = appointments::cancel(
        &ctx.db,
        caller(&auth),
        &auth.model,
        id.into_inner(),
        body.into_inner(),
    )
    .await?;
    Ok(web::Json(model.into()))
}

/// Move an appointment to another start (free, buffers included). A client moves their own,
/// before the cut-off, to a time they could book.
#[utoipa::path(tag = "appointments", security(("bearer" = ["trainer.appointments.book"])), params(TenantHeader, ("id" = Uuid, Path, description = "The appointment.")),
    request_body = RescheduleRequest,
    responses(
        (status = 200, description = "The moved appointment.", body = AppointmentView),
        (status = 404, description = "No such appointment for the caller.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The new time is taken (`trainer.slot_taken`, with `next_slots`), the cut-off passed, or the appointment is not booked.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Too soon or too far ahead.", body = Problem, content_type = "application/problem+json")))]
#[post("/appointments/{id}/reschedule")]
pub async fn reschedule_appointment(
    ctx: web::Data<AppContext>,
    auth: Authorized<BookAppointments>,
    id: web::Path<Uuid>,
    body: Json<RescheduleRequest>,
) -> ApiResult<web::Json<AppointmentView>> {
    let model = appointments::reschedule(
        &ctx.db,
        caller(&auth),
        &auth.model,
        id.into_inner(),
        body.into_inner(),
    )
    .await?;
    Ok(web::Json(model.into()))
}

/// Mark a started appointment as completed.
#[utoipa::path(tag = "appointments", security(("bearer" = ["trainer.appointments.manage"])), params(TenantHeader, ("id" = Uuid, Path, description = "The appointment.")),
    responses(
        (status = 200, description = "The appointment.", body = AppointmentView),
        (status = 404, description = "No such appointment.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not started yet, or not booked any more.", body = Problem, content_type = "application/problem+json")))]
#[post("/appointments/{id}/complete")]
pub async fn complete_appointment(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageAppointments>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<AppointmentView>> {
    let model =
        appointments::mark(&ctx.db, caller(&auth), id.into_inner(), Outcome::Completed).await?;
    Ok(web::Json(model.into()))
}

/// Mark a started appointment as a no-show (its credits are forfeited).
#[utoipa::path(tag = "appointments", security(("bearer" = ["trainer.appointments.manage"])), params(TenantHeader, ("id" = Uuid, Path, description = "The appointment.")),
    responses(
        (status = 200, description = "The appointment.", body = AppointmentView),
        (status = 404, description = "No such appointment.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not started yet, or not booked any more.", body = Problem, content_type = "application/problem+json")))]
#[post("/appointments/{id}/no-show")]
pub async fn no_show_appointment(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageAppointments>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<AppointmentView>> {
    let model =
        appointments::mark(&ctx.db, caller(&auth), id.into_inner(), Outcome::NoShow).await?;
    Ok(web::Json(model.into()))
}

/// Set an appointment's session notes.
#[utoipa::path(tag = "appointments", security(("bearer" = ["trainer.appointments.manage"])), params(TenantHeader, ("id" = Uuid, Path, description = "The appointment.")),
    request_body = NotesRequest,
    responses(
        (status = 200, description = "The appointment.", body = AppointmentView),
        (status = 404, description = "No such appointment.", body = Problem, content_type = "application/problem+json")))]
#[patch("/appointments/{id}")]
pub async fn update_appointment_notes(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageAppointments>,
    id: web::Path<Uuid>,
    body: Json<NotesRequest>,
) -> ApiResult<web::Json<AppointmentView>> {
    let model = appointments::set_notes(
        &ctx.db,
        caller(&auth),
        id.into_inner(),
        body.into_inner().notes,
    )
    .await?;
    Ok(web::Json(model.into()))
}
