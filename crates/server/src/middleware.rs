//! The request pipeline around every handler: request id, tracing span, metrics, and the
//! guarantee that every error leaves as `application/problem+json`.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use tracing::Instrument;

use palestra_core::ApiError;
use palestra_core::error::{PROBLEM_CONTENT_TYPE, REQUEST_ID};

use crate::metrics::Metrics;

/// The request id header, read from the client when well-formed and always sent back.
pub static REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 128
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        })
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned)
}

/// Whether a response already speaks JSON: a problem, or a deliberate JSON answer such as the
/// readiness report. Anything else with an error status is a framework rejection to rewrite.
fn is_json(response: &HttpResponse) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_CONTENT_TYPE) || v.starts_with("application/json"))
}

fn generic_code(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "request.bad_request",
        StatusCode::UNAUTHORIZED => "auth.unauthorized",
        StatusCode::FORBIDDEN => "auth.forbidden",
        StatusCode::NOT_FOUND => "request.not_found",
        StatusCode::METHOD_NOT_ALLOWED => "request.method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "request.body_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "request.unsupported_media_type",
        StatusCode::TOO_MANY_REQUESTS => "request.rate_limited",
        s if s.is_server_error() => "internal.error",
        _ => "request.invalid",
    }
}

/// Rewrites an error response that is not yet a problem (a framework rejection) into one,
/// keeping its status and headers; for 4xx the original text becomes the detail.
async fn into_problem(response: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let (request, response) = response.into_parts();
    let status = response.status();
    let headers: Vec<_> = response
        .headers()
        .iter()
        .filter(|(name, _)| *name != header::CONTENT_TYPE && *name != header::CONTENT_LENGTH)
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect();
    let body = to_bytes(response.into_body()).await.unwrap_or_default();
    let title = status.canonical_reason().unwrap_or("Error");
    let mut error = ApiError::new(status, generic_code(status), title);
    let text = String::from_utf8_lossy(&body).trim().to_owned();
    if !text.is_empty() && status.is_client_error() {
        error = error.with_detail(text);
    }
    for (name, value) in headers {
        error = error.with_header(name, value);
    }
    ServiceResponse::new(request, error.error_response())
}

/// Wraps every request: id, span, problem rendering, metrics and an access log line.
pub async fn observe<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let id = request_id(&req);
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = req.method().clone();
    let span =
        tracing::info_span!("request", request_id = %id, method = %method, path = %req.path());
    let started = Instant::now();

    let result = REQUEST_ID
        .scope(id.clone(), next.call(req).instrument(span.clone()))
        .await;
    let mut response = match result {
        Ok(response) => response.map_into_boxed_body(),
        Err(error) => {
            // A middleware refused the request (the request itself is gone): answer its
            // problem here, with the request id, and let the dispatcher send it.
            let status = error.as_response_error().status_code();
            let problem = ApiError::new(
                status,
                generic_code(status),
                status.canonical_reason().unwrap_or("Error"),
            )
            .with_detail(error.to_string());
            let response = REQUEST_ID.sync_scope(id.clone(), || problem.error_response());
            if let Some(metrics) = &metrics {
                metrics.observe(
                    method.as_str(),
                    "unmatched",
                    status.as_u16(),
                    started.elapsed().as_secs_f64(),
                );
            }
            return Err(actix_web::error::InternalError::from_response(
                error.to_string(),
                response,
            )
            .into());
        }
    };
    let status = response.status();
    if (status.is_client_error() || status.is_server_error()) && !is_json(response.response()) {
        response = REQUEST_ID.scope(id.clone(), into_problem(response)).await;
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(REQUEST_ID_HEADER.clone(), value);
    }

    let elapsed = started.elapsed();
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    if let Some(metrics) = metrics {
        metrics.observe(
            method.as_str(),
            &route,
            status.as_u16(),
            elapsed.as_secs_f64(),
        );
    }
    let latency_ms = elapsed.as_secs_f64() * 1000.0;
    if status.is_server_error() {
        tracing::warn!(parent: &span, status = status.as_u16(), route = %route, latency_ms, "request failed");
    } else {
        tracing::debug!(parent: &span, status = status.as_u16(), route = %route, latency_ms, "request served");
    }
    Ok(response)
}

/// Every route the app serves, by template, to tell 404 from 405.
pub struct RouteTable {
    routes: Vec<(Vec<String>, Vec<Method>)>,
}

impl RouteTable {
    /// Reads the paths and methods of an OpenAPI document, plus the routes outside it.
    pub fn from_document(document: &serde_json::Value, extra: &[(&str, Method)]) -> Self {
        let mut routes: Vec<(Vec<String>, Vec<Method>)> = Vec::new();
        let mut add = |path: &str, method: Method| {
            let segments: Vec<String> = path.split('/').map(str::to_owned).collect();
            match routes.iter_mut().find(|(s, _)| *s == segments) {
                Some((_, methods)) => methods.push(method),
                None => routes.push((segments, vec![method])),
            }
        };
        if let Some(paths) = document.get("paths").and_then(|p| p.as_object()) {
            for (path, item) in paths {
                for method in item.as_object().into_iter().flat_map(|o| o.keys()) {
                    if let Ok(method) = Method::from_bytes(method.to_ascii_uppercase().as_bytes()) {
                        add(path, method);
                    }
                }
            }
        }
        for (path, method) in extra {
            add(path, method.clone());
        }
        Self { routes }
    }

    /// The methods a path answers to, if it is a known path.
    pub fn allowed(&self, path: &str) -> Option<&[Method]> {
        let segments: Vec<&str> = path.split('/').collect();
        self.routes.iter().find_map(|(template, methods)| {
            let matches = template.len() == segments.len()
                && template.iter().zip(&segments).all(|(t, s)| {
                    (t.starts_with('{') && t.ends_with('}') && !s.is_empty()) || t == s
                });
            matches.then_some(methods.as_slice())
        })
    }
}

/// The answer for anything no route matched: 405 with `Allow` for a known path, else 404.
pub async fn fallback(
    req: HttpRequest,
    routes: web::Data<RouteTable>,
) -> Result<HttpResponse, ApiError> {
    Err(match routes.allowed(req.path()) {
        Some(methods) if !methods.contains(req.method()) => {
            let allow = methods
                .iter()
                .map(Method::as_str)
                .collect::<Vec<_>>()
                .join(", ");
            let error = ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "request.method_not_allowed",
                "Method not allowed",
            )
            .with_detail(format!(
                "{} is not allowed here; use {allow}.",
                req.method()
            ));
            match HeaderValue::from_str(&allow) {
                Ok(value) => error.with_header(header::ALLOW, value),
                Err(_) => error,
            }
        }
        _ => ApiError::not_found(
            "request.not_found",
            format!("No route for {} {}.", req.method(), req.path()),
        ),
    })
}

/// Renders a malformed query string as a problem.
pub fn query_error(
    error: actix_web::error::QueryPayloadError,
    _: &HttpRequest,
) -> actix_web::Error {
    ApiError::bad_request(
        "request.invalid_query",
        format!("The query string is not valid: {error}."),
    )
    .into()
}

/// Renders a malformed path parameter as a problem.
pub fn path_error(error: actix_web::error::PathError, _: &HttpRequest) -> actix_web::Error {
    ApiError::bad_request(
        "request.invalid_path",
        format!("A path parameter is not valid: {error}."),
    )
    .into()
}
