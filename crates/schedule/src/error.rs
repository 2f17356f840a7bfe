//! The schedule's errors and their stable codes.

use actix_web::http::StatusCode;
use chrono::{DateTime, Utc};
use palestra_core::ApiError;
use palestra_core::error::DomainError;
use serde_json::json;

/// What can go wrong with classes, sessions, bookings and the waitlist.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    /// No such category in this gym.
    #[error("No such category in this gym.")]
    CategoryNotFound,
    /// Another category has this name.
    #[error("A category with this name already exists.")]
    CategoryNameTaken,
    /// No such class in this gym.
    #[error("No such class in this gym.")]
    ClassNotFound,
    /// Sessions cannot be scheduled for an inactive class.
    #[error("This class is inactive; activate it before scheduling sessions.")]
    ClassInactive,
    /// The named trainer does not hold the trainer role here.
    #[error("The trainer must hold the trainer role in this gym.")]
    TrainerNotEligible,
    /// No such session in this gym.
    #[error("No such session in this gym.")]
    SessionNotFound,
    /// No such series in this gym.
    #[error("No such recurring series in this gym.")]
    SeriesNotFound,
    /// The session has started (or ended).
    #[error("The session has already started.")]
    SessionStarted,
    /// The session has not started yet (no-show is for after the start).
    #[error("The session has not started yet.")]
    SessionNotStarted,
    /// Booking opens later.
    #[error("Booking for this session opens at {0}.")]
    BookingWindowClosed(DateTime<Utc>),
    /// The session is cancelled.
    #[error("The session is cancelled.")]
    SessionCancelled,
    /// No place left.
    #[error("The session is full; join its waitlist instead.")]
    SessionFull,
    /// The member already holds a place.
    #[error("This member already has a booking for this session.")]
    AlreadyBooked,
    /// No such booking here.
    #[error("No such booking.")]
    BookingNotFound,
    /// The booking is cancelled already.
    #[error("This booking is no longer active.")]
    BookingNotActive,
    /// The member named is not an active member of the gym.
    #[error("No active member of this gym has this account.")]
    MemberNotFound,
    /// Places are left: book instead of waiting.
    #[error("The session still has places; book one instead.")]
    SessionNotFull,
    /// The waitlist has closed.
    #[error("The waitlist of this session has closed.")]
    WaitlistClosed,
    /// Already in line.
    #[error("This member is already on the waitlist.")]
    AlreadyWaitlisted,
    /// Not in line.
    #[error("This member is not on the waitlist.")]
    NotWaitlisted,
    /// A capacity below the places already taken.
    #[error("The capacity cannot go below the {0} places already booked.")]
    CapacityBelowBooked(i32),
    /// A session starting in the past.
    #[error("A session cannot be scheduled to start in the past.")]
    StartsInPast,
    /// The series is cancelled.
    #[error("This series is cancelled.")]
    SeriesCancelled,
    /// The caller's own membership does not allow booking (paused).
    #[error("Your membership here is not active, so you cannot book.")]
    MembershipInactive,
    // Opening hours, check-in and calendar feeds.
    /// No such special day in this gym.
    #[error("No such special day in this gym.")]
    SpecialDayNotFound,
    /// Another special day has this date.
    #[error("This date already has a special day; change that one instead.")]
    SpecialDayExists,
    /// A check-in code that this server did not sign (or not for this gym).
    #[error("This check-in code is not valid here.")]
    CheckInCodeInvalid,
    /// A check-in code replaced by a newer one.
    #[error("This check-in code was replaced by a newer one; show the current code.")]
    CheckInCodeRevoked,
    /// No session of the member to check in to.
    #[error(
        "No booked session of this member starts around now; name the session to take a walk-in place."
    )]
    NothingToCheckIn,
    /// The member was checked in already.
    #[error("This member is already checked in to this session.")]
    AlreadyCheckedIn,
    /// An unknown or rotated calendar feed.
    #[error("No such calendar feed.")]
    CalendarFeedNotFound,
}

