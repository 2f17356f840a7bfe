//! Request, query and response bodies of the progress routes.
//!
//! Values go out in the viewer's units: the `?units=` of the request, else the viewer's saved
//! preference, else metric. Each value carries its unit's symbol and UCUM code.

use chrono::{DateTime, Duration, NaiveDate, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use palestra_core::ids::AccountId;
use palestra_core::types::check_text;
use palestra_core::{FieldError, Validate};

use crate::entities::{GoalId, MeasurementId, PhotoId, goal, measurement, photo};
use crate::metrics::{self, Metric, UnitSystem};

/// The longest note, in characters.
pub const MAX_NOTE: usize = 1000;
/// The longest photo URL, in characters.
pub const MAX_URL: usize = 2048;
/// The most points a series returns (the newest ones in the range).
pub const MAX_POINTS: u64 = 1000;

/// Instants are kept to the microsecond, which both databases store exactly (cursors compare
/// them for equality).
pub fn instant(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(6)
}

fn errors_or_ok(errors: Vec<FieldError>) -> Result<(), Vec<FieldError>> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn check_metric(errors: &mut Vec<FieldError>, key: &str) -> Option<&'static Metric> {
    let found = metrics::find(key);
    if found.is_none() {
        errors.push(FieldError::new(
            "metric",
            "unknown_metric",
            "not in the catalogue; GET /api/v1/progress/metrics lists them",
        ));
    }
    found
}

/// Checks a value given in a unit against a metric; returns it in canonical units.
pub fn check_value(
    errors: &mut Vec<FieldError>,
    field: &str,
    metric: &Metric,
    value: f64,
    unit: Option<&str>,
) -> Option<f64> {
    match metric.read(value, unit) {
        Ok(canonical) => Some(canonical),
        Err((code, message)) => {
            let field = if matches!(code, "unknown_unit" | "incompatible_unit") {
                "unit"
            } else {
                field
            };
            errors.push(FieldError::new(field, code, message));
            None
        }
    }
}

fn check_instant(errors: &mut Vec<FieldError>, field: &str, at: Option<DateTime<Utc>>) {
    if let Some(at) = at {
        if at > Utc::now() + Duration::minutes(5) {
            errors.push(FieldError::new(
                field,
                "in_the_future",
                "must not be in the future",
            ));
        }
        if at.timestamp() < -2_208_988_800 {
            errors.push(FieldError::new(field, "too_old", "must be after 1900"));
        }
    }
}

fn check_note(errors: &mut Vec<FieldError>, note: Option<&str>) {
    if let Some(note) = note {
        check_text(errors, "note", note, 0, MAX_NOTE);
    }
}

/// Someone whose progress the caller keeps.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonView {
    /// Use it as `{person}` in the progress routes.
    pub account_id: AccountId,
    pub full_name: String,
    pub email: String,
    pub avatar_url: Option<String>,
}

/// A metric of the catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct MetricView {
    /// Stable key, used in every other route.
    #[schema(example = "weight")]
    pub key: &'static str,
    pub name: &'static str,
    /// LOINC code, where one exists.
    #[schema(example = "29463-7")]
    pub loinc: Option<&'static str>,
    /// The unit values are stored in (metric), and its UCUM code.
    pub unit: &'static str,
    pub ucum: &'static str,
    /// The unit imperial viewers see, and its UCUM code (the same as `unit` when the systems agree).
    pub imperial_unit: &'static str,
    pub imperial_ucum: &'static str,
    /// Accepted range, in `unit`.
    pub min: f64,
    pub max: f64,
}

impl From<&Metric> for MetricView {
    fn from(metric: &Metric) -> Self {
        let metric_unit = metric.unit_in(UnitSystem::Metric);
        let imperial = metric.unit_in(UnitSystem::Imperial);
        Self {
            key: metric.key,
            name: metric.name,
            loinc: metric.loinc,
            unit: metric_unit.symbol(),
            ucum: metric_unit.ucum(),
            imperial_unit: imperial.symbol(),
            imperial_ucum: imperial.ucum(),
            min: metric.min,
            max: metric.max,
        }
    }
}

/// Which units to answer in.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitsQuery {
    /// Overrides the viewer's saved preference for this request.
    pub units: Option<UnitSystem>,
}

