//! The simulated Stripe API (`/v1/…`): request log, queued faults, authentication,
//! idempotency, then the route.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::error::{ApiError, SimError};
use crate::form;
use crate::model::{Cause, new_id};
use crate::records::{Fault, RequestHeaders, RequestRecord};
use crate::server::ConnectionKill;
use crate::sim::Sim;
use crate::store::{State as Store, StoredResponse};

const MAX_BODY_BYTES: usize = 1024 * 1024;

/// One answer of the API, before it becomes an HTTP response.
struct Answer {
    status: StatusCode,
    body: Vec<u8>,
    replayed: bool,
    should_retry: Option<bool>,
    /// The `Request-Id` of the request a replay repeats.
    original_request_id: Option<String>,
}

impl Answer {
    fn ok(value: &Value) -> Self {
        Self {
            status: StatusCode::OK,
            body: value.to_string().into_bytes(),
            replayed: false,
            should_retry: None,
            original_request_id: None,
        }
    }

    fn error(error: &ApiError) -> Self {
        Self {
            status: error.status,
            body: error.body().to_string().into_bytes(),
            replayed: false,
            should_retry: None,
            original_request_id: None,
        }
    }
}

/// Every `/v1/…` request.
pub(crate) async fn handle(State(sim): State<Arc<Sim>>, request: Request) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let kill = parts.extensions.get::<ConnectionKill>().cloned();
    let method = parts.method.clone();
    let path = parts.uri.path().to_owned();
    let request_id = new_id("req_", 14);
    let decoded = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Err(_) => Err(ApiError::invalid_request("The request body could not be read (at most 1 MiB).")),
        Ok(_) if method == Method::GET || method == Method::DELETE => form::decode(parts.uri.query().unwrap_or_default().as_bytes()),
        Ok(bytes) => check_form_content_type(&parts.headers, &bytes).and_then(|()| form::decode(&bytes)),
    };
    let idempotency_key = (method == Method::POST).then(|| header_str(&parts.headers, "idempotency-key")).flatten();
    let (index, fault) = {
        let mut state = sim.lock();
        let record = RequestRecord {
            id: request_id.clone(),
            at: sim.now(),
            method: method.to_string(),
            path: path.clone(),
            headers: RequestHeaders {
                idempotency_key: header_str(&parts.headers, "idempotency-key"),
                stripe_version: header_str(&parts.headers, "stripe-version"),
                content_type: header_str(&parts.headers, "content-type"),
                authorization: header_str(&parts.headers, "authorization").map(|value| mask_authorization(&value)),
            },
            params: decoded.as_ref().cloned().unwrap_or(Value::Null),
            status: None,
            idempotent_replayed: false,
            fault: None,
        };
        let fault = take_fault(&mut state, &path);
        state.requests.push(RequestRecord { fault: fault.clone(), ..record });
        (state.requests.len() - 1, fault)
    };

    let call = |sim: &Arc<Sim>| match &decoded {
        Ok(params) => api_call(sim, &method, &path, &parts.headers, params, idempotency_key.as_deref(), &request_id),
        Err(error) => Answer::error(error),
    };
    let mut answer = fault.as_ref().is_none_or(Fault::processes).then(|| call(&sim));
    if let Some(fault) = &fault {
        if let Some(ms) = fault.timeout_ms {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        if fault.reset
            && let Some(kill) = kill
        {
            log_call(&request_id, &method, &path, None, false, Some(fault), started);
            kill.fire();
            // The connection task drops this request with its connection.
            std::future::pending::<()>().await;
        }
        if let Some(status) = fault.status {
            let error = fault.error(status);
            answer = Some(Answer { should_retry: fault.should_retry, ..Answer::error(&error) });
        }
    }
    // A fault that held the request back without processing it: it is carried out late.
    let answer = answer.unwrap_or_else(|| call(&sim));

    if let Some(record) = sim.lock().requests.get_mut(index) {
        record.status = Some(answer.status.as_u16());
        record.idempotent_replayed = answer.replayed;
    }
    log_call(&request_id, &method, &path, Some(answer.status), answer.replayed, fault.as_ref(), started);
    respond(answer, &request_id, idempotency_key.as_deref(), header_str(&parts.headers, "stripe-version"))
}

/// Paths outside the API, the pages and `/_sim/`: Stripe's 404, not logged.
pub(crate) async fn unrecognized(method: Method, uri: axum::http::Uri) -> Response {
    ApiError::unrecognized_url(method.as_str(), uri.path()).into_response()
}

