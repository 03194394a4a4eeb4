//! The sockets connected to this instance, what each is subscribed to, and how events reach
//! them from any instance.
//!
//! An [`Event`] names a conversation, an [`Audience`] and a ready-made JSON frame. Without Redis
//! it is dispatched here; with `REDIS_URL` it is published on one channel that every instance
//! subscribes to, and each dispatches what it receives to its own sockets. A message is stored
//! before its event is published, so whatever pub/sub loses (Redis restarting, an instance
//! briefly unsubscribed) is in the database: each socket tracks the last `seq` it sent per
//! conversation, fills any gap from the database, and after the subscriber reconnects every
//! socket resynchronises ([`Outgoing::Resync`]).
//!
//! Each socket has a bounded queue (`WS_SEND_BUFFER` frames); a socket whose queue is full is
//! closed ("too slow") instead of growing without bound.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, watch};
use uuid::Uuid;
use ycyw_shared::health::ReadinessCheck;

use crate::settings::SupportSettings;

/// The pub/sub channel every instance subscribes to.
pub const CHANNEL: &str = "ycyw:support:events";

/// Close code of a server going away (shutdown): clients reconnect elsewhere.
pub const GOING_AWAY: u16 = 1001;
/// Close code of a socket that could not keep up, or broke the rules.
pub const POLICY: u16 = 1008;

/// Who of a conversation's subscribers receives an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "to", content = "user")]
pub enum Audience {
    /// Every socket subscribed to the conversation.
    All,
    /// Only the sockets of this user (call signalling: the other participant).
    User(Uuid),
    /// Everyone subscribed but this user (typing).
    Except(Uuid),
    /// Every subscriber and every support user's socket, subscribed or not, each once: a
    /// conversation's own changes (opened, claimed, closed), which support's queue shows live.
    AllAndStaff,
}

/// What a conversation's subscribers are told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// The conversation.
    pub conversation: Uuid,
    /// Who receives it.
    pub audience: Audience,
    /// For `message.new`: the message's seq (sockets deduplicate and fill gaps by it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u32>,
    /// For `message.new`: the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<Uuid>,
    /// For `message.new`: who wrote it (their sockets do not mark it delivered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<Uuid>,
    /// The frame, as sent.
    pub frame: String,
}

impl Event {
    /// An event that is not a message (receipts, typing, signalling, conversation changes).
    pub fn signal(conversation: Uuid, audience: Audience, frame: &serde_json::Value) -> Self {
        Self { conversation, audience, seq: None, message_id: None, sender: None, frame: frame.to_string() }
    }
}

/// What a socket's task receives from the hub.
#[derive(Debug, Clone)]
pub enum Outgoing {
    /// An event for one of its conversations.
    Event(Arc<Event>),
    /// Some events may have been lost (the subscriber reconnected): read the gaps again.
    Resync,
}

/// Why the hub wants a socket closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Close {
    /// The WebSocket close code.
    pub code: u16,
    /// The reason sent.
    pub reason: &'static str,
}

struct Entry {
    user: Uuid,
    tx: mpsc::Sender<Outgoing>,
    close: watch::Sender<Option<Close>>,
}

#[derive(Default)]
struct Registry {
    sockets: HashMap<u64, Entry>,
    subscribers: HashMap<Uuid, HashSet<u64>>,
    /// The sockets of support users (the audience of the queue's changes).
    staff: HashSet<u64>,
}

struct Inner {
    registry: Mutex<Registry>,
    next: AtomicU64,
    redis: Option<redis::Client>,
    publisher: tokio::sync::Mutex<Option<redis::aio::MultiplexedConnection>>,
    subscribed: AtomicBool,
    stopping: watch::Sender<bool>,
    settings: Arc<SupportSettings>,
}

/// The hub of this instance. Cheap to clone.
#[derive(Clone)]
pub struct Hub(Arc<Inner>);

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub").field("redis", &self.0.redis.is_some()).field("sockets", &self.connected()).finish()
    }
}

/// A socket's handle on the hub: its queue and the hub's request to close it. Dropping it
/// unregisters the socket.
pub struct Connection {
    /// The socket's id in the hub.
    pub id: u64,
    /// What the hub sends it.
    pub rx: mpsc::Receiver<Outgoing>,
    /// Set when the hub wants it closed.
    pub close: watch::Receiver<Option<Close>>,
    hub: Hub,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.hub.unregister(self.id);
    }
}

