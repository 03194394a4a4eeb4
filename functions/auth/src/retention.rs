//! The auth module's part in the retention purge (DESIGN §8, docs/retention.md).
//!
//! - Unverified accounts (`RETENTION_UNVERIFIED_DAYS`, 7) are deleted: they never signed in
//!   (signing in needs a verified address, and so does booking), so no kept record refers to
//!   them. They go through the account-erasure path first — every module's account part (the
//!   queued verification email goes), their tokens —, then their row is deleted.
//! - Inactive accounts: the last activity is the latest of the creation, the last sign-in and
//!   the last session refresh (a refresh token issued). Once it is `RETENTION_INACTIVE_DAYS −
//!   RETENTION_NOTICE_DAYS` old, a notice email is queued with `users.inactivity_notice_at`, in
//!   one transaction; activity after the notice cancels it. An account still inactive
//!   `RETENTION_INACTIVE_DAYS` after its last activity and `RETENTION_NOTICE_DAYS` after its
//!   notice is anonymised through the same path as a deletion by its holder
//!   ([`service::erase_account`]): sessions revoked, every module's account part called
//!   (reservations cancels the future ones and detaches them all), personal fields erased.
//!
//! Each rule's WHERE clause is written once, in a macro that builds both the listing query (the
//! dry run counts its rows) and the re-check of one account under its row lock before it is
//! changed, so a dry run counts exactly what a real run changes. Each account changes in its own
//! transaction (short locks; a failure does not undo the others). The listings have no ORDER BY,
//! so MariaDB reads them as a range of the index their migration made (docs/retention.md).
//!
//! The housekeeping deletes expired or used one-time tokens, the refresh tokens of expired
//! session families (a family shares one expiry: they die together; an expired token is refused
//! whether it is stored or not), and sign-in counters untouched for [`SIGN_IN_ATTEMPTS_TTL`]
//! and not locked.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Datelike, Duration, Utc};
use uuid::Uuid;
use ycyw_shared::AppState;
use ycyw_shared::mail::{self, EmailJob, Locale, TemplateSource};
use ycyw_shared::retention::{Action, Purged, RetentionPart, RetentionPolicy};

use crate::error::AuthError;
use crate::repo;
use crate::service::{self, Erasure};

/// The notice sent before an inactive account is anonymised (`first_name`, `deadline`, `link`).
pub(crate) const INACTIVITY_NOTICE: TemplateSource = ycyw_shared::mail_template!("inactivity_notice", "../templates");

/// How long an unlocked sign-in counter is kept after its last attempt: far longer than a lock
/// (15 minutes), so forgetting it gives a guesser nothing.
pub const SIGN_IN_ATTEMPTS_TTL: Duration = Duration::days(30);

/// The accounts never verified, created at the cutoff or before, not erased.
macro_rules! unverified_accounts {
    ($select:tt, $then:tt $(, $arg:expr)*) => {
        sqlx::query_scalar!($select + " u.email_verified_at IS NULL AND u.anonymized_at IS NULL AND u.created_at <= ?" + $then $(, $arg)*)
    };
}

/// The verified accounts quiet since the cutoff (no sign-in, creation or session refresh after
/// it) that have no notice in force: none yet, or one that activity after it cancelled.
macro_rules! notice_due {
    ($select:tt, $then:tt $(, $arg:expr)*) => {
        sqlx::query_scalar!(
            $select
                + " u.anonymized_at IS NULL AND u.email_verified_at IS NOT NULL AND u.email IS NOT NULL
                   AND (u.last_login_at IS NULL OR u.last_login_at <= ?) AND u.created_at <= ?
                   AND NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.user_id = u.id AND r.issued_at > ?)
                   AND (u.inactivity_notice_at IS NULL
                        OR u.inactivity_notice_at < COALESCE(u.last_login_at, u.created_at)
                        OR EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.user_id = u.id AND r.issued_at > u.inactivity_notice_at))"
                + $then
            $(, $arg)*
        )
    };
}

