//! The one way to query a tenant-owned table: every such query starts from [`scoped`], so the
//! tenant filter cannot be forgotten.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};

use crate::ids::TenantId;

/// An entity whose rows belong to one tenant, through a non-null `tenant_id` column.
pub trait TenantOwned: EntityTrait {
    /// The `tenant_id` column.
    fn tenant_column() -> Self::Column;
}

/// A query over one tenant's rows of a tenant-owned entity.
pub fn scoped<E: TenantOwned>(tenant: TenantId) -> Select<E> {
    E::find().filter(E::tenant_column().eq(tenant.uuid()))
}

impl TenantOwned for crate::entities::membership::Entity {
    fn tenant_column() -> Self::Column {
        crate::entities::membership::Column::TenantId
    }
}

impl TenantOwned for crate::entities::tenant_module::Entity {
    fn tenant_column() -> Self::Column {
        crate::entities::tenant_module::Column::TenantId
    }
}

impl TenantOwned for crate::entities::audit_event::Entity {
    fn tenant_column() -> Self::Column {
        crate::entities::audit_event::Column::TenantId
    }
}
