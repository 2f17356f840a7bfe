//! One error type for every handler, rendered as RFC 9457 `application/problem+json`.
//!
//! Every problem carries a stable `code` (`module.reason`), the request id, and for validation
//! failures a list of field errors. A 5xx never reveals its cause to the client: the cause chain
//! goes to the log, next to the same request id.

use std::borrow::Cow;
use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// The media type of every error body.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

tokio::task_local! {
    /// The id of the request being served, set by the server's request middleware.
    pub static REQUEST_ID: String;
}

/// The id of the request this task is serving, if any.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    /// Path of the field in the request, e.g. `email` or `contact.phone`.
    pub field: String,
    /// Stable machine-readable reason, e.g. `too_short`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
}

impl FieldError {
    /// A field error with its path, reason and message.
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// An RFC 9457 problem document, as every error response carries it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:palestra:problem:<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// Explanation specific to this occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stable machine-readable code, `module.reason`.
    pub code: String,
    /// The id of the request, also in the `X-Request-ID` response header and the logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Invalid fields, for validation failures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Further members specific to the problem (for example the choices of workspace).
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub extensions: Map<String, Value>,
}

/// The error every handler returns. Boxed, so results stay small on the happy path.
pub struct ApiError(Box<Inner>);

struct Inner {
    status: StatusCode,
    code: Cow<'static, str>,
    title: Cow<'static, str>,
    detail: Option<String>,
    errors: Vec<FieldError>,
    extensions: Map<String, Value>,
    headers: Vec<(HeaderName, HeaderValue)>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// The result type of handlers and services.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// A problem with a status, a stable code and a title.
    pub fn new(
        status: StatusCode,
        code: impl Into<Cow<'static, str>>,
        title: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self(Box::new(Inner {
            status,
            code: code.into(),
            title: title.into(),
            detail: None,
            errors: Vec::new(),
            extensions: Map::new(),
            headers: Vec::new(),
            source: None,
        }))
    }

    /// Adds the explanation of this occurrence.
    #[must_use]
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.0.detail = Some(detail.into());
        self
    }

    /// Adds invalid fields.
    #[must_use]
    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.0.errors = errors;
        self
    }

    /// Adds a member to the problem document.
    #[must_use]
    pub fn with_extension(mut self, key: &str, value: Value) -> Self {
        self.0.extensions.insert(key.to_owned(), value);
        self
    }

    /// Adds a response header.
    #[must_use]
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.0.headers.push((name, value));
        self
    }

    /// Keeps the underlying cause for the log.
    #[must_use]
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.0.source = Some(Box::new(source));
        self
    }

    /// 400 with a code and detail.
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, "Bad request").with_detail(detail)
    }

    /// 401: the caller is not authenticated.
    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, "Unauthorized")
            .with_detail(detail)
            .with_header(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))
    }

    /// 403: the caller may not do this.
    pub fn forbidden(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, "Forbidden").with_detail(detail)
    }

    /// 404: nothing here for this caller.
    pub fn not_found(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, "Not found").with_detail(detail)
    }

    /// 409: the request conflicts with the current state.
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, "Conflict").with_detail(detail)
    }

    /// 422: the body is well-formed but some fields are invalid.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.validation_failed",
            "Validation failed",
        )
        .with_detail("One or more fields are invalid.")
        .with_errors(errors)
    }

    /// 500: something broke on our side; the cause goes to the log only.
    pub fn internal(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal.error",
            "Internal server error",
        )
        .with_source(source)
    }

    /// The stable code.
    pub fn code(&self) -> &str {
        &self.0.code
    }

    /// The problem document of this error.
    pub fn problem(&self) -> Problem {
        let server_error = self.0.status.is_server_error();
        Problem {
            problem_type: format!("urn:palestra:problem:{}", self.0.code),
            title: self.0.title.to_string(),
            status: self.0.status.as_u16(),
            detail: if server_error {
                Some("The server could not complete the request; quote the request id when reporting it.".to_owned())
            } else {
                self.0.detail.clone()
            },
            code: self.0.code.to_string(),
            request_id: current_request_id(),
            errors: self.0.errors.clone(),
            extensions: self.0.extensions.clone(),
        }
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.0.status)
            .field("code", &self.0.code)
            .field("detail", &self.0.detail)
            .field("source", &self.0.source)
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.0.title, self.0.code)?;
        if let Some(detail) = &self.0.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// The whole cause chain of an error, for the log.
pub fn cause_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        next = cause.source();
    }
    out
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.0.status
    }

    fn error_response(&self) -> HttpResponse {
        if self.0.status.is_server_error() {
            tracing::error!(code = %self.0.code, cause = %cause_chain(self), "request failed");
        }
        let mut response = HttpResponse::build(self.0.status);
        response.insert_header((header::CONTENT_TYPE, PROBLEM_CONTENT_TYPE));
        for (name, value) in &self.0.headers {
            response.insert_header((name.clone(), value.clone()));
        }
        response.body(serde_json::to_vec(&self.problem()).unwrap_or_default())
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::internal(error)
    }
}

impl From<sea_orm::TransactionError<ApiError>> for ApiError {
    fn from(error: sea_orm::TransactionError<ApiError>) -> Self {
        match error {
            sea_orm::TransactionError::Connection(e) => Self::internal(e),
            sea_orm::TransactionError::Transaction(e) => e,
        }
    }
}

/// An error of a domain module: a stable code, a status and a title for each variant.
pub trait DomainError: std::error::Error + Send + Sync + 'static {
    /// The HTTP status this error answers with.
    fn status(&self) -> StatusCode;
    /// The stable code, `module.reason`.
    fn code(&self) -> &'static str;
    /// A short title for the kind of problem.
    fn title(&self) -> &'static str;

    /// Converts into the problem error, keeping the message as detail.
    fn into_api_error(self) -> ApiError
    where
        Self: Sized,
    {
        ApiError::new(self.status(), self.code(), self.title()).with_detail(self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_hide_their_cause() {
        let error = ApiError::internal(std::io::Error::other("password=hunter2 leaked"));
        let problem = error.problem();
        assert_eq!(problem.status, 500);
        let body = serde_json::to_string(&problem).unwrap();
        assert!(!body.contains("hunter2"), "{body}");
    }

    #[test]
    fn problems_carry_type_code_and_field_errors() {
        let problem =
            ApiError::validation(vec![FieldError::new("email", "invalid", "not an email")])
                .problem();
        let json = serde_json::to_value(&problem).unwrap();
        assert_eq!(
            json["type"],
            "urn:palestra:problem:request.validation_failed"
        );
        assert_eq!(json["status"], 422);
        assert_eq!(json["errors"][0]["field"], "email");
    }
}