/// Record a measurement.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMeasurementRequest {
    /// A metric key of the catalogue.
    #[schema(example = "weight")]
    pub metric: String,
    #[schema(example = 172.4)]
    pub value: f64,
    /// The unit of `value` (symbol or UCUM code: `kg`, `lb`, `cm`, `in`, …); the metric's metric
    /// unit when absent.
    #[schema(example = "lb")]
    pub unit: Option<String>,
    /// When it was measured (UTC); now when absent. Not in the future.
    pub measured_at: Option<DateTime<Utc>>,
    /// Up to 1000 characters.
    pub note: Option<String>,
}

impl Validate for CreateMeasurementRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Some(metric) = check_metric(&mut errors, &self.metric) {
            check_value(
                &mut errors,
                "value",
                metric,
                self.value,
                self.unit.as_deref(),
            );
        }
        check_instant(&mut errors, "measured_at", self.measured_at);
        check_note(&mut errors, self.note.as_deref());
        errors_or_ok(errors)
    }
}

/// Correct a measurement; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeasurementRequest {
    pub value: Option<f64>,
    /// The unit of `value`; needs `value`.
    pub unit: Option<String>,
    pub measured_at: Option<DateTime<Utc>>,
    /// A new note; an empty one removes it.
    pub note: Option<String>,
}

impl Validate for UpdateMeasurementRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.value.is_none() && self.measured_at.is_none() && self.note.is_none() {
            errors.push(FieldError::new(
                "",
                "empty",
                "give a value, measured_at or a note",
            ));
        }
        if self.unit.is_some() && self.value.is_none() {
            errors.push(FieldError::new(
                "unit",
                "needs_value",
                "a unit goes with a value",
            ));
        }
        check_instant(&mut errors, "measured_at", self.measured_at);
        check_note(&mut errors, self.note.as_deref());
        errors_or_ok(errors)
    }
}

/// A measurement, in the viewer's units.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeasurementView {
    pub id: MeasurementId,
    /// Whom it is about.
    pub person_id: AccountId,
    pub metric: String,
    pub value: f64,
    /// The unit of `value` and its UCUM code.
    pub unit: &'static str,
    pub ucum: &'static str,
    pub loinc: Option<&'static str>,
    pub measured_at: DateTime<Utc>,
    pub note: Option<String>,
    /// Who entered it: the person, or their trainer.
    pub recorded_by: AccountId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl MeasurementView {
    /// The view of a row in a system of units.
    pub fn new(row: measurement::Model, units: UnitSystem) -> Self {
        let metric = metrics::find(&row.metric);
        let unit = metric.map(|m| m.unit_in(units));
        Self {
            id: MeasurementId(row.id),
            person_id: AccountId(row.account_id),
            value: metric.map_or(row.value, |m| m.display(row.value, units)),
            unit: unit.map_or("", |u| u.symbol()),
            ucum: unit.map_or("", |u| u.ucum()),
            loinc: metric.and_then(|m| m.loinc),
            metric: row.metric,
            measured_at: row.measured_at,
            note: row.note,
            recorded_by: AccountId(row.recorded_by),
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// Filters and page of a person's measurements, newest first.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeasurementQuery {
    /// Only this metric.
    pub metric: Option<String>,
    /// Measured at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Measured at or before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Overrides the viewer's saved preference for this request.
    pub units: Option<UnitSystem>,
    /// Items per page, 1 to 100 (default 50).
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The series of one metric, for a chart.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SeriesQuery {
    /// The metric key.
    pub metric: String,
    /// From this instant (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// To this instant (inclusive).
    pub to: Option<DateTime<Utc>>,
    /// Overrides the viewer's saved preference for this request.
    pub units: Option<UnitSystem>,
}

/// One point of a series.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct PointView {
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// The value in the series' unit.
    pub value: f64,
}

/// A metric's values over time, oldest first, ready for a chart.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeriesView {
    pub person_id: AccountId,
    pub metric: &'static str,
    pub name: &'static str,
    pub loinc: Option<&'static str>,
    /// The unit of every value and its UCUM code.
    pub unit: &'static str,
    pub ucum: &'static str,
    /// Oldest first; at most 1000 (the newest ones in the range, see `truncated`).
    pub points: Vec<PointView>,
    /// Lowest and highest value of `points`.
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// The first and last points.
    pub first: Option<PointView>,
    pub latest: Option<PointView>,
    /// `latest - first`.
    pub change: Option<f64>,
    /// More than 1000 points fell in the range: the oldest were left out.
    pub truncated: bool,
}

/// A goal's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GoalStatus {
    /// Being worked on.
    Active,
    /// Marked achieved.
    Achieved,
    /// Given up.
    Abandoned,
}

