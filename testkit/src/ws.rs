//! A WebSocket client for the support tests (tokio-tungstenite): JSON frames in and out, with
//! timeouts so a missing frame fails the test instead of hanging it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test harness: a broken socket fails the test

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
pub use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use uuid::Uuid;

/// The underlying stream.
pub type Stream = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A connected socket.
pub struct Ws(pub Stream);

impl Ws {
    /// Sends a JSON frame.
    pub async fn send(&mut self, frame: Value) {
        self.0.send(Message::Text(frame.to_string().into())).await.unwrap();
    }

    /// Sends raw text.
    pub async fn send_text(&mut self, text: String) {
        self.0.send(Message::Text(text.into())).await.unwrap();
    }

    /// The next JSON frame (pings skipped), within 5 s.
    pub async fn next(&mut self) -> Value {
        loop {
            let message = tokio::time::timeout(Duration::from_secs(5), self.0.next()).await.expect("a frame within 5 s").unwrap().unwrap();
            match message {
                Message::Text(text) => return serde_json::from_str(text.as_str()).unwrap(),
                Message::Ping(_) | Message::Pong(_) => continue,
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    /// The next frame of `kind`, skipping others.
    pub async fn next_of(&mut self, kind: &str) -> Value {
        loop {
            let frame = self.next().await;
            if frame["type"] == kind {
                return frame;
            }
        }
    }

    /// Every frame arriving within `ms`.
    pub async fn drain(&mut self, ms: u64) -> Vec<Value> {
        let mut frames = Vec::new();
        while let Ok(Some(Ok(message))) = tokio::time::timeout(Duration::from_millis(ms), self.0.next()).await {
            if let Message::Text(text) = message {
                frames.push(serde_json::from_str(text.as_str()).unwrap());
            }
        }
        frames
    }

    /// The code of the close frame the server sends within `within`; `None` when none comes.
    pub async fn close_code(&mut self, within: Duration) -> Option<u16> {
        while let Ok(Some(message)) = tokio::time::timeout(within, self.0.next()).await {
            if let Ok(Message::Close(frame)) = message {
                return frame.map(|f| u16::from(f.code));
            }
        }
        None
    }

    /// Subscribes to `conversation` (replaying after `after`): the replayed messages.
    pub async fn subscribe(&mut self, conversation: Uuid, after: Option<&Value>) -> Vec<Value> {
        let mut frame = json!({ "type": "subscribe", "conversationId": conversation });
        if let Some(after) = after {
            frame["afterMessageId"] = after.clone();
        }
        self.send(frame).await;
        let mut replayed = Vec::new();
        loop {
            let frame = self.next().await;
            match frame["type"].as_str() {
                Some("subscribed") => return replayed,
                Some("message.new") => replayed.push(frame["message"].clone()),
                _ => panic!("unexpected {frame}"),
            }
        }
    }
}

/// Opens the socket with `ticket` from `origin`: the socket, or the HTTP status of the refusal.
pub async fn connect(address: impl std::fmt::Display, ticket: &str, origin: Option<&str>) -> Result<Ws, u16> {
    let mut request = format!("ws://{address}/api/v1/support/ws?ticket={ticket}").into_client_request().unwrap();
    if let Some(origin) = origin {
        request.headers_mut().insert("origin", origin.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((stream, _)) => Ok(Ws(stream)),
        Err(WsError::Http(response)) => Err(response.status().as_u16()),
        Err(other) => panic!("{other}"),
    }
}
