//! Errors in Stripe's shape: `{"error":{"type":…,"message":…,"param":…,"code":…}}` with Stripe's
//! status codes, and the errors of the simulator's own Rust API.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// Stripe's error `type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorType {
    InvalidRequest,
    Idempotency,
    Api,
}

impl ErrorType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ErrorType::InvalidRequest => "invalid_request_error",
            ErrorType::Idempotency => "idempotency_error",
            ErrorType::Api => "api_error",
        }
    }
}

/// One error answer of the simulated API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) kind: ErrorType,
    pub(crate) code: Option<&'static str>,
    pub(crate) message: String,
    pub(crate) param: Option<String>,
}

impl ApiError {
    /// 400 `invalid_request_error` about `param`.
    pub(crate) fn invalid(message: impl Into<String>, param: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            kind: ErrorType::InvalidRequest,
            code: None,
            message: message.into(),
            param: Some(param.into()),
        }
    }

    /// 400 `invalid_request_error` not tied to one parameter.
    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        Self { param: None, ..Self::invalid(message, "") }
    }

    /// The same error with Stripe's machine-readable `code`.
    pub(crate) fn with_code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    pub(crate) fn missing(param: &str) -> Self {
        Self::invalid(format!("Missing required param: {param}."), param).with_code("parameter_missing")
    }

    pub(crate) fn unknown_param(param: &str) -> Self {
        Self::invalid(format!("Received unknown parameter: {param}"), param).with_code("parameter_unknown")
    }

    pub(crate) fn unsupported(param: &str, what: &str) -> Self {
        Self::invalid(format!("The Stripe simulator does not support {what} ({param})."), param)
    }

    /// 404 for an object named in the URL.
    pub(crate) fn no_such(object: &str, id: &str) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            kind: ErrorType::InvalidRequest,
            code: Some("resource_missing"),
            message: format!("No such {object}: '{id}'"),
            param: Some("id".into()),
        }
    }

    /// 400 for an object named in a parameter (Stripe answers 400, not 404, there).
    pub(crate) fn no_such_param(object: &str, id: &str, param: &str) -> Self {
        Self::invalid(format!("No such {object}: '{id}'"), param).with_code("resource_missing")
    }

    pub(crate) fn unrecognized_url(method: &str, path: &str) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            kind: ErrorType::InvalidRequest,
            code: None,
            message: format!("Unrecognized request URL ({method}: {path})."),
            param: None,
        }
    }

    pub(crate) fn no_api_key() -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            kind: ErrorType::InvalidRequest,
            code: None,
            message: "You did not provide an API key. You need to provide your API key in the Authorization header, \
                      using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."
                .into(),
            param: None,
        }
    }

    pub(crate) fn invalid_api_key(masked: &str) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            kind: ErrorType::InvalidRequest,
            code: Some("api_key_invalid"),
            message: format!("Invalid API Key provided: {masked}"),
            param: None,
        }
    }

    pub(crate) fn idempotency_conflict(key: &str) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            kind: ErrorType::Idempotency,
            code: Some("idempotency_key_in_use"),
            message: format!(
                "Keys for idempotent requests can only be used with the same parameters they were first used with. \
                 Try using a key other than '{key}' if you meant to execute a different request."
            ),
            param: None,
        }
    }

    /// Stripe's JSON error body.
    pub(crate) fn body(&self) -> Value {
        let mut error = json!({ "type": self.kind.as_str(), "message": self.message });
        if let Some(param) = &self.param {
            error["param"] = json!(param);
        }
        if let Some(code) = self.code {
            error["code"] = json!(code);
            error["doc_url"] = json!(format!("https://stripe.com/docs/error-codes/{}", code.replace('_', "-")));
        }
        json!({ "error": error })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}

/// Why an operation of the simulator's Rust API or admin endpoints did not happen.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// No object of that kind has this id.
    #[error("no such {object}: '{id}'")]
    NotFound {
        /// `checkout.session`, `event`, …
        object: &'static str,
        /// The id asked for.
        id: String,
    },
    /// The Checkout Session is not `open` any more (it is `complete` or `expired`).
    #[error("checkout session '{id}' is {status}, not open")]
    NotOpen {
        /// The session.
        id: String,
        /// Its current status.
        status: String,
    },
    /// A fault that cannot be queued.
    #[error("invalid fault: {0}")]
    InvalidFault(String),
}

impl SimError {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            SimError::NotFound { .. } => StatusCode::NOT_FOUND,
            SimError::NotOpen { .. } => StatusCode::CONFLICT,
            SimError::InvalidFault(_) => StatusCode::BAD_REQUEST,
        }
    }
}

impl IntoResponse for SimError {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "type": "invalid_request_error", "message": self.to_string() } });
        (self.status(), axum::Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_error_body_has_stripe_shape() {
        let body = ApiError::missing("line_items").body();
        assert_eq!(body["error"]["type"], "invalid_request_error");
        assert_eq!(body["error"]["param"], "line_items");
        assert_eq!(body["error"]["code"], "parameter_missing");
        assert_eq!(body["error"]["message"], "Missing required param: line_items.");
        let conflict = ApiError::idempotency_conflict("k1").body();
        assert_eq!(conflict["error"]["type"], "idempotency_error");
        assert!(conflict["error"].get("param").is_none());
    }
}
