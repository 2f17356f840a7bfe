//! The `Product` value: what makes one binary the gym service and the other the trainer service.
//!
//! Behaviour that differs between products is read from this value, given at start-up, never
//! from a mode flag tested in handlers.

use serde::Serialize;
use utoipa::ToSchema;

/// Which kind of business a product serves; also the `kind` of its tenants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProductKind {
    /// A gym with owners, admins, trainers and members.
    Gym,
    /// A personal trainer's business with their clients.
    Trainer,
}

impl ProductKind {
    /// The tenant kind stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gym => "gym",
            Self::Trainer => "trainer",
        }
    }
}

/// How a request is bound to its tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantPolicy {
    /// The tenant id travels in a required header on every tenant route (`X-Gym-ID`).
    Header {
        /// The header's name.
        header: &'static str,
    },
    /// The tenant is the caller's own; a header chooses only when they belong to several.
    Implicit {
        /// The optional header that selects one of several tenants (`X-Workspace-ID`).
        selector_header: &'static str,
    },
}

/// Words the client UI uses for this product's ideas, in one language.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Terminology {
    /// The tenant: "gym" or "workspace".
    pub tenant: &'static str,
    /// Plural of `tenant`.
    pub tenants: &'static str,
    /// A person with the member role: "member" or "client".
    pub member: &'static str,
    /// Plural of `member`.
    pub members: &'static str,
    /// A person with the trainer role.
    pub trainer: &'static str,
    /// A scheduled activity: "class" or "session".
    pub session: &'static str,
    /// Plural of `session`.
    pub sessions: &'static str,
    /// A reserved place.
    pub booking: &'static str,
}

/// A module a tenant of this product can have, and whether it starts active.
#[derive(Debug, Clone, Copy)]
pub struct CatalogModule {
    /// Stable key, e.g. `schedule`.
    pub key: &'static str,
    /// Name for people.
    pub name: &'static str,
    /// What it gives the tenant.
    pub description: &'static str,
    /// Active for new tenants.
    pub default_active: bool,
    /// Cannot be deactivated.
    pub essential: bool,
}

/// Colours and logo a tenant has until it sets its own.
#[derive(Debug, Clone, Copy)]
pub struct BrandingDefaults {
    /// Primary colour, `#rrggbb`.
    pub primary: &'static str,
    /// Secondary colour.
    pub secondary: &'static str,
    /// Accent colour.
    pub accent: &'static str,
}

const fn module(
    key: &'static str,
    name: &'static str,
    description: &'static str,
    default_active: bool,
    essential: bool,
) -> CatalogModule {
    CatalogModule {
        key,
        name,
        description,
        default_active,
        essential,
    }
}

const GYM_MODULES: &[CatalogModule] = &[
    module(
        "schedule",
        "Schedule",
        "Opening hours, classes, bookings, waitlists and check-in.",
        true,
        false,
    ),
    module(
        "billing",
        "Billing",
        "Memberships, packages and payments.",
        true,
        false,
    ),
    module(
        "notifications",
        "Notifications",
        "Email and push messages to members and staff.",
        true,
        true,
    ),
    module(
        "progress",
        "Progress",
        "Body measurements, goals and progress photos.",
        true,
        false,
    ),
    module(
        "nutrition",
        "Nutrition",
        "Meal plans and food logs.",
        false,
        false,
    ),
    module(
        "chat",
        "Chat",
        "Messages between members and staff.",
        false,
        false,
    ),
    module(
        "events",
        "Events",
        "Workshops, challenges and competitions.",
        false,
        false,
    ),
    module(
        "equipment",
        "Equipment",
        "Machines, maintenance and reservations.",
        false,
        false,
    ),
];

const TRAINER_MODULES: &[CatalogModule] = &[
    module(
        "users",
        "Clients",
        "The trainer's clients, invitations and join codes.",
        true,
        true,
    ),
    module(
        "appointments",
        "Appointments",
        "Availability, bookings and session credits.",
        true,
        false,
    ),
    module(
        "payments",
        "Payments",
        "Packages and payments from clients.",
        true,
        false,
    ),
    module(
        "progress",
        "Progress",
        "Measurements, goals and progress photos.",
        true,
        false,
    ),
    module(
        "health",
        "Health",
        "Health notes and questionnaires.",
        true,
        false,
    ),
    module(
        "nutrition",
        "Nutrition",
        "Meal plans and food logs.",
        true,
        false,
    ),
    module("chat", "Chat", "Messages with clients.", true, false),
    module(
        "notifications",
        "Notifications",
        "Email and push messages to clients.",
        true,
        true,
    ),
];

