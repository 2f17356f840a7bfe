//! Every permission of the platform and the roles that hold it: one table, in one place.
//!
//! Handlers ask for a permission by type (`Authorized<ManageRoster>`); the type names a row of
//! [`GRANTS`]. A name missing from the table is granted to nobody, so a typo fails closed.

use crate::tenancy::Role;

const ALL: &[Role] = &[Role::Owner, Role::Admin, Role::Trainer, Role::Member];
const STAFF: &[Role] = &[Role::Owner, Role::Admin, Role::Trainer];
const MANAGERS: &[Role] = &[Role::Owner, Role::Admin];
const OWNER: &[Role] = &[Role::Owner];

/// Permission names (`module.resource.action`) and the roles granted each.
pub const GRANTS: &[(&str, &[Role])] = &[
    ("identity.tenant.read", ALL),
    ("identity.tenant.update", OWNER),
    ("identity.permissions.read", ALL),
    ("identity.modules.read", ALL),
    ("identity.modules.manage", MANAGERS),
    ("identity.roster.read", STAFF),
    ("identity.roster.manage", MANAGERS),
    ("identity.invitations.manage", MANAGERS),
    ("identity.join_code.manage", MANAGERS),
    ("identity.ownership.transfer", OWNER),
    ("identity.membership.leave", ALL),
    ("identity.audit.read", MANAGERS),
    // schedule
    ("schedule.classes.read", ALL),
    ("schedule.classes.manage", MANAGERS),
    ("schedule.sessions.manage", MANAGERS),
    ("schedule.bookings.book", ALL),
    ("schedule.bookings.manage", STAFF),
    ("schedule.attendance.manage", STAFF),
    ("schedule.settings.read", ALL),
    ("schedule.settings.manage", MANAGERS),
    // schedule (hours, check-in, calendar, views, dashboard)
    ("schedule.hours.read", ALL),
    ("schedule.hours.manage", MANAGERS),
    ("schedule.check_in.own_code", ALL),
    ("schedule.check_in.scan", STAFF),
    ("schedule.calendar.subscribe", ALL),
    ("schedule.history.read", ALL),
    ("schedule.participants.read", STAFF),
    ("schedule.day_sheet.read", STAFF),
    ("schedule.trainer_sessions.read", STAFF),
    ("schedule.dashboard.read", MANAGERS),
    // health: everyone keeps their own progress; staff may keep the progress of the people they
    // coach (the relation itself is checked by the health module: assignment or workspace)
    ("health.progress.read", ALL),
    ("health.progress.write", ALL),
    ("health.clients.read", STAFF),
    ("health.clients.write", STAFF),
    // trainer (credits, dashboard, calendar)
    ("trainer.packages.read", ALL),
    ("trainer.packages.manage", MANAGERS),
    ("trainer.credits.read", STAFF),
    ("trainer.credits.manage", STAFF),
    ("trainer.credits.read_own", ALL),
    ("trainer.dashboard.read", STAFF),
    ("trainer.calendar.agenda", STAFF),
    ("trainer.calendar.own", ALL),
    // trainer
    ("trainer.availability.read", ALL),
    ("trainer.availability.manage", STAFF),
    ("trainer.clients.read", STAFF),
    ("trainer.clients.manage", STAFF),
    ("trainer.profile.read", ALL),
    ("trainer.profile.update", ALL),
    ("trainer.appointments.read", ALL),
    ("trainer.appointments.book", ALL),
    ("trainer.appointments.manage", STAFF),
];

/// Whether a role holds a permission.
pub fn is_granted(permission: &str, role: Role) -> bool {
    GRANTS
        .iter()
        .find(|(name, _)| *name == permission)
        .is_some_and(|(_, roles)| roles.contains(&role))
}

/// Every permission a role holds, in table order.
pub fn granted_to(role: Role) -> Vec<&'static str> {
    GRANTS
        .iter()
        .filter(|(_, roles)| roles.contains(&role))
        .map(|(name, _)| *name)
        .collect()
}

/// Declares a permission type for `Authorized<P>`, backed by a row of [`GRANTS`].
#[macro_export]
macro_rules! permission {
    ($(#[$meta:meta])* $name:ident = $permission:literal) => {
        $(#[$meta])*
        pub struct $name;

        impl $crate::tenancy::Permission for $name {
            const NAME: &'static str = $permission;

            fn granted_to(role: $crate::tenancy::Role) -> bool {
                $crate::permissions::is_granted($permission, role)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_well_formed() {
        let mut names: Vec<_> = GRANTS.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "a permission is listed twice");
        for name in names {
            assert_eq!(
                name.split('.').count(),
                3,
                "{name} is not module.resource.action"
            );
        }
    }

    #[test]
    fn unknown_permissions_are_granted_to_nobody() {
        assert!(!is_granted(
            "identity.tenant.delete_everything",
            Role::Owner
        ));
        assert!(is_granted("identity.roster.manage", Role::Admin));
        assert!(!is_granted("identity.roster.manage", Role::Trainer));
        assert!(granted_to(Role::Member).contains(&"identity.tenant.read"));
    }
}