impl Hub {
    /// A hub fanning out through `redis` when given (its subscriber task started here, and
    /// reconnecting with backoff), in process otherwise.
    pub async fn start(redis: Option<redis::Client>, settings: Arc<SupportSettings>) -> Self {
        let hub = Self::new(redis, settings);
        if let Some(client) = hub.0.redis.clone() {
            let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
            tokio::spawn(subscriber(hub.clone(), client, ready_tx));
            // The first subscription, briefly waited for: a fresh instance is ready with it.
            let _ = tokio::time::timeout(Duration::from_secs(2), ready_rx).await;
        }
        hub
    }

    fn new(redis: Option<redis::Client>, settings: Arc<SupportSettings>) -> Self {
        let (stopping, _) = watch::channel(false);
        Hub(Arc::new(Inner {
            registry: Mutex::new(Registry::default()),
            next: AtomicU64::new(1),
            redis,
            publisher: tokio::sync::Mutex::new(None),
            subscribed: AtomicBool::new(false),
            stopping,
            settings,
        }))
    }

    fn registry(&self) -> MutexGuard<'_, Registry> {
        self.0.registry.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Registers a socket of `user`; `staff` for a support user's, which also receives every
    /// conversation's changes ([`Audience::AllAndStaff`]).
    pub fn register(&self, user: Uuid, staff: bool) -> Connection {
        let id = self.0.next.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel(self.0.settings.send_buffer);
        let (close_tx, close) = watch::channel(None);
        if *self.0.stopping.borrow() {
            close_tx.send_replace(Some(Close { code: GOING_AWAY, reason: "server shutting down" }));
        }
        let mut registry = self.registry();
        registry.sockets.insert(id, Entry { user, tx, close: close_tx });
        if staff {
            registry.staff.insert(id);
        }
        drop(registry);
        Connection { id, rx, close, hub: self.clone() }
    }

    fn unregister(&self, id: u64) {
        let mut registry = self.registry();
        registry.sockets.remove(&id);
        registry.staff.remove(&id);
        registry.subscribers.retain(|_, sockets| {
            sockets.remove(&id);
            !sockets.is_empty()
        });
    }

    /// Subscribes socket `id` to `conversation`'s events.
    pub fn subscribe(&self, id: u64, conversation: Uuid) {
        self.registry().subscribers.entry(conversation).or_default().insert(id);
    }

    /// How many sockets are connected here.
    pub fn connected(&self) -> usize {
        self.registry().sockets.len()
    }

    /// Publishes `event` to every instance (this one included). When Redis cannot take it, it
    /// is dispatched here only: the other instances' sockets read it from the database when
    /// they resynchronise.
    pub async fn publish(&self, event: Event) {
        let Some(client) = &self.0.redis else {
            self.dispatch(Arc::new(event));
            return;
        };
        let payload = match serde_json::to_string(&event) {
            Ok(payload) => payload,
            Err(e) => {
                tracing::error!(error = %e, "support event not serialisable");
                return;
            }
        };
        // The multiplexed connection is cloned out of the lock: publishes run concurrently.
        let connection = {
            let mut publisher = self.0.publisher.lock().await;
            if publisher.is_none() {
                *publisher =
                    tokio::time::timeout(Duration::from_secs(2), client.get_multiplexed_async_connection()).await.ok().and_then(Result::ok);
            }
            publisher.clone()
        };
        let sent = match connection {
            Some(mut connection) => {
                let mut command = redis::cmd("PUBLISH");
                command.arg(CHANNEL).arg(&payload);
                tokio::time::timeout(Duration::from_secs(2), command.query_async::<i64>(&mut connection))
                    .await
                    .ok()
                    .and_then(Result::ok)
                    .is_some()
            }
            None => false,
        };
        if !sent {
            *self.0.publisher.lock().await = None;
            tracing::warn!("redis unavailable: support event dispatched on this instance only");
            self.dispatch(Arc::new(event));
        }
    }

