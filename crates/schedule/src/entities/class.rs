//! A class of the gym's timetable (Spinning, Yoga): what its sessions default to.

use sea_orm::entity::prelude::*;

/// A class row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "schedule_classes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub category_id: Option<Uuid>,
    pub name: String,
    pub description: Option<String>,
    pub duration_minutes: i32,
    pub capacity: i32,
    /// `all_levels`, `beginner`, `intermediate` or `advanced`.
    pub difficulty: String,
    pub default_trainer_id: Option<Uuid>,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// A class belongs to a category.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::category::Entity",
        from = "Column::CategoryId",
        to = "super::category::Column::Id"
    )]
    Category,
}

impl Related<super::category::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Category.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl palestra_core::scope::TenantOwned for Entity {
    fn tenant_column() -> Self::Column {
        Column::TenantId
    }
}
