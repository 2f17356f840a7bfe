//! `Idempotency-Key`: a client that may send a request twice (a retry after a timeout, a double
//! tap) names it with a key, and the server runs it at most once.
//!
//! A route opts in with the [`idempotent`] middleware on its handler:
//! `#[post("/auth/register", wrap = "from_fn(idempotent)")]`, and documents the header with
//! `params(IdempotencyKeyHeader)`. Requests without the header pass through untouched. With it:
//!
//! - the key is valid when it has 1 to 255 visible ASCII characters, else 400
//!   `request.invalid_idempotency_key`;
//! - it is scoped to the caller (their account when the bearer token is valid, else their IP
//!   address) and the route (method and path), and the request is fingerprinted (HMAC-SHA-256 of
//!   the query string and body, keyed by a secret of the deployment);
//! - the first request claims the key (the store's atomic insert decides races) and runs to the
//!   end even if its client goes away; a 2xx or 4xx response is stored, anything else (5xx, and
//!   429, which asks the client to come back) releases the claim so a retry runs again;
//! - a repeat with the same fingerprint gets the stored response (same status, body, and
//!   `Content-Type`/`Location`), plus `Idempotency-Replayed: true`; with another fingerprint,
//!   422 `request.idempotency_key_reused`; while the first is still running, 409
//!   `request.idempotency_in_flight`;
//! - keys are forgotten after their time to live (24 hours by default). A claim whose request
//!   never finished (the process died) is abandoned after [`IN_FLIGHT_LEASE`] and may be taken.
//!
//! Requests and responses can hold secrets (a sign-up sends a password and gets tokens back), so
//! nothing of them is kept in a form a copy of the store could use: the fingerprint is keyed by
//! the deployment's secret (a plain hash of a body would let a stolen table be searched for weak
//! passwords at hash speed), and responses are sealed with AES-256-GCM under a key derived from
//! that secret and the request itself, so only a repeat of the same request opens them.
//!
//! The store is Redis when configured ([`RedisIdempotencyStore`]), else the database
//! ([`DatabaseIdempotencyStore`]). This module does not decide which routes are idempotent.

mod db_store;
mod redis_store;

use std::sync::Arc;
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tracing::Instrument;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{ObjectBuilder, Required, Type};

use crate::auth::AuthUser;
use crate::client::ClientIp;
use crate::context::AppContext;
use crate::error::{ApiError, REQUEST_ID, current_request_id};

pub use db_store::DatabaseIdempotencyStore;
pub use redis_store::RedisIdempotencyStore;

/// The request header naming an idempotent request.
pub static IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// The response header marking a replayed response.
pub static IDEMPOTENCY_REPLAYED: HeaderName = HeaderName::from_static("idempotency-replayed");
/// The longest key accepted.
pub const MAX_KEY_LEN: usize = 255;
/// How long a key is remembered by default.
pub const DEFAULT_TTL: Duration = Duration::from_secs(24 * 60 * 60);
/// How long a claim may stay in flight before it is considered abandoned (its process died).
pub const IN_FLIGHT_LEASE: Duration = Duration::from_secs(5 * 60);

/// Response headers kept with a stored response and replayed.
const REPLAYED_HEADERS: [HeaderName; 3] = [
    header::CONTENT_TYPE,
    header::LOCATION,
    header::WWW_AUTHENTICATE,
];

/// Where a key lives: one caller, one route, one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// `account:<id>` or `ip:<address>`.
    pub scope: String,
    /// Method and path, e.g. `POST /api/v1/auth/register` (hashed when longer than 255 bytes).
    pub route: String,
    /// The client's key.
    pub key: String,
}

/// Proof that this request holds the claim on a slot; completing or releasing needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimToken {
    /// Unique id of the claim.
    pub id: uuid::Uuid,
    /// When the claim was made; the key's time to live runs from here.
    pub claimed_at: DateTime<Utc>,
}

