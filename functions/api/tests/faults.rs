#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] functions may fail loudly too
//! Issue 17, fault tests (bounded, loopback only), through the real processes. Each adds what
//! the earlier tests named beside it did not prove.
//!
//! 1. MariaDB restarted under load (a private server, stopped and started under a running
//!    `ycyw-api`): requests fail fast with a 503 problem, the api recovers by itself, and no
//!    booking is half-written ([`mariadb_restart_under_load_answers_503_and_recovers_without_half_bookings`]).
//! 2. Redis down: chat degrades to one instance (live there, caught up elsewhere once it is
//!    back), both instances' readiness says so, no message is lost or given twice
//!    ([`redis_down_chat_degrades_to_one_instance_and_loses_nothing`]; support_redis.rs proves
//!    the fan-out across instances and Redis's restart).
//! 3. SMTP down (refusing, then answering 421) under a `ycyw-worker` process: mail jobs retry,
//!    and once it is back every mail arrives once ([`smtp_down_mail_jobs_retry_and_each_mail_arrives_once`];
//!    worker/tests/send_email.rs proves one retry in process, worker/tests/process.rs one kill).
//! 4. Stripe answering 500 or too slowly to the `ycyw-api` binary: checkout answers 502 within
//!    the request's time, after three attempts under one key, and writes nothing; the client's
//!    retry is the same Stripe request ([`stripe_500_and_timeouts_answer_502_and_write_nothing`];
//!    functions/payments/tests/flows.rs proves the 502 in process).
//! 5. The worker SIGKILLed again and again during a mixed job load (mails, Stripe events,
//!    refunds), each time at a pause point before or after a handler's effect: every job's
//!    effect exactly once ([`worker_sigkill_loop_during_mixed_jobs_makes_every_effect_once`];
//!    refund_crash.rs and worker/tests/process.rs prove single kills of one kind).

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::Client;
use common::chat::{ORIGIN, post, redis, say, socket};
use serde_json::{Value, json};
use sqlx::MySqlPool;
use stripe_sim::{Fault, Simulator, SimulatorConfig};
use tokio::io::AsyncBufReadExt as _;
use uuid::Uuid;
use ycyw_shared::auth::Role;
use ycyw_shared::mail::{self, EmailJob, Locale, Template};
use ycyw_testkit::{Binary, PrivateMariaDb, SmtpSink, TEST_JWT_KEY, database_url_of, free_port, wait_until};

const API: &str = env!("CARGO_BIN_EXE_ycyw-api");
const PROBLEM_JSON: &str = "application/problem+json";

// ---------------------------------------------------------------------------------------------
// Shared helpers

/// An active, verified client with a complete profile, and a token for it.
async fn client_account(pool: &MySqlPool, email: &str) -> (Uuid, String) {
    common::account(pool, email, Role::Client).await
}

/// The booking request for the agency's CDMR `days` from now, one day (10:00 to 18:00 local).
fn booking(agency: Uuid, days: i64) -> Value {
    let day = (chrono::Utc::now() + chrono::Duration::days(days)).format("%Y-%m-%d").to_string();
    json!({ "pickupAgencyId": agency, "returnAgencyId": agency, "pickupAt": format!("{day}T10:00"),
            "returnAt": format!("{day}T18:00"), "category": "CDMR" })
}

/// An answer, read whole.
#[derive(Debug, Clone)]
struct Answer {
    status: u16,
    content_type: String,
    body: Value,
    replayed: bool,
}

impl Answer {
    async fn of(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let (content_type, replayed) = (header("content-type"), header("idempotent-replayed") == "true");
        let body = response.json().await.unwrap_or(Value::Null);
        Self { status, content_type, body, replayed }
    }

    /// True for a problem+json answer with `status` and `code`.
    fn is_problem(&self, status: u16, code: &str) -> bool {
        self.status == status && self.content_type == PROBLEM_JSON && self.body["status"] == status && self.body["code"] == code
    }
}

async fn jobs(pool: &MySqlPool) -> i64 {
    sqlx::query_scalar!("SELECT COUNT(*) FROM jobs").fetch_one(pool).await.unwrap()
}

