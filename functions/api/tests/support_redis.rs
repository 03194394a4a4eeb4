#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! Support issue, acceptance 3: two `ycyw-api` processes on different ports sharing a real Redis
//! (a private `redis-server`, so the test may restart it). A client on one and a support user on
//! the other exchange messages and call signalling; Redis restarted mid-conversation → both
//! sides resume and nothing is lost; SIGTERM closes an instance's sockets with 1001.

mod common;

use std::time::Duration;

use common::chat::{ORIGIN, post, redis, say, socket};
use serde_json::json;
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_shared::auth::Role;
use ycyw_testkit::{Binary, TEST_JWT_KEY, database_url_of, free_port, wait_until};

/// An active account of `role`, with an address of its own.
async fn account(pool: &MySqlPool, role: Role) -> (Uuid, String) {
    common::account(pool, &format!("{}@example.com", Uuid::now_v7()), role).await
}

async fn redis_answers(port: u16) -> bool {
    wait_until(Duration::from_secs(10), || async move { tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() }).await
}

async fn ready(base: &str) -> u16 {
    reqwest::get(format!("{base}/health/ready")).await.map(|r| r.status().as_u16()).unwrap_or(0)
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn two_api_processes_chat_through_redis_and_survive_its_restart(pool: MySqlPool) {
    let redis_port = free_port();
    let mut server = redis(redis_port);
    assert!(redis_answers(redis_port).await, "redis-server did not start");
    let env = [
        ("DATABASE_URL", database_url_of(&pool).await.unwrap()),
        ("JWT_SIGNING_KEY", TEST_JWT_KEY.to_string()),
        ("REDIS_URL", format!("redis://127.0.0.1:{redis_port}")),
        ("ALLOWED_ORIGINS", ORIGIN.to_string()),
    ];
    let (one, two) = (Binary::spawn(env!("CARGO_BIN_EXE_ycyw-api"), &[], &env), Binary::spawn(env!("CARGO_BIN_EXE_ycyw-api"), &[], &env));
    for process in [&one, &two] {
        assert!(process.wait_ready("/health/ready").await, "an api did not start");
    }
    let (a, b) = (one.base_url(), two.base_url());
    let ((client_id, client), (_, support)) = (account(&pool, Role::Client).await, account(&pool, Role::Support).await);
    let opened = post(&a, "/support/conversations", &client, Some(json!({ "subject": "Wrong car", "firstMessage": "Hello?" }))).await;
    let id: Uuid = opened["id"].as_str().unwrap().parse().unwrap();
    post(&b, &format!("/support/conversations/{id}/assignment"), &support, None).await;

    let mut client_ws = socket(&a, &client).await;
    let mut support_ws = socket(&b, &support).await;
    client_ws.subscribe(id, None).await;
    support_ws.subscribe(id, None).await;
    say(&mut client_ws, id, "c-1", "I was given a manual car.").await;
    assert_eq!(support_ws.next_of("message.new").await["message"]["body"], "I was given a manual car.", "across instances");
    say(&mut support_ws, id, "s-1", "Let me check with the agency.").await;
    assert_eq!(client_ws.next_of("message.new").await["message"]["body"], "Let me check with the agency.");
    client_ws.send(json!({ "type": "call.offer", "conversationId": id, "sdp": "v=0 offer" })).await;
    let offer = support_ws.next_of("call.offer").await;
    assert_eq!((offer["sdp"].as_str(), offer["fromUserId"].clone()), (Some("v=0 offer"), json!(client_id)));
    support_ws.send(json!({ "type": "call.answer", "conversationId": id, "sdp": "v=0 answer" })).await;
    assert_eq!(client_ws.next_of("call.answer").await["sdp"], "v=0 answer");

    // Redis goes away: both instances report it, messages are still stored and acknowledged.
    server.signal("SIGKILL").await;
    server.wait_exit(Duration::from_secs(5)).await;
    assert!(
        wait_until(Duration::from_secs(10), || {
            let a = a.clone();
            async move { ready(&a).await == 503 }
        })
        .await,
        "readiness fails without redis"
    );
    let during = say(&mut client_ws, id, "c-2", "Are you still there?").await;
    assert_eq!(during["body"], "Are you still there?");
    // Redis is back on its port: the subscribers reconnect and each socket reads what it missed.
    let _server = redis(redis_port);
    assert!(redis_answers(redis_port).await);
    for base in [&a, &b] {
        let base = base.clone();
        assert!(
            wait_until(Duration::from_secs(15), || {
                let base = base.clone();
                async move { ready(&base).await == 200 }
            })
            .await,
            "ready again"
        );
    }
    // (The call's system message, published before the outage, comes first.)
    let started = support_ws.next_of("message.new").await;
    assert_eq!(started["message"]["event"], "call_started");
    let missed = support_ws.next_of("message.new").await;
    assert_eq!(missed["message"]["id"], during["id"], "the message written while redis was down reaches the other instance");
    say(&mut support_ws, id, "s-2", "Yes, an automatic is ready for you.").await;
    assert_eq!(client_ws.next_of("message.new").await["message"]["body"], "Yes, an automatic is ready for you.", "fan-out resumed");
    let seqs: Vec<i64> = sqlx::query_scalar!(
        r#"SELECT CAST(seq AS SIGNED) AS "seq!: i64" FROM messages WHERE conversation_id = ? AND kind = 'text' ORDER BY seq"#,
        id
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(seqs.len(), 5, "nothing lost: {seqs:?}");

    // SIGTERM: the instance closes its sockets with 1001 so clients reconnect elsewhere.
    one.signal("SIGTERM").await;
    assert_eq!(client_ws.close_code(Duration::from_secs(5)).await, Some(1001));
}
