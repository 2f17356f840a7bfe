//! The schedule's tables. Every one is tenant-owned and queried through
//! `palestra_core::scope::scoped`.

pub mod booking;
pub mod calendar_feed;
pub mod category;
pub mod check_in_code;
pub mod class;
pub mod opening_hours;
pub mod reminder;
pub mod series;
pub mod session;
pub mod settings;
pub mod special_day;
pub mod waitlist_entry;
