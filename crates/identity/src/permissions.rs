//! Identity's permissions; the roles that hold each are in `palestra_core::permissions::GRANTS`.

use palestra_core::permission;

permission!(
    /// Read the tenant's own profile.
    ViewTenant = "identity.tenant.read"
);
permission!(
    /// Edit the tenant's profile and branding.
    UpdateTenant = "identity.tenant.update"
);
permission!(
    /// Read one's own effective permissions.
    ViewPermissions = "identity.permissions.read"
);
permission!(
    /// See which modules are active.
    ViewModules = "identity.modules.read"
);
permission!(
    /// Activate or deactivate modules.
    ManageModules = "identity.modules.manage"
);
permission!(
    /// See the roster.
    ViewRoster = "identity.roster.read"
);
permission!(
    /// Add, remove and change the role of people.
    ManageRoster = "identity.roster.manage"
);
permission!(
    /// Send and revoke invitations.
    ManageInvitations = "identity.invitations.manage"
);
permission!(
    /// See and rotate the join code.
    ManageJoinCode = "identity.join_code.manage"
);
permission!(
    /// Hand the tenant to another member.
    TransferOwnership = "identity.ownership.transfer"
);
permission!(
    /// Leave the tenant.
    LeaveTenant = "identity.membership.leave"
);
permission!(
    /// Read the audit log.
    ViewAudit = "identity.audit.read"
);
