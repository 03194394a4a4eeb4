//! One task per WebSocket (API.md "Support", WebSocket frames). Every client frame is
//! validated; a bad one is answered with an `error` frame and the socket stays usable. Messages
//! go through [`messages::send`] (stored, then published), signalling through [`calls::relay`].
//!
//! Per subscribed conversation the task remembers the last message `seq` it sent: a duplicate
//! event is dropped, a gap (an event lost by pub/sub, or overtaken) is filled from the
//! database, and `subscribe` with `afterMessageId` replays exactly what followed that message.
//! The server pings every `WS_PING_SECONDS` and closes a socket silent for
//! `WS_IDLE_TIMEOUT_SECONDS`; the hub closes it when its send buffer is full or at shutdown.

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;
use ycyw_shared::ApiError;

use crate::hub::{Close, Event, Outgoing};
use crate::model::{self, Actor};
use crate::repo;
use crate::service::calls::{self, Signal};
use crate::service::{Ctx, conversations, messages};

/// The largest text frame handled, in bytes; larger ones get an `error` frame.
pub const MAX_FRAME: usize = 32 * 1024;
/// The largest frame the protocol layer accepts at all; beyond it the socket is closed (1009).
pub const MAX_PROTOCOL_FRAME: usize = 256 * 1024;
/// Longest SDP accepted in a call frame, in bytes.
pub const MAX_SDP: usize = 16 * 1024;
/// How many missed messages a replay reads per query.
const REPLAY_BATCH: u32 = 100;
/// How long one write to the socket may take before it counts as stuck.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Close code of an idle socket.
const NORMAL: u16 = 1000;

/// A conversation this socket follows.
#[derive(Debug, Clone, Copy)]
struct Subscription {
    /// The last message seq sent.
    last_seq: u32,
    /// Whether what this user receives counts as delivered (its client, or support).
    marks_delivered: bool,
}

/// Why the task stops writing.
enum Stop {
    /// The client went away, or a write failed.
    Gone,
    /// Close with this frame.
    Close(Close),
}

struct Session {
    ctx: Ctx,
    actor: Actor,
    socket: WebSocket,
    subscriptions: HashMap<Uuid, Subscription>,
}

/// Runs the socket of `actor` until either side closes it.
pub async fn run(ctx: Ctx, actor: Actor, socket: WebSocket) {
    let mut connection = ctx.hub.register(actor.id, actor.is_support());
    let (ping_every, idle_timeout) = (ctx.settings.ping_every, ctx.settings.idle_timeout);
    let mut session = Session { ctx, actor, socket, subscriptions: HashMap::new() };
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + ping_every, ping_every);
    let mut last_seen = tokio::time::Instant::now();
    let stop = loop {
        if let Some(close) = *connection.close.borrow() {
            break Stop::Close(close);
        }
        let step = tokio::select! {
            incoming = session.socket.recv() => match incoming {
                Some(Ok(message)) => {
                    last_seen = tokio::time::Instant::now();
                    session.incoming(connection.id, message).await
                }
                _ => Err(Stop::Gone),
            },
            outgoing = connection.rx.recv() => match outgoing {
                Some(outgoing) => session.outgoing(outgoing).await,
                None => Err(Stop::Gone),
            },
            _ = connection.close.changed() => Ok(()),
            _ = ping.tick() => {
                if last_seen.elapsed() >= idle_timeout {
                    Err(Stop::Close(Close { code: NORMAL, reason: "idle timeout" }))
                } else {
                    session.write(Message::Ping(Vec::new().into())).await
                }
            }
        };
        if let Err(stop) = step {
            break stop;
        }
    };
    if let Stop::Close(close) = stop {
        let frame = CloseFrame { code: close.code, reason: close.reason.into() };
        let _ = tokio::time::timeout(Duration::from_secs(2), session.socket.send(Message::Close(Some(frame)))).await;
    }
    drop(connection);
}

/// `subscribe`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Subscribe {
    #[allow(dead_code)]
    r#type: String,
    conversation_id: Uuid,
    #[serde(default)]
    after_message_id: Option<Uuid>,
}

/// `message.send`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Send {
    #[allow(dead_code)]
    r#type: String,
    conversation_id: Uuid,
    client_msg_id: String,
    body: String,
}

