//! `bench-worker`: jobs per second of the release `ycyw-worker`, the yardstick of
//! `scripts/bench worker` (docs/benchmarks.md, "Worker").
//!
//! For each backend (`db`, `sqs` against moto), each kind (`noop`, `email` to a real SMTP server)
//! each concurrency per process (`WORKER_CONCURRENCY`: 4, 16) and each number of worker processes
//! (1, 4): starts the workers on an empty `jobs` table (and,
//! with SQS, a fresh queue and DLQ), waits until they are ready, commits JOBS jobs in one
//! transaction, and times from that commit until the last job is done (relay, receive, claim,
//! handler, completion included). Prints one Markdown row per run.

use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use clap::Parser;
use sqlx::MySqlPool;
use sqlx::mysql::MySqlPoolOptions;
use ycyw_shared::mail::{self, EmailJob, Locale, Template};
use ycyw_shared::queue::{self, NewJob};
use ycyw_testkit::{Binary, SmtpSink, TestQueues, free_port};

/// Times the worker on each backend, job kind and worker count (see the module's doc).
#[derive(Debug, Parser)]
#[command(name = "bench-worker", version, about, long_about)]
struct Args {
    /// A migrated database of its own (`jobs` is emptied before each run).
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: String,
    /// The release worker binary.
    #[arg(long)]
    worker: String,
    /// Jobs per run on the DB queue.
    #[arg(long, default_value_t = 5000)]
    jobs: usize,
    /// Jobs per run on SQS. moto (the stand-in of SQS here) scans its whole queue on every
    /// receive and send, so its cost per message grows with the queue: a run of 5 000 measures
    /// moto, not the worker (docs/benchmarks.md).
    #[arg(long, default_value_t = 500)]
    sqs_jobs: usize,
    /// Backends, comma-separated (`db`, `sqs`; `sqs` needs MOTO_URL).
    #[arg(long, default_value = "db,sqs", value_delimiter = ',')]
    backends: Vec<String>,
    /// Kinds, comma-separated (`noop`, `email`).
    #[arg(long, default_value = "noop,email", value_delimiter = ',')]
    kinds: Vec<String>,
    /// Worker processes per run, comma-separated.
    #[arg(long, default_value = "1,4", value_delimiter = ',')]
    workers: Vec<usize>,
    /// Jobs each worker process runs at once (`WORKER_CONCURRENCY`), comma-separated.
    #[arg(long, default_value = "4,16", value_delimiter = ',')]
    concurrency: Vec<usize>,
    /// Longest a run may take.
    #[arg(long, default_value_t = 600)]
    timeout: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let pool = MySqlPoolOptions::new().max_connections(4).connect(&args.database_url).await.context("connecting")?;
    println!("| backend | kind | workers | concurrency each | jobs | seconds | jobs/s | dead |");
    println!("|---|---|---|---|---|---|---|---|");
    for backend in &args.backends {
        for kind in &args.kinds {
            for &concurrency in &args.concurrency {
                for &workers in &args.workers {
                    let run = run(&args, &pool, backend, kind, workers, concurrency)
                        .await
                        .with_context(|| format!("{backend} {kind} ×{workers}, concurrency {concurrency}"))?;
                    println!(
                        "| {backend} | {kind} | {workers} | {concurrency} | {} | {:.2} | **{:.0}** | {} |",
                        run.jobs,
                        run.elapsed.as_secs_f64(),
                        run.jobs as f64 / run.elapsed.as_secs_f64(),
                        run.dead
                    );
                }
            }
        }
    }
    Ok(())
}

struct Run {
    jobs: usize,
    elapsed: Duration,
    dead: i64,
}

async fn run(args: &Args, pool: &MySqlPool, backend: &str, kind: &str, workers: usize, concurrency: usize) -> anyhow::Result<Run> {
    sqlx::query!("DELETE FROM jobs").execute(pool).await?;
    sqlx::query!("DELETE FROM mail_deliveries").execute(pool).await?;
    let sink = SmtpSink::start().await;
    let mut env: Vec<(&str, String)> = vec![
        ("DATABASE_URL", args.database_url.clone()),
        ("APP_ENV", "dev".into()),
        ("RUN_MIGRATIONS", "0".into()),
        ("RUST_LOG", "warn".into()),
        ("SMTP_URL", sink.url.clone()),
        ("WORKER_CONCURRENCY", concurrency.to_string()),
        ("SQS_RECEIVE_WAIT_SECONDS", "1".into()),
        ("RELAY_INTERVAL_MILLIS", "100".into()),
        ("JOB_POLL_MILLIS", "100".into()),
        // The bench's own load is the only thing to schedule around.
        ("SCHEDULE_TICK_SECONDS", "3600".into()),
    ];
    match backend {
        "db" => {}
        "sqs" => env.extend(TestQueues::create(5).await.env()),
        other => bail!("unknown backend {other:?}"),
    }
    let processes: Vec<Binary> = (0..workers)
        .map(|_| {
            let mut env = env.clone();
            // Binary::wait_ready asks PORT: the worker's health server listens on HEALTH_PORT.
            let port = free_port().to_string();
            env.extend([("HEALTH_PORT", port.clone()), ("PORT", port)]);
            Binary::spawn(&args.worker, &["run"], &env)
        })
        .collect();
    for process in &processes {
        anyhow::ensure!(process.wait_ready("/health/ready").await, "a worker did not become ready");
    }

    let now = chrono::Utc::now();
    let mut tx = pool.begin().await?;
    let jobs = if backend == "sqs" { args.sqs_jobs } else { args.jobs };
    for n in 0..jobs {
        match kind {
            "noop" => {
                queue::enqueue(&mut tx, NewJob::new("noop", serde_json::json!({})), now).await?;
            }
            "email" => {
                let params = [("first_name", "Ana".to_string()), ("link", format!("https://example.com/verify?token=bench-{n}"))]
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect();
                let email = EmailJob::new(format!("bench{n}@example.com"), Locale::En, Template::VerifyEmail, params)?;
                mail::enqueue(&mut tx, &email, now).await?;
            }
            other => bail!("unknown kind {other:?}"),
        }
    }
    tx.commit().await?;
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.timeout);
    let total = i64::try_from(jobs)?;
    loop {
        let row = sqlx::query!(
            r#"SELECT COUNT(*) AS "finished!: i64", CAST(COALESCE(SUM(status = 'dead'), 0) AS SIGNED) AS "dead!: i64"
               FROM jobs WHERE status IN ('done', 'dead')"#
        )
        .fetch_one(pool)
        .await?;
        let (finished, dead) = (row.finished, row.dead);
        if finished >= total {
            let elapsed = started.elapsed();
            if kind == "email" {
                let expected = jobs - dead as usize;
                // The sink files a message as it accepts it; give the last ones a moment all the same.
                let settle = Instant::now() + Duration::from_secs(5);
                while sink.messages().len() != expected && Instant::now() < settle {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                let received = sink.messages();
                let ids: std::collections::BTreeSet<&str> =
                    received.iter().filter_map(|m| m.raw.lines().find_map(|l| l.strip_prefix("Message-ID: "))).collect();
                anyhow::ensure!(
                    received.len() == expected,
                    "mails received ({}, {} distinct Message-IDs) ≠ jobs done ({expected})",
                    received.len(),
                    ids.len()
                );
            }
            for process in &processes {
                process.signal("TERM").await;
            }
            return Ok(Run { jobs, elapsed, dead });
        }
        anyhow::ensure!(Instant::now() < deadline, "{finished} of {total} jobs finished after {}s", args.timeout);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
