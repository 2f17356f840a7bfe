//! A person's login, shared across every tenant they belong to. Not tenant-owned.

use sea_orm::entity::prelude::*;

/// An account row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The email as the person wrote it.
    pub email: String,
    /// Lower-cased email, unique: one account per address whatever its case.
    #[sea_orm(unique)]
    pub email_normalized: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    pub full_name: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub phone: Option<String>,
    pub birth_date: Option<Date>,
    /// BCP 47 language tag for messages, e.g. `es-MX`.
    pub locale: String,
    /// The person's own IANA zone, when it differs from their tenant's.
    pub time_zone: Option<String>,
    pub avatar_url: Option<String>,
    /// `metric` or `imperial`.
    pub units: String,
    pub email_verified_at: Option<DateTimeUtc>,
    /// A platform super-admin: may list and suspend tenants. Not a tenant role.
    pub is_platform_admin: bool,
    /// Set when the account was deleted and its personal data erased.
    pub deleted_at: Option<DateTimeUtc>,
}

/// Relations of an account.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::membership::Entity")]
    Membership,
}

impl Related<super::membership::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Membership.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
