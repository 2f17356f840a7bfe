//! A progress photo's record: where the picture is, when it was taken and the pose. The picture
//! itself is stored elsewhere (upload storage comes later); this row has the same privacy as
//! measurements.

use sea_orm::entity::prelude::*;

/// A photo row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "health_photos")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// Whom it shows.
    pub account_id: Uuid,
    pub url: String,
    /// `front`, `side`, `back` or `other`.
    pub pose: String,
    pub taken_at: DateTimeUtc,
    pub note: Option<String>,
    pub recorded_by: Uuid,
    pub created_at: DateTimeUtc,
}

/// No relations are navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl palestra_core::scope::TenantOwned for Entity {
    fn tenant_column() -> Self::Column {
        Column::TenantId
    }
}
