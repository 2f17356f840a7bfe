//! Password policy and hashing.
//!
//! Argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane). Hashing runs on the blocking
//! pool and a semaphore bounds how many run at once, so a burst of logins cannot starve the
//! async workers that serve everything else.

use std::sync::Arc;

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::{OnceCell, Semaphore};

use palestra_core::{ApiError, FieldError};

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted (hashing cost grows with length).
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Checks a new password against the policy: 10 to 128 characters, not blank, not the email.
pub fn check_password(errors: &mut Vec<FieldError>, field: &str, password: &str, email: &str) {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        errors.push(FieldError::new(
            field,
            "too_short",
            format!("must have at least {MIN_PASSWORD_CHARS} characters"),
        ));
    } else if chars > MAX_PASSWORD_CHARS {
        errors.push(FieldError::new(
            field,
            "too_long",
            format!("must have at most {MAX_PASSWORD_CHARS} characters"),
        ));
    } else if password.trim().is_empty() {
        errors.push(FieldError::new(field, "blank", "must not be only spaces"));
    } else if password.eq_ignore_ascii_case(email.trim()) {
        errors.push(FieldError::new(
            field,
            "same_as_email",
            "must not be your email address",
        ));
    }
}

fn argon2() -> Result<Argon2<'static>, ApiError> {
    let params = Params::new(19 * 1024, 2, 1, None)
        .map_err(|e| ApiError::internal(std::io::Error::other(e.to_string())))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes and verifies passwords off the async runtime, a bounded number at a time.
pub struct Hasher {
    permits: Semaphore,
    dummy: OnceCell<String>,
}

impl Default for Hasher {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::new((cores / 2).max(1))
    }
}

impl Hasher {
    /// A hasher that runs at most `concurrency` hashes at once.
    pub fn new(concurrency: usize) -> Self {
        Self {
            permits: Semaphore::new(concurrency.max(1)),
            dummy: OnceCell::new(),
        }
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(ApiError::internal)?
    }

    /// The PHC string of a new password.
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.blocking(move || {
            argon2()?
                .hash_password(password.as_bytes())
                .map(|hash| hash.to_string())
                .map_err(|e| ApiError::internal(std::io::Error::other(e.to_string())))
        })
        .await
    }

    /// Whether a password matches a stored hash.
    pub async fn verify(&self, password: String, hash: String) -> Result<bool, ApiError> {
        self.blocking(move || {
            Ok(argon2()?
                .verify_password(password.as_bytes(), hash.as_str())
                .is_ok())
        })
        .await
    }

    /// Spends the time of a verification when there is no account, so response times do not
    /// tell which emails have accounts.
    pub async fn verify_nothing(&self, password: String) -> Result<(), ApiError> {
        let dummy = self
            .dummy
            .get_or_try_init(|| self.hash("palestra-timing-equalizer".to_owned()))
            .await?
            .clone();
        self.verify(password, dummy).await.map(|_| ())
    }
}

/// A shared hasher.
pub type SharedHasher = Arc<Hasher>;

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_use_argon2id_with_owasp_parameters() {
        let hasher = Hasher::new(1);
        let hash = hasher.hash("correct horse battery".into()).await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            hasher
                .verify("correct horse battery".into(), hash.clone())
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify("wrong horse battery".into(), hash)
                .await
                .unwrap()
        );
    }

    #[test]
    fn the_policy_explains_itself() {
        let mut errors = Vec::new();
        check_password(&mut errors, "password", "short", "a@b.co");
        check_password(&mut errors, "password", "          ", "a@b.co");
        check_password(
            &mut errors,
            "password",
            "Ana@Example.com",
            "ana@example.com",
        );
        let codes: Vec<_> = errors.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["too_short", "blank", "same_as_email"]);
    }
}