/// The accounts noticed at the first cutoff or before, quiet since the second one and since
/// their notice.
macro_rules! anonymisation_due {
    ($select:tt, $then:tt $(, $arg:expr)*) => {
        sqlx::query_scalar!(
            $select
                + " u.inactivity_notice_at <= ? AND u.anonymized_at IS NULL AND u.email_verified_at IS NOT NULL
                   AND (u.last_login_at IS NULL OR u.last_login_at <= ?) AND u.created_at <= ?
                   AND COALESCE(u.last_login_at, u.created_at) <= u.inactivity_notice_at
                   AND NOT EXISTS (SELECT 1 FROM refresh_tokens r
                                   WHERE r.user_id = u.id AND r.issued_at > LEAST(?, u.inactivity_notice_at))"
                + $then
            $(, $arg)*
        )
    };
}

/// The auth module's [`RetentionPart`].
#[derive(Debug)]
pub(crate) struct AuthRetention;

#[async_trait]
impl RetentionPart for AuthRetention {
    fn name(&self) -> &'static str {
        "auth"
    }

    async fn purge(&self, state: &AppState, policy: &RetentionPolicy, now: DateTime<Utc>, dry_run: bool) -> anyhow::Result<Vec<Purged>> {
        // Every rule runs, whatever the others did; the first failure is reported after.
        let deleted = delete_unverified(state, policy, now, dry_run).await;
        let anonymised = anonymise_inactive(state, policy, now, dry_run).await;
        let notified = notify_inactive(state, policy, now, dry_run).await;
        Ok(vec![
            Purged::new("unverified_accounts", Action::Deleted, deleted?),
            Purged::new("inactive_accounts", Action::Anonymised, anonymised?),
            Purged::new("inactive_accounts", Action::Notified, notified?),
        ])
    }

    async fn housekeep(&self, state: &AppState, _: &RetentionPolicy, now: DateTime<Utc>, dry_run: bool) -> anyhow::Result<Vec<Purged>> {
        let pool = &state.db;
        let now = ycyw_shared::time::to_db_precision(now);
        let one_time_tokens = ycyw_shared::count_or_apply!(pool, dry_run,
            count: "SELECT COUNT(*) FROM one_time_tokens", apply: "DELETE FROM one_time_tokens",
            filter: "expires_at <= ? OR used_at IS NOT NULL", now)?;
        let refresh_tokens = ycyw_shared::count_or_apply!(pool, dry_run,
            count: "SELECT COUNT(*) FROM refresh_tokens", apply: "DELETE FROM refresh_tokens",
            filter: "expires_at <= ?", now)?;
        let untouched_since = RetentionPolicy::cutoff(now, SIGN_IN_ATTEMPTS_TTL);
        let sign_in_attempts = ycyw_shared::count_or_apply!(pool, dry_run,
            count: "SELECT COUNT(*) FROM sign_in_attempts", apply: "DELETE FROM sign_in_attempts",
            filter: "updated_at <= ? AND (locked_until IS NULL OR locked_until <= ?)", untouched_since, now)?;
        Ok(vec![
            Purged::new("one_time_tokens", Action::Deleted, one_time_tokens),
            Purged::new("refresh_tokens", Action::Deleted, refresh_tokens),
            Purged::new("sign_in_attempts", Action::Deleted, sign_in_attempts),
        ])
    }
}

/// The outcome of the accounts of one rule, each changed in its own transaction: a failure is
/// logged and the others go on; the rule fails at the end (the job retries).
#[derive(Default)]
struct Tally {
    changed: u64,
    failed: u64,
    first_failure: Option<(Uuid, AuthError)>,
}

impl Tally {
    fn record(&mut self, id: Uuid, outcome: Result<bool, AuthError>, what: &'static str) {
        match outcome {
            Ok(true) => self.changed += 1,
            Ok(false) => {}
            Err(e) => {
                tracing::error!(user_id = %id, error = %e, "retention purge: {what} failed");
                self.failed += 1;
                self.first_failure.get_or_insert((id, e));
            }
        }
    }

