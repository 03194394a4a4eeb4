//! One error type for every handler, rendered as RFC 9457 `application/problem+json`
//! (contract in API.md), and the extractors whose rejections use it too.

use std::time::Duration;

use axum::extract::rejection::{BytesRejection, JsonRejection};
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The field, in the request's camelCase (`address.postalCode` for nested ones).
    pub field: String,
    /// A stable code (`invalid`, `required`, `too_soon`, …).
    pub code: String,
    /// A human-readable explanation, in English.
    pub message: String,
}

impl FieldError {
    /// A field error.
    pub fn new(field: impl Into<String>, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), code: code.into(), message: message.into() }
    }
}

/// The body of every error response.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What happened, for this occurrence.
    pub detail: String,
    /// A stable, machine-readable code.
    pub code: String,
    /// Field errors, for 422 and some 400.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// Every failure a handler can answer with. Client mistakes are 4xx; only [`ApiError::Internal`]
/// is 500, and its cause is logged, never sent.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request is malformed.
    #[error("{detail}")]
    BadRequest {
        /// Stable code.
        code: &'static str,
        /// Explanation.
        detail: String,
    },
    /// 401: no or invalid credentials.
    #[error("authentication required")]
    Unauthorized,
    /// 403: authenticated but not allowed, with a stable code (`forbidden`, `email_unverified`).
    #[error("{detail}")]
    Forbidden {
        /// Stable code.
        code: &'static str,
        /// Explanation.
        detail: String,
    },
    /// 404: unknown, or someone else's, resource.
    #[error("resource not found")]
    NotFound,
    /// 405: the route exists, not with this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 409: conflicts with the resource's current state.
    #[error("{detail}")]
    Conflict {
        /// Stable code (`unavailable`, `modification_window_closed`, …).
        code: &'static str,
        /// Explanation.
        detail: String,
    },
    /// 413: the body is larger than allowed.
    #[error("request body too large")]
    PayloadTooLarge,
    /// 415: the body is not `application/json`.
    #[error("expected a request body with content type application/json")]
    UnsupportedMediaType,
    /// 422: well-formed but invalid; one entry per field.
    #[error("invalid request")]
    Unprocessable(Vec<FieldError>),
    /// 429: too many requests; retry after the given delay.
    #[error("too many requests")]
    TooManyRequests {
        /// Stable code (`rate_limited`, `locked`).
        code: &'static str,
        /// When the client may try again.
        retry_after: Duration,
    },
    /// 502: an upstream provider (Stripe) failed after our retries; nothing was written.
    #[error("{detail}")]
    BadGateway {
        /// Stable code (`payment_provider_unavailable`).
        code: &'static str,
        /// Explanation.
        detail: String,
    },
    /// 503: a dependency is down.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// 503 `overloaded` with `Retry-After`: the work is bounded (e.g. password hashing) and every
    /// slot is taken.
    #[error("too busy to answer now; try again shortly")]
    Overloaded {
        /// When the client may try again.
        retry_after: Duration,
    },
    /// 500: a bug or an infrastructure failure. Logged with its cause chain; the client only
    /// sees a generic message.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// 422 with a single field error.
    pub fn field(field: impl Into<String>, code: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Unprocessable(vec![FieldError::new(field, code, message)])
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::BadGateway { .. } => StatusCode::BAD_GATEWAY,
            ApiError::Unavailable(_) | ApiError::Overloaded { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable `code` of the problem body.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest { code, .. }
            | ApiError::Forbidden { code, .. }
            | ApiError::Conflict { code, .. }
            | ApiError::BadGateway { code, .. }
            | ApiError::TooManyRequests { code, .. } => code,
            ApiError::Unauthorized => "unauthorized",
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::PayloadTooLarge => "payload_too_large",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::Unprocessable(_) => "validation_failed",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Overloaded { .. } => "overloaded",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The problem body of this error.
    pub fn problem(&self) -> Problem {
        let status = self.status();
        let detail = match self {
            ApiError::Internal(_) => "an unexpected error occurred; it has been logged".to_string(),
            ApiError::Unavailable(_) => "a dependency is unavailable; try again shortly".to_string(),
            other => other.to_string(),
        };
        Problem {
            kind: format!("https://yourcaryourway.com/problems/{}", self.code().replace('_', "-")),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail,
            code: self.code().to_string(),
            errors: match self {
                ApiError::Unprocessable(errors) => errors.clone(),
                _ => Vec::new(),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            ApiError::Internal(cause) => {
                tracing::error!(error = format!("{cause:#}"), "request failed")
            }
            ApiError::Unavailable(cause) => {
                tracing::warn!(error = %cause, "dependency unavailable")
            }
            _ => {}
        }
        let mut response = problem_response(&self.problem());
        let headers = response.headers_mut();
        match &self {
            ApiError::Unauthorized => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            ApiError::TooManyRequests { retry_after, .. } | ApiError::Overloaded { retry_after } => {
                let seconds = retry_after.as_secs().max(1);
                if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                    headers.insert(header::RETRY_AFTER, value);
                }
            }
            _ => {}
        }
        response
    }
}

/// Serializes a problem with its status and media type.
pub fn problem_response(problem: &Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(problem).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))], body).into_response()
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            // Saturation, not a bug: every connection is busy for longer than the acquire timeout.
            sqlx::Error::PoolTimedOut => ApiError::Unavailable("no database connection free in time".into()),
            // The server went away under a query (restart, failover, network): the client may
            // retry; the pool replaces the connection.
            sqlx::Error::Io(e) => ApiError::Unavailable(format!("database connection lost: {e}")),
            sqlx::Error::PoolClosed => ApiError::Unavailable("the database pool is closed".into()),
            // The server says it is going away: shutting down (1053), or this connection killed
            // (1927, e.g. by a failover).
            sqlx::Error::Database(db)
                if db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>().is_some_and(|e| matches!(e.number(), 1053 | 1927)) =>
            {
                ApiError::Unavailable(format!("database going away: {db}"))
            }
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType,
            JsonRejection::JsonSyntaxError(e) => {
                ApiError::BadRequest { code: "malformed_json", detail: format!("the body is not valid JSON: {}", e.body_text()) }
            }
            JsonRejection::JsonDataError(e) => json_data_error(&e.body_text()),
            JsonRejection::BytesRejection(e) => bytes_rejection(e),
            other => ApiError::BadRequest { code: "bad_request", detail: other.body_text() },
        }
    }
}