/// A stored response, sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers and body, sealed with the request's key.
    pub sealed: Vec<u8>,
}

/// What claiming a slot found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The slot was free: this request runs.
    Claimed(ClaimToken),
    /// Another request holds the slot and is still running.
    InFlight {
        /// That request's fingerprint.
        fingerprint: String,
    },
    /// The slot's request finished; here is its response.
    Done {
        /// That request's fingerprint.
        fingerprint: String,
        /// Its response.
        response: StoredResponse,
    },
}

/// Keeps claims and responses of idempotency keys.
#[async_trait::async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Claims a free (or expired, or abandoned) slot atomically, or reports what holds it.
    async fn claim(&self, slot: &Slot, fingerprint: &str) -> Result<Claim, ApiError>;

    /// Stores the response of a claimed slot; it is replayed until the key expires.
    async fn complete(
        &self,
        slot: &Slot,
        token: &ClaimToken,
        response: StoredResponse,
    ) -> Result<(), ApiError>;

    /// Gives up a claim, so that a retry runs again.
    async fn release(&self, slot: &Slot, token: &ClaimToken) -> Result<(), ApiError>;
}

/// The idempotency layer of a deployment: its store, and the secret that keys fingerprints and
/// seals responses.
pub struct Idempotency {
    store: Arc<dyn IdempotencyStore>,
    key: hmac::Key,
}

impl Idempotency {
    /// The layer over a store, with a key derived from the deployment's secret (its JWT secret):
    /// changing that secret makes keys in flight at that moment look reused.
    pub fn new(store: Arc<dyn IdempotencyStore>, secret: &[u8]) -> Self {
        let root = hmac::Key::new(hmac::HMAC_SHA256, secret);
        let derived = hmac::sign(&root, b"palestra.idempotency.v1");
        Self {
            store,
            key: hmac::Key::new(hmac::HMAC_SHA256, derived.as_ref()),
        }
    }

    /// The store of claims and responses.
    pub fn store(&self) -> &dyn IdempotencyStore {
        self.store.as_ref()
    }

    fn mac(&self, domain: &[u8], parts: &[&[u8]]) -> hmac::Tag {
        let mut context = hmac::Context::with_key(&self.key);
        context.update(domain);
        for part in parts {
            context.update(&(part.len() as u64).to_be_bytes());
            context.update(part);
        }
        context.sign()
    }

    /// The fingerprint of a request: HMAC-SHA-256 (hex) of its query string and body.
    pub fn fingerprint(&self, query: &str, body: &[u8]) -> String {
        hex(self
            .mac(b"fingerprint\0", &[query.as_bytes(), body])
            .as_ref())
    }

    /// The key that seals a slot's response: derived from the slot and the whole request, in
    /// another domain than the fingerprint, so the stored fingerprint does not reveal it.
    fn sealing_key(&self, slot: &Slot, query: &str, body: &[u8]) -> Result<[u8; 32], ApiError> {
        let tag = self.mac(
            b"response-key\0",
            &[
                slot.scope.as_bytes(),
                slot.route.as_bytes(),
                slot.key.as_bytes(),
                query.as_bytes(),
                body,
            ],
        );
        <[u8; 32]>::try_from(tag.as_ref())
            .map_err(|_| ApiError::internal(std::io::Error::other("HMAC-SHA-256 is 32 bytes")))
    }
}

/// Documents the optional `Idempotency-Key` header in a route's `#[utoipa::path]`
/// (`params(IdempotencyKeyHeader)`).
pub struct IdempotencyKeyHeader;

impl utoipa::IntoParams for IdempotencyKeyHeader {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            ParameterBuilder::new()
                .name("Idempotency-Key")
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(
                    "A unique key (1 to 255 visible ASCII characters, e.g. a UUID) that makes a \
                     retry safe: the same key with the same body within 24 hours gets the first \
                     response again, with `Idempotency-Replayed: true`, instead of running twice. \
                     The same key with another body is refused (422 \
                     `request.idempotency_key_reused`); while the first request runs, a repeat \
                     gets 409 `request.idempotency_in_flight`.",
                ))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .min_length(Some(1))
                        .max_length(Some(MAX_KEY_LEN))
                        .pattern(Some("^[\\x21-\\x7E]+$")),
                ))
                .build(),
        ]
    }
}

