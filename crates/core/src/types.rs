//! Value types parsed once at the edge.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::ToSchema;

/// An email address as given, with a normalized form used for uniqueness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// The address as the person wrote it (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form that identifies an account: lower-cased, so `Ana@X.com` and `ana@x.com` are one.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}

impl std::str::FromStr for Email {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let trimmed = s.trim();
        if trimmed.len() > 254 {
            return Err("an email address has at most 254 characters".to_owned());
        }
        if !email_address::EmailAddress::is_valid(trimmed) || !trimmed.contains('.') {
            return Err(format!("`{trimmed}` is not a valid email address"));
        }
        Ok(Self(trimmed.to_owned()))
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Email {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for Email {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Email,
            )))
            .max_length(Some(254))
            .into()
    }
}

impl ToSchema for Email {}

/// The search term of a list (`?q=`), trimmed, or nothing when empty.
pub fn search_term(q: Option<&str>) -> Option<&str> {
    q.map(str::trim).filter(|q| !q.is_empty())
}

/// A case-insensitive "contains" pattern for `LIKE` against a lower-cased column: the term's own
/// `%`, `_` and `\` match literally. The escape character is declared in the query, since SQLite
/// has none by default.
pub fn contains_pattern(term: &str) -> sea_orm::sea_query::LikeExpr {
    let escaped = term
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

/// Checks a free-text field: trimmed, not empty when required, and within a length.
pub fn check_text(
    errors: &mut Vec<crate::FieldError>,
    field: &str,
    value: &str,
    min: usize,
    max: usize,
) {
    let len = value.trim().chars().count();
    if len < min {
        let message = if min == 1 {
            "must not be empty".to_owned()
        } else {
            format!("must have at least {min} characters")
        };
        errors.push(crate::FieldError::new(field, "too_short", message));
    } else if len > max {
        errors.push(crate::FieldError::new(
            field,
            "too_long",
            format!("must have at most {max} characters"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_validated_and_normalized() {
        let email: Email = "  Ana.Lopez@Example.COM ".parse().unwrap();
        assert_eq!(email.as_str(), "Ana.Lopez@Example.COM");
        assert_eq!(email.normalized(), "ana.lopez@example.com");
        assert!("not-an-email".parse::<Email>().is_err());
        assert!("a@b".parse::<Email>().is_err());
    }
}