    /// Gives `event` to this instance's sockets in its audience; closes those too slow to take it.
    pub fn dispatch(&self, event: Arc<Event>) {
        let registry = self.registry();
        let subscribers = registry.subscribers.get(&event.conversation);
        let subscribed = subscribers.into_iter().flatten();
        // A support socket subscribed to the conversation is among the subscribers already.
        let watching = match event.audience {
            Audience::AllAndStaff => Some(registry.staff.iter().filter(|id| !subscribers.is_some_and(|s| s.contains(id)))),
            _ => None,
        };
        for id in subscribed.chain(watching.into_iter().flatten()) {
            let Some(entry) = registry.sockets.get(id) else { continue };
            let wanted = match event.audience {
                Audience::All | Audience::AllAndStaff => true,
                Audience::User(user) => entry.user == user,
                Audience::Except(user) => entry.user != user,
            };
            if wanted {
                send(entry, Outgoing::Event(event.clone()));
            }
        }
    }

    fn resync_all(&self) {
        let registry = self.registry();
        for entry in registry.sockets.values() {
            send(entry, Outgoing::Resync);
        }
    }

    /// Whether events reach the other instances: always without Redis; with it, while the
    /// subscriber is connected.
    pub fn is_fanning_out(&self) -> bool {
        self.0.redis.is_none() || self.0.subscribed.load(Ordering::Relaxed)
    }

    /// `/health/ready`'s check of the fan-out (none without Redis).
    pub fn readiness(&self) -> Vec<Arc<dyn ReadinessCheck>> {
        match self.0.redis {
            Some(_) => vec![Arc::new(RedisReady(self.clone()))],
            None => Vec::new(),
        }
    }

