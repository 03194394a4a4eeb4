//! `bench-chat`: fan-out latency and memory per connection of the support WebSocket, the
//! yardstick of `scripts/bench chat` (docs/benchmarks.md, "Chat").
//!
//! Each run starts the release `ycyw-api` (one instance, or two sharing a private
//! `redis-server`), makes CONVERSATIONS conversations each between a client and a support user
//! (rows written directly: the bench measures the socket, not sign-up), opens two sockets per
//! conversation (ticket, upgrade, `subscribe`) — the clients' on the first instance, support's
//! on the last — and measures the API's RSS before and after. Then every client socket sends
//! messages for DURATION seconds, RATE per second in all, each carrying its send time in its
//! `clientMsgId`; the latency is from that send until the support socket receives the
//! `message.new` (stored, published, fanned out — through Redis with two instances). Prints one
//! Markdown row per run.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use sqlx::MySqlPool;
use sqlx::mysql::MySqlPoolOptions;
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;
use ycyw_shared::auth::{JwtKeys, Role};
use ycyw_testkit::{Binary, TEST_JWT_KEY, free_port, wait_until};

const ORIGIN: &str = "http://localhost:8080";

/// Measures the chat's fan-out (see the module's doc).
#[derive(Debug, Parser)]
#[command(name = "bench-chat", version, about, long_about)]
struct Args {
    /// A database of its own, migrated by the API at its start.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: String,
    /// The release API binary.
    #[arg(long)]
    api: String,
    /// Conversations per run: two sockets each.
    #[arg(long, default_value_t = 500)]
    conversations: usize,
    /// Instances per run, comma-separated (2 = through Redis).
    #[arg(long, default_value = "1,2", value_delimiter = ',')]
    instances: Vec<usize>,
    /// Messages per second, all conversations together.
    #[arg(long, default_value_t = 200)]
    rate: u64,
    /// Measured seconds of each run.
    #[arg(long, default_value_t = 20)]
    duration: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let pool = MySqlPoolOptions::new().max_connections(8).connect(&args.database_url).await.context("connecting")?;
    println!(
        "| instances | sockets | messages | sent/s | fan-out p50 ms | p99 ms | max ms | lost | RSS before → after (MB) | per socket (KiB) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for &instances in &args.instances {
        let run = run(&args, &pool, instances).await.with_context(|| format!("{instances} instance(s)"))?;
        println!(
            "| {instances} | {} | {} | {:.0} | {:.1} | **{:.1}** | {:.1} | {} | {:.1} → {:.1} | {:.1} |",
            args.conversations * 2,
            run.latencies.len(),
            run.latencies.len() as f64 / args.duration as f64,
            percentile(&run.latencies, 0.50),
            percentile(&run.latencies, 0.99),
            percentile(&run.latencies, 1.0),
            run.sent - run.latencies.len(),
            run.rss_before as f64 / 1024.0,
            run.rss_after as f64 / 1024.0,
            (run.rss_after.saturating_sub(run.rss_before)) as f64 / (args.conversations * 2) as f64,
        );
    }
    Ok(())
}