fn bytes_rejection(rejection: BytesRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge
    } else {
        ApiError::BadRequest { code: "bad_request", detail: "the request body could not be read".into() }
    }
}

/// serde's data errors read `Failed to deserialize the JSON body into the target type: <path>: <reason>
/// at line L column C`; the path becomes the field, so clients can show the error next to it.
fn json_data_error(text: &str) -> ApiError {
    let reason = text.split_once("target type: ").map_or(text, |(_, rest)| rest);
    let (path, message) = match reason.split_once(": ") {
        Some((path, message)) if !path.contains(' ') => (Some(path), message),
        _ => (None, reason),
    };
    let missing = message.starts_with("missing field").then(|| missing_field_name(message)).flatten();
    let code = if message.starts_with("missing field") { "required" } else { "invalid" };
    let field = match (path, missing) {
        // A field missing in a nested object: `items[0]` + `oneWayFee`.
        (Some(path), Some(name)) => format!("{path}.{name}"),
        (Some(path), None) => path.to_string(),
        (None, Some(name)) => name,
        (None, None) => "body".to_string(),
    };
    ApiError::field(field, code, strip_position(message))
}

fn missing_field_name(message: &str) -> Option<String> {
    let start = message.find("missing field `")? + "missing field `".len();
    let end = message[start..].find('`')? + start;
    Some(message[start..end].to_string())
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// `Json<T>` whose rejections are problem+json (400 malformed, 415 content type, 413 too large,
/// 422 with the offending field).
#[derive(Debug, Clone, Copy, Default)]
pub struct ValidJson<T>(pub T);

impl<T, S> FromRequest<S> for ValidJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(value) = axum::Json::<T>::from_request(req, state).await?;
        Ok(ValidJson(value))
    }
}

/// The router fallback: unknown routes are problem+json 404.
pub async fn not_found() -> ApiError {
    ApiError::NotFound
}

