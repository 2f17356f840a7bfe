//! The module's HTTP routes, one file per resource.

pub mod devices;