/// Reads the request's key: none, a valid one, or a 400 problem.
pub fn read_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let mut values = headers.get_all(&IDEMPOTENCY_KEY);
    let Some(value) = values.next() else {
        return Ok(None);
    };
    let bytes = value.as_bytes();
    let valid = values.next().is_none()
        && !bytes.is_empty()
        && bytes.len() <= MAX_KEY_LEN
        && bytes.iter().all(|b| (0x21..=0x7e).contains(b));
    if !valid {
        return Err(ApiError::bad_request(
            "request.invalid_idempotency_key",
            "Send one `Idempotency-Key` header of 1 to 255 visible ASCII characters (a UUID is a good key).",
        ));
    }
    Ok(Some(String::from_utf8_lossy(bytes).into_owned()))
}

fn in_flight() -> ApiError {
    ApiError::conflict(
        "request.idempotency_in_flight",
        "A request with this Idempotency-Key is still being processed; retry in a moment.",
    )
    .with_header(header::RETRY_AFTER, HeaderValue::from_static("1"))
}

fn key_reused() -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "request.idempotency_key_reused",
        "Idempotency key reused",
    )
    .with_detail(
        "This Idempotency-Key was already used for a different request; send a new key for a new request.",
    )
}

/// A 503 for a store that does not answer: the client may retry with the same key.
pub(crate) fn store_unavailable(source: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "request.idempotency_unavailable",
        "Service unavailable",
    )
    .with_detail("Idempotent requests cannot be checked right now; retry with the same key.")
    .with_header(header::RETRY_AFTER, HeaderValue::from_static("1"))
    .with_source(std::io::Error::other(source.to_string()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn frame(hasher: &mut Sha256, part: &[u8]) {
    hasher.update((part.len() as u64).to_be_bytes());
    hasher.update(part);
}

/// The route part of a slot: method and path, hashed when too long for the store.
pub fn route_of(method: &Method, path: &str) -> String {
    let route = format!("{method} {path}");
    if route.len() <= MAX_KEY_LEN {
        route
    } else {
        format!("sha256:{}", hex(&Sha256::digest(route.as_bytes())))
    }
}

/// What is sealed: the replayed headers and the body.
#[derive(Serialize, Deserialize)]
struct Plain {
    headers: Vec<(String, String)>,
    body: String,
}

fn aead_key(key: &[u8; 32]) -> Result<LessSafeKey, ApiError> {
    UnboundKey::new(&AES_256_GCM, key)
        .map(LessSafeKey::new)
        .map_err(|_| ApiError::internal(std::io::Error::other("AES-256-GCM key rejected")))
}

fn seal(key: &[u8; 32], status: u16, plain: &Plain) -> Result<Vec<u8>, ApiError> {
    let mut nonce = [0u8; NONCE_LEN];
    SystemRandom::new()
        .fill(&mut nonce)
        .map_err(|_| ApiError::internal(std::io::Error::other("no randomness for a nonce")))?;
    let mut data = serde_json::to_vec(plain).map_err(ApiError::internal)?;
    aead_key(key)?
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(status.to_be_bytes()),
            &mut data,
        )
        .map_err(|_| ApiError::internal(std::io::Error::other("sealing a response failed")))?;
    let mut sealed = nonce.to_vec();
    sealed.extend_from_slice(&data);
    Ok(sealed)
}

fn open(key: &[u8; 32], response: &StoredResponse) -> Result<Plain, ApiError> {
    let broken = || {
        ApiError::internal(std::io::Error::other(
            "a stored idempotent response could not be opened",
        ))
    };
    if response.sealed.len() < NONCE_LEN {
        return Err(broken());
    }
    let (nonce, data) = response.sealed.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| broken())?;
    let mut data = data.to_vec();
    let plain = aead_key(key)?
        .open_in_place(nonce, Aad::from(response.status.to_be_bytes()), &mut data)
        .map_err(|_| broken())?;
    serde_json::from_slice(plain).map_err(|_| broken())
}