    /// At SIGTERM: closes every socket with 1001 (clients reconnect to another instance) and
    /// waits up to 2 s for them to go.
    pub async fn shutdown(&self) {
        self.0.stopping.send_replace(true);
        {
            let registry = self.registry();
            for entry in registry.sockets.values() {
                entry.close.send_replace(Some(Close { code: GOING_AWAY, reason: "server shutting down" }));
            }
        }
        let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
        while self.connected() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn send(entry: &Entry, outgoing: Outgoing) {
    match entry.tx.try_send(outgoing) {
        Ok(()) => {}
        Err(mpsc::error::TrySendError::Full(_)) => {
            entry.close.send_replace(Some(Close { code: POLICY, reason: "too slow: the send buffer is full" }));
        }
        Err(mpsc::error::TrySendError::Closed(_)) => {}
    }
}

/// Subscribes to [`CHANNEL`] and dispatches what arrives; on a lost connection, reconnects
/// with backoff (0.1 s doubling to 5 s) and then has every socket resynchronise.
async fn subscriber(hub: Hub, client: redis::Client, ready: tokio::sync::oneshot::Sender<()>) {
    let mut ready = Some(ready);
    let mut stopping = hub.0.stopping.subscribe();
    let mut backoff = Duration::from_millis(100);
    let mut reconnected = false;
    loop {
        if *stopping.borrow() {
            return;
        }
        let subscription = async {
            let mut pubsub = client.get_async_pubsub().await?;
            pubsub.subscribe(CHANNEL).await?;
            Ok::<_, redis::RedisError>(pubsub)
        };
        match tokio::time::timeout(Duration::from_secs(5), subscription).await {
            Ok(Ok(pubsub)) => {
                hub.0.subscribed.store(true, Ordering::Relaxed);
                backoff = Duration::from_millis(100);
                if let Some(ready) = ready.take() {
                    let _ = ready.send(());
                }
                if reconnected {
                    tracing::info!("redis subscription restored");
                    hub.resync_all();
                }
                let mut messages = pubsub.into_on_message();
                loop {
                    tokio::select! {
                        message = messages.next() => match message {
                            Some(message) => match message.get_payload::<String>().ok().and_then(|p| serde_json::from_str::<Event>(&p).ok()) {
                                Some(event) => hub.dispatch(Arc::new(event)),
                                None => tracing::warn!("undecodable support event ignored"),
                            },
                            None => break,
                        },
                        _ = stopping.changed() => return,
                    }
                }
                hub.0.subscribed.store(false, Ordering::Relaxed);
                tracing::warn!("redis subscription lost; reconnecting");
            }
            Ok(Err(e)) => tracing::warn!(error = %e, "redis subscription failed; retrying"),
            Err(_) => tracing::warn!("redis subscription timed out; retrying"),
        }
        reconnected = true;
        tokio::select! {
            () = tokio::time::sleep(backoff) => {}
            _ = stopping.changed() => return,
        }
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

struct RedisReady(Hub);

#[async_trait]
impl ReadinessCheck for RedisReady {
    fn name(&self) -> &'static str {
        "redis"
    }

    async fn check(&self) -> Result<(), String> {
        if self.0.is_fanning_out() { Ok(()) } else { Err("the redis subscription is down; reconnecting".into()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hub_with_buffer(send_buffer: usize) -> Hub {
        Hub::new(None, Arc::new(SupportSettings { send_buffer, ..SupportSettings::default() }))
    }

    fn event(conversation: Uuid, audience: Audience) -> Event {
        Event::signal(conversation, audience, &serde_json::json!({}))
    }

    #[tokio::test]
    async fn events_reach_only_their_audience_among_the_conversations_subscribers() {
        let hub = hub_with_buffer(8);
        let (client, support, other) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let conversation = Uuid::now_v7();
        let mut a = hub.register(client, false);
        let mut b = hub.register(support, true);
        let mut c = hub.register(other, false);
        let mut unsubscribed = hub.register(client, false);
        for id in [a.id, b.id, c.id] {
            hub.subscribe(id, conversation);
        }
        hub.publish(event(conversation, Audience::User(support))).await;
        hub.publish(event(conversation, Audience::Except(client))).await;
        hub.publish(event(conversation, Audience::All)).await;
        let count = |conn: &mut Connection| std::iter::from_fn(|| conn.rx.try_recv().ok()).count();
        assert_eq!((count(&mut a), count(&mut b), count(&mut c), count(&mut unsubscribed)), (1, 3, 2, 0));
        drop(a);
        assert_eq!(hub.connected(), 3);
        assert_eq!(hub.registry().subscribers[&conversation].len(), 2, "a dropped socket leaves its subscriptions");
    }

    #[tokio::test]
    async fn a_conversations_changes_reach_its_subscribers_and_every_support_socket_once() {
        let hub = hub_with_buffer(8);
        let (client, support, stranger) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let conversation = Uuid::now_v7();
        let mut own = hub.register(client, false);
        let mut subscribed_staff = hub.register(support, true);
        let mut watching_staff = hub.register(Uuid::now_v7(), true);
        let mut other_client = hub.register(stranger, false);
        hub.subscribe(own.id, conversation);
        hub.subscribe(subscribed_staff.id, conversation);
        hub.publish(event(conversation, Audience::AllAndStaff)).await;
        hub.publish(event(Uuid::now_v7(), Audience::AllAndStaff)).await;
        let count = |conn: &mut Connection| std::iter::from_fn(|| conn.rx.try_recv().ok()).count();
        let counts = (count(&mut own), count(&mut subscribed_staff), count(&mut watching_staff), count(&mut other_client));
        assert_eq!(counts, (1, 2, 2, 0), "staff get both, once each; a client only their own conversation's");
        drop(watching_staff);
        assert_eq!(hub.registry().staff.len(), 1, "a dropped support socket leaves the staff set");
        hub.publish(event(conversation, Audience::All)).await;
        assert_eq!((count(&mut own), count(&mut subscribed_staff)), (1, 1), "All stays the subscribers only");
    }

    #[tokio::test]
    async fn a_socket_that_cannot_keep_up_is_told_to_close_and_memory_stays_bounded() {
        let hub = hub_with_buffer(8);
        let conversation = Uuid::now_v7();
        let conn = hub.register(Uuid::now_v7(), false);
        hub.subscribe(conn.id, conversation);
        for _ in 0..100 {
            hub.publish(event(conversation, Audience::All)).await;
        }
        assert_eq!(conn.rx.len(), 8, "never more than the buffer");
        assert_eq!(conn.close.borrow().map(|c| c.code), Some(POLICY));
    }

    #[tokio::test]
    async fn shutdown_asks_every_socket_to_go_away_and_new_ones_too() {
        let hub = hub_with_buffer(8);
        let conn = hub.register(Uuid::now_v7(), false);
        let watcher = conn.close.clone();
        let closer = tokio::spawn({
            let hub = hub.clone();
            async move { hub.shutdown().await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(watcher.borrow().map(|c| c.code), Some(GOING_AWAY));
        drop(conn);
        closer.await.unwrap();
        let late = hub.register(Uuid::now_v7(), false);
        assert_eq!(late.close.borrow().map(|c| c.code), Some(GOING_AWAY));
    }
}
