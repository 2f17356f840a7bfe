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

/// One row of `E`, picked by `id_column = id` among the tenant's rows, with the tenant's row of
/// `S` (a table keyed by tenant, such as a module's settings), in one query: `S` is left-joined
/// on `tenant_id`, so it is `None` when the tenant has no such row yet.
pub async fn find_with_tenant_row<E, S>(
    db: &impl sea_orm::ConnectionTrait,
    tenant: TenantId,
    id_column: E::Column,
    id: uuid::Uuid,
) -> Result<Option<(E::Model, Option<S::Model>)>, sea_orm::DbErr>
where
    E: TenantOwned,
    S: TenantOwned,
    E::Model: Sync,
{
    use sea_orm::{JoinType, QuerySelect, RelationDef};
    let by_tenant: RelationDef = E::belongs_to(S::default())
        .from(E::tenant_column())
        .to(S::tenant_column())
        .into();
    scoped::<E>(tenant)
        .filter(id_column.eq(id))
        .select_also(S::default())
        .join(JoinType::LeftJoin, by_tenant)
        .one(db)
        .await
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