impl DomainError for ScheduleError {
    fn status(&self) -> StatusCode {
        match self {
            Self::CategoryNotFound
            | Self::ClassNotFound
            | Self::SessionNotFound
            | Self::SeriesNotFound
            | Self::BookingNotFound
            | Self::MemberNotFound
            | Self::NotWaitlisted => StatusCode::NOT_FOUND,
            Self::MembershipInactive => StatusCode::FORBIDDEN,
            Self::ClassInactive | Self::TrainerNotEligible | Self::StartsInPast => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::CategoryNameTaken
            | Self::SessionStarted
            | Self::SessionNotStarted
            | Self::BookingWindowClosed(_)
            | Self::SessionCancelled
            | Self::SessionFull
            | Self::AlreadyBooked
            | Self::BookingNotActive
            | Self::SessionNotFull
            | Self::WaitlistClosed
            | Self::AlreadyWaitlisted
            | Self::CapacityBelowBooked(_)
            | Self::SeriesCancelled => StatusCode::CONFLICT,
            Self::SpecialDayNotFound | Self::NothingToCheckIn | Self::CalendarFeedNotFound => {
                StatusCode::NOT_FOUND
            }
            Self::SpecialDayExists | Self::AlreadyCheckedIn => StatusCode::CONFLICT,
            Self::CheckInCodeInvalid | Self::CheckInCodeRevoked => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::CategoryNotFound => "schedule.category_not_found",
            Self::CategoryNameTaken => "schedule.category_name_taken",
            Self::ClassNotFound => "schedule.class_not_found",
            Self::ClassInactive => "schedule.class_inactive",
            Self::TrainerNotEligible => "schedule.trainer_not_eligible",
            Self::SessionNotFound => "schedule.session_not_found",
            Self::SeriesNotFound => "schedule.series_not_found",
            Self::SessionStarted => "schedule.session_started",
            Self::SessionNotStarted => "schedule.session_not_started",
            Self::BookingWindowClosed(_) => "schedule.booking_window_closed",
            Self::SessionCancelled => "schedule.session_cancelled",
            Self::SessionFull => "schedule.session_full",
            Self::AlreadyBooked => "schedule.already_booked",
            Self::BookingNotFound => "schedule.booking_not_found",
            Self::BookingNotActive => "schedule.booking_not_active",
            Self::MemberNotFound => "schedule.member_not_found",
            Self::SessionNotFull => "schedule.session_not_full",
            Self::WaitlistClosed => "schedule.waitlist_closed",
            Self::AlreadyWaitlisted => "schedule.already_waitlisted",
            Self::NotWaitlisted => "schedule.not_waitlisted",
            Self::CapacityBelowBooked(_) => "schedule.capacity_below_booked",
            Self::StartsInPast => "schedule.starts_in_past",
            Self::SeriesCancelled => "schedule.series_cancelled",
            Self::MembershipInactive => "schedule.membership_inactive",
            Self::SpecialDayNotFound => "schedule.special_day_not_found",
            Self::SpecialDayExists => "schedule.special_day_exists",
            Self::CheckInCodeInvalid => "schedule.check_in_code_invalid",
            Self::CheckInCodeRevoked => "schedule.check_in_code_revoked",
            Self::NothingToCheckIn => "schedule.nothing_to_check_in",
            Self::AlreadyCheckedIn => "schedule.already_checked_in",
            Self::CalendarFeedNotFound => "schedule.calendar_feed_not_found",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::CategoryNotFound
            | Self::ClassNotFound
            | Self::SessionNotFound
            | Self::SeriesNotFound
            | Self::BookingNotFound
            | Self::MemberNotFound
            | Self::NotWaitlisted => "Not found",
            Self::ClassInactive | Self::TrainerNotEligible | Self::StartsInPast => {
                "Invalid schedule"
            }
            Self::SpecialDayNotFound | Self::NothingToCheckIn | Self::CalendarFeedNotFound => {
                "Not found"
            }
            Self::CheckInCodeInvalid | Self::CheckInCodeRevoked => "Check-in code refused",
            Self::SessionFull => "Session full",
            Self::MembershipInactive => "Forbidden",
            Self::BookingWindowClosed(_) => "Booking not open yet",
            _ => "Conflict",
        }
    }
}

impl From<ScheduleError> for ApiError {
    fn from(error: ScheduleError) -> Self {
        let extra = match &error {
            ScheduleError::BookingWindowClosed(opens_at) => Some(("opens_at", json!(opens_at))),
            _ => None,
        };
        let api = error.into_api_error();
        match extra {
            Some((key, value)) => api.with_extension(key, value),
            None => api,
        }
    }
}