/// `message.read`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Read {
    #[allow(dead_code)]
    r#type: String,
    conversation_id: Uuid,
    message_id: Uuid,
}

/// `typing`, `call.hangup`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct About {
    #[allow(dead_code)]
    r#type: String,
    conversation_id: Uuid,
}

/// `call.offer`, `call.answer`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Sdp {
    #[allow(dead_code)]
    r#type: String,
    conversation_id: Uuid,
    sdp: String,
}

/// `call.ice`: an `RTCIceCandidateInit` (or `null` at the end of candidates).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Ice {
    #[allow(dead_code)]
    r#type: String,
    conversation_id: Uuid,
    candidate: Value,
}

/// A client frame's mistake.
struct FrameError {
    code: &'static str,
    detail: String,
    errors: Option<Value>,
}

impl FrameError {
    fn new(code: &'static str, detail: impl Into<String>) -> Self {
        Self { code, detail: detail.into(), errors: None }
    }
}

impl From<ApiError> for FrameError {
    fn from(error: ApiError) -> Self {
        let problem = error.problem();
        if let ApiError::Internal(cause) = &error {
            tracing::error!(error = %cause, "support socket operation failed");
        }
        let errors = (!problem.errors.is_empty()).then(|| json!(problem.errors));
        Self { code: error.code(), detail: problem.detail, errors }
    }
}

fn parse<T: serde::de::DeserializeOwned>(frame: &Value) -> Result<T, FrameError> {
    serde_json::from_value(frame.clone()).map_err(|e| FrameError::new("invalid_frame", e.to_string()))
}

/// A client frame, read and checked as far as it can be without the session: what is left
/// (subscriptions, the conversation, the call) is [`Session::handle`]'s.
#[derive(Debug, Clone, PartialEq)]
enum ClientFrame {
    Ping,
    Subscribe {
        conversation_id: Uuid,
        after_message_id: Option<Uuid>,
    },
    Send {
        conversation_id: Uuid,
        client_msg_id: String,
        body: String,
    },
    Read {
        conversation_id: Uuid,
        message_id: Uuid,
    },
    Typing {
        conversation_id: Uuid,
    },
    /// `call.offer`, `call.answer`, `call.ice`, `call.hangup`, with what is relayed.
    Call {
        conversation_id: Uuid,
        signal: Signal,
        payload: serde_json::Map<String, Value>,
    },
}

impl ClientFrame {
    /// The frame's `type`, named by the `error` frame of a refusal (`ref`).
    fn kind(&self) -> &'static str {
        match self {
            ClientFrame::Ping => "ping",
            ClientFrame::Subscribe { .. } => "subscribe",
            ClientFrame::Send { .. } => "message.send",
            ClientFrame::Read { .. } => "message.read",
            ClientFrame::Typing { .. } => "typing",
            ClientFrame::Call { signal, .. } => signal.frame_type(),
        }
    }
}

/// Why a frame was refused before any work: the `error` frame's `code`/`detail`, with the
/// frame's `type` (`ref`) and `clientMsgId` when it had them.
struct Refused {
    kind: Option<String>,
    client_msg_id: Option<Value>,
    error: FrameError,
}

/// Reads one text frame (API.md "Support", client frames).
fn decode(text: &str) -> Result<ClientFrame, Box<Refused>> {
    let refused = |error| Box::new(Refused { kind: None, client_msg_id: None, error });
    if text.len() > MAX_FRAME {
        return Err(refused(FrameError::new("frame_too_large", format!("frames are at most {MAX_FRAME} bytes"))));
    }
    let frame: Value = match serde_json::from_str(text) {
        Ok(frame @ Value::Object(_)) => frame,
        _ => return Err(refused(FrameError::new("invalid_frame", "a frame is a JSON object with a type"))),
    };
    let kind = frame.get("type").and_then(Value::as_str).unwrap_or_default();
    read_frame(kind, &frame).map_err(|error| {
        Box::new(Refused {
            kind: Some(kind.to_string()).filter(|k| !k.is_empty()),
            client_msg_id: frame.get("clientMsgId").cloned(),
            error,
        })
    })
}

