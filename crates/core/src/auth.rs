//! Access tokens and the authenticated principal.
//!
//! Access tokens are short-lived HS256 JWTs whose audience is the product, so a gym-api token is
//! refused by trainer-api. The `AuthUser` extractor checks the signature, expiry, issuer and
//! audience; it does not touch the database.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::context::AppContext;
use crate::error::ApiError;
use crate::ids::{AccountId, SessionId};

const ISSUER: &str = "palestra";

/// The claims of an access token.
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: uuid::Uuid,
    sid: uuid::Uuid,
    aud: String,
    iss: String,
    iat: i64,
    exp: i64,
}

/// Signs and verifies the access tokens of one product.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    audience: String,
    ttl_seconds: i64,
    refresh_ttl: chrono::Duration,
}

/// A freshly signed access token.
pub struct AccessToken {
    /// The JWT.
    pub token: String,
    /// Seconds until it expires.
    pub expires_in: i64,
}

impl TokenKeys {
    /// Keys from a shared secret, for access tokens of the given audience and lifetime, and
    /// the lifetime of the refresh tokens issued beside them.
    pub fn new(
        secret: &[u8],
        audience: String,
        ttl_seconds: i64,
        refresh_ttl: chrono::Duration,
    ) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[audience.as_str()]);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            audience,
            ttl_seconds,
            refresh_ttl,
        }
    }

    /// How long a refresh token lives.
    pub fn refresh_ttl(&self) -> chrono::Duration {
        self.refresh_ttl
    }

    /// Signs an access token for an account's session.
    pub fn issue(&self, account: AccountId, session: SessionId) -> Result<AccessToken, ApiError> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: account.uuid(),
            sid: session.uuid(),
            aud: self.audience.clone(),
            iss: ISSUER.to_owned(),
            iat: now,
            exp: now + self.ttl_seconds,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(ApiError::internal)?;
        Ok(AccessToken {
            token,
            expires_in: self.ttl_seconds,
        })
    }

    /// Verifies a token and returns who it names.
    pub fn verify(&self, token: &str) -> Result<AuthUser, ApiError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| {
                use jsonwebtoken::errors::ErrorKind;
                let detail = match e.kind() {
                    ErrorKind::ExpiredSignature => "The access token has expired; refresh it.",
                    ErrorKind::InvalidAudience => {
                        "The access token was issued for another service."
                    }
                    _ => "The access token is not valid.",
                };
                ApiError::unauthorized("auth.invalid_token", detail)
            })?;
        Ok(AuthUser {
            account_id: AccountId(data.claims.sub),
            session_id: SessionId(data.claims.sid),
        })
    }
}

/// The caller, authenticated by a bearer access token.
#[derive(Debug, Clone, Copy)]
pub struct AuthUser {
    /// Who is calling.
    pub account_id: AccountId,
    /// The login session the token came from.
    pub session_id: SessionId,
}

impl AuthUser {
    /// Reads and verifies the bearer token of a request.
    pub fn from_http(req: &HttpRequest) -> Result<Self, ApiError> {
        let ctx = req.app_data::<web::Data<AppContext>>().ok_or_else(|| {
            ApiError::internal(std::io::Error::other("AppContext is not registered"))
        })?;
        let value = req.headers().get(header::AUTHORIZATION).ok_or_else(|| {
            ApiError::unauthorized(
                "auth.missing_token",
                "Send `Authorization: Bearer <access token>`.",
            )
        })?;
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::unauthorized(
                    "auth.invalid_token",
                    "The Authorization header must be `Bearer <access token>`.",
                )
            })?;
        ctx.tokens.verify(token)
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Self::from_http(req))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_only_for_their_audience() {
        let gym = TokenKeys::new(
            b"secret-secret-secret-secret-1234",
            "palestra:gym-api".into(),
            900,
            chrono::Duration::days(1),
        );
        let trainer = TokenKeys::new(
            b"secret-secret-secret-secret-1234",
            "palestra:trainer-api".into(),
            900,
            chrono::Duration::days(1),
        );
        let account = AccountId::new();
        let token = gym.issue(account, SessionId::new()).unwrap().token;
        assert_eq!(gym.verify(&token).unwrap().account_id, account);
        assert_eq!(
            trainer.verify(&token).unwrap_err().code(),
            "auth.invalid_token"
        );
    }

    #[test]
    fn expired_and_forged_tokens_are_refused() {
        let keys = TokenKeys::new(
            b"secret-secret-secret-secret-1234",
            "a".into(),
            -60,
            chrono::Duration::days(1),
        );
        let token = keys
            .issue(AccountId::new(), SessionId::new())
            .unwrap()
            .token;
        assert!(keys.verify(&token).is_err());
        let other = TokenKeys::new(
            b"another-secret-another-secret-12",
            "a".into(),
            900,
            chrono::Duration::days(1),
        );
        let forged = other
            .issue(AccountId::new(), SessionId::new())
            .unwrap()
            .token;
        assert!(keys.verify(&forged).is_err());
    }
}
