//! Security headers on every response, errors and refusals included.
//!
//! Every response gets `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`,
//! `Referrer-Policy: no-referrer`, `Cross-Origin-Opener-Policy: same-origin`, a
//! `Permissions-Policy` that turns off the browser features an API never needs, and a
//! `Content-Security-Policy`: `default-src 'none'; frame-ancestors 'none'` for the API (JSON
//! never needs to load anything), or, for the Swagger UI pages under `/docs`, one that lets the
//! page run its own scripts and styles from this origin and nothing else. Responses under
//! `/api/v1` are `Cache-Control: no-store` (they carry tokens and personal data).
//! `Strict-Transport-Security` is sent in production only, where TLS is in front of the service.
//!
//! A header a handler set itself is kept: a route that needs another policy says so.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;

/// `Content-Security-Policy` of API responses.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// `Content-Security-Policy` of the Swagger UI pages: scripts, styles, images and requests from
/// this origin; inline styles (Swagger UI sets element styles) and `data:` images (its icons).
pub const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; \
     form-action 'none'";

/// `Permissions-Policy`: no powerful browser feature for any page of this origin.
pub const PERMISSIONS_POLICY: &str = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), \
     magnetometer=(), microphone=(), payment=(), usb=()";

/// `Strict-Transport-Security` in production: one year, subdomains included.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Which headers this deployment sends.
#[derive(Debug, Clone, Copy)]
pub struct SecurityHeaders {
    /// Send `Strict-Transport-Security` (production).
    pub hsts: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Area {
    Api,
    Docs,
    Other,
}

impl Area {
    fn of(path: &str) -> Self {
        if path == "/docs" || path.starts_with("/docs/") {
            Self::Docs
        } else if path == "/api/v1" || path.starts_with("/api/v1/") {
            Self::Api
        } else {
            Self::Other
        }
    }
}

fn set(headers: &mut HeaderMap, name: HeaderName, value: &'static str) {
    if !headers.contains_key(&name) {
        headers.insert(name, HeaderValue::from_static(value));
    }
}

fn apply(headers: &mut HeaderMap, area: Area, hsts: bool) {
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(headers, header::CROSS_ORIGIN_OPENER_POLICY, "same-origin");
    set(
        headers,
        HeaderName::from_static("permissions-policy"),
        PERMISSIONS_POLICY,
    );
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        if area == Area::Docs {
            DOCS_CSP
        } else {
            API_CSP
        },
    );
    if area == Area::Api {
        set(headers, header::CACHE_CONTROL, "no-store");
    }
    if hsts {
        set(headers, header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
}

/// The outermost middleware: adds the security headers to whatever leaves, including the
/// problems of middlewares that refused a request (CORS).
pub async fn secure<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let hsts = req
        .app_data::<web::Data<SecurityHeaders>>()
        .is_some_and(|policy| policy.hsts);
    let area = Area::of(req.path());
    match next.call(req).await {
        Ok(mut response) => {
            apply(response.headers_mut(), area, hsts);
            Ok(response.map_into_boxed_body())
        }
        Err(error) => {
            let message = error.to_string();
            let mut response = error.error_response();
            apply(response.headers_mut(), area, hsts);
            Err(actix_web::error::InternalError::from_response(message, response).into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_are_told_apart_by_path() {
        assert!(Area::of("/docs") == Area::Docs);
        assert!(Area::of("/docs/swagger-ui.css") == Area::Docs);
        assert!(Area::of("/docsx") == Area::Other);
        assert!(Area::of("/api/v1/me") == Area::Api);
        assert!(Area::of("/api/v10") == Area::Other);
        assert!(Area::of("/healthz") == Area::Other);
    }

    #[test]
    fn a_header_set_by_the_handler_is_kept() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("max-age=60"),
        );
        apply(&mut headers, Area::Api, false);
        assert_eq!(headers.get(header::CACHE_CONTROL).unwrap(), "max-age=60");
        assert_eq!(
            headers.get(header::CONTENT_SECURITY_POLICY).unwrap(),
            API_CSP
        );
        assert!(headers.get(header::STRICT_TRANSPORT_SECURITY).is_none());
    }
}
