//! The retention purge and the housekeeping (DESIGN §7, §8; docs/retention.md), in the worker.
//!
//! [`purge_retention`] runs every linked module's
//! [`RetentionPart`](ycyw_shared::retention::RetentionPart) (unverified accounts deleted, inactive
//! ones noticed then anonymised, processed Stripe payloads erased, …); [`housekeep`] runs shared's
//! housekeeping (rate-limit windows, done jobs, idempotency keys) and every part's (expired
//! tokens, old sign-in counters). Both return a [`Report`] of counts by category and
//! action; with `dry_run` they count what they would change and change nothing.
//!
//! They run daily as the jobs `purge_retention` and `housekeeping` ([`work`] gives their
//! handlers and schedules), and on demand with `ycyw-worker purge-retention [--dry-run]`
//! ([`purge_retention_command`]).

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ycyw_shared::AppState;
use ycyw_shared::config::{ConfigError, Settings};
use ycyw_shared::jobs::{Handle, JobError, JobHandlers, JobSpec, Schedule};
use ycyw_shared::module::{Deployable, Work};
use ycyw_shared::queue::{Job, NewJob};
use ycyw_shared::retention::{self, Purged, RetentionParts, RetentionPolicy};
use ycyw_shared::runtime;
use ycyw_shared::time::to_db_precision;

/// What one purge or housekeeping run did (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Whether nothing was changed.
    pub dry_run: bool,
    /// One line per category and action, in the order the parts ran.
    pub purged: Vec<Purged>,
}

impl Report {
    /// The rows changed (or that would be), all categories together.
    pub fn total(&self) -> u64 {
        self.purged.iter().map(|p| p.count).sum()
    }

    /// The count of `category` with `action` (0 when no part reported it).
    pub fn count(&self, category: &str, action: retention::Action) -> u64 {
        self.purged.iter().filter(|p| p.category == category && p.action == action).map(|p| p.count).sum()
    }
}

impl fmt::Display for Report {
    /// `deleted          unverified_accounts        3` per line, then the total; a dry run says
    /// `would delete …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.purged {
            let action = if self.dry_run { line.action.would() } else { line.action.done() };
            writeln!(f, "{action:<16} {:<26} {:>8}", line.category, line.count)?;
        }
        let total = if self.dry_run { "would change" } else { "total" };
        writeln!(f, "{total:<16} {:<26} {:>8}", "", self.total())?;
        if self.dry_run {
            writeln!(f, "dry run: nothing was changed")?;
        }
        Ok(())
    }
}

/// Which of the two runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    Purge,
    Housekeeping,
}

/// Runs every part's purge at `now` (the database's precision is applied). A part that fails
/// does not stop the others; the first failure is returned once all have run (every step is
/// idempotent: a retry redoes nothing that was done).
pub async fn purge_retention(
    state: &AppState,
    parts: &RetentionParts,
    policy: &RetentionPolicy,
    now: DateTime<Utc>,
    dry_run: bool,
) -> anyhow::Result<Report> {
    run(Run::Purge, state, parts, policy, now, dry_run).await
}

/// Runs shared's housekeeping, then every part's, at `now` (see [`purge_retention`]).
pub async fn housekeep(
    state: &AppState,
    parts: &RetentionParts,
    policy: &RetentionPolicy,
    now: DateTime<Utc>,
    dry_run: bool,
) -> anyhow::Result<Report> {
    run(Run::Housekeeping, state, parts, policy, now, dry_run).await
}

async fn run(
    which: Run,
    state: &AppState,
    parts: &RetentionParts,
    policy: &RetentionPolicy,
    now: DateTime<Utc>,
    dry_run: bool,
) -> anyhow::Result<Report> {
    let now = to_db_precision(now);
    let mut purged = Vec::new();
    let mut failure: Option<anyhow::Error> = None;
    if which == Run::Housekeeping {
        match retention::housekeep(&state.db, policy, now, dry_run).await {
            Ok(lines) => purged.extend(lines),
            Err(e) => failure = Some(anyhow::Error::from(e).context("housekeeping shared tables")),
        }
    }
    for part in parts.iter() {
        let outcome = match which {
            Run::Purge => part.purge(state, policy, now, dry_run).await,
            Run::Housekeeping => part.housekeep(state, policy, now, dry_run).await,
        };
        match outcome {
            Ok(lines) => purged.extend(lines),
            Err(e) => {
                tracing::error!(part = part.name(), error = %format!("{e:#}"), ?which, "retention step failed");
                failure.get_or_insert(e.context(format!("retention part {}", part.name())));
            }
        }
    }
    for line in &purged {
        tracing::info!(category = line.category, action = line.action.done(), count = line.count, dry_run, ?which, "retention");
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(Report { dry_run, purged }),
    }
}

/// The daily retention purge (`purge_retention`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeRetention {
    /// Count only, change nothing (the counts are in the worker's log).
    #[serde(default)]
    pub dry_run: bool,
}

impl JobSpec for PurgeRetention {
    const KIND: &'static str = "purge_retention";
}

/// The daily housekeeping of expired technical rows (`housekeeping`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Housekeeping {
    /// Count only, change nothing.
    #[serde(default)]
    pub dry_run: bool,
}