/// The method fallback: a known path with another method is problem+json 405.
pub async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::{Value, json};
    use ycyw_testkit::fuzz::{hostile_text, json_value};

    use super::*;

    /// The database gone (restart, failover, saturation) is the client's 503 to retry, not a bug.
    #[test]
    fn a_database_going_away_is_a_503() {
        let lost = sqlx::Error::Io(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by peer"));
        for error in [lost, sqlx::Error::PoolTimedOut, sqlx::Error::PoolClosed] {
            let answer = ApiError::from(error);
            assert_eq!((answer.status(), answer.code()), (StatusCode::SERVICE_UNAVAILABLE, "unavailable"), "{answer:?}");
        }
        assert_eq!(ApiError::from(sqlx::Error::RowNotFound).status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
    use crate::domain::PostalAddressInput;

    /// A valid address body with one field (or an unknown one) set to any JSON value.
    fn near_valid_body() -> impl Strategy<Value = Vec<u8>> {
        let field = prop::sample::select(vec!["line1", "line2", "postalCode", "city", "countryCode", "extra"]);
        (field, json_value()).prop_map(|(field, value)| {
            let mut body = json!({ "line1": "10 rue de Rivoli", "postalCode": "75001", "city": "Paris", "countryCode": "FR" });
            body[field] = value;
            body.to_string().into_bytes()
        })
    }

    proptest! {
        /// Invariant: whatever the body, a JSON extractor's answer is the value, a 400
        /// `malformed_json` or a 422 naming at least one field — never a panic or a 5xx.
        #[test]
        fn fuzz_json_body_rejections_are_4xx(body in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..256),
            hostile_text().prop_map(String::into_bytes),
            json_value().prop_map(|v: Value| v.to_string().into_bytes()),
            near_valid_body(),
        ]) {
            if let Err(rejection) = axum::Json::<PostalAddressInput>::from_bytes(&body) {
                let error = ApiError::from(rejection);
                let problem = error.problem();
                match error.status() {
                    StatusCode::BAD_REQUEST => prop_assert_eq!(problem.code.as_str(), "malformed_json"),
                    StatusCode::UNPROCESSABLE_ENTITY => prop_assert!(problem.errors.iter().all(|e| !e.field.is_empty()) && !problem.errors.is_empty()),
                    other => prop_assert!(false, "{} for {:?}", other, String::from_utf8_lossy(&body)),
                }
            }
        }

        /// Invariant: serde's error text, whatever it quotes from the body, becomes one 422
        /// field error (never a panic on a multi-byte character near the quotes).
        #[test]
        fn fuzz_json_data_error_text(text in hostile_text(), field in hostile_text()) {
            for text in [text.clone(), format!("Failed to deserialize the JSON body into the target type: {field}: missing field `{text}` at line 1"), format!("target type: {field}: {text} at line 3")] {
                let problem = json_data_error(&text).problem();
                prop_assert_eq!(problem.status, 422);
                prop_assert_eq!(problem.errors.len(), 1);
            }
        }
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let problem = ApiError::Internal(anyhow::anyhow!("password=hunter2 in SQL")).problem();
        assert_eq!(problem.status, 500);
        assert!(!problem.detail.contains("hunter2"));
    }

    #[test]
    fn data_errors_name_the_field() {
        let e = json_data_error(
            "Failed to deserialize the JSON body into the target type: address.postalCode: invalid type: integer `5`, expected a string at line 1 column 30",
        );
        let problem = e.problem();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.errors[0].field, "address.postalCode");
        assert_eq!(problem.errors[0].code, "invalid");
        assert_eq!(problem.errors[0].message, "invalid type: integer `5`, expected a string");

        let e = json_data_error("Failed to deserialize the JSON body into the target type: missing field `email` at line 1 column 2");
        let problem = e.problem();
        assert_eq!((problem.errors[0].field.as_str(), problem.errors[0].code.as_str()), ("email", "required"));

        let e = json_data_error(
            "Failed to deserialize the JSON body into the target type: items[0]: missing field `oneWayFee` at line 1 column 80",
        );
        let problem = e.problem();
        assert_eq!((problem.errors[0].field.as_str(), problem.errors[0].code.as_str()), ("items[0].oneWayFee", "required"));
    }

    #[test]
    fn codes_and_types_are_stable() {
        let p = ApiError::Conflict { code: "unavailable", detail: "taken".into() }.problem();
        assert_eq!((p.status, p.code.as_str(), p.kind.as_str()), (409, "unavailable", "https://yourcaryourway.com/problems/unavailable"));
    }
}
