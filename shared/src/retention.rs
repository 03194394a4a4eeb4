//! The data-retention seam (DESIGN §8, docs/retention.md): what is deleted, anonymised or erased
//! on schedule, and the daily housekeeping of expired technical rows.
//!
//! Each module that keeps personal data for a limited time gives a [`RetentionPart`] through
//! [`Module::retention`](crate::module::Module::retention): auth deletes unverified accounts
//! and anonymises inactive ones (through the account-deletion path, so every module's
//! [`AccountPart`](crate::account::AccountPart) detaches its rows exactly as on a deletion),
//! payments erases processed Stripe payloads. Support will plug its part in the same way (closed
//! conversations' message bodies, contact requests): the periods are in [`RetentionPolicy`]
//! already. Reservations and payments rows stay 10 years and need no part: they are detached by
//! their account parts when their account is anonymised.
//!
//! Shared's own tables (`jobs`, `rate_limits`, `idempotency_keys`) are housekept here, by
//! [`housekeep`]. Every step reports what it did as [`Purged`] counts; with `dry_run` it counts
//! exactly what a real run would change — the same WHERE text for both, see [`count_or_apply!`](crate::count_or_apply)
//! — and changes nothing.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use sqlx::MySqlPool;

use crate::config::{ConfigError, env_lookup};
use crate::state::AppState;
use crate::time::to_db_precision;

/// What was done to the rows of a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// The rows are gone.
    Deleted,
    /// The rows stay, their personal fields erased (accounts).
    Anonymised,
    /// The rows stay, one sensitive column erased (payloads, message bodies).
    Erased,
    /// A notice was sent (an account about to be anonymised).
    Notified,
}

impl Action {
    /// The past tense (`deleted`), for reports.
    pub fn done(self) -> &'static str {
        match self {
            Action::Deleted => "deleted",
            Action::Anonymised => "anonymised",
            Action::Erased => "erased",
            Action::Notified => "notified",
        }
    }

    /// The conditional (`would delete`), for dry-run reports.
    pub fn would(self) -> &'static str {
        match self {
            Action::Deleted => "would delete",
            Action::Anonymised => "would anonymise",
            Action::Erased => "would erase",
            Action::Notified => "would notify",
        }
    }
}

/// How many rows of one category one step changed (or, in a dry run, would change).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Purged {
    /// What the rows are (`unverified_accounts`, `stripe_payloads`, `done_jobs`, …).
    pub category: &'static str,
    /// What was done to them.
    pub action: Action,
    /// How many.
    pub count: u64,
}

impl Purged {
    /// `count` rows of `category` had `action`.
    pub fn new(category: &'static str, action: Action, count: u64) -> Self {
        Self { category, action, count }
    }
}

/// How long each kind of personal or technical data is kept. A row is due once its age reaches
/// the period (`at <= now − period`). Every period is a whole number of days from the
/// environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// `RETENTION_UNVERIFIED_DAYS` (7): an account whose address was never verified is deleted.
    pub unverified: Duration,
    /// `RETENTION_INACTIVE_DAYS` (1095, 3 years): an account without activity is anonymised.
    pub inactive: Duration,
    /// `RETENTION_NOTICE_DAYS` (30): the notice email goes this long before the anonymisation;
    /// shorter than `inactive`.
    pub notice: Duration,
    /// `RETENTION_CLOSED_CONVERSATION_DAYS` (365): a closed support conversation's message
    /// bodies are erased (support's part).
    pub closed_conversation: Duration,
    /// `RETENTION_CONTACT_REQUEST_DAYS` (365): a contact request is deleted (support's part).
    pub contact_request: Duration,
    /// `RETENTION_STRIPE_PAYLOAD_DAYS` (30): a processed Stripe event loses its payload and
    /// signature (the row and its id stay, for deduplication).
    pub stripe_payload: Duration,
    /// `RETENTION_DONE_JOBS_DAYS` (30): a finished job is deleted (dead ones stay for ops).
    pub done_jobs: Duration,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        Self {
            unverified: Duration::days(7),
            inactive: Duration::days(1095),
            notice: Duration::days(30),
            closed_conversation: Duration::days(365),
            contact_request: Duration::days(365),
            stripe_payload: Duration::days(30),
            done_jobs: Duration::days(30),
        }
    }
}