fn read_frame(kind: &str, frame: &Value) -> Result<ClientFrame, FrameError> {
    match kind {
        "ping" => Ok(ClientFrame::Ping),
        "subscribe" => {
            let f: Subscribe = parse(frame)?;
            Ok(ClientFrame::Subscribe { conversation_id: f.conversation_id, after_message_id: f.after_message_id })
        }
        "message.send" => {
            let f: Send = parse(frame)?;
            let (client_msg_id, body) =
                model::NewMessage { client_msg_id: f.client_msg_id, body: f.body }.validate().map_err(ApiError::from)?;
            Ok(ClientFrame::Send { conversation_id: f.conversation_id, client_msg_id, body })
        }
        "message.read" => {
            let f: Read = parse(frame)?;
            Ok(ClientFrame::Read { conversation_id: f.conversation_id, message_id: f.message_id })
        }
        "typing" => {
            let f: About = parse(frame)?;
            Ok(ClientFrame::Typing { conversation_id: f.conversation_id })
        }
        "call.offer" | "call.answer" => {
            let f: Sdp = parse(frame)?;
            if f.sdp.is_empty() || f.sdp.len() > MAX_SDP {
                return Err(FrameError::new("invalid_frame", format!("sdp is 1 to {MAX_SDP} bytes")));
            }
            let signal = if kind == "call.offer" { Signal::Offer } else { Signal::Answer };
            let mut payload = serde_json::Map::new();
            payload.insert("sdp".into(), f.sdp.into());
            Ok(ClientFrame::Call { conversation_id: f.conversation_id, signal, payload })
        }
        "call.ice" => {
            let f: Ice = parse(frame)?;
            if !(f.candidate.is_object() || f.candidate.is_null()) {
                return Err(FrameError::new("invalid_frame", "candidate is an RTCIceCandidateInit object or null"));
            }
            let mut payload = serde_json::Map::new();
            payload.insert("candidate".into(), f.candidate);
            Ok(ClientFrame::Call { conversation_id: f.conversation_id, signal: Signal::Ice, payload })
        }
        "call.hangup" => {
            let f: About = parse(frame)?;
            Ok(ClientFrame::Call { conversation_id: f.conversation_id, signal: Signal::Hangup, payload: serde_json::Map::new() })
        }
        "" => Err(FrameError::new("invalid_frame", "a frame is a JSON object with a type")),
        other => Err(FrameError::new("unknown_type", format!("unknown frame type {:?}", other.chars().take(40).collect::<String>()))),
    }
}

