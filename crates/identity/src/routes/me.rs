//! The caller's own account.

use actix_web::{get, web};

use palestra_core::{ApiResult, AppContext, AuthUser};

use crate::service;
use crate::views::AccountView;

/// The signed-in account.
#[utoipa::path(tag = "identity", security(("bearer" = [])),
    responses((status = 200, description = "The caller's account.", body = AccountView)))]
#[get("/me")]
pub async fn get_me(
    ctx: web::Data<AppContext>,
    user: AuthUser,
) -> ApiResult<web::Json<AccountView>> {
    let account = service::me(&ctx, user.account_id).await?;
    Ok(web::Json(account.into()))
}
