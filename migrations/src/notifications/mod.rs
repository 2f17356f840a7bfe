//! Notifications: the outbox and the devices that receive push notifications.

use sea_orm_migration::MigrationTrait;

mod m20261126_000001_notifications_create_outbox;
mod m20261126_000002_notifications_create_devices;

pub fn migrations() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(m20261126_000001_notifications_create_outbox::Migration),
        Box::new(m20261126_000002_notifications_create_devices::Migration),
    ]
}