impl GoalStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Achieved => "achieved",
            Self::Abandoned => "abandoned",
        }
    }

    /// Parses a stored name.
    pub fn parse(value: &str) -> Self {
        match value {
            "achieved" => Self::Achieved,
            "abandoned" => Self::Abandoned,
            _ => Self::Active,
        }
    }
}

/// Set a goal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGoalRequest {
    #[schema(example = "weight")]
    pub metric: String,
    #[schema(example = 160)]
    pub target_value: f64,
    /// The unit of `target_value` and `start_value`; the metric unit when absent.
    pub unit: Option<String>,
    /// Where the person starts; the latest measurement of the metric when absent (or, if there is
    /// none yet, the first one recorded later).
    pub start_value: Option<f64>,
    pub deadline: Option<NaiveDate>,
    /// Up to 200 characters.
    pub title: Option<String>,
}

impl Validate for CreateGoalRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Some(metric) = check_metric(&mut errors, &self.metric) {
            check_value(
                &mut errors,
                "target_value",
                metric,
                self.target_value,
                self.unit.as_deref(),
            );
            if let Some(start) = self.start_value {
                check_value(
                    &mut errors,
                    "start_value",
                    metric,
                    start,
                    self.unit.as_deref(),
                );
            }
        }
        if let Some(title) = &self.title {
            check_text(&mut errors, "title", title, 1, 200);
        }
        errors_or_ok(errors)
    }
}

/// Change a goal; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateGoalRequest {
    pub target_value: Option<f64>,
    /// The unit of `target_value`; needs it.
    pub unit: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub title: Option<String>,
    pub status: Option<GoalStatus>,
}

impl Validate for UpdateGoalRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.target_value.is_none()
            && self.deadline.is_none()
            && self.title.is_none()
            && self.status.is_none()
        {
            errors.push(FieldError::new(
                "",
                "empty",
                "give at least one field to change",
            ));
        }
        if self.unit.is_some() && self.target_value.is_none() {
            errors.push(FieldError::new(
                "unit",
                "needs_value",
                "a unit goes with target_value",
            ));
        }
        if let Some(title) = &self.title {
            check_text(&mut errors, "title", title, 1, 200);
        }
        errors_or_ok(errors)
    }
}

/// A goal with its progress, in the viewer's units.
#[derive(Debug, Serialize, ToSchema)]
pub struct GoalView {
    pub id: GoalId,
    pub person_id: AccountId,
    pub metric: String,
    pub title: Option<String>,
    pub unit: &'static str,
    pub ucum: &'static str,
    /// Where the person started; absent until there is a measurement.
    pub start_value: Option<f64>,
    pub target_value: f64,
    /// The latest measurement of the metric, and when it was taken.
    pub latest_value: Option<f64>,
    pub latest_at: Option<DateTime<Utc>>,
    /// How far from start to target the latest value is, 0 to 100; absent without a start or
    /// a measurement.
    pub progress_percent: Option<f64>,
    /// The latest value has reached the target (in the goal's direction).
    pub target_reached: bool,
    pub deadline: Option<NaiveDate>,
    /// Active, not reached, and the deadline is past in the tenant's time zone.
    pub overdue: bool,
    pub status: GoalStatus,
    pub created_by: AccountId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The progress of a goal from its start, target and latest value (canonical units).
pub fn progress(start: Option<f64>, target: f64, latest: Option<f64>) -> (Option<f64>, bool) {
    let Some(latest) = latest else {
        return (None, false);
    };
    let Some(start) = start else {
        return (None, false);
    };
    let span = target - start;
    if span.abs() < 1e-9 {
        let reached = (latest - target).abs() < 1e-9;
        return (Some(if reached { 100.0 } else { 0.0 }), reached);
    }
    let percent = ((latest - start) / span * 100.0).clamp(0.0, 100.0);
    let reached = if span > 0.0 {
        latest >= target
    } else {
        latest <= target
    };
    (Some((percent * 10.0).round() / 10.0), reached)
}

impl GoalView {
    /// The view of a goal with the latest measurement of its metric.
    ///
    /// `today` is the date in the tenant's time zone, for `overdue`.
    pub fn new(
        row: goal::Model,
        latest: Option<&measurement::Model>,
        units: UnitSystem,
        today: NaiveDate,
    ) -> Self {
        let metric = metrics::find(&row.metric);
        let unit = metric.map(|m| m.unit_in(units));
        let show = |v: f64| metric.map_or(v, |m| m.display(v, units));
        let (progress_percent, target_reached) =
            progress(row.start_value, row.target_value, latest.map(|m| m.value));
        Self {
            id: GoalId(row.id),
            person_id: AccountId(row.account_id),
            title: row.title,
            unit: unit.map_or("", |u| u.symbol()),
            ucum: unit.map_or("", |u| u.ucum()),
            start_value: row.start_value.map(show),
            target_value: show(row.target_value),
            latest_value: latest.map(|m| show(m.value)),
            latest_at: latest.map(|m| m.measured_at),
            progress_percent,
            target_reached,
            overdue: GoalStatus::parse(&row.status) == GoalStatus::Active
                && !target_reached
                && row.deadline.is_some_and(|d| d < today),
            deadline: row.deadline,
            status: GoalStatus::parse(&row.status),
            metric: row.metric,
            created_by: AccountId(row.created_by),
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// Filters and page of a person's goals, newest first.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GoalQuery {
    /// Only this status.
    pub status: Option<GoalStatus>,
    /// Overrides the viewer's saved preference for this request.
    pub units: Option<UnitSystem>,
    /// Items per page, 1 to 100 (default 50).
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// How a progress photo was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Pose {
    Front,
    Side,
    Back,
    #[default]
    Other,
}

impl Pose {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Front => "front",
            Self::Side => "side",
            Self::Back => "back",
            Self::Other => "other",
        }
    }