/// The Message-ID each `send_email` job's mail carries (the mailer names it after the job).
async fn mail_job_message_ids(pool: &MySqlPool) -> BTreeSet<String> {
    sqlx::query_scalar!(r#"SELECT id AS "id: Uuid" FROM jobs WHERE kind = 'send_email'"#)
        .fetch_all(pool)
        .await
        .unwrap()
        .into_iter()
        .map(|id| format!("<{id}@mail.yourcaryourway>"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 1. MariaDB restarted under load

/// One booking attempt of the load, and what it got.
#[derive(Debug, Clone)]
struct Attempt {
    key: String,
    body: Value,
    started: Instant,
    elapsed: Duration,
    answer: Option<Answer>,
}

/// `loops` clients booking one after another (each attempt its own day and `Idempotency-Key`)
/// until `stop`; every attempt recorded.
fn booking_load(
    base: String,
    token: String,
    agency: Uuid,
    loops: usize,
    stop: Arc<AtomicBool>,
) -> (Arc<Mutex<Vec<Attempt>>>, tokio::task::JoinSet<()>) {
    let attempts = Arc::new(Mutex::new(Vec::new()));
    let next_day = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..loops {
        let (base, token, stop, attempts, next_day) = (base.clone(), token.clone(), stop.clone(), attempts.clone(), next_day.clone());
        tasks.spawn(async move {
            let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
            while !stop.load(Ordering::Relaxed) {
                // Two cars: two bookings a day, each day once.
                let n = next_day.fetch_add(1, Ordering::Relaxed);
                let body = booking(agency, 3 + i64::try_from(n / 2).unwrap());
                let key = Uuid::now_v7().to_string();
                let started = Instant::now();
                let sent = http
                    .post(format!("{base}/api/v1/reservations"))
                    .bearer_auth(&token)
                    .header("Idempotency-Key", &key)
                    .json(&body)
                    .send()
                    .await;
                let answer = match sent {
                    Ok(response) => Some(Answer::of(response).await),
                    Err(_) => None,
                };
                let failed = answer.as_ref().is_none_or(|a| a.status != 201);
                attempts.lock().unwrap().push(Attempt { key, body, started, elapsed: started.elapsed(), answer });
                if failed {
                    // An outage: keep asking, but not in a tight loop.
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        });
    }
    (attempts, tasks)
}

fn booked_since(attempts: &Mutex<Vec<Attempt>>, since: Instant) -> usize {
    attempts.lock().unwrap().iter().filter(|a| a.started >= since && a.answer.as_ref().is_some_and(|a| a.status == 201)).count()
}

fn failed_after(attempts: &Mutex<Vec<Attempt>>, since: Instant) -> usize {
    attempts.lock().unwrap().iter().filter(|a| a.started >= since && a.answer.as_ref().is_some_and(|a| a.status != 201)).count()
}

/// The pool gives up acquiring a connection after 5 s (shared/src/db.rs), and a failed request
/// gives freeing its idempotency key 1 s more (`idempotency::ABANDON_WAIT`): a request during an
/// outage must answer within that, plus some slack for a loaded machine — not wait for the pool
/// twice, nor hang until the request timeout.
const FAIL_FAST: Duration = Duration::from_secs(8);

#[tokio::test]
async fn mariadb_restart_under_load_answers_503_and_recovers_without_half_bookings() {
    let mut server = PrivateMariaDb::start().await;
    let pool = MySqlPool::connect(&server.create_ycyw_database().await).await.unwrap();
    ycyw_shared::db::MIGRATOR.run(&pool).await.unwrap();
    let agency = common::agency(&pool, 2).await;
    let (_, token) = client_account(&pool, "under.load@example.com").await;
    // A client whose first request comes during the outage: the api has not cached that its
    // account is active, so it must ask the database.
    let (_, newcomer) = client_account(&pool, "newcomer@example.com").await;
    pool.close().await;

    let mut api = Binary::spawn(
        API,
        &[],
        &[
            ("DATABASE_URL", server.url("ycyw")),
            ("JWT_SIGNING_KEY", TEST_JWT_KEY.to_string()),
            // Far above FAIL_FAST: a request that hangs shows as a timeout, not as a quick 503.
            ("REQUEST_TIMEOUT_SECONDS", "25".to_string()),
        ],
    );
    assert!(api.wait_ready("/health/ready").await, "ycyw-api did not start");
    let pid = api.child.id();
    let base = api.base_url();
    let stop = Arc::new(AtomicBool::new(false));
    let (attempts, mut load) = booking_load(base.clone(), token.clone(), agency, 3, stop.clone());

    let start = Instant::now();
    assert!(wait_until(Duration::from_secs(20), || async { booked_since(&attempts, start) >= 5 }).await, "bookings before the restart");

    // The restart: connections closed, transactions in flight rolled back; down long enough for
    // requests to exhaust the pool's acquire timeout.
    server.stop().await;
    let down = Instant::now();
    let asked = Instant::now();
    let newcomer_books =
        reqwest::Client::new().post(format!("{base}/api/v1/reservations")).bearer_auth(&newcomer).json(&booking(agency, 300)).send();
    let (ready, first) = tokio::join!(reqwest::get(format!("{base}/health/ready")), newcomer_books);
    let (ready, first) = (Answer::of(ready.unwrap()).await, Answer::of(first.unwrap()).await);
    assert!(asked.elapsed() < FAIL_FAST, "{:?}", asked.elapsed());
    assert!(ready.is_problem(503, "unavailable"), "readiness while the database is down: {ready:?}");
    assert!(first.is_problem(503, "unavailable"), "a client unknown to the api's cache: {first:?}");
    assert!(
        wait_until(Duration::from_secs(20), || async { failed_after(&attempts, down) >= 3 }).await,
        "requests sent during the outage are answered (not left hanging)"
    );
    server.start_again().await;
    let up = Instant::now();

    // Recovery without restarting the api: the pool reconnects by itself.
    assert!(wait_until(Duration::from_secs(20), || async { booked_since(&attempts, up) >= 5 }).await, "bookings after the restart");
    stop.store(true, Ordering::Relaxed);
    while load.join_next().await.is_some() {}
    assert!(api.child.try_wait().unwrap().is_none(), "the api process never exited");
    assert_eq!(api.child.id(), pid);
    let ready = Answer::of(reqwest::get(format!("{base}/health/ready")).await.unwrap()).await;
    assert_eq!((ready.status, &ready.body["database"]), (200, &json!("ok")), "{ready:?}");

    // Every failure was quick, and a 503 problem.
    let attempts = attempts.lock().unwrap().clone();
    let mut failures: BTreeMap<String, usize> = BTreeMap::new();
    for attempt in &attempts {
        match &attempt.answer {
            Some(a) if a.status == 201 => {}
            Some(a) if a.is_problem(503, "unavailable") => {
                assert!(attempt.elapsed < FAIL_FAST, "a 503 after {:?}", attempt.elapsed);
                *failures.entry("503 unavailable".into()).or_default() += 1;
            }
            Some(a) => *failures.entry(format!("{} {} {}", a.status, a.content_type, a.body["code"])).or_default() += 1,
            None => *failures.entry("no answer".into()).or_default() += 1,
        }
    }
    assert_eq!(failures.keys().collect::<Vec<_>>(), ["503 unavailable"], "every failure is a 503 problem: {failures:?}");
    assert!(failures["503 unavailable"] >= 3);
    println!(
        "{} attempts, {} booked, {failures:?}; outage {:?}",
        attempts.len(),
        attempts.iter().filter(|a| a.answer.as_ref().is_some_and(|a| a.status == 201)).count(),
        up - down
    );

    // No half-written booking: each reservation is whole (its history, its idempotent answer,
    // both written by its one transaction), and each is one the client was told about — or,
    // when the answer was lost with the connection, the one a retry with its key replays.
    let pool = MySqlPool::connect(&server.url("ycyw")).await.unwrap();
    let reservations: BTreeSet<String> = sqlx::query_scalar!(r#"SELECT id AS "id: Uuid" FROM reservations"#)
        .fetch_all(&pool)
        .await
        .unwrap()
        .into_iter()
        .map(|id| id.to_string())
        .collect();
    let unwhole = sqlx::query_scalar!(
        "SELECT COUNT(*) FROM reservations r
         WHERE r.status <> 'pending_payment' OR r.hold_expires_at IS NULL
            OR (SELECT COUNT(*) FROM reservation_status_history h WHERE h.reservation_id = r.id) <> 1"
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(unwhole, 0, "every reservation has its hold and exactly one history row");
    let answered = sqlx::query_scalar!("SELECT COUNT(*) FROM idempotency_keys WHERE response_status = 201").fetch_one(&pool).await.unwrap();
    assert_eq!(answered, i64::try_from(reservations.len()).unwrap(), "one stored answer per reservation, and none without one");
    let told: BTreeSet<String> = attempts
        .iter()
        .filter_map(|a| a.answer.as_ref().filter(|a| a.status == 201).map(|a| a.body["id"].as_str().unwrap().to_string()))
        .collect();
    assert!(told.is_subset(&reservations), "every booking answered 201 is in the database");
    let saved: BTreeSet<String> = sqlx::query_scalar!("SELECT idempotency_key FROM idempotency_keys WHERE response_status = 201")
        .fetch_all(&pool)
        .await
        .unwrap()
        .into_iter()
        .collect();
    let http = reqwest::Client::new();
    let mut replayed = BTreeSet::new();
    for lost in attempts.iter().filter(|a| a.answer.as_ref().is_none_or(|a| a.status != 201) && saved.contains(&a.key)) {
        let again = http
            .post(format!("{base}/api/v1/reservations"))
            .bearer_auth(&token)
            .header("Idempotency-Key", &lost.key)
            .json(&lost.body)
            .send()
            .await
            .unwrap();
        let again = Answer::of(again).await;
        assert!(again.status == 201 && again.replayed, "a committed booking whose answer was lost replays: {again:?}");
        replayed.insert(again.body["id"].as_str().unwrap().to_string());
    }
    assert_eq!(told.union(&replayed).cloned().collect::<BTreeSet<_>>(), reservations, "no booking nobody can account for");
}

// ---------------------------------------------------------------------------------------------
// 2. Redis down

async fn readiness(base: &str) -> Answer {
    Answer::of(reqwest::get(format!("{base}/health/ready")).await.unwrap()).await
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn redis_down_chat_degrades_to_one_instance_and_loses_nothing(pool: MySqlPool) {
    let redis_port = free_port();
    let mut server = redis(redis_port);
    let port_open = || async move { tokio::net::TcpStream::connect(("127.0.0.1", redis_port)).await.is_ok() };
    assert!(wait_until(Duration::from_secs(10), port_open).await, "redis-server did not start");
    let env = [
        ("DATABASE_URL", database_url_of(&pool).await.unwrap()),
        ("JWT_SIGNING_KEY", TEST_JWT_KEY.to_string()),
        ("REDIS_URL", format!("redis://127.0.0.1:{redis_port}")),
        ("ALLOWED_ORIGINS", ORIGIN.to_string()),
    ];
    let (one, two) = (Binary::spawn(API, &[], &env), Binary::spawn(API, &[], &env));
    for process in [&one, &two] {
        assert!(process.wait_ready("/health/ready").await, "an api did not start");
    }
    let (a, b) = (one.base_url(), two.base_url());
    for base in [&a, &b] {
        assert_eq!(readiness(base).await.body["redis"], "ok", "readiness names the fan-out");
    }
    let (_, client) = client_account(&pool, "chat.client@example.com").await;
    let (_, support) = common::account(&pool, "chat.support@example.com", Role::Support).await;
    let opened = post(&a, "/support/conversations", &client, Some(json!({ "subject": "Child seat", "firstMessage": "Hello" }))).await;
    let id: Uuid = opened["id"].as_str().unwrap().parse().unwrap();
    post(&b, &format!("/support/conversations/{id}/assignment"), &support, None).await;
    // The client on instance A; the support user on B, and on A in a second tab.
    let mut client_a = socket(&a, &client).await;
    let mut support_b = socket(&b, &support).await;
    let mut support_a = socket(&a, &support).await;
    for ws in [&mut client_a, &mut support_b, &mut support_a] {
        ws.subscribe(id, None).await;
    }
    say(&mut client_a, id, "c-1", "Do you have a child seat?").await;
    assert_eq!(support_b.next_of("message.new").await["message"]["body"], "Do you have a child seat?", "across instances");
    assert_eq!(support_a.next_of("message.new").await["message"]["body"], "Do you have a child seat?");

    // Redis goes away and stays away: both instances say so, each still serves its own sockets.
    server.signal("SIGKILL").await;
    server.wait_exit(Duration::from_secs(5)).await;
    for base in [&a, &b] {
        let base = base.clone();
        let degraded = wait_until(Duration::from_secs(10), || {
            let base = base.clone();
            async move { readiness(&base).await.is_problem(503, "unavailable") }
        })
        .await;
        assert!(degraded, "readiness of {base} reports the lost fan-out as a 503 problem");
    }
    let m2 = say(&mut client_a, id, "c-2", "It is for a two-year-old.").await;
    let live = support_a.next_of("message.new").await;
    assert_eq!(live["message"]["id"], m2["id"], "on one instance, chat goes on live");
    let m3 = say(&mut support_b, id, "s-1", "We have one, I reserve it.").await;
    let m4 = say(&mut support_a, id, "s-2", "It will be fitted at pickup.").await;
    let history =
        reqwest::Client::new().get(format!("{a}/api/v1/support/conversations/{id}/messages")).bearer_auth(&client).send().await.unwrap();
    assert_eq!(history.status(), 200, "history is served from the database meanwhile");

    // Redis back: every socket catches up with what it missed, each message once.
    let _server = redis(redis_port);
    assert!(wait_until(Duration::from_secs(10), port_open).await);
    for base in [&a, &b] {
        let base = base.clone();
        let back = wait_until(Duration::from_secs(20), || {
            let base = base.clone();
            async move { readiness(&base).await.status == 200 }
        })
        .await;
        assert!(back, "ready again");
    }
    let said = |messages: &[&Value]| messages.iter().map(|m| m["id"].to_string()).collect::<Vec<_>>();
    // What each socket has not had yet: the others' messages. (Catching up from the database,
    // a socket may also be given its own message, already acknowledged; clients match it by id.)
    for (ws, name, missing, own) in [
        (&mut client_a, "the client on A", said(&[&m3, &m4]), said(&[&m2])),
        (&mut support_b, "support on B", said(&[&m2, &m4]), said(&[&m3])),
        (&mut support_a, "support's second tab on A", said(&[&m3]), said(&[&m4])),
    ] {
        let mut got = Vec::new();
        while !missing.iter().all(|m| got.contains(m)) {
            got.push(ws.next_of("message.new").await["message"]["id"].to_string());
        }
        let late = ws.drain(300).await;
        got.extend(late.iter().filter(|f| f["type"] == "message.new").map(|f| f["message"]["id"].to_string()));
        assert_eq!(got.iter().collect::<BTreeSet<_>>().len(), got.len(), "{name} got a message twice: {got:?}");
        assert!(got.iter().all(|m| missing.contains(m) || own.contains(m)), "{name} got only what it missed: {got:?}");
    }
    let stored: Vec<Option<String>> =
        sqlx::query_scalar!("SELECT client_msg_id FROM messages WHERE conversation_id = ? AND kind = 'text' ORDER BY seq", id)
            .fetch_all(&pool)
            .await
            .unwrap();
    let stored: Vec<&str> = stored.iter().map(|m| m.as_deref().unwrap_or("(first message)")).collect();
    assert_eq!(stored, ["(first message)", "c-1", "c-2", "s-1", "s-2"], "nothing lost, nothing twice");
}

// ---------------------------------------------------------------------------------------------
// 3. SMTP down

/// A stand-in on a fixed port for an SMTP server that is down (mode 0: it answers 421 and
/// hangs up) or back (mode 1: every connection is forwarded to `sink`).
fn smtp_front(listener: tokio::net::TcpListener, sink: std::net::SocketAddr, mode: Arc<AtomicU8>, refused: Arc<AtomicUsize>) {
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let mode = mode.load(Ordering::SeqCst);
            let refused = refused.clone();
            tokio::spawn(async move {
                use tokio::io::AsyncWriteExt as _;
                if mode == 0 {
                    refused.fetch_add(1, Ordering::SeqCst);
                    let _ = inbound.write_all(b"421 4.3.2 Service not available, closing transmission channel\r\n").await;
                    let _ = inbound.shutdown().await;
                } else if let Ok(mut outbound) = tokio::net::TcpStream::connect(sink).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
}

/// The `Message-ID`s of what the sink received, one per message.
fn message_ids(sink: &SmtpSink) -> Vec<String> {
    sink.messages()
        .iter()
        .map(|m| {
            let header = m.raw.lines().find(|l| l.to_ascii_lowercase().starts_with("message-id:")).unwrap_or_default();
            header.split_once(':').map(|(_, v)| v.trim().to_string()).unwrap_or_default()
        })
        .collect()
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn smtp_down_mail_jobs_retry_and_each_mail_arrives_once(pool: MySqlPool) {
    let mut conn = pool.acquire().await.unwrap();
    let recipients: Vec<String> = (0..6).map(|n| format!("retry{n}@example.com")).collect();
    for to in &recipients {
        let mut params = BTreeMap::new();
        params.insert("first_name".to_string(), "Ana".to_string());
        params.insert("link".to_string(), "http://localhost:4200/verify-email?token=t".to_string());
        mail::enqueue(&mut conn, &EmailJob::new(to, Locale::En, Template::VerifyEmail, params).unwrap(), chrono::Utc::now()).await.unwrap();
    }
    drop(conn);
    let job_ids = mail_job_message_ids(&pool).await;
    assert_eq!(job_ids.len(), 6);

    let smtp_port = free_port();
    let sink = SmtpSink::start().await;
    let _worker = Binary::spawn(
        &common::worker_binary(),
        &["run"],
        &[
            ("DATABASE_URL", database_url_of(&pool).await.unwrap()),
            ("SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}")),
            ("HEALTH_PORT", free_port().to_string()),
            ("JOB_POLL_MILLIS", "50".into()),
            ("JOB_BACKOFF_SECONDS", "1".into()),
        ],
    );
    let attempts_at_least = |n: u32| {
        let pool = pool.clone();
        async move {
            let jobs =
                sqlx::query!("SELECT status, attempts, last_error FROM jobs WHERE kind = 'send_email'").fetch_all(&pool).await.unwrap();
            jobs.iter().all(|j| j.attempts >= n && j.status == "queued" && j.last_error.is_some())
        }
    };

    // Down, refusing connections: every mail failed once and waits for its retry.
    assert!(wait_until(Duration::from_secs(15), || attempts_at_least(1)).await, "each mail tried once and queued again");
    // Still down, but answering 421 (a transient SMTP error): tried again, queued again.
    let (mode, refused) = (Arc::new(AtomicU8::new(0)), Arc::new(AtomicUsize::new(0)));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", smtp_port)).await.unwrap();
    let sink_address: std::net::SocketAddr = sink.url.trim_start_matches("smtp://").parse().unwrap();
    smtp_front(listener, sink_address, mode.clone(), refused.clone());
    assert!(wait_until(Duration::from_secs(15), || attempts_at_least(2)).await, "each mail tried again and queued again");
    assert!(refused.load(Ordering::SeqCst) >= 1, "the retries reached the server that answers 421");
    assert_eq!(sqlx::query_scalar!("SELECT COUNT(*) FROM jobs WHERE status = 'dead'").fetch_one(&pool).await.unwrap(), 0);
    assert_eq!(sqlx::query_scalar!("SELECT COUNT(*) FROM mail_deliveries").fetch_one(&pool).await.unwrap(), 0);
    assert!(sink.messages().is_empty());

    // Back: every mail arrives, once.
    mode.store(1, Ordering::SeqCst);
    let all_done = wait_until(Duration::from_secs(20), || {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar!("SELECT COUNT(*) FROM jobs WHERE kind = 'send_email' AND status = 'done'").fetch_one(&pool).await.unwrap()
                == 6
        }
    })
    .await;
    assert!(all_done, "every mail job is done once SMTP is back");
    assert!(wait_until(Duration::from_secs(10), || async { sink.messages().len() >= 6 }).await);
    let received = message_ids(&sink);
    assert_eq!(received.len(), 6, "six mails, none twice: {received:?}");
    assert_eq!(received.iter().cloned().collect::<BTreeSet<_>>(), job_ids, "one mail per job, by Message-ID");
    let mut to: Vec<String> = sink.messages().iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    assert_eq!(to, recipients);
    assert_eq!(sqlx::query_scalar!("SELECT COUNT(*) FROM mail_deliveries").fetch_one(&pool).await.unwrap(), 6);
    let fewest = sqlx::query_scalar!("SELECT MIN(attempts) FROM jobs WHERE kind = 'send_email'").fetch_one(&pool).await.unwrap();
    assert!(fewest.is_some_and(|n| n >= 3), "refused, 421, then sent: {fewest:?}");
}

// ---------------------------------------------------------------------------------------------
// 4. Stripe failing

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn stripe_500_and_timeouts_answer_502_and_write_nothing(pool: MySqlPool) {
    let agency = common::agency(&pool, 3).await;
    let sim = Simulator::start(SimulatorConfig {
        api_key: "sk_test_faults_0123456789".into(),
        webhook_secret: "whsec_faults_0123456789".into(),
        ..SimulatorConfig::default()
    })
    .await
    .unwrap();
    let api = Binary::spawn(
        API,
        &[],
        &[
            ("DATABASE_URL", database_url_of(&pool).await.unwrap()),
            ("JWT_SIGNING_KEY", TEST_JWT_KEY.to_string()),
            ("STRIPE_SECRET_KEY", "sk_test_faults_0123456789".to_string()),
            ("STRIPE_WEBHOOK_SECRET", "whsec_faults_0123456789".to_string()),
            ("STRIPE_API_BASE", sim.base_url().to_string()),
            // Each Stripe call may take a quarter of the request's time: 1.5 s here, so three
            // calls and the pauses between them (0.4 s, 0.8 s) end before the request's 6 s.
            ("REQUEST_TIMEOUT_SECONDS", "6".to_string()),
        ],
    );
    assert!(api.wait_ready("/health/ready").await, "ycyw-api did not start");
    let (_, token) = client_account(&pool, "stripe.down@example.com").await;
    let c = Client { http: reqwest::Client::new(), base: api.base_url(), access: token };
    let checkout = |id: String| {
        let c = c.clone();
        async move {
            let started = Instant::now();
            let response =
                c.http.post(format!("{}/api/v1/reservations/{id}/checkout-sessions", c.base)).bearer_auth(&c.access).send().await.unwrap();
            (Answer::of(response).await, started.elapsed())
        }
    };
    // The Checkout Session requests Stripe received: (idempotency key, the session's end asked).
    let sessions_asked = |sim: &stripe_sim::RunningSimulator| -> Vec<(Option<String>, i64)> {
        sim.requests()
            .into_iter()
            .filter(|r| r.method == "POST" && r.path == "/v1/checkout/sessions")
            .map(|r| (r.headers.idempotency_key, r.params["expires_at"].as_str().and_then(|t| t.parse().ok()).unwrap_or_default()))
            .collect()
    };

    for (case, fault) in [("500", Fault::http(500)), ("timeout", Fault::delay(Duration::from_millis(2500)))] {
        let id = c.book(agency, 10, 1).await;
        let before = sqlx::query!(
            r#"SELECT hold_expires_at AS "hold: chrono::DateTime<chrono::Utc>", version FROM reservations WHERE id = ?"#,
            Uuid::parse_str(&id).unwrap()
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        let jobs_before = jobs(&pool).await;
        sim.clear_requests();
        sim.faults([fault.clone(), fault.clone(), fault.clone()]).unwrap();
        let (answer, took) = checkout(id.clone()).await;
        assert!(answer.is_problem(502, "payment_provider_unavailable"), "{case}: {answer:?}");
        assert!(took < Duration::from_secs(6), "{case}: answered within the request's time, took {took:?}");
        let asked = sessions_asked(&sim);
        assert_eq!(asked.len(), 3, "{case}: three attempts, then 502: {asked:?}");
        assert!(asked.iter().all(|ask| ask.0.is_some() && *ask == asked[0]), "{case}: one request, under one idempotency key: {asked:?}");

        // Nothing half-written: no payment, no job; the reservation still pending payment, its
        // hold lengthened (first, by design) to the end of the session asked of Stripe, so that
        // the retry asks for exactly the same session.
        let reservation = Uuid::parse_str(&id).unwrap();
        let payments =
            sqlx::query_scalar!("SELECT COUNT(*) FROM payments WHERE reservation_id = ?", reservation).fetch_one(&pool).await.unwrap();
        assert_eq!(payments, 0, "{case}: no payment row");
        let after = sqlx::query!(
            r#"SELECT status, hold_expires_at AS "hold: chrono::DateTime<chrono::Utc>", version FROM reservations WHERE id = ?"#,
            reservation
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(after.status, "pending_payment", "{case}");
        let asked_end = chrono::DateTime::from_timestamp(asked[0].1, 0);
        assert!(before.hold < asked_end && after.hold.map(|h| h.timestamp()) == Some(asked[0].1), "{case}: {before:?} → {after:?}");
        assert_eq!(after.version, before.version + 1, "{case}: one change, the hold");
        assert_eq!(jobs(&pool).await, jobs_before, "{case}: nothing enqueued");

        // Stripe answers again: the client's retry opens the checkout, under the same key.
        let (answer, _) = checkout(id.clone()).await;
        assert_eq!(answer.status, 201, "{case}: {answer:?}");
        let asked = sessions_asked(&sim);
        assert_eq!(asked.len(), 4);
        assert_eq!(asked[3], asked[0], "{case}: the retry is the same Stripe request");
        let payments =
            sqlx::query_scalar!("SELECT COUNT(*) FROM payments WHERE reservation_id = ?", reservation).fetch_one(&pool).await.unwrap();
        assert_eq!(payments, 1, "{case}: one payment, for the one session");
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Worker SIGKILL in a loop

/// A `ycyw-worker run` whose JSON log is read, to see where it pauses.
struct WatchedWorker {
    child: tokio::process::Child,
    pauses: tokio::sync::mpsc::UnboundedReceiver<(String, String)>,
}

impl WatchedWorker {
    fn spawn(env: &[(&str, String)]) -> Self {
        let mut command = tokio::process::Command::new(common::worker_binary());
        command
            .arg("run")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("APP_ENV", "test")
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, pauses) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut lines = tokio::io::BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if let Ok(entry) = serde_json::from_str::<Value>(&line)
                    && entry["message"] == "JOB_TEST_PAUSE: pausing"
                {
                    let _ = tx.send((
                        entry["job_id"].as_str().unwrap_or_default().to_string(),
                        entry["kind"].as_str().unwrap_or_default().to_string(),
                    ));
                }
            }
        });
        Self { child, pauses }
    }

    /// The job it paused at, if it does within `within`.
    async fn paused(&mut self, within: Duration) -> Option<(String, String)> {
        tokio::time::timeout(within, self.pauses.recv()).await.ok().flatten()
    }

    async fn sigkill(mut self) {
        self.child.start_kill().unwrap();
        let status = tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await.unwrap().unwrap();
        assert!(!status.success());
    }

    async fn sigterm(mut self) {
        let pid = self.child.id().unwrap().to_string();
        tokio::process::Command::new("kill").args(["-s", "TERM", &pid]).status().await.unwrap();
        let _ = tokio::time::timeout(Duration::from_secs(15), self.child.wait()).await;
    }
}

const MIXED_KINDS: [&str; 3] = ["send_email", "process_stripe_event", "issue_refund"];

async fn pending(pool: &MySqlPool, kind: &str) -> i64 {
    sqlx::query_scalar!("SELECT COUNT(*) FROM jobs WHERE kind = ? AND status IN ('queued', 'running')", kind).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn worker_sigkill_loop_during_mixed_jobs_makes_every_effect_once(pool: MySqlPool) {
    let agency = common::agency(&pool, 1).await;
    let stack = common::Stack::start(&pool).await;
    let worker_env: Vec<(&str, String)> = vec![
        ("DATABASE_URL", database_url_of(&pool).await.unwrap()),
        ("JWT_SIGNING_KEY", TEST_JWT_KEY.to_string()),
        ("RATE_LIMIT_KEY", "e2e-rate-limit-key".to_string()),
        ("STRIPE_SECRET_KEY", "sk_test_e2e_0123456789".to_string()),
        ("STRIPE_WEBHOOK_SECRET", "whsec_e2e_0123456789".to_string()),
        ("STRIPE_API_BASE", stack.sim.base_url().to_string()),
        ("SMTP_URL", stack.sink.url.clone()),
        ("PUBLIC_URL", "http://localhost:4200".to_string()),
        ("JOB_POLL_MILLIS", "50".to_string()),
        ("JOB_LEASE_SECONDS", "1".to_string()),
        ("JOB_BACKOFF_SECONDS", "1".to_string()),
    ];

    // The load: six paid bookings (their Stripe events queued), ten mails; three of the
    // bookings are cancelled as soon as they are confirmed (refunds, their events, their mails).
    let mut clients = Vec::new();
    for n in 0..6 {
        let (_, token) = client_account(&pool, &format!("load{n}@example.com")).await;
        let c = Client { http: reqwest::Client::new(), base: stack.base.clone(), access: token };
        let id = c.book(agency, 10 + n, 1).await;
        c.pay(&id).await;
        clients.push((c, id));
    }
    let mut conn = pool.acquire().await.unwrap();
    for n in 0..10 {
        let mut params = BTreeMap::new();
        params.insert("first_name".to_string(), "Ana".to_string());
        params.insert("link".to_string(), format!("http://localhost:4200/reset-password?token=t{n}"));
        let email = EmailJob::new(format!("reset{n}@example.com"), Locale::En, Template::PasswordReset, params).unwrap();
        mail::enqueue(&mut conn, &email, chrono::Utc::now()).await.unwrap();
    }
    drop(conn);
    let delivered = wait_until(Duration::from_secs(15), || {
        let pool = pool.clone();
        async move { pending(&pool, "process_stripe_event").await >= 6 }
    })
    .await;
    assert!(delivered, "the six payments' events reached the api and wait for a worker");
    let cancelled: Vec<(Client, String)> = clients[..3].to_vec();
    let canceller = {
        let (pool, cancelled) = (pool.clone(), cancelled.clone());
        tokio::spawn(async move {
            for (c, id) in cancelled {
                let reservation = Uuid::parse_str(&id).unwrap();
                let confirmed = wait_until(Duration::from_secs(60), || {
                    let pool = pool.clone();
                    async move {
                        sqlx::query_scalar!("SELECT status FROM reservations WHERE id = ?", reservation).fetch_one(&pool).await.unwrap()
                            == "confirmed"
                    }
                })
                .await;
                assert!(confirmed, "{id} confirmed");
                let answer = c.post(&format!("/api/v1/reservations/{id}/cancellation"), None).await;
                assert_eq!(answer["refund"]["percent"], 100, "{answer}");
            }
        })
    };

    // The loop: a worker taking one job at a time, told to pause before or after the handler
    // of one kind, killed as soon as it says it pauses — so each kill lands exactly at a point
    // where a crash must cost a rerun and nothing else. (Kills at random instants would also
    // hit the one instant SendEmail documents as unguarded — between the SMTP server's answer
    // and the delivery's row — and make "exactly once" a matter of luck.)
    let plan = [
        ("after_handler", "process_stripe_event"),
        ("before_handler", "process_stripe_event"),
        ("after_handler", "send_email"),
        ("after_handler", "issue_refund"),
        ("before_handler", "send_email"),
        ("before_handler", "issue_refund"),
    ];
    let mut killed: Vec<(String, String, String)> = Vec::new();
    let started = Instant::now();
    for (point, kind) in plan.iter().cycle().take(3 * plan.len()) {
        if killed.len() >= 10 || started.elapsed() > Duration::from_secs(40) {
            break;
        }
        if pending(&pool, kind).await == 0 {
            continue;
        }
        let mut env = worker_env.clone();
        env.push(("HEALTH_PORT", free_port().to_string()));
        env.push(("WORKER_CONCURRENCY", "1".to_string()));
        env.push(("JOB_TEST_PAUSE", format!("{point}:{kind}:60000")));
        let mut worker = WatchedWorker::spawn(&env);
        match worker.paused(Duration::from_secs(8)).await {
            Some((job, paused_kind)) => {
                assert_eq!(&paused_kind, kind);
                worker.sigkill().await;
                killed.push((point.to_string(), kind.to_string(), job));
            }
            // Nothing of that kind came its way in time: stopped cleanly, the loop goes on.
            None => worker.sigterm().await,
        }
    }
    canceller.await.unwrap();
    println!("{} kills in {:?}: {killed:?}", killed.len(), started.elapsed());
    let kinds_killed_after: BTreeSet<&str> = killed.iter().filter(|k| k.0 == "after_handler").map(|k| k.1.as_str()).collect();
    assert_eq!(kinds_killed_after, MIXED_KINDS.into_iter().collect(), "killed after each kind's effect: {killed:?}");
    assert!(killed.len() >= 8, "{killed:?}");

    // A worker that is left alone finishes everything.
    let mut env = worker_env.clone();
    env.push(("HEALTH_PORT", free_port().to_string()));
    let _worker = Binary::spawn(&common::worker_binary(), &["run"], &env);
    let settled = wait_until(Duration::from_secs(40), || {
        let pool = pool.clone();
        let stack = &stack;
        async move {
            let left = sqlx::query_scalar!(
                "SELECT COUNT(*) FROM jobs WHERE kind IN ('send_email', 'process_stripe_event', 'issue_refund') AND status <> 'done'"
            )
            .fetch_one(&pool)
            .await
            .unwrap();
            let delivered = sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!: i64" FROM stripe_events"#).fetch_one(&pool).await.unwrap();
            left == 0 && delivered == i64::try_from(stack.sim.events().len()).unwrap()
        }
    })
    .await;
    assert!(settled, "every job done and every Stripe event delivered");

    // Each killed job ran again, to completion.
    for (point, kind, job) in &killed {
        let job_id = Uuid::parse_str(job).unwrap();
        let row = sqlx::query!("SELECT status, attempts FROM jobs WHERE id = ?", job_id).fetch_one(&pool).await.unwrap();
        assert!(row.status == "done" && row.attempts >= 2, "{point} {kind} {job}: {} after {} attempts", row.status, row.attempts);
    }
    assert_eq!(sqlx::query_scalar!("SELECT COUNT(*) FROM jobs WHERE status = 'dead'").fetch_one(&pool).await.unwrap(), 0);

    // Effects, each exactly once. Mails: one per send_email job, by Message-ID.
    let mail_jobs = mail_job_message_ids(&pool).await;
    assert!(wait_until(Duration::from_secs(10), || async { stack.sink.messages().len() >= mail_jobs.len() }).await);
    let received = message_ids(&stack.sink);
    let mut per_id: HashMap<&String, usize> = HashMap::new();
    for id in &received {
        *per_id.entry(id).or_default() += 1;
    }
    assert!(per_id.values().all(|n| *n == 1), "no mail twice: {per_id:?}");
    assert_eq!(received.iter().cloned().collect::<BTreeSet<_>>(), mail_jobs, "one mail per send_email job");
    assert_eq!(
        sqlx::query_scalar!("SELECT COUNT(*) FROM mail_deliveries").fetch_one(&pool).await.unwrap(),
        i64::try_from(mail_jobs.len()).unwrap()
    );
    let mut to_and_subject: Vec<(Vec<String>, String)> = stack.sink.messages().into_iter().map(|m| (m.to, m.subject)).collect();
    to_and_subject.sort();
    let distinct = to_and_subject.iter().collect::<BTreeSet<_>>().len();
    assert_eq!(distinct, to_and_subject.len(), "no one got the same mail twice: {to_and_subject:?}");
    for (n, (_, id)) in clients.iter().enumerate() {
        let to = format!("load{n}@example.com");
        let mails = to_and_subject.iter().filter(|(t, _)| t.contains(&to)).count();
        assert_eq!(mails, if n < 3 { 2 } else { 1 }, "{id}: its confirmation, and its cancellation when cancelled");
    }
    // Stripe: one refund per cancelled booking, asked under one key each.
    let refunds_made = stack.sim.events().iter().filter(|e| e.event_type == "charge.refunded").count();
    assert_eq!(refunds_made, 3, "Stripe made one refund per cancellation");
    let refund_keys: BTreeSet<Option<String>> = stack
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path == "/v1/refunds")
        .map(|r| r.headers.idempotency_key)
        .collect();
    assert_eq!(refund_keys.len(), 3, "{refund_keys:?}");
    // Our books: six charges, three refunds, all settled; three confirmed, three cancelled.
    let ledger = sqlx::query!("SELECT kind, status, COUNT(*) AS n FROM payments GROUP BY kind, status ORDER BY kind, status")
        .fetch_all(&pool)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.kind, r.status, r.n))
        .collect::<Vec<_>>();
    assert_eq!(ledger, [("charge".to_string(), "succeeded".to_string(), 6), ("refund".to_string(), "succeeded".to_string(), 3)]);
    let statuses = sqlx::query!("SELECT status, COUNT(*) AS n FROM reservations GROUP BY status ORDER BY status")
        .fetch_all(&pool)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.status, r.n))
        .collect::<Vec<_>>();
    assert_eq!(statuses, [("cancelled".to_string(), 3), ("confirmed".to_string(), 3)]);
}
