//! What tests see of the simulator: the request log, queued faults, emitted events and their
//! deliveries. The same types are the JSON of the `/_sim/` admin endpoints.

use std::time::Duration;

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{ApiError, ErrorType, SimError};

/// One request received on the simulated Stripe API (`/v1/…`), oldest first in the log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestRecord {
    /// The `Request-Id` the simulator answered (`req_…`).
    pub id: String,
    /// When it arrived (unix seconds, simulator clock).
    pub at: i64,
    /// `GET`, `POST`…
    pub method: String,
    /// `/v1/checkout/sessions`…
    pub path: String,
    /// The headers that matter for a Stripe client.
    pub headers: RequestHeaders,
    /// The decoded form params (body of a POST, query of a GET) as nested JSON; every leaf is the
    /// string that was sent (`"4500"`), as Stripe receives it. `null` when they did not decode.
    pub params: Value,
    /// The HTTP status answered; `None` while in flight, or when the connection was dropped.
    pub status: Option<u16>,
    /// Whether the answer was an idempotent replay of a stored one.
    pub idempotent_replayed: bool,
    /// The fault this request consumed, if any.
    pub fault: Option<Fault>,
}

/// Headers of a [`RequestRecord`]; `Authorization` is masked (`Bearer sk_test_…abcd`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestHeaders {
    /// `Idempotency-Key`.
    #[serde(rename = "Idempotency-Key")]
    pub idempotency_key: Option<String>,
    /// `Stripe-Version`.
    #[serde(rename = "Stripe-Version")]
    pub stripe_version: Option<String>,
    /// `Content-Type`.
    #[serde(rename = "Content-Type")]
    pub content_type: Option<String>,
    /// `Authorization`, masked.
    #[serde(rename = "Authorization")]
    pub authorization: Option<String>,
}

/// A failure queued for one of the next API requests (see `POST /_sim/faults`).
///
/// - `{"status":503}`: answered at once with that status and a Stripe error body; not processed.
/// - `{"timeout_ms":5000}`: processed, then the answer is held back that long (longer than the
///   client's timeout: the client gives up although the work was done, as with a real timeout;
///   a retry with the same `Idempotency-Key` then gets the stored answer).
/// - `{"reset":true}`: the connection is dropped (TCP reset) without an answer; not processed.
///
/// `process` overrides whether the request is carried out first; `path` limits the fault to
/// requests whose path starts with it (`"/v1/refunds"`); `type`, `message` and `should_retry`
/// shape the error body and the `Stripe-Should-Retry` header of a `status` fault.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// Answer this HTTP status (400–599) with a Stripe error body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Stripe error `type` of a `status` fault (default `api_error` for 5xx, else
    /// `invalid_request_error`).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
    /// Error message of a `status` fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `Stripe-Should-Retry` header of a `status` fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub should_retry: Option<bool>,
    /// Hold the answer back this long.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// Drop the connection instead of answering.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reset: bool,
    /// Carry the request out before the fault (default: only for a pure `timeout_ms` fault).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process: Option<bool>,
    /// Only for requests whose path starts with this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl Fault {
    /// An HTTP error answer (`503`, `500`, `429`…), not processed.
    pub fn http(status: u16) -> Self {
        Self { status: Some(status), ..Self::default() }
    }

    /// A processed request whose answer is held back for `delay`.
    pub fn delay(delay: Duration) -> Self {
        Self { timeout_ms: Some(u64::try_from(delay.as_millis()).unwrap_or(u64::MAX)), ..Self::default() }
    }

    /// A dropped connection, not processed.
    pub fn drop_connection() -> Self {
        Self { reset: true, ..Self::default() }
    }

    /// Only for requests whose path starts with `prefix`.
    pub fn on_path(mut self, prefix: impl Into<String>) -> Self {
        self.path = Some(prefix.into());
        self
    }

    /// Whether the request is carried out before the fault strikes.
    pub fn processed(mut self, process: bool) -> Self {
        self.process = Some(process);
        self
    }

    pub(crate) fn processes(&self) -> bool {
        self.process.unwrap_or(self.status.is_none() && !self.reset)
    }

    pub(crate) fn applies_to(&self, path: &str) -> bool {
        self.path.as_deref().is_none_or(|prefix| path.starts_with(prefix))
    }

    pub(crate) fn validate(&self) -> Result<(), SimError> {
        if self.status.is_none() && self.timeout_ms.is_none() && !self.reset {
            return Err(SimError::InvalidFault("give at least one of status, timeout_ms, reset".into()));
        }
        if let Some(status) = self.status
            && !(400..=599).contains(&status)
        {
            return Err(SimError::InvalidFault(format!("status {status} is not an HTTP error (400–599)")));
        }
        if let Some(kind) = &self.error_type
            && !["api_error", "card_error", "idempotency_error", "invalid_request_error"].contains(&kind.as_str())
        {
            return Err(SimError::InvalidFault(format!("unknown Stripe error type {kind}")));
        }
        Ok(())
    }

    /// The error answer of a `status` fault.
    pub(crate) fn error(&self, status: u16) -> ApiError {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        let kind = match self.error_type.as_deref() {
            Some("idempotency_error") => ErrorType::Idempotency,
            Some("invalid_request_error") | Some("card_error") => ErrorType::InvalidRequest,
            Some(_) => ErrorType::Api,
            None if status.is_server_error() => ErrorType::Api,
            None => ErrorType::InvalidRequest,
        };
        ApiError {
            status,
            kind,
            code: None,
            message: self.message.clone().unwrap_or_else(|| format!("Simulated fault: HTTP {}", status.as_u16())),
            param: None,
        }
    }
}

