//! Test support over HTTP, under `/_sim/`: the request log, faults, events, the page buttons
//! and the clock, for tests in any language and for a look during development.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::SimError;
use crate::records::Fault;
use crate::sim::Sim;

/// `GET /_sim/health`.
pub(crate) async fn health() -> &'static str {
    "ok"
}

/// `GET /_sim/requests`: every API request, oldest first.
pub(crate) async fn requests(State(sim): State<Arc<Sim>>) -> Response {
    Json(json!({ "data": sim.lock().requests })).into_response()
}

/// `DELETE /_sim/requests`.
pub(crate) async fn clear_requests(State(sim): State<Arc<Sim>>) -> StatusCode {
    sim.lock().requests.clear();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QueueFaults {
    next: Vec<Fault>,
}

/// `POST /_sim/faults` `{"next":[{"status":503},{"timeout_ms":5000},{"reset":true}]}`: appends
/// faults, each consumed by one API request.
pub(crate) async fn add_faults(State(sim): State<Arc<Sim>>, body: Bytes) -> Response {
    let queue: QueueFaults = match serde_json::from_slice(&body) {
        Ok(queue) => queue,
        Err(error) => return SimError::InvalidFault(error.to_string()).into_response(),
    };
    if let Err(error) = queue.next.iter().try_for_each(Fault::validate) {
        return error.into_response();
    }
    let mut state = sim.lock();
    state.faults.extend(queue.next);
    (StatusCode::CREATED, Json(json!({ "queued": state.faults }))).into_response()
}

/// `GET /_sim/faults`: the faults not consumed yet.
pub(crate) async fn faults(State(sim): State<Arc<Sim>>) -> Response {
    Json(json!({ "queued": sim.lock().faults })).into_response()
}

/// `DELETE /_sim/faults`.
pub(crate) async fn clear_faults(State(sim): State<Arc<Sim>>) -> StatusCode {
    sim.lock().faults.clear();
    StatusCode::NO_CONTENT
}

/// `GET /_sim/events`: emitted events with their delivery attempts, oldest first.
pub(crate) async fn events(State(sim): State<Arc<Sim>>) -> Response {
    Json(json!({ "data": sim.lock().events() })).into_response()
}

/// `POST /_sim/events/{id}/resend`: delivers the event again.
pub(crate) async fn resend(State(sim): State<Arc<Sim>>, Path(id): Path<String>) -> Response {
    match sim.change(|state, _| state.resend(&id)) {
        Ok(()) => (StatusCode::ACCEPTED, Json(json!({ "resent": id }))).into_response(),
        Err(error) => error.into_response(),
    }
}

/// `POST /_sim/sessions/{id}/pay`: what the page's Pay button does.
pub(crate) async fn pay(State(sim): State<Arc<Sim>>, Path(id): Path<String>) -> Response {
    match sim.change(|state, now| state.pay_session(&id, now)) {
        Ok(paid) => Json(json!({ "session": paid.session, "redirect_url": paid.redirect })).into_response(),
        Err(error) => error.into_response(),
    }
}

/// `POST /_sim/sessions/{id}/expire`: what the ticker does at `expires_at`.
pub(crate) async fn expire(State(sim): State<Arc<Sim>>, Path(id): Path<String>) -> Response {
    match sim.change(|state, now| state.expire_session(&id, now, &Default::default())) {
        Ok(session) => Json(json!({ "session": session })).into_response(),
        Err(error) => error.into_response(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdvanceClock {
    advance_seconds: i64,
}

/// `POST /_sim/clock` `{"advance_seconds":1860}`: moves the simulator clock forward (object
/// times, `expires_at` checks and the ticker; webhook signatures keep real time).
pub(crate) async fn advance_clock(State(sim): State<Arc<Sim>>, body: Bytes) -> Response {
    match serde_json::from_slice::<AdvanceClock>(&body) {
        Ok(AdvanceClock { advance_seconds }) if advance_seconds >= 0 => {
            let offset = sim.advance_clock(advance_seconds);
            Json(json!({ "offset_seconds": offset, "now": sim.now() })).into_response()
        }
        Ok(_) => bad_request("advance_seconds must be ≥ 0: the clock only moves forward"),
        Err(error) => bad_request(&error.to_string()),
    }
}

fn bad_request(message: &str) -> Response {
    let body: Value = json!({ "error": { "type": "invalid_request_error", "message": message } });
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

/// Anything else under `/_sim/`.
pub(crate) async fn not_found() -> Response {
    let body = json!({ "error": { "type": "invalid_request_error", "message": "no such simulator endpoint" } });
    (StatusCode::NOT_FOUND, Json(body)).into_response()
}
