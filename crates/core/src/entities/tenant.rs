//! A tenant: a gym (gym-api) or a personal trainer's workspace (trainer-api).

use sea_orm::entity::prelude::*;

/// A tenant row. `kind` is `gym` or `trainer`; `status` is `active` or `suspended`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tenants")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    pub name: String,
    pub status: String,
    /// IANA time zone.
    pub time_zone: String,
    /// ISO 4217 code.
    pub currency: String,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    /// Trainer workspaces: the trainer's specialties, as a JSON array of strings.
    pub specialties: Json,
    /// Trainer workspaces: certifications, as a JSON array of strings.
    pub certifications: Json,
    pub max_clients: Option<i32>,
    pub bio: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// URL-safe unique name (gyms), derived from the name at registration.
    pub slug: Option<String>,
    pub logo_url: Option<String>,
    /// Branding colours, `#rrggbb`; the product's defaults when absent.
    pub brand_primary: Option<String>,
    pub brand_secondary: Option<String>,
    pub brand_accent: Option<String>,
    /// Trainer workspaces: the code clients join with; rotating it kills the old one.
    pub join_code: Option<String>,
    /// Active and paused clients (members), kept by conditional updates so `max_clients` holds.
    pub client_count: i32,
    /// Postal address, free text.
    pub address: Option<String>,
}

/// Relations of a tenant.
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

/// Tenant is active.
pub const STATUS_ACTIVE: &str = "active";
/// Tenant is suspended by the platform: everyone but the platform answers 403.
pub const STATUS_SUSPENDED: &str = "suspended";
