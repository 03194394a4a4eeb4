//! The command line: `run` (default) and the ops commands of DESIGN §7.

use std::fmt::Write as _;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_shared::AppState;
use ycyw_shared::auth::Role;
use ycyw_shared::config::{QueueBackend, Settings};
use ycyw_shared::health::ReadinessCheck;
use ycyw_shared::mail::Locale;
use ycyw_shared::module::{Deployable, Duty};
use ycyw_shared::queue::db::{self as job_store, DbQueue, JobSummary};
use ycyw_shared::queue::relay::Relay;
use ycyw_shared::queue::sqs::{self, DeadLetter, DeadLetters, SqsQueue, SqsSettings};
use ycyw_shared::queue::{self, Enqueued, NewJob, Queue};
use ycyw_shared::time::{Clock, SystemClock};
use ycyw_shared::{db, health, runtime, telemetry};

use crate::metrics::QueueMetrics;
use crate::schedules::Scheduler;
use crate::settings::WorkerSettings;
use crate::worker::Worker;

/// Your Car Your Way background worker and ops tool.
#[derive(Debug, Parser)]
#[command(name = "ycyw-worker", version, about)]
pub struct Cli {
    /// What to do (default: run).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Consume the queue until SIGTERM, with health on HEALTH_PORT.
    Run,
    /// Apply the database migrations, then exit (the one-off migration task).
    Migrate,
    /// Inspect and repair jobs.
    Jobs {
        /// The jobs command.
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// Delete, anonymise or erase the personal data past its retention period now
    /// (docs/retention.md); `--dry-run` only counts, `--housekeeping` also housekeeps.
    PurgeRetention(crate::retention::PurgeRetentionArgs),
    /// When each schedule last ticked: its period, the job it enqueued, the instance.
    Schedules,
    /// Create a support or agent account and email it a link to set its password.
    CreateStaff {
        /// support or agent.
        #[arg(long, value_parser = ["support", "agent"])]
        role: String,
        /// The staff member's email address.
        #[arg(long)]
        email: String,
        /// The agent's agency: its code (e.g. PAR-GDL) or id.
        #[arg(long)]
        agency: Option<String>,
        /// Language of the invitation: en or fr.
        #[arg(long, default_value = "en", value_parser = ["en", "fr"])]
        locale: String,
    },
    /// Create or restore the demo catalog (worker/data/demo-catalog.json): agencies in the seven
    /// markets, categories, fleet and rates. Idempotent.
    SeedDemo {
        /// Do nothing when the catalog already has an agency (what scripts/dev uses).
        #[arg(long)]
        if_empty: bool,
    },
    /// Create an agency from the JSON body of POST /api/v1/agencies (`@file` reads a file).
    CreateAgency {
        /// The agency, e.g. '{"code":"PAR-GDL","name":"Paris Gare de Lyon",…}' or @agency.json.
        #[arg(long)]
        json: String,
    },
    /// Queue a job by hand.
    Enqueue {
        /// Job kind, e.g. send_email.
        kind: String,
        /// The job's JSON payload.
        #[arg(long)]
        payload: String,
        /// At most one job per key.
        #[arg(long)]
        dedup_key: Option<String>,
        /// Attempts before the job is dead.
        #[arg(long, default_value_t = queue::DEFAULT_MAX_ATTEMPTS)]
        max_attempts: u32,
    },
}

/// `jobs …`: the same commands whatever the queue (`QUEUE=db` or `sqs`). Exit status 0 on
/// success, 1 on any failure (the message says why).
#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Jobs not done yet (queued, running, dead), newest first; payloads are never shown. With
    /// QUEUE=sqs, `--dead` also lists the messages of the dead-letter queue (job id, kind, reason,
    /// receive count), left in place.
    List {
        /// Only dead jobs (and, with SQS, the dead-letter queue).
        #[arg(long)]
        dead: bool,
        /// Only jobs of this kind, e.g. send_email.
        #[arg(long)]
        kind: Option<String>,
        /// How many jobs (and dead letters) at most.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Queue a dead job again with a fresh set of attempts (with SQS: its message is removed from
    /// the dead-letter queue and the job is published again; a job whose message SQS moved there
    /// after repeated crashes is requeued too).
    Retry {
        /// The job's id.
        #[arg(required_unless_present = "all_dead", conflicts_with = "all_dead")]
        id: Option<Uuid>,
        /// Every dead job (and, with SQS, every job of the dead-letter queue).
        #[arg(long)]
        all_dead: bool,
    },
}

/// Runs the parsed command.
pub async fn execute(cli: Cli) -> anyhow::Result<()> {
    runtime::install_crypto_provider();
    let command = cli.command.unwrap_or(Command::Run);
    let modules = Deployable::new("worker", ycyw_api::modules());
    // Running jobs needs what every module's handlers need; the ops commands only the database.
    let settings = match command {
        Command::Run => modules.settings(Duty::Work).await?,
        _ => Settings::load(&[]).await?,
    };
    telemetry::init(settings.log_format);
    match command {
        Command::Run => run(modules, settings).await,
        Command::Migrate => {
            let pool = db::connect(&settings).await?;
            db::migrate(&pool).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Jobs { command } => {
            let ops = JobsOps::connect(&settings).await?;
            jobs(&ops, command).await
        }
        Command::PurgeRetention(args) => crate::retention::purge_retention_command(args, settings).await,
        Command::Schedules => {
            let pool = db::connect(&settings).await?;
            println!("{:<28}  {:>9}  {:<25}  {:<36}  ticked by", "schedule", "every (s)", "last period", "job");
            for run in crate::schedules::runs(&pool).await? {
                let job = run.job_id.map(|id| id.to_string()).unwrap_or_else(|| "-".into());
                println!(
                    "{:<28}  {:>9}  {:<25}  {:<36}  {}",
                    run.name,
                    run.every_seconds,
                    run.period_start.to_rfc3339(),
                    job,
                    run.ticked_by
                );
            }
            Ok(())
        }
        Command::CreateStaff { role, email, agency, locale } => {
            let role: Role = role.parse().map_err(|e: String| anyhow::anyhow!(e))?;
            let locale = if locale == "fr" { Locale::Fr } else { Locale::En };
            let state = runtime::connect(settings).await?;
            let agency = match agency {
                Some(given) => {
                    let catalog = ycyw_catalog::Catalog::from_state(&state);
                    let found = match given.parse::<Uuid>() {
                        Ok(id) => catalog.agency(id).await?,
                        Err(_) => catalog.agency_by_code(&given).await?,
                    };
                    Some(found.ok_or_else(|| anyhow::anyhow!("no agency has the code or id {given:?}"))?.id)
                }
                None => None,
            };
            let id = ycyw_auth::Accounts::new(&state).create_staff(role, &email, agency, locale).await?;
            println!("{id}");
            println!("invitation queued: the worker sends it with a link to set the password (valid 7 days)");
            Ok(())
        }
        Command::SeedDemo { if_empty } => {
            let catalog = ycyw_catalog::Catalog::new(db::connect(&settings).await?);
            if if_empty && catalog.has_agencies().await? {
                println!("catalog not empty: demo data not seeded");
                return Ok(());
            }
            let report = crate::seed_demo::seed_demo(&catalog, SystemClock.now()).await?;
            println!("demo catalog seeded: {report}");
            Ok(())
        }
        Command::CreateAgency { json } => {
            let pool = db::connect(&settings).await?;
            let agency = create_agency(&pool, &json).await?;
            println!("{}", agency.id);
            Ok(())
        }
        Command::Enqueue { kind, payload, dedup_key, max_attempts } => {
            let pool = db::connect(&settings).await?;
            let payload: serde_json::Value = serde_json::from_str(&payload).context("--payload is not valid JSON")?;
            let mut job = NewJob::new(kind, payload).max_attempts(max_attempts);
            if let Some(key) = dedup_key {
                job = job.dedup_key(key);
            }
            let mut conn = pool.acquire().await?;
            match queue::enqueue(&mut conn, job, SystemClock.now()).await? {
                Enqueued::New(id) => println!("{id}"),
                Enqueued::Duplicate => println!("duplicate: a job with this dedup key exists"),
            }
            Ok(())
        }
    }
}

/// `create-agency --json`: the same validation as the HTTP API, errors listed field by field.
pub async fn create_agency(pool: &MySqlPool, json: &str) -> anyhow::Result<ycyw_catalog::Agency> {
    let text = match json.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?,
        None => json.to_string(),
    };
    let input: ycyw_catalog::NewAgency = serde_json::from_str(&text).context("--json is not a valid agency")?;
    match ycyw_catalog::Catalog::new(pool.clone()).create_agency(&input, SystemClock.now()).await {
        Ok(agency) => Ok(agency),
        Err(ycyw_catalog::CatalogError::Invalid(errors)) => {
            let lines: Vec<String> = errors.iter().map(|e| format!("  {}: {} ({})", e.field, e.message, e.code)).collect();
            anyhow::bail!("the agency is invalid:\n{}", lines.join("\n"))
        }
        Err(other) => Err(other.into()),
    }
}

/// What the `jobs` commands work on: the jobs table, and with SQS the dead-letter queue.
#[derive(Debug, Clone)]
pub struct JobsOps {
    /// The database of the jobs.
    pub pool: MySqlPool,
    /// Now, for requeued jobs.
    pub clock: Arc<dyn Clock>,
    /// The dead-letter queue (`QUEUE=sqs`).
    pub dead_letters: Option<DeadLetters>,
}

impl JobsOps {
    /// Connects what `settings` name.
    pub async fn connect(settings: &Settings) -> anyhow::Result<Self> {
        let pool = db::connect(settings).await?;
        let dead_letters = match (settings.queue, &settings.sqs_dlq_url) {
            (QueueBackend::Sqs, Some(url)) => Some(DeadLetters::new(sqs::client_from_env().await, url.clone())),
            (QueueBackend::Sqs, None) => anyhow::bail!("QUEUE=sqs needs SQS_DLQ_URL"),
            (QueueBackend::Db, _) => None,
        };
        Ok(Self { pool, clock: Arc::new(SystemClock), dead_letters })
    }
}

/// What `jobs list` shows.
#[derive(Debug, Clone)]
pub struct Listing {
    /// The jobs, newest first.
    pub jobs: Vec<JobSummary>,
    /// The dead-letter queue's messages (`--dead` with SQS).
    pub dead_letters: Option<Vec<DeadLetter>>,
}

/// `jobs list`: jobs not done (or dead only), of one kind when given; with `dead_only` on SQS,
/// the dead-letter queue's messages too (looked at, left in place).
pub async fn list_jobs(ops: &JobsOps, dead_only: bool, kind: Option<&str>, limit: u32) -> anyhow::Result<Listing> {
    let jobs = job_store::list_of_kind(&ops.pool, dead_only, kind, limit).await?;
    let dead_letters = match (&ops.dead_letters, dead_only) {
        (Some(dlq), true) => {
            let mut letters = dlq.peek(usize::try_from(limit).unwrap_or(usize::MAX)).await?;
            letters.retain(|letter| kind.is_none() || letter.kind.as_deref() == kind);
            Some(letters)
        }
        _ => None,
    };
    Ok(Listing { jobs, dead_letters })
}

/// The text of a listing: one line per job or dead letter, masked, never a payload.
pub fn render_listing(listing: &Listing) -> String {
    let mut out = String::new();
    let line = |text: &str| telemetry::mask(text).replace('\n', " ");
    let _ = writeln!(out, "{:<36}  {:<22}  {:<7}  {:>8}  {:<25}  last error", "id", "kind", "status", "attempts", "run at");
    for job in &listing.jobs {
        let _ = writeln!(
            out,
            "{:<36}  {:<22}  {:<7}  {:>4}/{:<3}  {:<25}  {}",
            job.id,
            job.kind,
            job.status,
            job.attempts,
            job.max_attempts,
            job.run_at.to_rfc3339(),
            line(job.last_error.as_deref().unwrap_or_default())
        );
    }
    if let Some(letters) = &listing.dead_letters {
        let _ = writeln!(out, "\ndead-letter queue: {} message(s)", letters.len());
        let _ = writeln!(out, "{:<36}  {:<22}  {:>8}  reason", "job id", "kind", "receives");
        for letter in letters {
            let job = letter.job_id.map_or_else(|| "(not a job reference)".to_string(), |id| id.to_string());
            let reason = letter.reason.as_deref().unwrap_or("moved by the redrive policy (its workers kept stopping)");
            let kind = line(letter.kind.as_deref().unwrap_or("-"));
            let _ = writeln!(out, "{job:<36}  {kind:<22}  {:>8}  {}", letter.receive_count, line(reason));
        }
    }
    out
}

/// Which jobs `jobs retry` puts back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryTarget {
    /// One job.
    Job(Uuid),
    /// Every dead job, and with SQS every job of the dead-letter queue.
    AllDead,
}

