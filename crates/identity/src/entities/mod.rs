//! Identity's own tables: login sessions and refresh tokens (global: a session belongs to an
//! account, which may act in several tenants), and invitations (tenant-owned).

pub mod account_token;
pub mod auth_session;
pub mod invitation;
pub mod refresh_token;
