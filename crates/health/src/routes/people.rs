//! The people whose progress the caller keeps (a trainer's members or clients).

use actix_web::{get, web};

use palestra_core::ids::AccountId;
use palestra_core::openapi::TenantHeader;
use palestra_core::pagination::{Cursor, Page, PageQuery};
use palestra_core::{ApiResult, AppContext, Authorized};

use crate::access;
use crate::permissions::ReadProgress;
use crate::views::PersonView;

/// The people whose progress the caller keeps besides their own, by name: in gym-api the
/// members assigned to the caller, in trainer-api (for staff) every client. Empty for members.
#[utoipa::path(tag = "progress", security(("bearer" = ["health.progress.read"])), params(TenantHeader, PageQuery),
    responses((status = 200, description = "One page of people.", body = Page<PersonView>)))]
#[get("/progress/people")]
pub async fn list_people(
    ctx: web::Data<AppContext>,
    auth: Authorized<ReadProgress>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<PersonView>>> {
    let limit = query.limit()?;
    let cursor = query.cursor()?;
    let rows = access::coached(&ctx, &auth, cursor.as_ref(), limit + 1).await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |(m, a)| Cursor {
            key: a.full_name.clone(),
            id: m.id,
        },
        |(_, a)| PersonView {
            account_id: AccountId(a.id),
            full_name: a.full_name,
            email: a.email,
            avatar_url: a.avatar_url,
        },
    )))
}
