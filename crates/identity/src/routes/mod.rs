//! Identity's HTTP routes, one file per resource.

pub mod auth;
pub mod gyms;
pub mod me;
pub mod workspace;
