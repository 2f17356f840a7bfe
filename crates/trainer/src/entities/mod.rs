//! The trainer module's tables.

pub mod appointment;
pub mod appointment_type;
pub mod availability_exception;
pub mod calendar_feed;
pub mod client_profile;
pub mod client_tag;
pub mod credit_balance;
pub mod credit_charge;
pub mod credit_entry;
pub mod credit_lot;
pub mod package;
pub mod reminder;
pub mod settings;