/// Whether a response is kept for replay: successes and the client's own mistakes, but not a
/// 429, which asks the client to come back later.
fn is_stored(status: StatusCode) -> bool {
    status.is_success() || (status.is_client_error() && status != StatusCode::TOO_MANY_REQUESTS)
}

fn replay(key: &[u8; 32], response: &StoredResponse) -> Result<HttpResponse, ApiError> {
    let plain = open(key, response)?;
    let status = StatusCode::from_u16(response.status).map_err(ApiError::internal)?;
    let body = STANDARD.decode(plain.body).map_err(ApiError::internal)?;
    let mut builder = HttpResponse::build(status);
    for (name, value) in &plain.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            builder.insert_header((name, value));
        }
    }
    builder.insert_header((
        IDEMPOTENCY_REPLAYED.clone(),
        HeaderValue::from_static("true"),
    ));
    Ok(builder.body(body))
}

/// The middleware that makes a route idempotent; see the module documentation.
pub async fn idempotent<B: MessageBody + 'static>(
    mut req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let key = match read_key(req.headers()) {
        Ok(None) => {
            return next
                .call(req)
                .await
                .map(ServiceResponse::map_into_boxed_body);
        }
        Ok(Some(key)) => key,
        Err(error) => return Ok(req.error_response(error)),
    };
    let Some(ctx) = req.app_data::<web::Data<AppContext>>().cloned() else {
        let error = ApiError::internal(std::io::Error::other("AppContext is not registered"));
        return Ok(req.error_response(error));
    };
    let scope = match AuthUser::from_http(req.request()) {
        Ok(user) => format!("account:{}", user.account_id),
        Err(_) => format!(
            "ip:{}",
            ClientIp::from_http(req.request(), ctx.trust_proxy).subject()
        ),
    };
    let body = match req.extract::<web::Bytes>().await {
        Ok(body) => body,
        Err(error) => return Ok(req.error_response(crate::json::body_error(&error))),
    };
    req.set_payload(Payload::from(body.clone()));
    let slot = Slot {
        scope,
        route: route_of(req.method(), req.path()),
        key,
    };
    let fingerprint = ctx.idempotency.fingerprint(req.query_string(), &body);
    let sealing_key = match ctx
        .idempotency
        .sealing_key(&slot, req.query_string(), &body)
    {
        Ok(key) => key,
        Err(error) => return Ok(req.error_response(error)),
    };

    let token = match ctx.idempotency.store().claim(&slot, &fingerprint).await {
        Err(error) => return Ok(req.error_response(error)),
        Ok(
            Claim::InFlight { fingerprint: held }
            | Claim::Done {
                fingerprint: held, ..
            },
        ) if held != fingerprint => {
            return Ok(req.error_response(key_reused()));
        }
        Ok(Claim::InFlight { .. }) => return Ok(req.error_response(in_flight())),
        Ok(Claim::Done { response, .. }) => {
            return Ok(match replay(&sealing_key, &response) {
                Ok(replayed) => req.into_response(replayed),
                Err(error) => req.error_response(error),
            });
        }
        Ok(Claim::Claimed(token)) => token,
    };

    // The first request runs to its end on a task of its own, even if its client disconnects,
    // so the retry that follows finds a stored response rather than an abandoned claim.
    let layer = ctx.idempotency.clone();
    let (owned_slot, owned_token) = (slot.clone(), token.clone());
    let run = async move {
        let result = next.call(req).await;
        finish(
            layer.store(),
            &owned_slot,
            &owned_token,
            &sealing_key,
            result,
        )
        .await
    }
    .instrument(tracing::Span::current());
    let task = match current_request_id() {
        Some(id) => actix_web::rt::spawn(REQUEST_ID.scope(id, run)),
        None => actix_web::rt::spawn(run),
    };
    match task.await {
        Ok(result) => result,
        Err(error) => {
            if let Err(release) = ctx.idempotency.store().release(&slot, &token).await {
                tracing::warn!(error = %release, "could not release an idempotency claim");
            }
            Err(ApiError::internal(std::io::Error::other(format!(
                "idempotent request task failed: {error}"
            )))
            .into())
        }
    }
}

