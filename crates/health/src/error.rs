//! The module's errors and their stable codes.

use actix_web::http::StatusCode;
use palestra_core::ApiError;
use palestra_core::error::DomainError;

/// What can go wrong with progress data.
#[derive(Debug, thiserror::Error)]
pub enum HealthError {
    /// The person does not exist here, or the caller may not see their progress: one answer
    /// for both, so nobody learns who is coached here.
    #[error("No such person here, or their progress is not yours to see.")]
    PersonNotFound,
    /// No such measurement for this person.
    #[error("No such measurement.")]
    MeasurementNotFound,
    /// No such goal for this person.
    #[error("No such goal.")]
    GoalNotFound,
    /// No such photo for this person.
    #[error("No such progress photo.")]
    PhotoNotFound,
    /// A metric key outside the catalogue (query string).
    #[error("Unknown metric `{0}`; GET /api/v1/progress/metrics lists them.")]
    UnknownMetric(String),
    /// `from` after `to`.
    #[error("`from` must not be after `to`.")]
    InvalidRange,
}

impl DomainError for HealthError {
    fn status(&self) -> StatusCode {
        match self {
            Self::PersonNotFound
            | Self::MeasurementNotFound
            | Self::GoalNotFound
            | Self::PhotoNotFound => StatusCode::NOT_FOUND,
            Self::UnknownMetric(_) | Self::InvalidRange => StatusCode::BAD_REQUEST,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::PersonNotFound => "health.person_not_found",
            Self::MeasurementNotFound => "health.measurement_not_found",
            Self::GoalNotFound => "health.goal_not_found",
            Self::PhotoNotFound => "health.photo_not_found",
            Self::UnknownMetric(_) => "health.unknown_metric",
            Self::InvalidRange => "health.invalid_range",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::PersonNotFound
            | Self::MeasurementNotFound
            | Self::GoalNotFound
            | Self::PhotoNotFound => "Not found",
            Self::UnknownMetric(_) => "Unknown metric",
            Self::InvalidRange => "Invalid range",
        }
    }
}

impl From<HealthError> for ApiError {
    fn from(error: HealthError) -> Self {
        error.into_api_error()
    }
}