impl Session {
    async fn write(&mut self, message: Message) -> Result<(), Stop> {
        match tokio::time::timeout(WRITE_TIMEOUT, self.socket.send(message)).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(Stop::Gone),
        }
    }

    async fn write_json(&mut self, frame: &Value) -> Result<(), Stop> {
        self.write(Message::Text(frame.to_string().into())).await
    }

    async fn incoming(&mut self, socket_id: u64, message: Message) -> Result<(), Stop> {
        let text = match message {
            Message::Text(text) => text,
            Message::Binary(_) => return self.error(None, FrameError::new("invalid_frame", "frames are JSON text")).await,
            Message::Close(_) => return Err(Stop::Gone),
            Message::Ping(_) | Message::Pong(_) => return Ok(()),
        };
        let frame = match decode(text.as_str()) {
            Ok(frame) => frame,
            Err(refused) => return self.error_with(refused.kind.as_deref(), refused.client_msg_id, refused.error).await,
        };
        let (kind, client_msg_id) = match &frame {
            ClientFrame::Send { client_msg_id, .. } => (frame.kind(), Some(Value::String(client_msg_id.clone()))),
            other => (other.kind(), None),
        };
        match self.handle(socket_id, frame).await {
            Ok(()) => Ok(()),
            Err(HandleError::Frame(error)) => self.error_with(Some(kind), client_msg_id, error).await,
            Err(HandleError::Stop(stop)) => Err(stop),
        }
    }

    async fn error(&mut self, kind: Option<&str>, error: FrameError) -> Result<(), Stop> {
        self.error_with(kind, None, error).await
    }

    async fn error_with(&mut self, kind: Option<&str>, client_msg_id: Option<Value>, error: FrameError) -> Result<(), Stop> {
        let mut frame = json!({ "type": "error", "code": error.code, "detail": error.detail });
        if let Some(kind) = kind.filter(|k| !k.is_empty()) {
            frame["ref"] = kind.into();
        }
        if let Some(id) = client_msg_id {
            frame["clientMsgId"] = id;
        }
        if let Some(errors) = error.errors {
            frame["errors"] = errors;
        }
        self.write_json(&frame).await
    }

    async fn handle(&mut self, socket_id: u64, frame: ClientFrame) -> Result<(), HandleError> {
        let (ctx, actor) = (self.ctx.clone(), self.actor);
        match frame {
            ClientFrame::Ping => Ok(self.write_json(&json!({ "type": "pong" })).await?),
            ClientFrame::Subscribe { conversation_id, after_message_id } => {
                self.subscribe(socket_id, conversation_id, after_message_id).await
            }
            ClientFrame::Send { conversation_id, client_msg_id, body } => {
                let sent = messages::send(&ctx, actor, conversation_id, client_msg_id.clone(), body).await?;
                if let Some(sub) = self.subscriptions.get_mut(&conversation_id)
                    && sent.message.seq == sub.last_seq + 1
                {
                    sub.last_seq = sent.message.seq;
                }
                Ok(self.write_json(&json!({ "type": "message.ack", "clientMsgId": client_msg_id, "message": sent.message })).await?)
            }
            ClientFrame::Read { conversation_id, message_id } => Ok(messages::read(&ctx, actor, conversation_id, message_id).await?),
            ClientFrame::Typing { conversation_id } => {
                if !self.subscriptions.contains_key(&conversation_id) {
                    return Err(FrameError::new("not_subscribed", "subscribe to the conversation first").into());
                }
                let frame = json!({ "type": "typing", "conversationId": conversation_id, "userId": actor.id });
                ctx.hub.publish(Event::signal(conversation_id, crate::hub::Audience::Except(actor.id), &frame)).await;
                Ok(())
            }
            ClientFrame::Call { conversation_id, signal, payload } => {
                Ok(calls::relay(&ctx, actor, conversation_id, signal, payload).await?)
            }
        }
    }

    /// Subscribes to `id` and replays what followed `after` (nothing when absent: the history
    /// comes from the REST API), then confirms with `subscribed`.
    async fn subscribe(&mut self, socket_id: u64, id: Uuid, after: Option<Uuid>) -> Result<(), HandleError> {
        let row = conversations::get(&self.ctx, self.actor, id).await?;
        let start = match after {
            None => row.last_seq,
            Some(message) => {
                let mut conn = self.ctx.state.db.acquire().await.map_err(ApiError::from)?;
                repo::message(&mut conn, id, message)
                    .await
                    .map_err(ApiError::from)?
                    .ok_or_else(|| FrameError::new("unknown_message", "afterMessageId is not a message of this conversation"))?
                    .seq
            }
        };
        // Registered before reading, so nothing published meanwhile is missed (duplicates are
        // dropped by seq).
        self.ctx.hub.subscribe(socket_id, id);
        let marks_delivered = row.client_id == Some(self.actor.id) || self.actor.is_support();
        // Subscribing again replays from the earlier of the two points (what was sent, what is asked).
        let last_seq = self.subscriptions.get(&id).map_or(start, |previous| start.min(previous.last_seq));
        self.subscriptions.insert(id, Subscription { last_seq, marks_delivered });
        self.catch_up(id, None).await?;
        let last = self.subscriptions.get(&id).map_or(start, |s| s.last_seq);
        Ok(self.write_json(&json!({ "type": "subscribed", "conversationId": id, "lastSeq": last })).await?)
    }

    /// Sends the messages of `id` after the last one sent, up to `until` (all when `None`).
    async fn catch_up(&mut self, id: Uuid, until: Option<u32>) -> Result<(), HandleError> {
        loop {
            let Some(sub) = self.subscriptions.get(&id).copied() else { return Ok(()) };
            if until.is_some_and(|until| sub.last_seq >= until) {
                return Ok(());
            }
            let (rows, conversation) = {
                let mut conn = self.ctx.state.db.acquire().await.map_err(ApiError::from)?;
                let rows = repo::messages_after(&mut conn, id, sub.last_seq, REPLAY_BATCH).await.map_err(ApiError::from)?;
                if rows.is_empty() {
                    return Ok(());
                }
                (rows, repo::conversation(&mut conn, id).await.map_err(ApiError::from)?)
            };
            let Some(conversation) = conversation else { return Ok(()) };
            let full = rows.len() == REPLAY_BATCH as usize;
            for row in &rows {
                let event = messages::message_event(&conversation, row);
                self.deliver(id, row.seq, row.sender_id, row.id, &event.frame).await?;
            }
            if !full {
                return Ok(());
            }
        }
    }

    /// Writes message `seq` of `id` and remembers it; marks it delivered when this user's
    /// receiving counts.
    async fn deliver(&mut self, id: Uuid, seq: u32, sender: Option<Uuid>, message: Uuid, frame: &str) -> Result<(), HandleError> {
        let Some(sub) = self.subscriptions.get_mut(&id) else { return Ok(()) };
        if seq <= sub.last_seq {
            return Ok(());
        }
        sub.last_seq = seq;
        let marks = sub.marks_delivered && sender.is_some() && sender != Some(self.actor.id);
        self.write(Message::Text(frame.to_string().into())).await?;
        if marks && let Err(e) = messages::delivered(&self.ctx, self.actor, id, seq, message).await {
            tracing::warn!(error = %e, "delivery mark failed");
        }
        Ok(())
    }

    async fn outgoing(&mut self, outgoing: Outgoing) -> Result<(), Stop> {
        let result = match outgoing {
            Outgoing::Event(event) => match event.seq {
                None => return self.write(Message::Text(event.frame.clone().into())).await,
                Some(seq) => self.event_message(&event, seq).await,
            },
            Outgoing::Resync => {
                let ids: Vec<Uuid> = self.subscriptions.keys().copied().collect();
                let mut result = Ok(());
                for id in ids {
                    result = self.catch_up(id, None).await;
                    if result.is_err() {
                        break;
                    }
                }
                result
            }
        };
        match result {
            Ok(()) => Ok(()),
            Err(HandleError::Stop(stop)) => Err(stop),
            Err(HandleError::Frame(e)) => {
                tracing::warn!(code = e.code, "catching up a support socket failed");
                Ok(())
            }
        }
    }

    /// A `message.new` event: in order, written; ahead of a gap, the gap is read first.
    async fn event_message(&mut self, event: &Event, seq: u32) -> Result<(), HandleError> {
        let Some(sub) = self.subscriptions.get(&event.conversation).copied() else { return Ok(()) };
        if seq <= sub.last_seq {
            return Ok(());
        }
        if seq > sub.last_seq + 1 {
            return self.catch_up(event.conversation, Some(seq)).await;
        }
        self.deliver(event.conversation, seq, event.sender, event.message_id.unwrap_or_default(), &event.frame).await
    }
}