impl RetentionPolicy {
    /// Reads the `RETENTION_*_DAYS` variables (see the fields), defaults for those unset.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(env_lookup)
    }

    /// Reads the periods from `lookup` (the environment, or a map in tests). Each is a whole
    /// number of days, at least 1; the notice must come before the anonymisation.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let defaults = Self::default();
        let days = |key: &'static str, default: Duration| -> Result<Duration, ConfigError> {
            let Some(raw) = lookup(key).filter(|v| !v.trim().is_empty()) else { return Ok(default) };
            match raw.trim().parse::<i64>() {
                Ok(days) if (1..=36_500).contains(&days) => Ok(Duration::days(days)),
                _ => Err(ConfigError::Invalid { key, reason: "not a whole number of days between 1 and 36500".into() }),
            }
        };
        let policy = Self {
            unverified: days("RETENTION_UNVERIFIED_DAYS", defaults.unverified)?,
            inactive: days("RETENTION_INACTIVE_DAYS", defaults.inactive)?,
            notice: days("RETENTION_NOTICE_DAYS", defaults.notice)?,
            closed_conversation: days("RETENTION_CLOSED_CONVERSATION_DAYS", defaults.closed_conversation)?,
            contact_request: days("RETENTION_CONTACT_REQUEST_DAYS", defaults.contact_request)?,
            stripe_payload: days("RETENTION_STRIPE_PAYLOAD_DAYS", defaults.stripe_payload)?,
            done_jobs: days("RETENTION_DONE_JOBS_DAYS", defaults.done_jobs)?,
        };
        if policy.notice >= policy.inactive {
            return Err(ConfigError::Invalid {
                key: "RETENTION_NOTICE_DAYS",
                reason: "the notice must come before the anonymisation: fewer days than RETENTION_INACTIVE_DAYS".into(),
            });
        }
        Ok(policy)
    }

    /// The instant before which (inclusive) a row `period` old is due at `now`.
    pub fn cutoff(now: DateTime<Utc>, period: Duration) -> DateTime<Utc> {
        to_db_precision(now - period)
    }
}

/// A module's part in the retention purge and the housekeeping. Needs only the database: every
/// deployable registers the parts of every module it links, like the account parts.
#[async_trait]
pub trait RetentionPart: Send + Sync + std::fmt::Debug {
    /// The module's name (reports, logs).
    fn name(&self) -> &'static str;

    /// Deletes, anonymises or erases the module's personal data past its period, and returns one
    /// [`Purged`] per category it looks after (zero counts included, so a report shows every
    /// category was looked at). With `dry_run`, counts what it would change and changes nothing.
    async fn purge(&self, state: &AppState, policy: &RetentionPolicy, now: DateTime<Utc>, dry_run: bool) -> anyhow::Result<Vec<Purged>>;

    /// Deletes the module's expired technical rows (used tokens, old counters…), like
    /// [`RetentionPart::purge`]. Nothing by default.
    async fn housekeep(
        &self,
        state: &AppState,
        policy: &RetentionPolicy,
        now: DateTime<Utc>,
        dry_run: bool,
    ) -> anyhow::Result<Vec<Purged>> {
        let _ = (state, policy, now, dry_run);
        Ok(Vec::new())
    }
}

/// The retention parts of every module linked into a process.
pub type RetentionParts = Arc<[Arc<dyn RetentionPart>]>;

/// Rows a batched statement of [`count_or_apply!`](crate::count_or_apply) changes at most: a short lock each time.
pub const BATCH: u64 = 5000;

/// Counts (dry run) or changes (real run) the rows matching one filter, written once.
///
/// `count` is the `SELECT COUNT(*) FROM …` and `apply` the `DELETE FROM …` or `UPDATE … SET …`,
/// both completed by ` WHERE <filter>`; the change runs in batches of [`BATCH`] rows until a
/// batch is short, so it must make the rows it changes stop matching the filter. The filter's
/// `?` take the arguments after it. Evaluates to `Result<u64, sqlx::Error>`: the rows counted or
/// changed. The caller needs `sqlx` among its dependencies (the checked query macros).
///
/// ```ignore
/// ycyw_shared::count_or_apply!(&pool, dry_run,
///     count: "SELECT COUNT(*) FROM rate_limits", apply: "DELETE FROM rate_limits",
///     filter: "window_start <= ?", cutoff)
/// ```
#[macro_export]
macro_rules! count_or_apply {
    ($executor:expr, $dry_run:expr, count: $count:tt, apply: $apply:tt, filter: $filter:tt $(, $arg:expr)* $(,)?) => {
        async {
            let counted: Result<u64, ::sqlx::Error> = if $dry_run {
                let rows: i64 = ::sqlx::query_scalar!($count + " WHERE " + $filter $(, $arg)*).fetch_one($executor).await?;
                Ok(u64::try_from(rows).unwrap_or_default())
            } else {
                let mut total = 0u64;
                loop {
                    let changed = ::sqlx::query!($apply + " WHERE " + $filter + " LIMIT ?" $(, $arg)*, $crate::retention::BATCH)
                        .execute($executor)
                        .await?
                        .rows_affected();
                    total += changed;
                    if changed < $crate::retention::BATCH {
                        break Ok(total);
                    }
                }
            };
            counted
        }
        .await
    };
}

/// How long a rate-limit window lasts (the fixed one-minute windows of
/// [`rate_limit`](crate::rate_limit)): a row is past once its window has ended.
pub const RATE_LIMIT_WINDOW: Duration = Duration::minutes(1);

