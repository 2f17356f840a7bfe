//! The module's HTTP routes, one file per resource. Every route about a person's data takes
//! `{person}`: `me`, or the person's account id, resolved by [`crate::access`].

pub mod goals;
pub mod measurements;
pub mod metrics;
pub mod people;
pub mod photos;
pub mod series;

use chrono::{DateTime, Utc};
use utoipa_actix_web::service_config::ServiceConfig;

use palestra_core::pagination::Cursor;
use palestra_core::{ApiError, AppContext, Tenant};

use crate::error::HealthError;
use crate::metrics::UnitSystem;
use crate::repo::{self, Range};

/// Mounts every route of the module.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(metrics::list_metrics)
        .service(people::list_people)
        .service(measurements::create_measurement)
        .service(measurements::list_measurements)
        .service(measurements::get_measurement)
        .service(measurements::update_measurement)
        .service(measurements::delete_measurement)
        .service(series::get_series)
        .service(goals::create_goal)
        .service(goals::list_goals)
        .service(goals::get_goal)
        .service(goals::update_goal)
        .service(goals::delete_goal)
        .service(photos::create_photo)
        .service(photos::list_photos)
        .service(photos::get_photo)
        .service(photos::delete_photo);
}

/// The units to answer in: the request's, else the caller's account preference (`PATCH /me`).
pub(crate) async fn viewer_units(
    ctx: &AppContext,
    caller: &Tenant,
    requested: Option<UnitSystem>,
) -> Result<UnitSystem, ApiError> {
    match requested {
        Some(units) => Ok(units),
        None => Ok(repo::preferred_units(&ctx.db, caller.account_id).await?),
    }
}

/// A checked `from`/`to` range.
pub(crate) fn range(
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> Result<Range, ApiError> {
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(HealthError::InvalidRange.into());
    }
    Ok(Range { from, to })
}

/// A keyset cursor of (instant, id).
pub(crate) fn instant_cursor(
    cursor: Option<Cursor>,
) -> Result<Option<(DateTime<Utc>, uuid::Uuid)>, ApiError> {
    cursor
        .map(|c| {
            DateTime::parse_from_rfc3339(&c.key)
                .map(|at| (at.with_timezone(&Utc), c.id))
                .map_err(|_| {
                    ApiError::bad_request(
                        "request.invalid_cursor",
                        "The cursor is not valid; start again without it.",
                    )
                })
        })
        .transpose()
}

/// The cursor of a row ordered by (instant, id).
pub(crate) fn cursor_of(at: DateTime<Utc>, id: uuid::Uuid) -> Cursor {
    Cursor {
        key: at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        id,
    }
}
