//! The JSON body extractor: content type checked, size bounded, parse errors reported with the
//! path of the offending field, then the request's own validation.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};

/// The largest JSON body accepted, in bytes.
pub const MAX_JSON_BODY: usize = 256 * 1024;

/// Semantic checks of a request body, run after it parsed.
pub trait Validate {
    /// Every invalid field, or nothing.
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        Ok(())
    }
}

/// A JSON request body, parsed and validated.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    /// The parsed body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<mime_type::Essence>().ok())
        .is_some_and(|essence| essence.is_json())
}

/// Just enough media-type parsing to tell JSON apart.
mod mime_type {
    pub struct Essence(String);

    impl Essence {
        pub fn is_json(&self) -> bool {
            self.0 == "application/json"
                || (self.0.starts_with("application/") && self.0.ends_with("+json"))
        }
    }

    impl std::str::FromStr for Essence {
        type Err = ();

        fn from_str(s: &str) -> Result<Self, ()> {
            let essence = s
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            if essence.is_empty() {
                Err(())
            } else {
                Ok(Self(essence))
            }
        }
    }
}

/// Parses a JSON document into `T`, reporting where it failed.
pub fn parse_json<T: DeserializeOwned + Validate>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "request.malformed_json",
                "Malformed JSON",
            )
            .with_detail(format!("The body is not valid JSON: {inner}."))
        } else {
            let field = if path == "." { String::new() } else { path };
            let message = strip_position(&inner.to_string());
            ApiError::validation(vec![FieldError::new(field, "invalid", message)])
                .with_detail("The body does not have the expected shape.")
        }
    })?;
    deserializer.end().map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "request.malformed_json",
            "Malformed JSON",
        )
        .with_detail(format!("The body is not valid JSON: {e}."))
    })?;
    value.validate().map_err(ApiError::validation)?;
    Ok(value)
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// The problem for a body that could not be read: too large, or broken.
pub(crate) fn body_error(error: &actix_web::Error) -> ApiError {
    let status = error.as_response_error().status_code();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(status, "request.body_too_large", "Payload too large")
            .with_detail(format!("The body may be at most {MAX_JSON_BODY} bytes."))
    } else {
        ApiError::bad_request("request.unreadable_body", error.to_string())
    }
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if !is_json(req) {
            return Box::pin(std::future::ready(Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "request.unsupported_media_type",
                "Unsupported media type",
            )
            .with_detail(
                "The body must be JSON, sent with `Content-Type: application/json`.",
            ))));
        }
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = body.await.map_err(|e| body_error(&e))?;
            parse_json(&bytes).map(Json)
        })
    }
}

/// A 201 Created response: the new resource as JSON, and where it lives.
pub struct Created<T> {
    /// Where the resource can be read (`Location`).
    pub location: String,
    /// The resource.
    pub body: T,
}

impl<T: serde::Serialize> actix_web::Responder for Created<T> {
    type Body = actix_web::body::BoxBody;

    fn respond_to(self, _: &HttpRequest) -> actix_web::HttpResponse {
        actix_web::HttpResponse::Created()
            .insert_header((header::LOCATION, self.location))
            .json(self.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Inner {
        age: u8,
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        inner: Inner,
    }

    impl Validate for Body {}

    #[test]
    fn wrong_types_name_the_field() {
        let error = parse_json::<Body>(br#"{"name":"a","inner":{"age":"x"}}"#).unwrap_err();
        let problem = error.problem();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.errors[0].field, "inner.age");
    }

    #[test]
    fn broken_json_is_a_400() {
        let problem = parse_json::<Body>(br#"{"name": "#).unwrap_err().problem();
        assert_eq!(problem.status, 400);
        assert_eq!(problem.code, "request.malformed_json");
    }

    #[test]
    fn trailing_garbage_is_refused() {
        let problem = parse_json::<Body>(br#"{"name":"a","inner":{"age":1}} x"#)
            .unwrap_err()
            .problem();
        assert_eq!(problem.status, 400);
    }
}