enum HandleError {
    Frame(FrameError),
    Stop(Stop),
}

impl From<FrameError> for HandleError {
    fn from(error: FrameError) -> Self {
        HandleError::Frame(error)
    }
}

impl From<ApiError> for HandleError {
    fn from(error: ApiError) -> Self {
        HandleError::Frame(error.into())
    }
}

impl From<Stop> for HandleError {
    fn from(stop: Stop) -> Self {
        HandleError::Stop(stop)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use ycyw_testkit::fuzz::{hostile_text, json_value, mutated};

    use super::*;

    const ID: &str = "0190d7e2-6a4b-7c1d-9e8f-1a2b3c4d5e6f";

    fn code(text: &str) -> Result<ClientFrame, &'static str> {
        decode(text).map_err(|refused| refused.error.code)
    }

    /// One valid frame of each type, as a client sends it.
    fn valid_frames() -> Vec<Value> {
        vec![
            json!({ "type": "ping" }),
            json!({ "type": "subscribe", "conversationId": ID }),
            json!({ "type": "subscribe", "conversationId": ID, "afterMessageId": ID }),
            json!({ "type": "message.send", "conversationId": ID, "clientMsgId": "c-1", "body": "Bonjour\nà tous" }),
            json!({ "type": "message.read", "conversationId": ID, "messageId": ID }),
            json!({ "type": "typing", "conversationId": ID }),
            json!({ "type": "call.offer", "conversationId": ID, "sdp": "v=0\r\n" }),
            json!({ "type": "call.answer", "conversationId": ID, "sdp": "v=0\r\n" }),
            json!({ "type": "call.ice", "conversationId": ID, "candidate": { "candidate": "candidate:1 1 udp 1 10.0.0.1 9 typ host" } }),
            json!({ "type": "call.ice", "conversationId": ID, "candidate": null }),
            json!({ "type": "call.hangup", "conversationId": ID }),
        ]
    }

