//! Identity's HTTP routes, one file per resource.

pub mod auth;
pub mod context;
pub mod gyms;
pub mod me;
pub mod modules;
pub mod platform;
pub mod roster;
pub mod workspace;
