//! Password policy and hashing.
//!
//! Argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), stored as PHC strings. Hashing
//! runs on a few dedicated threads, so a burst of logins can neither block the async workers nor
//! take every core from them.

use std::sync::{Arc, Mutex, mpsc};

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::{OnceCell, oneshot};

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

/// OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane.
fn owasp_params() -> Result<Params, ApiError> {
    Params::new(19 * 1024, 2, 1, Some(32)).map_err(|e| internal(e.to_string()))
}

fn internal(message: String) -> ApiError {
    ApiError::internal(std::io::Error::other(message))
}

/// Work for a hashing thread, given that thread's reusable Argon2 memory.
type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

/// Hashes and verifies passwords on a few dedicated threads, never on the async runtime.
///
/// Each thread keeps one Argon2 working area (19 MiB) for its whole life instead of allocating
/// a new one per hash: memory stays flat under a burst of sign-ins, and the bounded number of
/// threads bounds how much CPU hashing can take from the workers serving everything else.
pub struct Hasher {
    jobs: mpsc::SyncSender<Job>,
    dummy: OnceCell<String>,
}

/// Runs the calling thread at nice 10: under contention the threads serving requests come first,
/// while hashing still gets a share and sign-ins do not starve.
fn lower_priority() {
    use thread_priority::{ThreadPriority, ThreadPriorityValue, set_current_thread_priority};
    // On Linux the cross-platform range 0..=99 maps onto nice 19..=-20; 22 is nice 10.
    let priority = ThreadPriorityValue::try_from(22u8).map(ThreadPriority::Crossplatform);
    if let Err(error) = priority
        .map_err(|e| e.to_string())
        .and_then(|p| set_current_thread_priority(p).map_err(|e| e.to_string()))
    {
        tracing::warn!(%error, "could not lower the priority of a password hashing thread");
    }
}

/// How many hashes may wait for a thread before sign-ins are turned away with 503.
const QUEUE: usize = 256;

impl Default for Hasher {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::new((cores / 2).max(1))
    }
}

impl Hasher {
    /// A hasher with `threads` hashing threads.
    pub fn new(threads: usize) -> Self {
        let (jobs, queue) = mpsc::sync_channel::<Job>(QUEUE);
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..threads.max(1) {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("password-hash-{i}"))
                .spawn(move || {
                    lower_priority();
                    let mut memory = Vec::new();
                    loop {
                        // The lock is held only to take the next job; it ends when the hasher is dropped.
                        let job = match queue.lock() {
                            Ok(receiver) => receiver.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(&mut memory),
                            Err(_) => return,
                        }
                    }
                });
            if let Err(error) = spawned {
                tracing::error!(%error, "could not start a password hashing thread");
            }
        }
        Self {
            jobs,
            dummy: OnceCell::new(),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Vec<Block>) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |memory| {
            let _ = reply.send(work(memory));
        });
        self.jobs.try_send(job).map_err(|_| {
            ApiError::new(
                actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
                "identity.busy",
                "Service busy",
            )
            .with_detail("Too many sign-ins at once; try again in a moment.")
            .with_header(
                actix_web::http::header::RETRY_AFTER,
                actix_web::http::header::HeaderValue::from_static("1"),
            )
        })?;
        answer
            .await
            .map_err(|_| internal("a password hashing thread stopped".to_owned()))?
    }

    /// The PHC string of a new password.
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.run(move |memory| {
            let params = owasp_params()?;
            memory.resize(params.block_count(), Block::default());
            let salt: [u8; 16] = rand::random();
            let mut output = [0u8; 32];
            Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
                .hash_password_into_with_memory(
                    password.as_bytes(),
                    &salt,
                    &mut output,
                    &mut memory[..],
                )
                .map_err(|e| internal(e.to_string()))?;
            let hash = PasswordHash {
                algorithm: Algorithm::Argon2id.ident(),
                version: Some(Version::V0x13.into()),
                params: ParamsString::try_from(&params).map_err(|e| internal(e.to_string()))?,
                salt: Some(Salt::new(&salt).map_err(|e| internal(e.to_string()))?),
                hash: Some(Output::new(&output).map_err(|e| internal(e.to_string()))?),
            };
            Ok(hash.to_string())
        })
        .await
    }

    /// Whether a password matches a stored PHC hash (compared in constant time).
    pub async fn verify(&self, password: String, stored: String) -> Result<bool, ApiError> {
        self.run(move |memory| {
            let parsed =
                PasswordHash::new(&stored).map_err(|e| internal(format!("stored hash: {e}")))?;
            let params = Params::try_from(&parsed).map_err(|e| internal(e.to_string()))?;
            let algorithm = Algorithm::try_from(parsed.algorithm.as_str())
                .map_err(|e| internal(e.to_string()))?;
            let version = match parsed.version {
                Some(v) => Version::try_from(v).map_err(|e| internal(e.to_string()))?,
                None => Version::default(),
            };
            let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
                return Err(internal("stored hash lacks salt or output".to_owned()));
            };
            let mut output = vec![0u8; expected.len()];
            memory.resize(params.block_count(), Block::default());
            Argon2::new(algorithm, version, params)
                .hash_password_into_with_memory(
                    password.as_bytes(),
                    salt.as_ref(),
                    &mut output,
                    &mut memory[..],
                )
                .map_err(|e| internal(e.to_string()))?;
            let computed = Output::new(&output).map_err(|e| internal(e.to_string()))?;
            Ok(&computed == expected)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_from_the_reference_implementation_verify() {
        use argon2::password_hash::PasswordHasher as _;
        let reference = Argon2::default()
            .hash_password(b"correct horse battery")
            .unwrap()
            .to_string();
        let hasher = Hasher::new(1);
        assert!(
            hasher
                .verify("correct horse battery".into(), reference.clone())
                .await
                .unwrap()
        );
        assert!(!hasher.verify("wrong".into(), reference).await.unwrap());
    }

    #[tokio::test]
    async fn our_hashes_verify_with_the_reference_implementation() {
        use argon2::password_hash::PasswordVerifier as _;
        let hash = Hasher::new(2)
            .hash("correct horse battery".into())
            .await
            .unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse battery", hash.as_str())
                .is_ok()
        );
    }

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