    #[test]
    fn every_valid_frame_is_read_as_its_type() {
        for frame in valid_frames() {
            let read = code(&frame.to_string()).unwrap_or_else(|e| panic!("{frame}: {e}"));
            assert_eq!(read.kind(), frame["type"].as_str().unwrap());
        }
        let long = json!({ "type": "ping", "pad": "x".repeat(MAX_FRAME) }).to_string();
        assert_eq!(code(&long), Err("frame_too_large"));
        assert_eq!(code("[]"), Err("invalid_frame"));
        assert_eq!(code(r#"{"type":"nope"}"#), Err("unknown_type"));
        let empty = json!({ "type": "message.send", "conversationId": ID, "clientMsgId": "c-1", "body": " " }).to_string();
        assert_eq!(code(&empty), Err("validation_failed"));
    }

    proptest! {
        /// Invariant: any text frame (any Unicode, control characters, longer than
        /// `MAX_FRAME`) is read or refused with one of the documented codes — never a panic.
        #[test]
        fn fuzz_ws_frame_text(text in prop_oneof![hostile_text(), json_value().prop_map(|v| v.to_string()), mutated(valid_frames()[3].to_string())]) {
            match decode(&text) {
                Ok(frame) => prop_assert!(!frame.kind().is_empty()),
                Err(refused) => {
                    prop_assert!(["frame_too_large", "invalid_frame", "unknown_type", "validation_failed"].contains(&refused.error.code), "{}", refused.error.code);
                    prop_assert_eq!(refused.error.code == "frame_too_large", text.len() > MAX_FRAME);
                }
            }
        }

        /// Invariant: a valid frame with one field set to any JSON value (a field of the wrong
        /// type, a missing id, an unknown field) is read with that value or refused as
        /// `invalid_frame`/`validation_failed`, naming the frame's type in `ref`; a frame of a
        /// known type is never refused as `unknown_type`.
        #[test]
        fn fuzz_ws_frame_field(
            which in any::<prop::sample::Index>(),
            field in prop::sample::select(vec!["conversationId", "afterMessageId", "messageId", "clientMsgId", "body", "sdp", "candidate", "extra"]),
            value in json_value(),
        ) {
            let frames = valid_frames();
            let mut frame = frames[which.index(frames.len())].clone();
            let kind = frame["type"].as_str().unwrap_or_default().to_string();
            frame[field] = value;
            let text = frame.to_string();
            match decode(&text) {
                Ok(read) => prop_assert_eq!(read.kind(), kind.as_str()),
                Err(refused) if text.len() > MAX_FRAME => prop_assert_eq!(refused.error.code, "frame_too_large"),
                Err(refused) => {
                    prop_assert!(refused.error.code == "invalid_frame" || refused.error.code == "validation_failed", "{}", refused.error.code);
                    prop_assert_eq!(refused.kind.as_deref(), Some(kind.as_str()));
                }
            }
        }

        /// Invariant: a `message.send` with any `clientMsgId` and body is accepted exactly when
        /// the REST API's validation accepts them, with the same values, and the id is echoed
        /// in the refusal.
        #[test]
        fn fuzz_ws_frame_message_send(client_msg_id in prop_oneof!["[!-~]{1,70}", hostile_text()], body in prop_oneof![hostile_text(), "\\PC{1,40}"]) {
            let frame = json!({ "type": "message.send", "conversationId": ID, "clientMsgId": client_msg_id, "body": body });
            let expected = model::NewMessage { client_msg_id: client_msg_id.clone(), body: body.clone() }.validate();
            let text = frame.to_string();
            if text.len() > MAX_FRAME {
                prop_assert_eq!(code(&text).err(), Some("frame_too_large"));
                return Ok(());
            }
            match (decode(&text), expected) {
                (Ok(ClientFrame::Send { client_msg_id: id, body: text, .. }), Ok((expected_id, expected_text))) => {
                    prop_assert_eq!((id, text), (expected_id, expected_text));
                }
                (Err(refused), Err(_)) => {
                    prop_assert_eq!(refused.error.code, "validation_failed");
                    prop_assert_eq!(refused.client_msg_id, Some(Value::String(client_msg_id)));
                }
                (read, expected) => prop_assert!(false, "read {:?}, validation {:?}", read.map(|f| f.kind()).map_err(|r| r.error.code), expected),
            }
        }
    }
}