struct Run {
    latencies: Vec<f64>,
    sent: usize,
    rss_before: u64,
    rss_after: u64,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// The resident memory of `pid`, in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

async fn reset(pool: &MySqlPool) -> anyhow::Result<()> {
    sqlx::query!("DELETE FROM messages").execute(pool).await?;
    sqlx::query!("DELETE FROM calls").execute(pool).await?;
    sqlx::query!("DELETE FROM conversations").execute(pool).await?;
    sqlx::query!("DELETE FROM ws_tickets").execute(pool).await?;
    sqlx::query!("DELETE FROM jobs").execute(pool).await?;
    sqlx::query!("DELETE FROM users WHERE email LIKE 'bench-chat-%'").execute(pool).await?;
    Ok(())
}

/// Writes `count` assigned conversations with their two users; returns (conversation, client
/// token, support token) each.
async fn conversations(pool: &MySqlPool, count: usize) -> anyhow::Result<Vec<(Uuid, String, String)>> {
    let keys = JwtKeys::new(TEST_JWT_KEY.as_bytes(), "ycyw", "ycyw-api");
    let now = chrono::Utc::now();
    let mut out = Vec::with_capacity(count);
    let mut tx = pool.begin().await?;
    for _ in 0..count {
        let (client, support, conversation) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        for (id, role) in [(client, "client"), (support, "support")] {
            sqlx::query!(
                "INSERT INTO users (id, email, password_hash, role, locale, email_verified_at, terms_accepted_at, created_at, updated_at)
                 VALUES (?, ?, '$argon2id$not-checked', ?, 'en', ?, ?, ?, ?)",
                id,
                format!("bench-chat-{id}@example.com"),
                role,
                now,
                now,
                now,
                now
            )
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query!(
            "INSERT INTO conversations (id, client_id, assignee_id, status, subject, last_seq, created_at, updated_at)
             VALUES (?, ?, ?, 'assigned', 'Bench', 0, ?, ?)",
            conversation,
            client,
            support,
            now,
            now
        )
        .execute(&mut *tx)
        .await?;
        let token = |id, role| keys.issue(id, role, None, None, now).map_err(|e| anyhow::anyhow!("{e}"));
        out.push((conversation, token(client, Role::Client)?, token(support, Role::Support)?));
    }
    tx.commit().await?;
    Ok(out)
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A subscribed socket of `token` on `base`.
async fn open(http: &reqwest::Client, base: &str, token: &str, conversation: Uuid) -> anyhow::Result<Socket> {
    let ticket: Value =
        http.post(format!("{base}/api/v1/support/ws-tickets")).bearer_auth(token).send().await?.error_for_status()?.json().await?;
    let ticket = ticket["ticket"].as_str().context("no ticket")?;
    let address = base.trim_start_matches("http://");
    let mut ws = match ycyw_testkit::ws::connect(address, ticket, Some(ORIGIN)).await {
        Ok(ws) => ws,
        Err(status) => bail!("upgrade refused: {status}"),
    };
    ws.send(json!({ "type": "subscribe", "conversationId": conversation })).await;
    ws.next_of("subscribed").await;
    Ok(ws.0)
}

async fn run(args: &Args, pool: &MySqlPool, instances: usize) -> anyhow::Result<Run> {
    let redis_port = free_port();
    let _redis = (instances > 1).then(|| {
        Binary::spawn(
            "redis-server",
            &["--port", &redis_port.to_string(), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1", "--logfile", "/dev/null"],
            &[],
        )
    });
    if instances > 1 {
        let up =
            wait_until(Duration::from_secs(10), || async move { tokio::net::TcpStream::connect(("127.0.0.1", redis_port)).await.is_ok() })
                .await;
        if !up {
            bail!("redis-server did not start");
        }
    }
    let mut env = vec![
        ("DATABASE_URL", args.database_url.clone()),
        ("RUN_MIGRATIONS", "1".to_string()),
        ("JWT_SIGNING_KEY", TEST_JWT_KEY.to_string()),
        ("ALLOWED_ORIGINS", ORIGIN.to_string()),
        ("RATE_LIMIT_PER_MINUTE", "1000000".to_string()),
        ("RUST_LOG", "warn".to_string()),
    ];
    if instances > 1 {
        env.push(("REDIS_URL", format!("redis://127.0.0.1:{redis_port}")));
    }
    let apis: Vec<Binary> = (0..instances).map(|_| Binary::spawn(&args.api, &[], &env)).collect();
    for api in &apis {
        if !api.wait_ready("/health/ready").await {
            bail!("ycyw-api did not become ready");
        }
    }
    reset(pool).await?;
    let pids: Vec<u32> = apis.iter().filter_map(|a| a.child.id()).collect();
    let rss = || pids.iter().map(|&pid| rss_kib(pid)).sum::<u64>();
    let threads = conversations(pool, args.conversations).await?;
    let http = reqwest::Client::new();
    let (client_base, support_base) = (apis[0].base_url(), apis[apis.len() - 1].base_url());
    // Warm the API's pools and allocator before the baseline.
    for (conversation, client, _) in threads.iter().take(4) {
        drop(open(&http, &client_base, client, *conversation).await?);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_before = rss();
    let mut pairs = Vec::with_capacity(threads.len());
    for (conversation, client, support) in &threads {
        let client = open(&http, &client_base, client, *conversation).await?;
        let support = open(&http, &support_base, support, *conversation).await?;
        pairs.push((*conversation, client, support));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_after = rss();

    let epoch = Instant::now();
    let deadline = Duration::from_secs(args.duration);
    let period = Duration::from_secs_f64(threads.len() as f64 / args.rate as f64);
    let count = threads.len();
    let sent = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut receivers = Vec::new();
    let mut senders = Vec::new();
    for (n, (conversation, client, support)) in pairs.into_iter().enumerate() {
        let (mut client_tx, mut client_rx) = client.split();
        let (_support_tx, mut support_rx) = support.split();
        // The client's own frames (acks, receipts) are read and dropped, so its queue never fills.
        tokio::spawn(async move { while let Some(Ok(_)) = client_rx.next().await {} });
        receivers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let end = deadline + Duration::from_secs(5);
            while let Ok(Some(Ok(message))) = tokio::time::timeout(end.saturating_sub(epoch.elapsed()), support_rx.next()).await {
                let Message::Text(text) = message else { continue };
                let Ok(frame) = serde_json::from_str::<Value>(text.as_str()) else { continue };
                if frame["type"] != "message.new" {
                    continue;
                }
                let sent_at = frame["message"]["clientMsgId"].as_str().and_then(|id| id.split('-').nth(1)?.parse::<u64>().ok());
                if let Some(sent_at) = sent_at {
                    latencies.push((epoch.elapsed().as_micros() as u64).saturating_sub(sent_at) as f64 / 1000.0);
                }
            }
            latencies
        }));
        let sent = sent.clone();
        senders.push(tokio::spawn(async move {
            // Spread the conversations' first messages over one period.
            tokio::time::sleep(period.mul_f64(n as f64 / count as f64)).await;
            let mut ticker = tokio::time::interval(period);
            while epoch.elapsed() < deadline {
                ticker.tick().await;
                let at = epoch.elapsed().as_micros();
                let frame = json!({ "type": "message.send", "conversationId": conversation, "clientMsgId": format!("{n}-{at}"), "body": "Is my car ready?" });
                if client_tx.send(Message::Text(frame.to_string().into())).await.is_err() {
                    break;
                }
                sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            // Keep the socket open until the receivers are done.
            tokio::time::sleep(Duration::from_secs(6)).await;
            drop(client_tx);
        }));
    }
    let mut latencies = Vec::new();
    for receiver in receivers {
        latencies.extend(receiver.await?);
    }
    for sender in senders {
        sender.abort();
    }
    latencies.sort_by(f64::total_cmp);
    for api in &apis {
        api.signal("SIGTERM").await;
    }
    Ok(Run { latencies, sent: sent.load(std::sync::atomic::Ordering::Relaxed), rss_before, rss_after })
}