/// What `jobs retry` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Retried {
    /// Jobs queued again with fresh attempts (published again with SQS).
    pub requeued: Vec<Uuid>,
    /// Messages removed from the dead-letter queue.
    pub dead_letters_removed: usize,
}

/// The most dead letters one `jobs retry` looks through.
const MAX_DEAD_LETTERS: usize = 1000;

/// `jobs retry`: puts dead jobs back with fresh attempts, unrelayed. With SQS, also requeues the
/// jobs whose message the redrive policy moved to the dead-letter queue (their row is still
/// queued or running under an expired lease), and removes those jobs' dead letters. Poison
/// letters (no job reference) stay for ops to read and delete. An error when `target` is one job
/// that is neither dead nor in the dead-letter queue.
pub async fn retry_jobs(ops: &JobsOps, target: RetryTarget) -> anyhow::Result<Retried> {
    let now = ops.clock.now();
    let mut requeued = match target {
        RetryTarget::Job(id) => {
            if job_store::retry(&ops.pool, id, now).await? {
                vec![id]
            } else {
                Vec::new()
            }
        }
        RetryTarget::AllDead => job_store::retry_all_dead(&ops.pool, now).await?,
    };
    let Some(dlq) = &ops.dead_letters else {
        return match target {
            RetryTarget::Job(id) if requeued.is_empty() => anyhow::bail!("no dead job has id {id}"),
            _ => Ok(Retried { requeued, dead_letters_removed: 0 }),
        };
    };
    let held = dlq.hold(MAX_DEAD_LETTERS).await?;
    let wanted = |letter: &DeadLetter| match target {
        RetryTarget::Job(id) => letter.job_id == Some(id),
        RetryTarget::AllDead => letter.job_id.is_some(),
    };
    let mut lettered: Vec<Uuid> = held.letters().filter(|letter| wanted(letter)).filter_map(|letter| letter.job_id).collect();
    lettered.sort_unstable();
    lettered.dedup();
    if let RetryTarget::Job(id) = target
        && requeued.is_empty()
        && lettered.is_empty()
    {
        held.settle(|_| false).await?;
        anyhow::bail!("no dead job has id {id}");
    }
    for id in lettered {
        if !requeued.contains(&id) && job_store::requeue_stranded(&ops.pool, id, now).await? {
            requeued.push(id);
        }
    }
    let removed = held.settle(wanted).await.context("the jobs are queued again, but removing their dead letters failed")?;
    Ok(Retried { requeued, dead_letters_removed: removed.len() })
}

