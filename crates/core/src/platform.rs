//! The platform super-admin: a separate, explicit principal, not a tenant role. Granted only by
//! the command line (`<bin> admin grant --email …`).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use sea_orm::EntityTrait;

use crate::auth::AuthUser;
use crate::context::AppContext;
use crate::entities::account;
use crate::error::ApiError;

/// A caller who is a platform super-admin.
#[derive(Debug, Clone, Copy)]
pub struct PlatformAdmin(pub AuthUser);

impl FromRequest for PlatformAdmin {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let user = AuthUser::from_http(req);
        let ctx = req.app_data::<web::Data<AppContext>>().cloned();
        Box::pin(async move {
            let user = user?;
            let ctx = ctx.ok_or_else(|| {
                ApiError::internal(std::io::Error::other("AppContext is not registered"))
            })?;
            let account = account::Entity::find_by_id(user.account_id.uuid())
                .one(&ctx.db)
                .await?;
            match account {
                Some(a) if a.is_platform_admin && a.deleted_at.is_none() => Ok(Self(user)),
                _ => Err(ApiError::forbidden(
                    "platform.forbidden",
                    "Only platform administrators may do this.",
                )),
            }
        })
    }
}
