//! Chat helpers of the tests that run `ycyw-api` processes with a private Redis.

use serde_json::{Value, json};
use uuid::Uuid;
use ycyw_testkit::Binary;
use ycyw_testkit::ws::{Ws, connect};

/// The origin the api processes of these tests allow.
pub const ORIGIN: &str = "http://localhost:8080";

/// A private `redis-server` on `port`, without persistence.
pub fn redis(port: u16) -> Binary {
    Binary::spawn("redis-server", &["--port", &port.to_string(), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"], &[])
}

/// `POST /api/v1{path}` with `token`; the JSON of a 2xx answer.
pub async fn post(base: &str, path: &str, token: &str, body: Option<Value>) -> Value {
    let mut request = reqwest::Client::new().post(format!("{base}/api/v1{path}")).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    assert!(response.status().is_success(), "{path}: {}", response.status());
    response.json().await.unwrap()
}

/// A support WebSocket of `token`'s user on the api at `base`.
pub async fn socket(base: &str, token: &str) -> Ws {
    let ticket = post(base, "/support/ws-tickets", token, None).await;
    connect(base.trim_start_matches("http://"), ticket["ticket"].as_str().unwrap(), Some(ORIGIN)).await.unwrap()
}

/// Sends `body` in `conversation` over `ws`; the stored message of its ack.
pub async fn say(ws: &mut Ws, conversation: Uuid, id: &str, body: &str) -> Value {
    ws.send(json!({ "type": "message.send", "conversationId": conversation, "clientMsgId": id, "body": body })).await;
    ws.next_of("message.ack").await["message"].clone()
}
