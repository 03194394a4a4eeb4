use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::Value;
use tokio::sync::{Notify, mpsc};

/// A small implementation of the AWS Lambda Runtime API (the endpoints a function polls):
/// `GET /2018-06-01/runtime/invocation/next` hands out the queued events,
/// `POST /2018-06-01/runtime/invocation/{id}/response` (and `/error`) records the answers.
pub struct LambdaRuntimeApi {
    /// `127.0.0.1:PORT`, for `AWS_LAMBDA_RUNTIME_API`.
    pub address: String,
    events: mpsc::UnboundedSender<(String, Value)>,
    responses: Arc<Mutex<Vec<(String, Value)>>>,
    answered: Arc<Notify>,
}

#[derive(Clone)]
struct RuntimeState {
    events: Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<(String, Value)>>>,
    responses: Arc<Mutex<Vec<(String, Value)>>>,
    answered: Arc<Notify>,
}

async fn next(State(state): State<RuntimeState>) -> (StatusCode, HeaderMap, Json<Value>) {
    let mut events = state.events.lock().await;
    let Some((request_id, event)) = events.recv().await else {
        return (StatusCode::GONE, HeaderMap::new(), Json(Value::Null));
    };
    let mut headers = HeaderMap::new();
    let deadline = (chrono::Utc::now() + chrono::Duration::seconds(30)).timestamp_millis();
    for (name, value) in [
        ("lambda-runtime-aws-request-id", request_id),
        ("lambda-runtime-deadline-ms", deadline.to_string()),
        ("lambda-runtime-invoked-function-arn", "arn:aws:lambda:eu-west-3:000000000000:function:ycyw-test".to_string()),
        ("lambda-runtime-trace-id", "Root=1-00000000-000000000000000000000000".to_string()),
    ] {
        if let Ok(value) = value.parse() {
            headers.insert(name, value);
        }
    }
    (StatusCode::OK, headers, Json(event))
}

async fn respond(State(state): State<RuntimeState>, Path((request_id, kind)): Path<(String, String)>, body: String) -> StatusCode {
    let value = serde_json::from_str(&body).unwrap_or(Value::String(body));
    let entry = if kind == "response" { value } else { serde_json::json!({ "error": value }) };
    state.responses.lock().unwrap_or_else(|p| p.into_inner()).push((request_id, entry));
    state.answered.notify_waiters();
    StatusCode::ACCEPTED
}

async fn init_error(body: String) -> StatusCode {
    eprintln!("lambda init error: {body}");
    StatusCode::ACCEPTED
}

impl LambdaRuntimeApi {
    /// Starts the API on a free port.
    pub async fn start() -> Self {
        let (events, receiver) = mpsc::unbounded_channel();
        let responses = Arc::new(Mutex::new(Vec::new()));
        let answered = Arc::new(Notify::new());
        let state =
            RuntimeState { events: Arc::new(tokio::sync::Mutex::new(receiver)), responses: responses.clone(), answered: answered.clone() };
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route("/2018-06-01/runtime/invocation/{id}/{kind}", post(respond))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
        let address = listener.local_addr().unwrap_or_else(|e| panic!("{e}")).to_string();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { address, events, responses, answered }
    }

    /// Queues an invocation and waits (up to `deadline`) for the function's answer to it.
    pub async fn invoke(&self, request_id: &str, event: Value, deadline: std::time::Duration) -> Value {
        let _ = self.events.send((request_id.to_string(), event));
        let until = tokio::time::Instant::now() + deadline;
        loop {
            let notified = self.answered.notified();
            if let Some((_, answer)) = self.responses.lock().unwrap_or_else(|p| p.into_inner()).iter().find(|(id, _)| id == request_id) {
                return answer.clone();
            }
            if tokio::time::timeout_at(until, notified).await.is_err() {
                panic!("no answer to invocation {request_id} within {deadline:?}");
            }
        }
    }
}

/// An API Gateway HTTP API (payload 2.0) event for `GET path`.
pub fn apigw_http_get(path: &str) -> Value {
    serde_json::json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": { "accept": "application/json", "host": "api.ycyw.test" },
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "test",
            "domainName": "api.ycyw.test",
            "domainPrefix": "api",
            "http": { "method": "GET", "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7", "userAgent": "test" },
            "requestId": "req-1",
            "routeKey": "$default",
            "stage": "$default",
            "time": "25/Nov/2026:10:00:00 +0000",
            "timeEpoch": 1795600000000u64
        },
        "isBase64Encoded": false
    })
}