fn respond(answer: Answer, request_id: &str, idempotency_key: Option<&str>, stripe_version: Option<String>) -> Response {
    let mut response = (answer.status, Body::from(answer.body)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache, no-store"));
    let mut set = |name: &'static str, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    };
    set("request-id", answer.original_request_id.as_deref().unwrap_or(request_id));
    if let Some(key) = idempotency_key {
        set("idempotency-key", key);
    }
    if let Some(version) = stripe_version {
        set("stripe-version", &version);
    }
    if answer.replayed {
        set("idempotent-replayed", "true");
    }
    if let Some(retry) = answer.should_retry {
        set("stripe-should-retry", if retry { "true" } else { "false" });
    }
    response
}

fn take_fault(state: &mut Store, path: &str) -> Option<Fault> {
    let position = state.faults.iter().position(|fault| fault.applies_to(path))?;
    state.faults.remove(position)
}

fn log_call(
    request_id: &str,
    method: &Method,
    path: &str,
    status: Option<StatusCode>,
    replayed: bool,
    fault: Option<&Fault>,
    started: Instant,
) {
    let fault = fault.map(|f| {
        let mut parts = Vec::new();
        if let Some(status) = f.status {
            parts.push(format!("status {status}"));
        }
        if let Some(ms) = f.timeout_ms {
            parts.push(format!("delay {ms} ms"));
        }
        if f.reset {
            parts.push("reset".to_owned());
        }
        parts.join(", ")
    });
    tracing::info!(
        request_id,
        method = %method,
        path,
        status = status.map(|s| s.as_u16().to_string()).unwrap_or_else(|| "dropped".into()),
        replayed,
        fault = fault.as_deref().unwrap_or("-"),
        elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        "api call"
    );
}

/// Authentication, idempotency and the route, under the state lock.
fn api_call(
    sim: &Arc<Sim>,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    params: &Value,
    idempotency_key: Option<&str>,
    request_id: &str,
) -> Answer {
    if let Err(error) = authenticate(headers, &sim.api_key) {
        return Answer::error(&error);
    }
    if let Some(key) = idempotency_key
        && (key.is_empty() || key.chars().count() > 255)
    {
        return Answer::error(&ApiError::invalid_request("Idempotency-Key must be 1 to 255 characters long."));
    }
    sim.change(|state, now| {
        let slot = idempotency_key.map(|key| (sim.api_key.clone(), key.to_owned()));
        if let Some(slot) = &slot
            && let Some(stored) = state.idempotency.get(slot)
        {
            if stored.method == method.as_str() && stored.path == path && stored.params == *params {
                return Answer {
                    status: StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK),
                    body: stored.body.clone(),
                    replayed: true,
                    should_retry: None,
                    original_request_id: Some(stored.request_id.clone()),
                };
            }
            return Answer::error(&ApiError::idempotency_conflict(&slot.1));
        }
        let cause = Cause { request_id: Some(request_id.to_owned()), idempotency_key: idempotency_key.map(str::to_owned) };
        let answer = match route(state, method, path, params, now, &cause) {
            Ok(value) => Answer::ok(&value),
            Err(error) => Answer::error(&error),
        };
        // Like Stripe, only requests that ran are kept for replay (not refused params).
        if let Some(slot) = slot
            && answer.status.is_success()
        {
            let stored = StoredResponse {
                method: method.to_string(),
                path: path.to_owned(),
                params: params.clone(),
                status: answer.status.as_u16(),
                body: answer.body.clone(),
                request_id: request_id.to_owned(),
            };
            state.idempotency.insert(slot, stored);
        }
        answer
    })
}

