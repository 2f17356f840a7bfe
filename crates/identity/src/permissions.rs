//! Identity's permissions.

use palestra_core::{Permission, Role};

/// Read the tenant's own profile: every member of it.
pub struct ViewTenant;

impl Permission for ViewTenant {
    const NAME: &'static str = "identity.tenant.read";

    fn granted_to(_: Role) -> bool {
        true
    }
}
