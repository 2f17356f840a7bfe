//! A goal: reach a target value of one metric, maybe by a date.

use sea_orm::entity::prelude::*;

/// A goal row.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "health_goals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// Whose goal it is.
    pub account_id: Uuid,
    pub metric: String,
    pub title: Option<String>,
    /// Canonical unit: the latest measurement when the goal was set, or the first after it.
    #[sea_orm(column_type = "Double", nullable)]
    pub start_value: Option<f64>,
    #[sea_orm(column_type = "Double")]
    pub target_value: f64,
    pub deadline: Option<Date>,
    /// `active`, `achieved` or `abandoned`.
    pub status: String,
    pub created_by: Uuid,
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
