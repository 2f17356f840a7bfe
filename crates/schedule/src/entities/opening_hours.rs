//! A gym's weekly opening hours template: one row per gym, the template as JSON.

use sea_orm::entity::prelude::*;

/// The weekly template of one gym.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "schedule_opening_hours")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    /// `{"monday": [{"opens": "06:00", "closes": "22:00"}], ...}`; a missing or empty day is closed.
    pub weekly: Json,
    pub updated_at: DateTimeUtc,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl palestra_core::scope::TenantOwned for Entity {
    fn tenant_column() -> Self::Column {
        Column::TenantId
    }
}
