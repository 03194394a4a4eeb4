#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] functions may fail loudly too
//! Support issue, acceptance 2 and 4: the WebSocket with a real client (tokio-tungstenite)
//! against the module served on a loopback port — tickets, Origin, subscriptions, bad frames,
//! resends, replay after a reconnect, receipts, and the signalling relay.

mod common;

use std::time::Duration;

use axum::http::{Method, StatusCode};
use futures_util::SinkExt;
use serde_json::json;
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_shared::auth::Role;
use ycyw_testkit::TestApp;
use ycyw_testkit::ws::{Message, Ws, connect};

use common::{ORIGIN, User, app, call, claim, open, stored, user};

async fn ticket(app: &TestApp, who: &User) -> String {
    let answer = call(app, Method::POST, "/api/v1/support/ws-tickets", None, who).await;
    assert_eq!(answer.status, StatusCode::CREATED);
    answer.json()["ticket"].as_str().unwrap().to_string()
}

async fn socket(app: &TestApp, address: std::net::SocketAddr, who: &User) -> Ws {
    let ticket = ticket(app, who).await;
    connect(address, &ticket, Some(ORIGIN)).await.unwrap()
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn support_ws_tickets_are_single_use_short_lived_and_origin_bound(pool: MySqlPool) {
    let app = app(pool, &[]).await;
    let address = app.serve().await;
    let client = user(&app, Role::Client);
    let first = ticket(&app, &client).await;
    let mut ws = connect(address, &first, Some(ORIGIN)).await.unwrap();
    ws.send(json!({ "type": "ping" })).await;
    assert_eq!(ws.next().await["type"], "pong");
    assert_eq!(connect(address, &first, Some(ORIGIN)).await.err(), Some(401), "a used ticket");
    assert_eq!(connect(address, "made-up", Some(ORIGIN)).await.err(), Some(401));
    assert_eq!(connect(address, "", Some(ORIGIN)).await.err(), Some(401));
    let other_origin = ticket(&app, &client).await;
    assert_eq!(connect(address, &other_origin, Some("https://evil.example")).await.err(), Some(403));
    assert_eq!(connect(address, &other_origin, None).await.err(), Some(403), "no Origin");
    let late = ticket(&app, &client).await;
    app.clock.advance(chrono::Duration::seconds(31));
    assert_eq!(connect(address, &late, Some(ORIGIN)).await.err(), Some(401), "expired after 30 s");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn support_ws_bad_frames_get_error_frames_and_the_socket_stays_usable(pool: MySqlPool) {
    let app = app(pool, &[]).await;
    let address = app.serve().await;
    let (ana, bob) = (user(&app, Role::Client), user(&app, Role::Client));
    let anas = open(&app, &ana, "Deposit").await;
    let mut ws = socket(&app, address, &bob).await;
    ws.send(json!({ "type": "subscribe", "conversationId": anas })).await;
    let refused = ws.next().await;
    assert_eq!(
        (refused["type"].as_str(), refused["code"].as_str(), refused["ref"].as_str()),
        (Some("error"), Some("not_found"), Some("subscribe"))
    );
    ws.send(json!({ "type": "message.send", "conversationId": anas, "clientMsgId": "x1", "body": "hi" })).await;
    assert_eq!(ws.next().await["code"], "not_found", "nor write in it");
    ws.send_text("{not json".into()).await;
    assert_eq!(ws.next().await["code"], "invalid_frame");
    ws.send(json!(["type", "ping"])).await;
    assert_eq!(ws.next().await["code"], "invalid_frame");
    ws.send(json!({ "type": "dance" })).await;
    assert_eq!(ws.next().await["code"], "unknown_type");
    ws.send(json!({ "type": "subscribe", "conversationId": "nope" })).await;
    assert_eq!(ws.next().await["code"], "invalid_frame");
    ws.send(json!({ "type": "message.send", "conversationId": anas, "clientMsgId": "x2", "body": "x".repeat(40_000) })).await;
    assert_eq!(ws.next().await["code"], "frame_too_large");
    ws.0.send(Message::Binary(vec![1, 2, 3].into())).await.unwrap();
    assert_eq!(ws.next().await["code"], "invalid_frame");
    ws.send(json!({ "type": "typing", "conversationId": anas })).await;
    assert_eq!(ws.next().await["code"], "not_subscribed");
    ws.send(json!({ "type": "ping" })).await;
    assert_eq!(ws.next().await["type"], "pong", "still usable after every bad frame");
    let mut own = socket(&app, address, &ana).await;
    own.subscribe(anas, None).await;
    own.send(json!({ "type": "message.send", "conversationId": anas, "clientMsgId": "ok-1", "body": "  " })).await;
    let invalid = own.next().await;
    assert_eq!((invalid["code"].as_str(), invalid["clientMsgId"].as_str()), (Some("validation_failed"), Some("ok-1")));
    assert_eq!(invalid["errors"][0]["field"], "body");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn support_ws_resends_store_once_and_a_reconnect_replays_exactly_what_was_missed(pool: MySqlPool) {
    let app = app(pool.clone(), &[]).await;
    let address = app.serve().await;
    let (ana, agent) = (user(&app, Role::Client), user(&app, Role::Support));
    let id = open(&app, &ana, "Late return").await;
    claim(&app, &agent, id).await;
    let mut client = socket(&app, address, &ana).await;
    let mut support = socket(&app, address, &agent).await;
    client.subscribe(id, None).await;
    support.subscribe(id, None).await;

    let send = json!({ "type": "message.send", "conversationId": id, "clientMsgId": "m-1", "body": "I will be an hour late." });
    client.send(send.clone()).await;
    let ack = client.next_of("message.ack").await;
    client.send(send).await;
    let again = client.next_of("message.ack").await;
    assert_eq!(ack["message"]["id"], again["message"]["id"], "the resend answers the stored message");
    assert_eq!(stored(&pool, id).await, 2, "the first message and this one, once");
    let received = support.next_of("message.new").await;
    assert_eq!(received["message"]["body"], "I will be an hour late.");
    let delivered = client.next_of("message.delivered").await;
    assert_eq!(delivered["messageId"], ack["message"]["id"]);
    support.send(json!({ "type": "message.read", "conversationId": id, "messageId": ack["message"]["id"] })).await;
    let read = client.next_of("message.read").await;
    assert_eq!(read["readerId"], json!(agent.id));
    support.send(json!({ "type": "typing", "conversationId": id })).await;
    assert_eq!(client.next_of("typing").await["userId"], json!(agent.id));

    // The client goes away; support writes three messages; the client comes back.
    let last_seen = ack["message"]["id"].clone();
    drop(client);
    for n in 1..=3 {
        support
            .send(json!({ "type": "message.send", "conversationId": id, "clientMsgId": format!("s-{n}"), "body": format!("reply {n}") }))
            .await;
        support.next_of("message.ack").await;
    }
    let mut back = socket(&app, address, &ana).await;
    let replayed = back.subscribe(id, Some(&last_seen)).await;
    let bodies: Vec<&str> = replayed.iter().map(|m| m["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["reply 1", "reply 2", "reply 3"], "exactly the missed messages, in order");
    support.send(json!({ "type": "message.send", "conversationId": id, "clientMsgId": "s-4", "body": "live again" })).await;
    let live = back.next_of("message.new").await;
    assert_eq!(live["message"]["body"], "live again");
    assert!(back.drain(200).await.iter().all(|f| f["type"] != "message.new"), "nothing twice");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn support_ws_call_signalling_reaches_only_the_other_participant(pool: MySqlPool) {
    let app = app(pool.clone(), &[]).await;
    let address = app.serve().await;
    let (ana, agent, onlooker) = (user(&app, Role::Client), user(&app, Role::Support), user(&app, Role::Support));
    let id = open(&app, &ana, "Damage on pickup").await;
    let mut client = socket(&app, address, &ana).await;
    client.subscribe(id, None).await;
    client.send(json!({ "type": "call.offer", "conversationId": id, "sdp": "v=0 offer" })).await;
    assert_eq!(client.next().await["code"], "no_peer", "nobody took it yet");
    claim(&app, &agent, id).await;
    let mut support = socket(&app, address, &agent).await;
    let mut third = socket(&app, address, &onlooker).await;
    support.subscribe(id, None).await;
    third.subscribe(id, None).await;

    client.send(json!({ "type": "call.offer", "conversationId": id, "sdp": "v=0 offer" })).await;
    let offer = support.next_of("call.offer").await;
    assert_eq!((offer["sdp"].as_str(), offer["fromUserId"].clone()), (Some("v=0 offer"), json!(ana.id)));
    support.send(json!({ "type": "call.answer", "conversationId": id, "sdp": "v=0 answer" })).await;
    assert_eq!(client.next_of("call.answer").await["sdp"], "v=0 answer");
    let candidate = json!({ "candidate": "candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host", "sdpMid": "0", "sdpMLineIndex": 0 });
    client.send(json!({ "type": "call.ice", "conversationId": id, "candidate": candidate })).await;
    assert_eq!(support.next_of("call.ice").await["candidate"], candidate);
    third.send(json!({ "type": "call.offer", "conversationId": id, "sdp": "v=0 intruder" })).await;
    assert_eq!(third.next_of("error").await["code"], "not_assignee", "a support user it is not assigned to cannot call");
    support.send(json!({ "type": "call.hangup", "conversationId": id })).await;
    client.next_of("call.hangup").await;

    let seen: Vec<String> = third.drain(300).await.iter().map(|f| f["type"].as_str().unwrap_or_default().to_string()).collect();
    assert!(seen.iter().all(|t| !t.starts_with("call.")), "the third user received no signalling: {seen:?}");
    let calls = sqlx::query!(r#"SELECT started_by AS "by: Uuid", ended_by AS "ended: Uuid" FROM calls WHERE conversation_id = ?"#, id)
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(calls.len(), 1);
    assert_eq!((calls[0].by, calls[0].ended), (Some(ana.id), Some(agent.id)));
    let history = call(&app, Method::GET, &format!("/api/v1/support/conversations/{id}/messages"), None, &ana).await.json();
    let events: Vec<&str> = history["items"].as_array().unwrap().iter().filter_map(|m| m["event"].as_str()).collect();
    assert_eq!(events, ["call_started", "call_ended"], "shown as system messages");
}

/// A client that never answers: the upgrade by hand over TCP, then only reads. (tungstenite
/// answers pings by itself whenever it reads, so it can never be silent.)
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn support_ws_a_silent_socket_is_closed_after_the_idle_timeout(pool: MySqlPool) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = app(pool, &[("WS_PING_SECONDS", "1"), ("WS_IDLE_TIMEOUT_SECONDS", "5")]).await;
    let address = app.serve().await;
    let ana = user(&app, Role::Client);
    let ticket = ticket(&app, &ana).await;
    let mut tcp = tokio::net::TcpStream::connect(address).await.unwrap();
    let upgrade = format!(
        "GET /api/v1/support/ws?ticket={ticket} HTTP/1.1\r\nHost: {address}\r\nOrigin: {ORIGIN}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    tcp.write_all(upgrade.as_bytes()).await.unwrap();
    let started = std::time::Instant::now();
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    while let Ok(Ok(n)) = tokio::time::timeout(Duration::from_secs(8), tcp.read(&mut chunk)).await {
        if n == 0 {
            break;
        }
        received.extend_from_slice(&chunk[..n]);
    }
    let elapsed = started.elapsed();
    let text = String::from_utf8_lossy(&received);
    assert!(text.starts_with("HTTP/1.1 101"), "{text}");
    let body = &received[text.find("\r\n\r\n").unwrap() + 4..];
    // Server frames are unmasked: [opcode byte, length byte, payload…]; pings (0x89) then one close (0x88).
    let mut frames = Vec::new();
    let mut at = 0;
    while at + 2 <= body.len() {
        let (opcode, length) = (body[at] & 0x0f, usize::from(body[at + 1] & 0x7f));
        frames.push((opcode, body[at + 2..at + 2 + length].to_vec()));
        at += 2 + length;
    }
    let close = frames.iter().find(|(opcode, _)| *opcode == 0x8).expect("a close frame");
    assert_eq!(u16::from_be_bytes([close.1[0], close.1[1]]), 1000);
    assert_eq!(&close.1[2..], b"idle timeout");
    assert!(frames.iter().filter(|(opcode, _)| *opcode == 0x9).count() >= 3, "pinged every second meanwhile: {frames:?}");
    assert!(elapsed >= Duration::from_secs(5) && elapsed < Duration::from_secs(8), "{elapsed:?}");
}

/// Support's queue is live: every support socket — subscribed to nothing — is told of each
/// conversation opened, claimed and closed; another client's socket hears nothing of it, and
/// the watching socket gets no messages of conversations it did not subscribe to.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn support_ws_every_support_socket_sees_the_queue_change_and_no_other_client_does(pool: MySqlPool) {
    let app = app(pool, &[]).await;
    let address = app.serve().await;
    let (ana, bob) = (user(&app, Role::Client), user(&app, Role::Client));
    let (agent, colleague) = (user(&app, Role::Support), user(&app, Role::Support));
    let mut watcher = socket(&app, address, &colleague).await;
    let mut stranger = socket(&app, address, &bob).await;
    // Both sockets' sessions are running (registered in the hub) once they answer a ping.
    for ws in [&mut watcher, &mut stranger] {
        ws.send(json!({ "type": "ping" })).await;
        ws.next_of("pong").await;
    }

    let id = open(&app, &ana, "Child seat").await;
    let opened = watcher.next_of("conversation.updated").await["conversation"].clone();
    assert_eq!(
        (opened["id"].clone(), opened["status"].clone(), opened["subject"].clone()),
        (json!(id), json!("open"), json!("Child seat"))
    );
    claim(&app, &agent, id).await;
    let claimed = watcher.next_of("conversation.updated").await["conversation"].clone();
    assert_eq!((claimed["status"].clone(), claimed["assigneeId"].clone()), (json!("assigned"), json!(agent.id)));
    let body = json!({ "clientMsgId": Uuid::now_v7(), "body": "Is one available for a 2-year-old?" });
    let sent = call(&app, Method::POST, &format!("/api/v1/support/conversations/{id}/messages"), Some(&body), &ana).await;
    assert_eq!(sent.status, StatusCode::CREATED);
    let closed = call(&app, Method::POST, &format!("/api/v1/support/conversations/{id}/closure"), None, &ana).await;
    assert_eq!(closed.status, StatusCode::OK);
    let after: Vec<serde_json::Value> = watcher.drain(300).await;
    let kinds: Vec<&str> = after.iter().filter_map(|f| f["type"].as_str()).collect();
    assert_eq!(kinds, ["conversation.updated"], "the closure, and no message of an unsubscribed conversation");
    assert_eq!(after[0]["conversation"]["status"], "closed");

    let heard: Vec<serde_json::Value> = stranger.drain(300).await;
    assert!(heard.is_empty(), "another client's socket hears nothing of it: {heard:?}");
}