fn route(state: &mut Store, method: &Method, path: &str, params: &Value, now: i64, cause: &Cause) -> Result<Value, ApiError> {
    let segments: Vec<&str> = path.trim_start_matches("/v1/").split('/').collect();
    match (method.as_str(), segments.as_slice()) {
        ("POST", ["checkout", "sessions"]) => state.create_session(params, now),
        ("GET", ["checkout", "sessions", id]) => state.session_object(id, params),
        ("POST", ["checkout", "sessions", id, "expire"]) => {
            form::Params::root(params).only(&["expand"])?;
            state.expire_session(id, now, cause).map_err(|error| match error {
                SimError::NotOpen { status, .. } => ApiError::invalid_request(format!(
                    "Only Checkout Sessions with a status in [\"open\"] can be expired. This Checkout Session has a status of \"{status}\"."
                )),
                _ => ApiError::no_such("checkout.session", id),
            })
        }
        ("POST", ["refunds"]) => state.create_refund(params, now, cause),
        ("GET", ["refunds", id]) => state.refund_object(id, params),
        ("GET", ["payment_intents", id]) => state.payment_intent_object(id, params),
        ("GET", ["charges", id]) => state.charge_object(id, params),
        ("GET", ["events", id]) => state.event_object(id),
        _ => Err(ApiError::unrecognized_url(method.as_str(), path)),
    }
}

fn authenticate(headers: &HeaderMap, api_key: &str) -> Result<(), ApiError> {
    let Some(value) = header_str(headers, "authorization") else {
        return Err(ApiError::no_api_key());
    };
    // Bearer, as async-stripe sends it; Basic `key:` too, as in Stripe's curl examples (`-u sk_test_…:`).
    let given = match value.split_once(' ') {
        Some((scheme, credentials)) if scheme.eq_ignore_ascii_case("bearer") => credentials.trim().to_owned(),
        Some((scheme, credentials)) if scheme.eq_ignore_ascii_case("basic") => {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD
                .decode(credentials.trim())
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .map(|user_password| user_password.split(':').next().unwrap_or_default().to_owned())
                .unwrap_or_default()
        }
        _ => String::new(),
    };
    if given.is_empty() {
        return Err(ApiError::no_api_key());
    }
    if given != api_key {
        return Err(ApiError::invalid_api_key(&mask_key(&given)));
    }
    Ok(())
}

fn check_form_content_type(headers: &HeaderMap, body: &[u8]) -> Result<(), ApiError> {
    if body.is_empty() {
        return Ok(());
    }
    match header_str(headers, "content-type") {
        Some(value) if value.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded") => Ok(()),
        other => Err(ApiError::invalid_request(format!(
            "Stripe requests are form-encoded: Content-Type must be application/x-www-form-urlencoded (got {}).",
            other.as_deref().unwrap_or("none")
        ))),
    }
}

fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|value| value.to_str().ok()).map(str::to_owned)
}

/// `sk_test_51Habc…wxyz` → `sk_test_…wxyz`.
pub(crate) fn mask_key(key: &str) -> String {
    let prefix_len = key.match_indices('_').nth(1).map(|(i, _)| i + 1).unwrap_or(0);
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= prefix_len + 8 {
        return format!("{}****", &key[..prefix_len.min(key.len())]);
    }
    let last4: String = chars[chars.len() - 4..].iter().collect();
    format!("{}…{last4}", &key[..prefix_len])
}

fn mask_authorization(value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme, credentials)) => format!("{scheme} {}", mask_key(credentials.trim())),
        None => "****".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_masked_to_their_prefix_and_last_four() {
        assert_eq!(mask_key("sk_test_simulator_abcdef1234"), "sk_test_…1234");
        assert_eq!(mask_key("sk_test_short"), "sk_test_****");
        assert_eq!(mask_key("x"), "****");
        assert_eq!(mask_authorization("Bearer sk_test_simulator_abcdef1234"), "Bearer sk_test_…1234");
    }

    #[test]
    fn only_the_configured_key_authenticates_as_bearer_or_basic() {
        let mut headers = HeaderMap::new();
        assert_eq!(authenticate(&headers, "sk_test_k").unwrap_err().status, StatusCode::UNAUTHORIZED);
        headers.insert("authorization", HeaderValue::from_static("Bearer sk_test_other_key_123456"));
        let error = authenticate(&headers, "sk_test_k").unwrap_err();
        assert_eq!(error.message, "Invalid API Key provided: sk_test_…3456");
        headers.insert("authorization", HeaderValue::from_static("Bearer sk_test_k"));
        assert!(authenticate(&headers, "sk_test_k").is_ok());
        // curl -u sk_test_k:
        headers.insert("authorization", HeaderValue::from_static("Basic c2tfdGVzdF9rOg=="));
        assert!(authenticate(&headers, "sk_test_k").is_ok());
        headers.insert("authorization", HeaderValue::from_static("Basic !!"));
        assert_eq!(authenticate(&headers, "sk_test_k").unwrap_err(), ApiError::no_api_key());
    }
}
