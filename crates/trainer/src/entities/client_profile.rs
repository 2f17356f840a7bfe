//! What the trainer keeps about a client beyond the roster. Written on first edit; a client
//! without a row has an empty profile.

use sea_orm::entity::prelude::*;

/// A client profile row, one per client per workspace.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trainer_client_profiles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: Uuid,
    pub goals: Option<String>,
    /// Never shown to the client.
    pub private_notes: Option<String>,
    /// Sensitive: the staff and the client only.
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    pub health_notes: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl palestra_core::scope::TenantOwned for Entity {
    fn tenant_column() -> Self::Column {
        Column::TenantId
    }
}
