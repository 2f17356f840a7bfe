//! The trainer module's tables.

pub mod credit_balance;
pub mod credit_charge;
pub mod credit_entry;
pub mod credit_lot;
pub mod package;
