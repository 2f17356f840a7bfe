//! Identity: accounts, sign-in sessions and tokens, and the tenants people belong to.
//!
//! It mounts three modules, composed per product by the binaries:
//! - [`Identity`]: sign-up, sign-in, tokens, the account's own flows (profile, verification,
//!   password and email changes, deletion), the roster and invitations, modules, the context,
//!   the audit log and platform administration (both products);
//! - [`Gyms`]: gym sign-up, creating gyms and reading them through `X-Gym-ID` (gym-api);
//! - [`Workspaces`]: trainer sign-up with their workspace, the workspace and its join code
//!   (trainer-api).
//!
//! It does not deliver notifications (it writes them to the outbox) and owns no domain module's
//! data.

pub mod account;
pub mod account_views;
pub mod entities;
pub mod error;
pub mod password;
pub mod permissions;
pub mod platform;
pub mod repo;
pub mod roster;
pub mod roster_views;
pub mod routes;
mod seed;
pub mod service;
pub mod views;

use std::sync::Arc;

use actix_web::web;
use utoipa_actix_web::service_config::ServiceConfig;

use palestra_core::{ApiError, AppContext, Module, SeedOptions};

use password::Hasher;

/// Sign-up, sign-in, tokens and the caller's account.
pub struct Identity {
    hasher: Arc<Hasher>,
}

/// Gyms as tenants (gym-api).
pub struct Gyms {
    hasher: Arc<Hasher>,
}

/// Trainer workspaces as tenants (trainer-api).
pub struct Workspaces {
    hasher: Arc<Hasher>,
}

/// The identity modules of gym-api, sharing one bounded password hasher.
pub fn gym_modules() -> Vec<Arc<dyn Module>> {
    let hasher = Arc::new(Hasher::default());
    vec![
        Arc::new(Identity {
            hasher: hasher.clone(),
        }),
        Arc::new(Gyms { hasher }),
    ]
}

/// The identity modules of trainer-api, sharing one bounded password hasher.
pub fn trainer_modules() -> Vec<Arc<dyn Module>> {
    let hasher = Arc::new(Hasher::default());
    vec![
        Arc::new(Identity {
            hasher: hasher.clone(),
        }),
        Arc::new(Workspaces { hasher }),
    ]
}

#[async_trait::async_trait]
impl Module for Identity {
    fn name(&self) -> &'static str {
        "identity"
    }

    fn configure(&self, cfg: &mut ServiceConfig<'_>) {
        cfg.app_data(web::Data::from(self.hasher.clone()))
            .service(routes::auth::register)
            .service(routes::auth::login)
            .service(routes::auth::refresh)
            .service(routes::auth::logout)
            .service(routes::auth::verify_email)
            .service(routes::auth::request_password_reset)
            .service(routes::auth::confirm_password_reset)
            .service(routes::auth::confirm_email_change)
            .service(routes::me::get_me)
            .service(routes::me::update_me)
            .service(routes::me::delete_me)
            .service(routes::me::request_email_verification)
            .service(routes::me::change_password)
            .service(routes::me::change_email)
            .service(routes::context::get_context)
            .service(routes::context::get_my_permissions)
            .service(routes::context::update_branding)
            .service(routes::modules::list_modules)
            .service(routes::modules::set_module)
            .service(routes::roster::list_members)
            .service(routes::roster::add_member)
            .service(routes::roster::update_member)
            .service(routes::roster::remove_member)
            .service(routes::roster::leave)
            .service(routes::roster::transfer_ownership)
            .service(routes::roster::create_invitation)
            .service(routes::roster::list_invitations)
            .service(routes::roster::revoke_invitation)
            .service(routes::roster::accept_invitation)
            .service(routes::roster::list_audit)
            .service(routes::platform::list_tenants)
            .service(routes::platform::suspend_tenant)
            .service(routes::platform::reactivate_tenant);
    }
}

#[async_trait::async_trait]
impl Module for Gyms {
    fn name(&self) -> &'static str {
        "gyms"
    }

    fn configure(&self, cfg: &mut ServiceConfig<'_>) {
        cfg.app_data(web::Data::from(self.hasher.clone()))
            .service(routes::gyms::register_gym)
            .service(routes::gyms::create_gym)
            .service(routes::gyms::list_my_gyms)
            .service(routes::gyms::get_gym)
            .service(routes::roster::assign_trainer);
    }

    async fn seed_demo(
        &self,
        ctx: &AppContext,
        options: &SeedOptions,
    ) -> Result<Vec<String>, ApiError> {
        seed::gym(ctx, &self.hasher, options).await
    }
}

#[async_trait::async_trait]
impl Module for Workspaces {
    fn name(&self) -> &'static str {
        "workspaces"
    }

    fn configure(&self, cfg: &mut ServiceConfig<'_>) {
        cfg.app_data(web::Data::from(self.hasher.clone()))
            .service(routes::workspace::register_trainer)
            .service(routes::workspace::get_workspace)
            .service(routes::roster::get_join_code)
            .service(routes::roster::rotate_join_code)
            .service(routes::roster::join);
    }

    async fn seed_demo(
        &self,
        ctx: &AppContext,
        options: &SeedOptions,
    ) -> Result<Vec<String>, ApiError> {
        seed::workspace(ctx, &self.hasher, options).await
    }
}