async fn jobs(ops: &JobsOps, command: JobsCommand) -> anyhow::Result<()> {
    match command {
        JobsCommand::List { dead, kind, limit } => {
            let listing = list_jobs(ops, dead, kind.as_deref(), limit).await?;
            print!("{}", render_listing(&listing));
            Ok(())
        }
        JobsCommand::Retry { id, all_dead } => {
            let target = match (id, all_dead) {
                (Some(id), false) => RetryTarget::Job(id),
                (None, true) => RetryTarget::AllDead,
                _ => anyhow::bail!("give a job id or --all-dead"),
            };
            let retried = retry_jobs(ops, target).await?;
            match target {
                RetryTarget::Job(id) if retried.requeued.contains(&id) => println!("job {id} queued again"),
                RetryTarget::Job(id) => {
                    println!(
                        "job {id} is not dead (done, or running under a live lease): its dead letter was removed, the job left as it is"
                    )
                }
                RetryTarget::AllDead => {
                    for id in &retried.requeued {
                        println!("job {id} queued again");
                    }
                    println!("{} job(s) queued again", retried.requeued.len());
                }
            }
            if ops.dead_letters.is_some() {
                println!("{} message(s) removed from the dead-letter queue", retried.dead_letters_removed);
            }
            Ok(())
        }
    }
}