    fn finish(self, what: &'static str) -> anyhow::Result<u64> {
        match self.first_failure {
            None => Ok(self.changed),
            Some((id, e)) => Err(anyhow::anyhow!("retention purge: {what} failed for {} account(s), first {id}: {e}", self.failed)),
        }
    }
}

async fn delete_unverified(state: &AppState, policy: &RetentionPolicy, now: DateTime<Utc>, dry_run: bool) -> anyhow::Result<u64> {
    let created_before = RetentionPolicy::cutoff(now, policy.unverified);
    let due = unverified_accounts!(r#"SELECT u.id AS "id: Uuid" FROM users u WHERE"#, "", created_before).fetch_all(&state.db).await?;
    if dry_run {
        return Ok(due.len() as u64);
    }
    let mut tally = Tally::default();
    for id in due {
        tally.record(id, delete_one_unverified(state, id, created_before, now).await, "deleting an unverified account");
    }
    tally.finish("deleting an unverified account")
}

/// Deletes the account `id` when it is still due (false when it is not any more).
async fn delete_one_unverified(state: &AppState, id: Uuid, created_before: DateTime<Utc>, now: DateTime<Utc>) -> Result<bool, AuthError> {
    let mut tx = state.db.begin().await?;
    let locked = unverified_accounts!(r#"SELECT u.id AS "id: Uuid" FROM users u WHERE u.id = ? AND"#, " FOR UPDATE", id, created_before)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(row) = locked_row(&mut tx, locked).await? else { return Ok(false) };
    service::erase_account(&mut tx, state, &row, Erasure::Unverified, now).await?;
    repo::delete_user(&mut tx, id).await?;
    tx.commit().await?;
    service::forget_subject(state, id);
    tracing::info!(user_id = %id, "unverified account deleted");
    Ok(true)
}

async fn anonymise_inactive(state: &AppState, policy: &RetentionPolicy, now: DateTime<Utc>, dry_run: bool) -> anyhow::Result<u64> {
    let noticed_before = RetentionPolicy::cutoff(now, policy.notice);
    let quiet_since = RetentionPolicy::cutoff(now, policy.inactive);
    let due =
        anonymisation_due!(r#"SELECT u.id AS "id: Uuid" FROM users u WHERE"#, "", noticed_before, quiet_since, quiet_since, quiet_since)
            .fetch_all(&state.db)
            .await?;
    if dry_run {
        return Ok(due.len() as u64);
    }
    let mut tally = Tally::default();
    for id in due {
        let outcome = anonymise_one(state, id, noticed_before, quiet_since, now).await;
        tally.record(id, outcome, "anonymising an inactive account");
    }
    tally.finish("anonymising an inactive account")
}

/// Anonymises the account `id` when it is still due, through the account-deletion path.
async fn anonymise_one(
    state: &AppState,
    id: Uuid,
    noticed_before: DateTime<Utc>,
    quiet_since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, AuthError> {
    let mut tx = state.db.begin().await?;
    let locked = anonymisation_due!(
        r#"SELECT u.id AS "id: Uuid" FROM users u WHERE u.id = ? AND"#,
        " FOR UPDATE",
        id,
        noticed_before,
        quiet_since,
        quiet_since,
        quiet_since
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = locked_row(&mut tx, locked).await? else { return Ok(false) };
    service::erase_account(&mut tx, state, &row, Erasure::Inactive, now).await?;
    tx.commit().await?;
    service::forget_subject(state, id);
    tracing::info!(user_id = %id, "inactive account anonymised");
    Ok(true)
}

async fn notify_inactive(state: &AppState, policy: &RetentionPolicy, now: DateTime<Utc>, dry_run: bool) -> anyhow::Result<u64> {
    let quiet_since = RetentionPolicy::cutoff(now, policy.inactive - policy.notice);
    let due = notice_due!(r#"SELECT u.id AS "id: Uuid" FROM users u WHERE"#, "", quiet_since, quiet_since, quiet_since)
        .fetch_all(&state.db)
        .await?;
    if dry_run {
        return Ok(due.len() as u64);
    }
    let notice = Notice {
        quiet_since,
        deadline: now + policy.notice,
        link: state.settings.public_url.join("sign-in").map_or_else(|_| state.settings.public_url.to_string(), |url| url.to_string()),
    };
    let mut tally = Tally::default();
    for id in due {
        tally.record(id, notify_one(state, id, &notice, now).await, "queuing an inactivity notice");
    }
    tally.finish("queuing an inactivity notice")
}

/// What every notice of one run says.
struct Notice {
    quiet_since: DateTime<Utc>,
    deadline: DateTime<Utc>,
    link: String,
}

/// Records the notice of the account `id` and queues its email, in one transaction, when it is
/// still due.
async fn notify_one(state: &AppState, id: Uuid, notice: &Notice, now: DateTime<Utc>) -> Result<bool, AuthError> {
    let quiet_since = notice.quiet_since;
    let mut tx = state.db.begin().await?;
    let locked = notice_due!(
        r#"SELECT u.id AS "id: Uuid" FROM users u WHERE u.id = ? AND"#,
        " FOR UPDATE",
        id,
        quiet_since,
        quiet_since,
        quiet_since
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = locked_row(&mut tx, locked).await? else { return Ok(false) };
    let Some(email) = row.email.as_deref() else { return Ok(false) };
    repo::set_inactivity_notice(&mut tx, id, now).await?;
    let params: BTreeMap<String, String> = [
        ("first_name".to_string(), row.first_name.clone().unwrap_or_default()),
        ("deadline".to_string(), long_date(row.locale, notice.deadline)),
        ("link".to_string(), notice.link.clone()),
    ]
    .into();
    let email = EmailJob::compose(email, row.locale, &INACTIVITY_NOTICE, params).map_err(|e| AuthError::Internal(e.into()))?;
    mail::enqueue(&mut tx, &email, now).await?;
    tx.commit().await?;
    tracing::info!(user_id = %id, "inactivity notice queued");
    Ok(true)
}

/// The row of the account the re-check found (and locked), if it did.
async fn locked_row(conn: &mut sqlx::MySqlConnection, locked: Option<Uuid>) -> Result<Option<repo::UserRow>, AuthError> {
    match locked {
        Some(id) => Ok(repo::user_by_id(conn, id).await?),
        None => Ok(None),
    }
}

const EN_MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const FR_MONTHS: [&str; 12] =
    ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];

/// A day as each language writes it: `11 March 2029`, `11 mars 2029` (UTC: the account has no
/// time zone, and a day early or late does not matter to a notice 30 days ahead).
pub(crate) fn long_date(locale: Locale, at: DateTime<Utc>) -> String {
    let months = match locale {
        Locale::En => EN_MONTHS,
        Locale::Fr => FR_MONTHS,
    };
    let month = months.get(at.month0() as usize).copied().unwrap_or_default();
    format!("{} {month} {}", at.day(), at.year())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn the_inactivity_notice_renders_in_both_languages_with_its_deadline_and_link() {
        let deadline = Utc.with_ymd_and_hms(2029, 8, 1, 3, 0, 0).unwrap();
        for (locale, date, subject) in [
            (Locale::En, "1 August 2029", "Your account will be deleted on 1 August 2029"),
            (Locale::Fr, "1 août 2029", "Votre compte sera supprimé le 1 août 2029"),
        ] {
            assert_eq!(long_date(locale, deadline), date);
            let params: BTreeMap<String, String> = [
                ("first_name".to_string(), "<Zoé>".to_string()),
                ("deadline".to_string(), long_date(locale, deadline)),
                ("link".to_string(), "http://localhost:4200/sign-in".to_string()),
            ]
            .into();
            let rendered = mail::render_source(&INACTIVITY_NOTICE, locale, &params).unwrap();
            assert_eq!(rendered.subject, subject);
            assert!(rendered.text.contains("http://localhost:4200/sign-in") && rendered.text.contains(date), "{locale:?}");
            assert!(rendered.html.contains("&lt;Zoé&gt;") && rendered.html.contains(date), "{locale:?}");
            assert!(!rendered.text.contains("{{") && !rendered.html.contains("{{"), "{locale:?}");
        }
    }
}