    /// Parses a stored name.
    pub fn parse(value: &str) -> Self {
        match value {
            "front" => Self::Front,
            "side" => Self::Side,
            "back" => Self::Back,
            _ => Self::Other,
        }
    }
}

/// Record a progress photo (the picture is already stored at `url`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePhotoRequest {
    /// An `https://` (or `http://`) URL, up to 2048 characters.
    #[schema(example = "https://cdn.example.com/p/123.jpg")]
    pub url: String,
    #[serde(default)]
    pub pose: Pose,
    /// When it was taken (UTC); now when absent.
    pub taken_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

impl Validate for CreatePhotoRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let url = self.url.trim();
        let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
        let host_ok = url
            .split_once("://")
            .is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with('/'));
        if !scheme_ok || !host_ok || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            errors.push(FieldError::new(
                "url",
                "invalid_url",
                "must be an http(s) URL",
            ));
        } else {
            check_text(&mut errors, "url", url, 1, MAX_URL);
        }
        check_instant(&mut errors, "taken_at", self.taken_at);
        check_note(&mut errors, self.note.as_deref());
        errors_or_ok(errors)
    }
}

/// A progress photo's record.
#[derive(Debug, Serialize, ToSchema)]
pub struct PhotoView {
    pub id: PhotoId,
    pub person_id: AccountId,
    pub url: String,
    pub pose: Pose,
    pub taken_at: DateTime<Utc>,
    pub note: Option<String>,
    pub recorded_by: AccountId,
    pub created_at: DateTime<Utc>,
}

impl From<photo::Model> for PhotoView {
    fn from(row: photo::Model) -> Self {
        Self {
            id: PhotoId(row.id),
            person_id: AccountId(row.account_id),
            url: row.url,
            pose: Pose::parse(&row.pose),
            taken_at: row.taken_at,
            note: row.note,
            recorded_by: AccountId(row.recorded_by),
            created_at: row.created_at,
        }
    }
}

/// A page of a person's photos, newest first.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PhotoQuery {
    /// Taken at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Taken at or before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Items per page, 1 to 100 (default 50).
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_goes_from_start_to_target_in_either_direction() {
        assert_eq!(progress(Some(90.0), 80.0, Some(85.0)), (Some(50.0), false));
        assert_eq!(progress(Some(90.0), 80.0, Some(79.0)), (Some(100.0), true));
        assert_eq!(progress(Some(90.0), 80.0, Some(95.0)), (Some(0.0), false));
        assert_eq!(progress(Some(40.0), 50.0, Some(45.0)), (Some(50.0), false));
        assert_eq!(progress(None, 50.0, Some(45.0)), (None, false));
        assert_eq!(progress(Some(40.0), 50.0, None), (None, false));
        assert_eq!(progress(Some(50.0), 50.0, Some(50.0)), (Some(100.0), true));
    }
}