/// An event the simulator emitted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventRecord {
    /// `evt_…`.
    pub id: String,
    /// `checkout.session.completed`…
    #[serde(rename = "type")]
    pub event_type: String,
    /// `created` of the event (unix seconds, simulator clock).
    pub created: i64,
    /// Id of `data.object`.
    pub object_id: String,
    /// The event object, exactly as delivered (`GET /v1/events/{id}` answers it too).
    pub payload: Value,
    /// Where its webhook delivery stands.
    pub delivery: DeliveryStatus,
    /// Every delivery attempt, oldest first (re-sends append).
    pub attempts: Vec<DeliveryAttempt>,
}

/// Where an event's webhook delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Queued or being retried.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Every attempt failed.
    Failed,
    /// No webhook URL was configured when it was emitted.
    NoEndpoint,
}

/// One POST of an event to the webhook URL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryAttempt {
    /// When it was sent (unix seconds, real time: the signature's `t`).
    pub at: i64,
    /// The endpoint's HTTP status, if it answered.
    pub status: Option<u16>,
    /// Why it failed without an answer (connection refused, timeout…).
    pub error: Option<String>,
    /// How long it took.
    pub duration_ms: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_parse_from_the_admin_json_and_say_what_they_do() {
        let faults: Vec<Fault> =
            serde_json::from_str(r#"[{"status":503},{"timeout_ms":5000},{"reset":true},{"status":500,"process":true}]"#).unwrap();
        assert_eq!(faults[0], Fault::http(503));
        assert_eq!(faults[1], Fault::delay(Duration::from_secs(5)));
        assert_eq!(faults[2], Fault::drop_connection());
        let processes: Vec<bool> = faults.iter().map(Fault::processes).collect();
        assert_eq!(processes, [false, true, false, true]);
        assert!(faults.iter().all(|f| f.validate().is_ok()));
        assert!(Fault::default().validate().is_err());
        assert!(Fault::http(200).validate().is_err());
        assert!(serde_json::from_str::<Fault>(r#"{"statu":503}"#).is_err());
        assert!(Fault::http(503).on_path("/v1/refunds").applies_to("/v1/refunds"));
        assert!(!Fault::http(503).on_path("/v1/refunds").applies_to("/v1/checkout/sessions"));
        assert_eq!(Fault::http(503).error(503).kind, ErrorType::Api);
    }
}