/// The worker's readiness check of its SQS jobs queue (`GetQueueAttributes`).
#[derive(Debug, Clone)]
pub struct SqsReady(pub SqsQueue);

#[async_trait::async_trait]
impl ReadinessCheck for SqsReady {
    fn name(&self) -> &'static str {
        "sqs"
    }

    async fn check(&self) -> Result<(), String> {
        self.0.reachable().await.map_err(|e| e.to_string())
    }
}

async fn run(modules: Deployable, settings: Settings) -> anyhow::Result<()> {
    let worker_settings = WorkerSettings::from_env()?;
    let grace = settings.shutdown_grace;
    let health_port = settings.health_port;
    let backend = settings.queue;
    let (queue_url, dlq_url) = (settings.sqs_queue_url.clone(), settings.sqs_dlq_url.clone());
    let state = modules.wire(runtime::connect(settings).await?);
    let mut work = modules.work(&state).await?;
    let retention = crate::retention::work(&state, modules.retention_parts())?;
    work.jobs.merge(retention.jobs)?;
    work.jobs.merge(crate::noop::handlers())?;
    work.schedules.extend(retention.schedules);
    tracing::info!(kinds = ?work.jobs.kinds(), schedules = work.schedules.len(), queue = ?backend, "modules set up");
    let worker_id = format!("{}-{}", hostname(), std::process::id());
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);

    let mut checks: Vec<Arc<dyn ReadinessCheck>> = Vec::new();
    let mut relaying = None;
    let (queue, consumer): (Arc<dyn Queue>, Option<SqsQueue>) = match backend {
        QueueBackend::Db => {
            let queue =
                DbQueue::new(state.db.clone(), state.clock.clone(), worker_id.clone(), worker_settings.lease, worker_settings.backoff);
            (Arc::new(queue.with_jitter()), None)
        }
        QueueBackend::Sqs => {
            let queue_url = queue_url.context("QUEUE=sqs needs SQS_QUEUE_URL")?;
            let dlq_url = dlq_url.context("QUEUE=sqs needs SQS_DLQ_URL")?;
            let client = sqs::client_from_env().await;
            let sqs_settings = SqsSettings {
                queue_url: queue_url.clone(),
                dlq_url,
                worker_id: worker_id.clone(),
                lease: worker_settings.lease,
                backoff: worker_settings.backoff,
                jitter: true,
                receive_wait: worker_settings.receive_wait,
                receive_batch: worker_settings.receive_batch,
            };
            let consumer = SqsQueue::new(state.db.clone(), state.clock.clone(), client.clone(), sqs_settings).stop_on(stop_rx.clone());
            let relay = Relay::new(state.db.clone(), state.clock.clone(), client, queue_url);
            let (every, stop) = (worker_settings.relay_interval, stop_rx.clone());
            relaying = Some(tokio::spawn(async move { relay.run(every, stop).await }));
            checks.push(Arc::new(SqsReady(consumer.clone())));
            (Arc::new(consumer.clone()), Some(consumer))
        }
    };
    let worker = Worker::new(queue, work.jobs);
    let schedules = crate::schedules::with_configured_periods(work.schedules, ycyw_shared::config::env_lookup)?;
    let scheduler = Scheduler::new(state.db.clone(), state.clock.clone(), schedules).instance(worker_id);
    let metrics = QueueMetrics::new(state.db.clone(), state.clock.clone(), worker.counters(), consumer.clone());

    let health = tokio::spawn(serve_health(state, health_port, checks, stop_rx.clone()));
    let scheduling = tokio::spawn({
        let stop = stop_rx.clone();
        async move { scheduler.run(worker_settings.schedule_tick, stop).await }
    });
    let reporting = tokio::spawn({
        let stop = stop_rx.clone();
        async move { metrics.run(worker_settings.metrics_interval, stop).await }
    });
    let consuming = worker.run(worker_settings.concurrency, worker_settings.poll_interval, grace, stop_rx);
    tokio::pin!(consuming);
    tokio::select! {
        () = &mut consuming => {},
        () = runtime::shutdown_signal() => {
            tracing::info!("shutdown signal received");
            let _ = stop_tx.send(true);
            consuming.await;
        }
    }
    let _ = stop_tx.send(true);
    if let Some(consumer) = &consumer {
        consumer.return_buffered().await;
    }
    if let Some(relaying) = relaying {
        relaying.await?;
    }
    scheduling.await?;
    reporting.await?;
    health.await??;
    Ok(())
}

async fn serve_health(
    state: AppState,
    port: u16,
    checks: Vec<Arc<dyn ReadinessCheck>>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(("0.0.0.0", port)).await.with_context(|| format!("HEALTH_PORT {port}"))?;
    tracing::info!(bind = %listener.local_addr()?, "health server listening");
    let app = health::routes_with(checks).fallback(ycyw_shared::error::not_found).with_state(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            let _ = stop.wait_for(|s| *s).await;
        })
        .await?;
    Ok(())
}

fn hostname() -> String {
    std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty()).unwrap_or_else(|| "worker".into())
}