/// Housekeeping of shared's own tables, at `now`: `rate_limits` rows whose window has ended,
/// `done` jobs finished at least [`RetentionPolicy::done_jobs`] ago (dead jobs stay for ops, and
/// queued or running ones are never touched), and `idempotency_keys` past their expiry (which
/// the idempotency module's hourly purge deletes too: whichever comes first).
pub async fn housekeep(pool: &MySqlPool, policy: &RetentionPolicy, now: DateTime<Utc>, dry_run: bool) -> Result<Vec<Purged>, sqlx::Error> {
    let window_ended = RetentionPolicy::cutoff(now, RATE_LIMIT_WINDOW);
    let rate_limits = count_or_apply!(pool, dry_run,
        count: "SELECT COUNT(*) FROM rate_limits", apply: "DELETE FROM rate_limits",
        filter: "window_start <= ?", window_ended)?;
    let finished_before = RetentionPolicy::cutoff(now, policy.done_jobs);
    let done_jobs = count_or_apply!(pool, dry_run,
        count: "SELECT COUNT(*) FROM jobs", apply: "DELETE FROM jobs",
        filter: "status = 'done' AND finished_at <= ?", finished_before)?;
    let expired = to_db_precision(now);
    let idempotency_keys = count_or_apply!(pool, dry_run,
        count: "SELECT COUNT(*) FROM idempotency_keys", apply: "DELETE FROM idempotency_keys",
        filter: "expires_at <= ?", expired)?;
    Ok(vec![
        Purged::new("rate_limits", Action::Deleted, rate_limits),
        Purged::new("done_jobs", Action::Deleted, done_jobs),
        Purged::new("idempotency_keys", Action::Deleted, idempotency_keys),
    ])
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn policy(vars: &[(&str, &str)]) -> Result<RetentionPolicy, ConfigError> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        RetentionPolicy::from_lookup(|key| vars.get(key).cloned())
    }

    #[test]
    fn retention_policy_defaults_follow_design_section_8() {
        let policy = policy(&[]).unwrap();
        assert_eq!(policy, RetentionPolicy::default());
        assert_eq!(policy.unverified, Duration::days(7));
        assert_eq!(policy.inactive, Duration::days(3 * 365));
        assert_eq!(policy.notice, Duration::days(30));
        assert_eq!((policy.closed_conversation, policy.contact_request), (Duration::days(365), Duration::days(365)));
        assert_eq!((policy.stripe_payload, policy.done_jobs), (Duration::days(30), Duration::days(30)));
    }

    #[test]
    fn retention_policy_reads_every_period_from_its_variable() {
        let policy = policy(&[
            ("RETENTION_UNVERIFIED_DAYS", "3"),
            ("RETENTION_INACTIVE_DAYS", " 730 "),
            ("RETENTION_NOTICE_DAYS", "14"),
            ("RETENTION_CLOSED_CONVERSATION_DAYS", "180"),
            ("RETENTION_CONTACT_REQUEST_DAYS", "90"),
            ("RETENTION_STRIPE_PAYLOAD_DAYS", "10"),
            ("RETENTION_DONE_JOBS_DAYS", "2"),
            ("RETENTION_UNRELATED_DAYS", "oops"),
        ])
        .unwrap();
        assert_eq!(
            policy,
            RetentionPolicy {
                unverified: Duration::days(3),
                inactive: Duration::days(730),
                notice: Duration::days(14),
                closed_conversation: Duration::days(180),
                contact_request: Duration::days(90),
                stripe_payload: Duration::days(10),
                done_jobs: Duration::days(2),
            }
        );
        assert_eq!(self::policy(&[("RETENTION_UNVERIFIED_DAYS", "  ")]).unwrap().unverified, Duration::days(7), "blank is unset");
    }

    #[test]
    fn retention_policy_refuses_what_is_not_a_positive_number_of_days_naming_the_variable() {
        for bad in ["0", "-7", "7.5", "seven", "1e3", "36501"] {
            match policy(&[("RETENTION_STRIPE_PAYLOAD_DAYS", bad)]) {
                Err(ConfigError::Invalid { key, .. }) => assert_eq!(key, "RETENTION_STRIPE_PAYLOAD_DAYS", "{bad:?}"),
                other => panic!("{bad:?} accepted: {other:?}"),
            }
        }
    }

    #[test]
    fn retention_policy_wants_the_notice_before_the_anonymisation() {
        let err = policy(&[("RETENTION_INACTIVE_DAYS", "30"), ("RETENTION_NOTICE_DAYS", "30")]).unwrap_err();
        assert!(matches!(err, ConfigError::Invalid { key: "RETENTION_NOTICE_DAYS", .. }), "{err}");
        assert!(policy(&[("RETENTION_INACTIVE_DAYS", "31"), ("RETENTION_NOTICE_DAYS", "30")]).is_ok());
    }

    #[test]
    fn a_row_is_due_once_its_age_reaches_the_period() {
        let now = DateTime::from_timestamp(1_800_000_000, 123_456_789).unwrap();
        let cutoff = RetentionPolicy::cutoff(now, Duration::days(7));
        assert_eq!(now - cutoff, Duration::days(7) + Duration::nanoseconds(789), "at the database's microsecond precision");
        assert_eq!(Action::Deleted.would(), "would delete");
        assert_eq!(Action::Anonymised.done(), "anonymised");
    }
}
