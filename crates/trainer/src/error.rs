//! The trainer module's errors (clients, availability, appointments) and their stable codes.
//! Credits have their own, in `credits.rs`.

use actix_web::http::StatusCode;
use palestra_core::ApiError;
use palestra_core::error::DomainError;

/// What can go wrong with clients, availability and appointments.
#[derive(Debug, thiserror::Error)]
pub enum TrainerError {
    /// No such appointment type here.
    #[error("No such appointment type in this workspace.")]
    TypeNotFound,
    /// The type is archived.
    #[error("This appointment type is archived; it takes no new appointments.")]
    TypeInactive,
    /// Clients may not book this type themselves.
    #[error("This appointment type is booked by the trainer only.")]
    NotSelfBookable,
    /// No such availability exception.
    #[error("No such availability exception in this workspace.")]
    ExceptionNotFound,
    /// No such appointment (or not the caller's).
    #[error("No such appointment.")]
    AppointmentNotFound,
    /// No such client.
    #[error("No client of this workspace has this id.")]
    ClientNotFound,
    /// The client may not book (archived or removed).
    #[error("This client's membership is not active, so they cannot book.")]
    ClientInactive,
    /// The slot is outside working hours.
    #[error("This time is outside the trainer's working hours.")]
    OutsideWorkingHours,
    /// Too close to now.
    #[error("This appointment type must be booked at least {0} minutes ahead.")]
    TooSoon(i32),
    /// Too far from now.
    #[error("This appointment type can be booked at most {0} days ahead.")]
    TooFarAhead(i32),
    /// The slot (with buffers) overlaps another appointment.
    #[error("The trainer is not free at this time (buffers included).")]
    SlotTaken,
    /// The appointment is cancelled or already marked.
    #[error("This appointment is no longer booked.")]
    AppointmentNotActive,
    /// The appointment has started.
    #[error("This appointment has already started.")]
    AppointmentStarted,
    /// The appointment has not started yet.
    #[error("This appointment has not started yet.")]
    AppointmentNotStarted,
    /// The client's cut-off has passed for a change.
    #[error("The change cut-off has passed; ask your trainer.")]
    CutOffPassed,
}

impl DomainError for TrainerError {
    fn status(&self) -> StatusCode {
        match self {
            Self::TypeNotFound
            | Self::ExceptionNotFound
            | Self::AppointmentNotFound
            | Self::ClientNotFound => StatusCode::NOT_FOUND,
            Self::NotSelfBookable => StatusCode::FORBIDDEN,
            Self::TypeInactive | Self::TooSoon(_) | Self::TooFarAhead(_) | Self::ClientInactive => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::OutsideWorkingHours
            | Self::SlotTaken
            | Self::AppointmentNotActive
            | Self::AppointmentStarted
            | Self::AppointmentNotStarted
            | Self::CutOffPassed => StatusCode::CONFLICT,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::TypeNotFound => "trainer.type_not_found",
            Self::TypeInactive => "trainer.type_inactive",
            Self::NotSelfBookable => "trainer.not_self_bookable",
            Self::ExceptionNotFound => "trainer.exception_not_found",
            Self::AppointmentNotFound => "trainer.appointment_not_found",
            Self::ClientNotFound => "trainer.client_not_found",
            Self::ClientInactive => "trainer.client_inactive",
            Self::OutsideWorkingHours => "trainer.outside_working_hours",
            Self::TooSoon(_) => "trainer.too_soon",
            Self::TooFarAhead(_) => "trainer.too_far_ahead",
            Self::SlotTaken => "trainer.slot_taken",
            Self::AppointmentNotActive => "trainer.appointment_not_active",
            Self::AppointmentStarted => "trainer.appointment_started",
            Self::AppointmentNotStarted => "trainer.appointment_not_started",
            Self::CutOffPassed => "trainer.cut_off_passed",
        }
    }

    fn title(&self) -> &'static str {
        match self.status() {
            StatusCode::NOT_FOUND => "Not found",
            StatusCode::FORBIDDEN => "Forbidden",
            StatusCode::CONFLICT => "Conflict",
            _ => "Unprocessable request",
        }
    }
}

impl From<TrainerError> for ApiError {
    fn from(error: TrainerError) -> Self {
        error.into_api_error()
    }
}
