//! Identity's own tables: login sessions and their refresh tokens. Not tenant-owned: a session
//! belongs to an account, which may act in several tenants.

pub mod auth_session;
pub mod refresh_token;