impl JobSpec for Housekeeping {
    const KIND: &'static str = "housekeeping";
}

/// Runs both kinds over the parts of the process's modules.
#[derive(Debug, Clone)]
pub struct RetentionJobs {
    state: AppState,
    parts: RetentionParts,
    policy: RetentionPolicy,
}

impl RetentionJobs {
    /// The handlers over `state`, running `parts` under `policy`.
    pub fn new(state: AppState, parts: RetentionParts, policy: RetentionPolicy) -> Self {
        Self { state, parts, policy }
    }
}

#[async_trait]
impl Handle<PurgeRetention> for RetentionJobs {
    async fn handle(&self, job: PurgeRetention, _: &Job) -> Result<(), JobError> {
        let now = self.state.clock.now();
        purge_retention(&self.state, &self.parts, &self.policy, now, job.dry_run).await.map(drop).map_err(JobError::Retryable)
    }
}

#[async_trait]
impl Handle<Housekeeping> for RetentionJobs {
    async fn handle(&self, job: Housekeeping, _: &Job) -> Result<(), JobError> {
        let now = self.state.clock.now();
        housekeep(&self.state, &self.parts, &self.policy, now, job.dry_run).await.map(drop).map_err(JobError::Retryable)
    }
}

/// How often the two jobs run: daily (`SCHEDULE_EVERY_PURGE_RETENTION`,
/// `SCHEDULE_EVERY_HOUSEKEEPING` change it, like every schedule's period: [`crate::schedules`]).
pub const DAILY: Duration = Duration::from_secs(86_400);

/// The handlers of `purge_retention` and `housekeeping` over `parts` (the retention parts of the
/// deployable: [`Deployable::retention_parts`]), and their schedules: what the worker's `run`
/// merges into the modules' work. Reads the policy from the environment.
pub fn work(state: &AppState, parts: RetentionParts) -> Result<Work, ConfigError> {
    Ok(work_with(state, parts, RetentionPolicy::from_env()?))
}

/// [`work`] with the policy given (tests).
pub fn work_with(state: &AppState, parts: RetentionParts, policy: RetentionPolicy) -> Work {
    let handler = RetentionJobs::new(state.clone(), parts, policy);
    let jobs = JobHandlers::default().on::<PurgeRetention>(handler.clone()).on::<Housekeeping>(handler);
    let schedules = vec![
        Schedule::every(PurgeRetention::KIND, DAILY, |_| NewJob::new(PurgeRetention::KIND, serde_json::json!({}))),
        Schedule::every(Housekeeping::KIND, DAILY, |_| NewJob::new(Housekeeping::KIND, serde_json::json!({}))),
    ];
    Work { jobs, schedules }
}

/// `purge-retention`: the retention purge, now.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PurgeRetentionArgs {
    /// Count what would be deleted, anonymised or erased, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Also run the housekeeping (expired tokens, rate-limit windows, done jobs, idempotency keys).
    #[arg(long)]
    pub housekeeping: bool,
}

/// Runs `purge-retention` with the settings of the ops commands, and prints its report.
pub async fn purge_retention_command(args: PurgeRetentionArgs, settings: Settings) -> anyhow::Result<()> {
    let policy = RetentionPolicy::from_env()?;
    let modules = Deployable::new("worker", ycyw_api::modules());
    let state = modules.wire(runtime::connect(settings).await?);
    let parts = modules.retention_parts();
    let now = state.clock.now();
    let purged = purge_retention(&state, &parts, &policy, now, args.dry_run).await?;
    print!("{purged}");
    if args.housekeeping {
        let housekept = housekeep(&state, &parts, &policy, now, args.dry_run).await?;
        println!();
        print!("{housekept}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {

    use ycyw_shared::retention::Action;

    use super::*;

    #[test]
    fn a_report_has_one_line_per_category_then_the_total_and_a_dry_run_says_would() {
        let purged = vec![Purged::new("unverified_accounts", Action::Deleted, 3), Purged::new("inactive_accounts", Action::Notified, 2)];
        let real = Report { dry_run: false, purged: purged.clone() }.to_string();
        let lines: Vec<Vec<&str>> = real.lines().map(|l| l.split_whitespace().collect()).collect();
        assert_eq!(
            lines,
            vec![vec!["deleted", "unverified_accounts", "3"], vec!["notified", "inactive_accounts", "2"], vec!["total", "5"]]
        );
        let dry = Report { dry_run: true, purged }.to_string();
        assert!(dry.starts_with("would delete     unverified_accounts"), "{dry}");
        assert!(dry.contains("would notify") && dry.contains("would change") && dry.contains("nothing was changed"), "{dry}");
    }

    #[test]
    fn the_retention_payloads_default_to_a_real_run() {
        assert_eq!(ycyw_shared::jobs::decode::<PurgeRetention>("{}").unwrap(), PurgeRetention { dry_run: false });
        assert_eq!(ycyw_shared::jobs::decode::<Housekeeping>(r#"{"dry_run": true}"#).unwrap(), Housekeeping { dry_run: true });
    }
}
