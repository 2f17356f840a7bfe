//! Typed public ids: UUIDv7 newtypes, so an account id can never be passed where a tenant id is due.

/// Declares a UUIDv7 id newtype with parsing, display, serde and OpenAPI support.
#[macro_export]
macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            /// A new, time-ordered id.
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7())
            }

            /// The underlying UUID.
            pub fn uuid(self) -> uuid::Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s).map(Self)
            }
        }

        impl From<uuid::Uuid> for $name {
            fn from(value: uuid::Uuid) -> Self {
                Self(value)
            }
        }

        impl From<$name> for uuid::Uuid {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl From<$name> for sea_orm::Value {
            fn from(value: $name) -> Self {
                value.0.into()
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                        utoipa::openapi::KnownFormat::Uuid,
                    )))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

typed_id!(
    /// An account: one person's login, shared by every tenant they belong to.
    AccountId
);
typed_id!(
    /// A tenant: a gym or a personal trainer's workspace.
    TenantId
);
typed_id!(
    /// A person's membership in one tenant, with their role there.
    MembershipId
);
typed_id!(
    /// A login session: the family of refresh tokens issued from one sign-in.
    SessionId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_version_7_and_round_trip_through_text() {
        let id = TenantId::new();
        assert_eq!(id.uuid().get_version_num(), 7);
        let parsed: TenantId = id.to_string().parse().unwrap();
        assert_eq!(parsed, id);
    }

    #[test]
    fn ids_are_time_ordered() {
        let a = AccountId::new();
        let b = AccountId::new();
        assert!(a < b);
    }
}
