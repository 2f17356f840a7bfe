//! A metric's values over time, for a chart.

use actix_web::{get, web};

use palestra_core::openapi::TenantHeader;
use palestra_core::{ApiResult, AppContext, Authorized, Problem};

use crate::access::{self, Mode};
use crate::error::HealthError;
use crate::metrics;
use crate::permissions::ReadProgress;
use crate::repo;
use crate::views::{MAX_POINTS, PointView, SeriesQuery, SeriesView};

use super::{range, viewer_units};

/// A person's values of one metric over time (oldest first, UTC, in the viewer's units), with
/// their minimum, maximum, first, latest and change: ready for a chart.
///
/// At most 1000 points: when more fall in the range, the newest 1000 come and `truncated` is
/// true.
#[utoipa::path(tag = "progress", security(("bearer" = ["health.progress.read"])),
    params(TenantHeader, ("person" = String, Path, description = "`me`, or the person's account id."), SeriesQuery),
    responses(
        (status = 200, description = "The series.", body = SeriesView),
        (status = 400, description = "Unknown metric (`health.unknown_metric`) or `from` after `to` (`health.invalid_range`).", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person, or not one whose progress you see.", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/progress/people/{person}/series")]
pub async fn get_series(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadProgress>,
    person: web::Path<String>,
    query: web::Query<SeriesQuery>,
) -> ApiResult<web::Json<SeriesView>> {
    let person = access::person(&ctx, &auth, &person, Mode::Read).await?;
    let metric = metrics::find(&query.metric)
        .ok_or_else(|| HealthError::UnknownMetric(query.metric.clone()))?;
    let range = range(query.from, query.to)?;
    let units = viewer_units(&ctx, &auth, query.units).await?;
    let mut rows =
        repo::series(&ctx.db, auth.id, person, metric.key, range, MAX_POINTS + 1).await?;
    let truncated = rows.len() as u64 > MAX_POINTS;
    rows.truncate(usize::try_from(MAX_POINTS).unwrap_or(usize::MAX));
    rows.reverse();
    let points: Vec<PointView> = rows
        .iter()
        .map(|row| PointView {
            at: row.measured_at,
            value: metric.display(row.value, units),
        })
        .collect();
    let min = points.iter().map(|p| p.value).reduce(f64::min);
    let max = points.iter().map(|p| p.value).reduce(f64::max);
    let first = points.first().copied();
    let latest = points.last().copied();
    let unit = metric.unit_in(units);
    Ok(web::Json(SeriesView {
        person_id: person,
        metric: metric.key,
        name: metric.name,
        loinc: metric.loinc,
        unit: unit.symbol(),
        ucum: unit.ucum(),
        change: first
            .zip(latest)
            .map(|(a, b)| metrics::round(b.value - a.value)),
        first,
        latest,
        min,
        max,
        points,
        truncated,
    }))
}