/// Stores or releases the claim according to the response, and hands the response on.
async fn finish<B: MessageBody + 'static>(
    store: &dyn IdempotencyStore,
    slot: &Slot,
    token: &ClaimToken,
    sealing_key: &[u8; 32],
    result: Result<ServiceResponse<B>, actix_web::Error>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let release = || async move {
        if let Err(error) = store.release(slot, token).await {
            tracing::warn!(%error, "could not release an idempotency claim");
        }
    };
    let response = match result {
        Ok(response) => response,
        Err(error) => {
            release().await;
            return Err(error);
        }
    };
    let (request, response) = response.into_parts();
    let status = response.status();
    let (head, body) = response.into_parts();
    let bytes = match to_bytes(body).await {
        Ok(bytes) => bytes,
        Err(error) => {
            release().await;
            let error: Box<dyn std::error::Error> = error.into();
            let message = format!("reading a response body failed: {error}");
            return Err(ApiError::internal(std::io::Error::other(message)).into());
        }
    };
    if is_stored(status) {
        let plain = Plain {
            headers: REPLAYED_HEADERS
                .iter()
                .filter_map(|name| {
                    let value = head.headers().get(name)?.to_str().ok()?;
                    Some((name.as_str().to_owned(), value.to_owned()))
                })
                .collect(),
            body: STANDARD.encode(&bytes),
        };
        let stored = seal(sealing_key, status.as_u16(), &plain).map(|sealed| StoredResponse {
            status: status.as_u16(),
            sealed,
        });
        match stored {
            Ok(stored) => {
                if let Err(error) = store.complete(slot, token, stored).await {
                    // The work is done: answer it. A retry gets 409 until the claim's lease ends.
                    tracing::error!(%error, "could not store an idempotent response");
                }
            }
            Err(error) => {
                tracing::error!(%error, "could not seal an idempotent response");
                release().await;
            }
        }
    } else {
        release().await;
    }
    Ok(ServiceResponse::new(
        request,
        head.set_body(BoxBody::new(bytes)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append(
                IDEMPOTENCY_KEY.clone(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn keys_are_one_to_255_visible_ascii_characters() {
        assert_eq!(read_key(&headers(&[])).unwrap(), None);
        assert_eq!(
            read_key(&headers(&["a1-B2_c3:~!"])).unwrap().as_deref(),
            Some("a1-B2_c3:~!")
        );
        assert!(read_key(&headers(&[&"k".repeat(255)])).is_ok());
        for bad in ["", "with space", "tab\there", &"k".repeat(256)] {
            let error = read_key(&headers(&[bad])).unwrap_err();
            assert_eq!(error.code(), "request.invalid_idempotency_key", "{bad:?}");
        }
        let mut map = headers(&["one"]);
        map.append(
            IDEMPOTENCY_KEY.clone(),
            HeaderValue::from_bytes("caf\u{e9}".as_bytes()).unwrap(),
        );
        assert!(
            read_key(&map).is_err(),
            "two headers, or a non-ASCII one, are refused"
        );
        let map = {
            let mut map = HeaderMap::new();
            map.insert(
                IDEMPOTENCY_KEY.clone(),
                HeaderValue::from_bytes("caf\u{e9}".as_bytes()).unwrap(),
            );
            map
        };
        assert!(read_key(&map).is_err());
    }

    struct NoStore;

    #[async_trait::async_trait]
    impl IdempotencyStore for NoStore {
        async fn claim(&self, _: &Slot, _: &str) -> Result<Claim, ApiError> {
            unreachable!("not used")
        }
        async fn complete(
            &self,
            _: &Slot,
            _: &ClaimToken,
            _: StoredResponse,
        ) -> Result<(), ApiError> {
            unreachable!("not used")
        }
        async fn release(&self, _: &Slot, _: &ClaimToken) -> Result<(), ApiError> {
            unreachable!("not used")
        }
    }

    fn layer(secret: &str) -> Idempotency {
        Idempotency::new(Arc::new(NoStore), secret.as_bytes())
    }

    #[test]
    fn fingerprints_tell_bodies_and_queries_apart_and_need_the_secret() {
        let layer = layer("secret-one");
        let fingerprint = |query: &str, body: &[u8]| layer.fingerprint(query, body);
        assert_eq!(fingerprint("", b"{}"), fingerprint("", b"{}"));
        assert_ne!(fingerprint("", b"{}"), fingerprint("", b"{ }"));
        assert_ne!(fingerprint("a=1", b"{}"), fingerprint("", b"{}"));
        assert_ne!(fingerprint("a", b"b"), fingerprint("", b"ab"));
        assert_eq!(fingerprint("", b"").len(), 64);
        let plain = hex(&Sha256::digest(b"{}"));
        assert_ne!(fingerprint("", b"{}"), plain);
        assert_ne!(
            fingerprint("", b"{}"),
            self::layer("secret-two").fingerprint("", b"{}")
        );
    }

    #[test]
    fn long_routes_are_hashed_to_fit() {
        assert_eq!(
            route_of(&Method::POST, "/api/v1/auth/register"),
            "POST /api/v1/auth/register"
        );
        let long = route_of(&Method::POST, &format!("/{}", "x".repeat(300)));
        assert!(long.starts_with("sha256:") && long.len() <= MAX_KEY_LEN);
    }

    #[test]
    fn sealed_responses_open_only_for_the_same_request() {
        let slot = Slot {
            scope: "ip:127.0.0.1".into(),
            route: "POST /x".into(),
            key: "k".into(),
        };
        let layer = layer("secret-one");
        let key = layer
            .sealing_key(&slot, "", br#"{"password":"secret"}"#)
            .unwrap();
        let plain = Plain {
            headers: vec![("content-type".into(), "application/json".into())],
            body: STANDARD.encode(br#"{"token":"t"}"#),
        };
        let sealed = seal(&key, 201, &plain).unwrap();
        assert!(
            !String::from_utf8_lossy(&sealed).contains("token"),
            "the body is not stored in clear"
        );
        let stored = StoredResponse {
            status: 201,
            sealed,
        };
        let opened = open(&key, &stored).unwrap();
        assert_eq!(opened.body, plain.body);
        let other = layer
            .sealing_key(&slot, "", br#"{"password":"guess"}"#)
            .unwrap();
        assert!(open(&other, &stored).is_err());
        let tampered = StoredResponse {
            status: 200,
            ..stored
        };
        assert!(
            open(&key, &tampered).is_err(),
            "the status is authenticated"
        );
    }

    #[test]
    fn successes_and_client_errors_are_stored_but_not_429_or_server_errors() {
        assert!(is_stored(StatusCode::CREATED));
        assert!(is_stored(StatusCode::CONFLICT));
        assert!(is_stored(StatusCode::UNPROCESSABLE_ENTITY));
        assert!(!is_stored(StatusCode::TOO_MANY_REQUESTS));
        assert!(!is_stored(StatusCode::INTERNAL_SERVER_ERROR));
        assert!(!is_stored(StatusCode::SERVICE_UNAVAILABLE));
    }
}