/// A product: one of the two services built from this workspace.
#[derive(Debug, Clone)]
pub struct Product {
    /// Gym or trainer.
    pub kind: ProductKind,
    /// Binary name: `gym-api` or `trainer-api`.
    pub name: &'static str,
    /// Human title for the API document.
    pub title: &'static str,
    /// Default Postgres schema.
    pub default_schema: &'static str,
    /// Default TCP port.
    pub default_port: u16,
    /// How requests find their tenant.
    pub tenant_policy: TenantPolicy,
    /// Client UI words in English.
    pub terminology: Terminology,
    /// Client UI words in Spanish.
    pub terminology_es: Terminology,
    /// Modules a tenant of this product can have.
    pub catalog: &'static [CatalogModule],
    /// Branding until a tenant sets its own.
    pub branding: BrandingDefaults,
    /// Feature flags for client UIs.
    pub feature_flags: &'static [(&'static str, bool)],
}

impl Product {
    /// The gym service.
    pub fn gym() -> Self {
        Self {
            kind: ProductKind::Gym,
            name: "gym-api",
            title: "Palestra gym API",
            default_schema: "gym",
            default_port: 8000,
            tenant_policy: TenantPolicy::Header { header: "X-Gym-ID" },
            terminology: Terminology {
                tenant: "gym",
                tenants: "gyms",
                member: "member",
                members: "members",
                trainer: "trainer",
                session: "class",
                sessions: "classes",
                booking: "booking",
            },
            terminology_es: Terminology {
                tenant: "gimnasio",
                tenants: "gimnasios",
                member: "miembro",
                members: "miembros",
                trainer: "entrenador",
                session: "clase",
                sessions: "clases",
                booking: "reserva",
            },
            catalog: GYM_MODULES,
            branding: BrandingDefaults {
                primary: "#1F6FEB",
                secondary: "#0D1117",
                accent: "#F78166",
            },
            feature_flags: &[
                ("class_schedule", true),
                ("multiple_trainers", true),
                ("member_self_booking", true),
                ("front_desk_check_in", true),
                ("client_join_code", false),
            ],
        }
    }

    /// The personal trainer service.
    pub fn trainer() -> Self {
        Self {
            kind: ProductKind::Trainer,
            name: "trainer-api",
            title: "Palestra trainer API",
            default_schema: "trainer",
            default_port: 8001,
            tenant_policy: TenantPolicy::Implicit {
                selector_header: "X-Workspace-ID",
            },
            terminology: Terminology {
                tenant: "workspace",
                tenants: "workspaces",
                member: "client",
                members: "clients",
                trainer: "trainer",
                session: "session",
                sessions: "sessions",
                booking: "appointment",
            },
            terminology_es: Terminology {
                tenant: "espacio de trabajo",
                tenants: "espacios de trabajo",
                member: "cliente",
                members: "clientes",
                trainer: "entrenador",
                session: "sesión",
                sessions: "sesiones",
                booking: "cita",
            },
            catalog: TRAINER_MODULES,
            branding: BrandingDefaults {
                primary: "#2DA44E",
                secondary: "#0D1117",
                accent: "#BF8700",
            },
            feature_flags: &[
                ("class_schedule", false),
                ("multiple_trainers", false),
                ("member_self_booking", true),
                ("front_desk_check_in", false),
                ("client_join_code", true),
            ],
        }
    }

    /// The catalogue entry of a module key.
    pub fn catalog_module(&self, key: &str) -> Option<&'static CatalogModule> {
        self.catalog.iter().find(|m| m.key == key)
    }

    /// The JWT audience of this product's access tokens: a token of one product is refused by the other.
    pub fn audience(&self) -> String {
        format!("palestra:{}", self.name)
    }
}
