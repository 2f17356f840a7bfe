//! The schedule's tables. Every one is tenant-owned and queried through
//! `palestra_core::scope::scoped`.

pub mod booking;
pub mod category;
pub mod class;
pub mod series;
pub mod session;
pub mod settings;
pub mod waitlist_entry;
