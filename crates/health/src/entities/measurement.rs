//! A body measurement: one metric of one person at one instant, in the metric's canonical unit.

use sea_orm::entity::prelude::*;

/// A measurement row.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "health_measurements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// Whom it is about.
    pub account_id: Uuid,
    /// A key of the metric catalogue.
    pub metric: String,
    /// In the metric's canonical unit.
    #[sea_orm(column_type = "Double")]
    pub value: f64,
    pub measured_at: DateTimeUtc,
    /// Who entered it: the person, or their trainer.
    pub recorded_by: Uuid,
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
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
