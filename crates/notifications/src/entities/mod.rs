//! The module's own table: the devices that receive push notifications. Not tenant-owned: a
//! device belongs to an account, which may act in several tenants. The outbox it delivers is a
//! shared entity of `palestra-core`.

pub mod device;
