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

/// Words the client UI uses for this product's ideas.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Terminology {
    /// The tenant: "gym" or "workspace".
    pub tenant: &'static str,
    /// A person with the member role: "member" or "client".
    pub member: &'static str,
    /// A scheduled activity: "class" or "session".
    pub session: &'static str,
}

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
    /// Client UI words.
    pub terminology: Terminology,
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
                member: "member",
                session: "class",
            },
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
                member: "client",
                session: "session",
            },
        }
    }

    /// The JWT audience of this product's access tokens: a token of one product is refused by the other.
    pub fn audience(&self) -> String {
        format!("palestra:{}", self.name)
    }
}
