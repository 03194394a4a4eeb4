//! The command line: `run` (default) and the ops commands of DESIGN §7.

use std::sync::Arc;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_shared::AppState;
use ycyw_shared::auth::Role;
use ycyw_shared::config::{QueueBackend, Settings};
use ycyw_shared::mail::Locale;
use ycyw_shared::module::{Deployable, Duty};
use ycyw_shared::queue::db::{self as job_store, DbQueue};
use ycyw_shared::queue::{self, Enqueued, NewJob, Queue};
use ycyw_shared::time::{Clock, SystemClock};
use ycyw_shared::{db, health, runtime, telemetry};

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

/// `jobs …`.
#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Jobs not done yet (queued, running, dead), newest first; payloads are not shown.
    List {
        /// Only dead jobs.
        #[arg(long)]
        dead: bool,
        /// How many.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Queue a dead job again with a fresh set of attempts.
    Retry {
        /// The job's id.
        id: Uuid,
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
            let pool = db::connect(&settings).await?;
            jobs(&pool, command).await
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

async fn jobs(pool: &MySqlPool, command: JobsCommand) -> anyhow::Result<()> {
    match command {
        JobsCommand::List { dead, limit } => {
            let rows = job_store::list(pool, dead, limit).await?;
            println!("{:<36}  {:<22}  {:<7}  {:>8}  {:<25}  last error", "id", "kind", "status", "attempts", "run at");
            for job in rows {
                println!(
                    "{:<36}  {:<22}  {:<7}  {:>4}/{:<3}  {:<25}  {}",
                    job.id,
                    job.kind,
                    job.status,
                    job.attempts,
                    job.max_attempts,
                    job.run_at.to_rfc3339(),
                    telemetry::mask(&job.last_error.unwrap_or_default()).replace('\n', " ")
                );
            }
            Ok(())
        }
        JobsCommand::Retry { id } => {
            if job_store::retry(pool, id, SystemClock.now()).await? {
                println!("job {id} queued again");
                Ok(())
            } else {
                anyhow::bail!("no dead job has id {id}")
            }
        }
    }
}

async fn run(modules: Deployable, settings: Settings) -> anyhow::Result<()> {
    let worker_settings = WorkerSettings::from_env()?;
    if settings.queue == QueueBackend::Sqs {
        anyhow::bail!("QUEUE=sqs: the SQS consumer is not part of this build yet; use QUEUE=db");
    }
    let grace = settings.shutdown_grace;
    let health_port = settings.health_port;
    let state = modules.wire(runtime::connect(settings).await?);
    let work = modules.work(&state).await?;
    tracing::info!(kinds = ?work.jobs.kinds(), schedules = work.schedules.len(), "modules set up");
    let worker_id = format!("{}-{}", hostname(), std::process::id());
    let queue: Arc<dyn Queue> =
        Arc::new(DbQueue::new(state.db.clone(), state.clock.clone(), worker_id, worker_settings.lease, worker_settings.backoff));
    let worker = Worker::new(queue, work.jobs);
    let scheduler = Scheduler::new(state.db.clone(), state.clock.clone(), work.schedules);

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let health = tokio::spawn(serve_health(state, health_port, stop_rx.clone()));
    let scheduling = tokio::spawn({
        let stop = stop_rx.clone();
        async move { scheduler.run(worker_settings.schedule_tick, stop).await }
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
    scheduling.await?;
    health.await??;
    Ok(())
}

async fn serve_health(state: AppState, port: u16, mut stop: tokio::sync::watch::Receiver<bool>) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(("0.0.0.0", port)).await.with_context(|| format!("HEALTH_PORT {port}"))?;
    tracing::info!(bind = %listener.local_addr()?, "health server listening");
    let app = health::routes().fallback(ycyw_shared::error::not_found).with_state(state);
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
