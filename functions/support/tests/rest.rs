//! Support issue, acceptance 1 and 5: the REST endpoints — success, auth, another client's
//! conversation, staff roles, validation, the claim race — and the ICE credentials.

mod common;

use axum::http::{Method, StatusCode};
use base64::Engine as _;
use hmac::{KeyInit, Mac};
use serde_json::{Value, json};
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_shared::auth::Role;

use common::{app, call, claim, open, stored, user};

fn contact(email: &str) -> Value {
    json!({ "name": "Ana Silva", "email": email, "subject": "Child seat", "message": "Can I add a child seat to YCW-7K2M9Q?",
            "reservationReference": "ycw-7k2m9q", "locale": "fr" })
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn support_contact_form_stores_acknowledges_and_is_handled_by_support(pool: MySqlPool) {
    let app = app(pool.clone(), &[("RATE_LIMIT_PER_MINUTE", "3"), ("SUPPORT_EMAIL", "help@ycyw.test")]).await;
    let sent = app.call(Method::POST, "/api/v1/support/contact-requests", Some(&contact("ana@example.com")), &[]).await;
    assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.json());
    let jobs = sqlx::query_scalar!("SELECT payload FROM jobs WHERE kind = 'send_email' ORDER BY id").fetch_all(&pool).await.unwrap();
    let recipients: Vec<(String, String)> = jobs
        .iter()
        .map(|p| serde_json::from_str::<Value>(p).unwrap())
        .map(|p| (p["to"].as_str().unwrap_or_default().to_string(), p["locale"].as_str().unwrap_or_default().to_string()))
        .collect();
    assert!(recipients.contains(&("ana@example.com".into(), "fr".into())), "acknowledgement in the form's language: {recipients:?}");
    assert!(recipients.iter().any(|(to, _)| to == "help@ycyw.test"), "support notified: {recipients:?}");

    let bad = json!({ "name": "", "email": "nope", "subject": "", "message": "x".repeat(5001), "reservationReference": "ABC" });
    let refused = app.call(Method::POST, "/api/v1/support/contact-requests", Some(&bad), &[]).await;
    refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let fields: Vec<String> = refused.field_errors().into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["name", "email", "subject", "message", "reservationReference"]);
    app.call(Method::POST, "/api/v1/support/contact-requests", Some(&contact("b@example.com")), &[]).await;
    let limited = app.call(Method::POST, "/api/v1/support/contact-requests", Some(&contact("c@example.com")), &[]).await;
    limited.assert_problem(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert_eq!(sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!: i64" FROM contact_requests"#).fetch_one(&pool).await.unwrap(), 2);

    let support = user(&app, Role::Support);
    let client = user(&app, Role::Client);
    assert_eq!(app.get("/api/v1/support/contact-requests").await.status, StatusCode::UNAUTHORIZED);
    call(&app, Method::GET, "/api/v1/support/contact-requests", None, &client).await.assert_problem(StatusCode::FORBIDDEN, "forbidden");
    let page = call(&app, Method::GET, "/api/v1/support/contact-requests?limit=1", None, &support).await.json();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["email"], "b@example.com", "newest first");
    let cursor = page["nextCursor"].as_str().unwrap();
    let second = call(&app, Method::GET, &format!("/api/v1/support/contact-requests?limit=1&cursor={cursor}"), None, &support).await.json();
    assert_eq!(second["items"][0]["reservationReference"], "YCW-7K2M9Q", "normalised");
    let first_id = second["items"][0]["id"].as_str().unwrap().to_string();
    let handled = call(&app, Method::POST, &format!("/api/v1/support/contact-requests/{first_id}/handling"), None, &support).await;
    assert_eq!(handled.status, StatusCode::OK);
    assert_eq!(handled.json()["handledBy"], json!(support.id));
    let unhandled = call(&app, Method::GET, "/api/v1/support/contact-requests?status=unhandled", None, &support).await.json();
    assert_eq!(unhandled["items"].as_array().unwrap().len(), 1);
    let path = format!("/api/v1/support/contact-requests/{}/handling", Uuid::now_v7());
    call(&app, Method::POST, &path, None, &support).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    call(&app, Method::GET, "/api/v1/support/contact-requests?status=maybe", None, &support)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn support_conversations_are_seen_by_their_client_and_support_only(pool: MySqlPool) {
    let app = app(pool.clone(), &[]).await;
    let (ana, bob, support, agent) =
        (user(&app, Role::Client), user(&app, Role::Client), user(&app, Role::Support), user(&app, Role::Agent));
    let id = open(&app, &ana, "Refund question").await;
    let path = format!("/api/v1/support/conversations/{id}");
    let mine = call(&app, Method::GET, &path, None, &ana).await.json();
    assert_eq!((mine["status"].as_str(), mine["clientId"].as_str()), (Some("open"), Some(ana.id.to_string().as_str())));
    call(&app, Method::GET, &path, None, &bob).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    call(&app, Method::GET, &format!("{path}/messages"), None, &bob).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    call(&app, Method::GET, &path, None, &agent).await.assert_problem(StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(app.get(&path).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(call(&app, Method::GET, &path, None, &support).await.status, StatusCode::OK);

    assert_eq!(call(&app, Method::GET, "/api/v1/support/conversations", None, &bob).await.json()["items"], json!([]));
    let queue = call(&app, Method::GET, "/api/v1/support/conversations?status=open", None, &support).await.json();
    assert_eq!(queue["items"][0]["id"], json!(id));
    call(&app, Method::GET, "/api/v1/support/conversations?status=lost&limit=0", None, &support)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let staff_open =
        call(&app, Method::POST, "/api/v1/support/conversations", Some(&json!({ "subject": "x", "firstMessage": "y" })), &support).await;
    staff_open.assert_problem(StatusCode::FORBIDDEN, "forbidden");
    let bad = call(&app, Method::POST, "/api/v1/support/conversations", Some(&json!({ "subject": " ", "firstMessage": "" })), &ana).await;
    let fields: Vec<String> = bad.field_errors().into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["subject", "firstMessage"]);
    // A retry with the same Idempotency-Key gets the same conversation; another body with it is refused.
    let body = json!({ "subject": "Retry", "firstMessage": "Hello again" });
    let key = [("authorization", ana.bearer.as_str()), ("idempotency-key", "open-1")];
    let first = app.call(Method::POST, "/api/v1/support/conversations", Some(&body), &key).await;
    let replay = app.call(Method::POST, "/api/v1/support/conversations", Some(&body), &key).await;
    assert_eq!((first.status, replay.status), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(first.json()["id"], replay.json()["id"]);
    let other =
        app.call(Method::POST, "/api/v1/support/conversations", Some(&json!({ "subject": "Other", "firstMessage": "x" })), &key).await;
    assert_eq!(other.field_errors(), [("Idempotency-Key".to_string(), "idempotency_key_reused".to_string())]);
    let opened =
        sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!: i64" FROM conversations WHERE subject = 'Retry'"#).fetch_one(&pool).await.unwrap();
    assert_eq!(opened, 1);
    let about = json!({ "subject": "x", "firstMessage": "y", "reservationId": Uuid::now_v7() });
    let unknown = call(&app, Method::POST, "/api/v1/support/conversations", Some(&about), &ana).await;
    assert_eq!(unknown.field_errors(), [("reservationId".to_string(), "unknown_reservation".to_string())], "no directory links it here");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn support_two_simultaneous_claims_one_wins(pool: MySqlPool) {
    let app = app(pool.clone(), &[]).await;
    let ana = user(&app, Role::Client);
    let id = open(&app, &ana, "Lost keys").await;
    let (first, second) = (user(&app, Role::Support), user(&app, Role::Support));
    let path = format!("/api/v1/support/conversations/{id}/assignment");
    let (a, b) = tokio::join!(call(&app, Method::POST, &path, None, &first), call(&app, Method::POST, &path, None, &second));
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let loser = if a.status == StatusCode::CONFLICT { a } else { b };
    loser.assert_problem(StatusCode::CONFLICT, "already_assigned");
    let winner = call(&app, Method::GET, &format!("/api/v1/support/conversations/{id}"), None, &first).await.json();
    assert_eq!(winner["status"], "assigned");
    call(&app, Method::POST, &path, None, &ana).await.assert_problem(StatusCode::FORBIDDEN, "forbidden");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn support_messages_are_sent_once_paged_and_closed(pool: MySqlPool) {
    let app = app(pool.clone(), &[]).await;
    let (ana, support, other) = (user(&app, Role::Client), user(&app, Role::Support), user(&app, Role::Support));
    let id = open(&app, &ana, "Invoice").await;
    let messages = format!("/api/v1/support/conversations/{id}/messages");
    let reply = json!({ "clientMsgId": "s-1", "body": "Hello Ana, how can I help?" });
    call(&app, Method::POST, &messages, Some(&reply), &support).await.assert_problem(StatusCode::FORBIDDEN, "not_assignee");
    claim(&app, &support, id).await;
    call(&app, Method::POST, &messages, Some(&reply), &other).await.assert_problem(StatusCode::FORBIDDEN, "not_assignee");
    let sent = call(&app, Method::POST, &messages, Some(&reply), &support).await;
    assert_eq!(sent.status, StatusCode::CREATED);
    let again = call(&app, Method::POST, &messages, Some(&reply), &support).await;
    assert_eq!((again.status, again.json()["id"].clone()), (StatusCode::OK, sent.json()["id"].clone()), "same clientMsgId: the stored one");
    assert_eq!(sent.json()["senderRole"], "support");
    for n in 0..4 {
        let body = json!({ "clientMsgId": format!("c-{n}"), "body": format!("message {n}") });
        assert_eq!(call(&app, Method::POST, &messages, Some(&body), &ana).await.status, StatusCode::CREATED);
    }
    assert_eq!(stored(&pool, id).await, 6);
    let newest = call(&app, Method::GET, &format!("{messages}?limit=4"), None, &ana).await.json();
    let bodies: Vec<&str> = newest["items"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["message 0", "message 1", "message 2", "message 3"], "the newest page, oldest first");
    let before = newest["nextCursor"].as_str().unwrap();
    let older = call(&app, Method::GET, &format!("{messages}?limit=4&before={before}"), None, &ana).await.json();
    let seqs: Vec<i64> = older["items"].as_array().unwrap().iter().map(|m| m["seq"].as_i64().unwrap()).collect();
    assert_eq!((seqs, older["nextCursor"].clone()), (vec![1, 2], Value::Null));
    call(&app, Method::GET, &format!("{messages}?before=nope"), None, &ana)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let blank = call(&app, Method::POST, &messages, Some(&json!({ "clientMsgId": "a b", "body": " " })), &ana).await;
    let fields: Vec<String> = blank.field_errors().into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["clientMsgId", "body"]);

    let closed = call(&app, Method::POST, &format!("/api/v1/support/conversations/{id}/closure"), None, &ana).await;
    assert_eq!((closed.status, closed.json()["status"].clone()), (StatusCode::OK, json!("closed")));
    let late = call(&app, Method::POST, &messages, Some(&json!({ "clientMsgId": "c-9", "body": "one more" })), &ana).await;
    late.assert_problem(StatusCode::CONFLICT, "conversation_closed");
    let history = call(&app, Method::GET, &messages, None, &ana).await.json();
    let last = history["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["kind"].as_str(), last["event"].as_str()), (Some("system"), Some("closed")));
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn support_ice_servers_carry_coturn_credentials_valid_one_hour(pool: MySqlPool) {
    let secret = "a-turn-secret-of-the-test";
    let app =
        app(pool, &[("TURN_URLS", "turn:turn.ycyw.test:3478?transport=udp,turns:turn.ycyw.test:5349"), ("TURN_SHARED_SECRET", secret)])
            .await;
    let client = user(&app, Role::Client);
    assert_eq!(app.get("/api/v1/support/ice-servers").await.status, StatusCode::UNAUTHORIZED);
    let answer = call(&app, Method::GET, "/api/v1/support/ice-servers", None, &client).await.json();
    assert_eq!(answer["ttl"], 3600);
    let servers = answer["iceServers"].as_array().unwrap();
    assert!(servers[0]["urls"][0].as_str().unwrap().starts_with("stun:"));
    assert!(servers[0].get("credential").is_none());
    let turn = &servers[1];
    assert_eq!(turn["urls"], json!(["turn:turn.ycyw.test:3478?transport=udp", "turns:turn.ycyw.test:5349"]));
    let username = turn["username"].as_str().unwrap();
    let (expiry, id) = username.split_once(':').unwrap();
    assert_eq!(id, client.id.to_string());
    assert_eq!(expiry.parse::<i64>().unwrap(), app.state.clock.now().timestamp() + 3600, "they expire an hour from now");
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(username.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    assert_eq!(turn["credential"].as_str(), Some(expected.as_str()), "base64(HMAC-SHA1(secret, username))");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn support_ws_tickets_are_for_clients_and_support(pool: MySqlPool) {
    let app = app(pool, &[]).await;
    let (client, agent) = (user(&app, Role::Client), user(&app, Role::Agent));
    let ticket = call(&app, Method::POST, "/api/v1/support/ws-tickets", None, &client).await;
    assert_eq!(ticket.status, StatusCode::CREATED);
    assert!(ticket.json()["ticket"].as_str().unwrap().len() >= 40);
    call(&app, Method::POST, "/api/v1/support/ws-tickets", None, &agent).await.assert_problem(StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(app.call(Method::POST, "/api/v1/support/ws-tickets", None, &[]).await.status, StatusCode::UNAUTHORIZED);
}

/// The other side's messages a participant reads through the REST history (no socket) are
/// delivered to them, as a socket's receipt would mark them; a support user browsing a
/// conversation not theirs marks nothing, and one's own messages stay undelivered until the
/// other side reads them.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn support_history_read_by_a_participant_marks_the_other_side_delivered(pool: MySqlPool) {
    let app = app(pool.clone(), &[]).await;
    let (ana, support, browser) = (user(&app, Role::Client), user(&app, Role::Support), user(&app, Role::Support));
    let id = open(&app, &ana, "Child seat").await;
    let messages = format!("/api/v1/support/conversations/{id}/messages");
    let delivered = |page: &Value| -> Vec<bool> { page["items"].as_array().unwrap().iter().map(|m| !m["deliveredAt"].is_null()).collect() };

    let browsed = call(&app, Method::GET, &messages, None, &browser).await.json();
    assert_eq!(delivered(&browsed), [false], "a support user not assigned marks nothing");
    let own = call(&app, Method::GET, &messages, None, &ana).await.json();
    assert_eq!(delivered(&own), [false], "one's own message is not delivered by reading it");

    claim(&app, &support, id).await;
    let read = call(&app, Method::GET, &messages, None, &support).await.json();
    let first = &read["items"][0];
    assert_eq!(first["senderRole"], "client");
    assert!(!first["deliveredAt"].is_null(), "the assignee received the client's message: {read}");
    let seen_by_ana = call(&app, Method::GET, &messages, None, &ana).await.json();
    assert!(!seen_by_ana["items"][0]["deliveredAt"].is_null(), "and the client sees it delivered");
    let stamp = first["deliveredAt"].clone();
    let again = call(&app, Method::GET, &messages, None, &support).await.json();
    assert_eq!(again["items"][0]["deliveredAt"], stamp, "marked once");
}
