//! The MySQL / MariaDB pool and the migrations embedded in every binary.

use std::str::FromStr;
use std::time::Duration;

use secrecy::ExposeSecret;
use sqlx::migrate::Migrator;
use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions};
use sqlx::{ConnectOptions, Connection as _, MySqlPool};

use crate::config::{SecretKey, Settings};

/// Every migration of `migrations/`, compiled into the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

/// Connects the pool described by the settings, and fails unless the database answers (the
/// worker and the command line: nothing to do without it). The password of
/// `DATABASE_PASSWORD`, when that secret is present, replaces the URL's.
pub async fn connect(settings: &Settings) -> anyhow::Result<MySqlPool> {
    Ok(pool_options().connect_with(connect_options(settings)?).await?)
}

/// The pool described by the settings, opening its first connection at its first use: an HTTP
/// deployable listens at once (`/health/live` answers, `/health/ready` says whether the
/// database does) instead of waiting a connection's handshake, or an outage, before its port
/// opens. [`warm_up`] opens that first connection in the background.
pub fn connect_lazy(settings: &Settings) -> anyhow::Result<MySqlPool> {
    Ok(pool_options().connect_lazy_with(connect_options(settings)?))
}

/// Opens one connection of the pool and gives it back, so that the first request finds it open;
/// a database that does not answer yet is logged, not fatal (the pool keeps trying per request).
pub async fn warm_up(pool: MySqlPool) {
    match pool.acquire().await {
        Ok(connection) => drop(connection),
        Err(error) => tracing::warn!(%error, "the database does not answer yet; /health/ready reports it until it does"),
    }
}

fn connect_options(settings: &Settings) -> anyhow::Result<MySqlConnectOptions> {
    let mut options = MySqlConnectOptions::from_str(settings.database_url.expose_secret())
        .map_err(|e| anyhow::anyhow!("DATABASE_URL is not a valid MySQL URL: {e}"))?
        .charset("utf8mb4")
        .timezone(Some(String::from("+00:00")))
        .log_statements(log::LevelFilter::Trace)
        .log_slow_statements(log::LevelFilter::Warn, Duration::from_millis(500));
    if let Some(password) = settings.secrets.get(SecretKey::DatabasePassword) {
        options = options.password(password.expose_secret());
    }
    Ok(options)
}

/// A connection given back to the pool less than this long ago is handed out again without a
/// ping (HikariCP's "alive bypass window"): sqlx already pings every connection it takes back
/// (its `return_to_pool`), so under load a second ping on the way out only doubles the round
/// trips; one idle for longer is pinged first, and replaced when the server went away meanwhile.
const PING_WHEN_IDLE_FOR: Duration = Duration::from_millis(500);

/// Every process's pool: 10 connections (tools/bench-data's raw client uses as many), and a
/// request gives up waiting for one after 5 s (a 503, `db::api_error`). A connection that dies
/// within [`PING_WHEN_IDLE_FOR`] of its last use fails the statement sent on it with an I/O
/// error (a 503 too) and is dropped; the pool opens another.
fn pool_options() -> MySqlPoolOptions {
    MySqlPoolOptions::new().max_connections(10).acquire_timeout(Duration::from_secs(5)).test_before_acquire(false).before_acquire(
        |connection, meta| {
            Box::pin(async move {
                if meta.idle_for >= PING_WHEN_IDLE_FOR {
                    connection.ping().await?;
                }
                Ok(true)
            })
        },
    )
}

/// Applies the pending migrations.
pub async fn migrate(pool: &MySqlPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await?;
    Ok(())
}

/// True when every embedded migration has been applied successfully.
pub async fn migrations_applied(pool: &MySqlPool) -> Result<bool, sqlx::Error> {
    let Some(latest) = MIGRATOR.iter().map(|m| m.version).max() else {
        return Ok(true);
    };
    let applied = sqlx::query_scalar!("SELECT MAX(version) FROM _sqlx_migrations WHERE success = 1").fetch_one(pool).await?;
    Ok(applied == Some(latest))
}

/// The key (index name) a unique-key violation is on: `users_email_uq` for MariaDB's
/// `Duplicate entry 'ana@example.com' for key 'users_email_uq'` and MySQL 8's
/// `… for key 'users.users_email_uq'`. `None` for any other error.
pub fn unique_violation_key(error: &sqlx::Error) -> Option<&str> {
    match error {
        sqlx::Error::Database(db) if db.is_unique_violation() => duplicate_key_name(db.message()),
        _ => None,
    }
}

/// The key name of a duplicate-entry message: the text between its last two quotes (the entry
/// itself may hold quotes), without MySQL 8's `table.` prefix.
fn duplicate_key_name(message: &str) -> Option<&str> {
    let (head, quoted) = message.strip_suffix('\'')?.rsplit_once('\'')?;
    if !head.ends_with(" for key ") || quoted.is_empty() {
        return None;
    }
    Some(quoted.split_once('.').map_or(quoted, |(_table, key)| key))
}

/// True when `error` is a unique-key violation on exactly `key` (the index name).
pub fn is_unique_violation(error: &sqlx::Error, key: &str) -> bool {
    unique_violation_key(error) == Some(key)
}

/// Turns the unique-key violation of one key into the caller's error, realworld-style:
///
/// ```no_run
/// # use ycyw_shared::{ApiError, db::OnConstraint as _};
/// # async fn insert_user(_: &sqlx::MySqlPool, _: &str) -> Result<(), sqlx::Error> { Ok(()) }
/// # async fn demo(pool: sqlx::MySqlPool) -> Result<(), ApiError> {
/// insert_user(&pool, "ana@example.com") // a repo function: INSERT INTO users …
///     .await
///     .on_constraint("users_email_uq", || ApiError::field("email", "taken", "this address is already used"))?;
/// # Ok(()) }
/// ```
pub trait OnConstraint<T> {
    /// `to_error()` when this is a unique violation of `key` (compared by exact key name); any
    /// other database error converted by `From`.
    fn on_constraint<E: From<sqlx::Error>>(self, key: &str, to_error: impl FnOnce() -> E) -> Result<T, E>;
}

impl<T> OnConstraint<T> for Result<T, sqlx::Error> {
    fn on_constraint<E: From<sqlx::Error>>(self, key: &str, to_error: impl FnOnce() -> E) -> Result<T, E> {
        self.map_err(|error| if is_unique_violation(&error, key) { to_error() } else { E::from(error) })
    }
}

/// The HTTP answer for an error a lower layer wrapped in `anyhow` (a module's facade, the
/// [`SubjectGuard`](crate::auth::SubjectGuard)): a database error inside keeps its own answer —
/// no connection free in time, e.g. while the database restarts, is a 503 `unavailable`, not a
/// bug — and anything else is a 500.
pub fn api_error(error: anyhow::Error) -> crate::ApiError {
    match error.downcast::<sqlx::Error>() {
        Ok(database) => crate::ApiError::from(database),
        Err(other) => crate::ApiError::Internal(other),
    }
}

/// True for a deadlock (1213) or a lock wait timeout (1205): InnoDB rolled the statement or the
/// transaction back, and running it again may succeed.
pub fn is_transient(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            db.code().as_deref() == Some("40001")
                || db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>().is_some_and(|e| matches!(e.number(), 1205 | 1213))
        }
        _ => false,
    }
}

/// Runs `operation` (a whole transaction, or a single statement) again, up to 8 times with a
/// short growing pause, while it fails with a transient error; `sql_error` finds the database
/// error inside the operation's error type.
pub async fn retry_transient<T, E, F, Fut>(mut operation: F, sql_error: impl Fn(&E) -> Option<&sqlx::Error>) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
{
    const ATTEMPTS: u32 = 8;
    let mut attempt = 1;
    loop {
        match operation().await {
            Err(error) if attempt < ATTEMPTS && sql_error(&error).is_some_and(is_transient) => {
                let pause = 5 * u64::from(attempt) + u64::from(rand::random::<u8>() % 10);
                tracing::debug!(attempt, "transient database error, trying again");
                tokio::time::sleep(Duration::from_millis(pause)).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Ids as the JSON array of hex strings that `JSON_TABLE(?, '$[*]' COLUMNS (id CHAR(32) PATH '$'))`
/// reads, joined with `UNHEX(id)`: how one statement checked at build time takes a list of ids of
/// any length (`query!` cannot expand `IN (?, ?, …)`).
pub fn json_ids(ids: &[uuid::Uuid]) -> String {
    let hex: Vec<String> = ids.iter().map(|id| id.simple().to_string()).collect();
    serde_json::Value::from(hex).to_string()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn key_names_are_read_from_the_end_of_the_message() {
        let key = duplicate_key_name;
        assert_eq!(key("Duplicate entry 'ana@example.com' for key 'users_email_uq'"), Some("users_email_uq"));
        assert_eq!(key("Duplicate entry 'ana@example.com' for key 'users.users_email_uq'"), Some("users_email_uq"), "MySQL 8");
        assert_eq!(key("Duplicate entry 'o'brien' for key 'x' for key 'users_email_uq'"), Some("users_email_uq"), "quotes in the entry");
        assert_eq!(key("Duplicate entry 'users_email_uq' for key 'users_email_uq_2'"), Some("users_email_uq_2"));
        for other in ["", "'", "''", "Duplicate entry 'a' for key ''", "Duplicate entry 'a' for key 'k", "Deadlock found 'k'"] {
            assert_eq!(key(other), None, "{other:?}");
        }
    }

    /// The pool pings a connection idle for longer than [`PING_WHEN_IDLE_FOR`] before handing it
    /// out, and replaces it when the server dropped it; one given back just now goes out unpinged
    /// (its failure is the statement's, a 503).
    #[sqlx::test(migrations = false)]
    async fn only_a_connection_idle_past_the_window_is_pinged_and_replaced(_: MySqlPoolOptions, options: MySqlConnectOptions) {
        use sqlx::Connection as _;
        let pool = pool_options().max_connections(1).connect_with(options.clone()).await.unwrap();
        let mut killer = sqlx::MySqlConnection::connect_with(&options).await.unwrap();
        let id = || sqlx::query_scalar::<_, u64>("SELECT CONNECTION_ID()").fetch_one(&pool);
        async fn kill(killer: &mut sqlx::MySqlConnection, id: u64) {
            // An integer of the server's own, not input: nothing to bind (KILL takes no parameter).
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("KILL CONNECTION {id}"))).execute(killer).await.unwrap();
        }

        let first = id().await.unwrap();
        kill(&mut killer, first).await;
        tokio::time::sleep(PING_WHEN_IDLE_FOR + Duration::from_millis(200)).await;
        let second = id().await.expect("the ping finds the dead connection and the pool opens another");
        assert_ne!(second, first);

        // sqlx pings a connection it takes back in a task of its own: let that end first.
        tokio::time::sleep(Duration::from_millis(100)).await;
        kill(&mut killer, second).await;
        let error = id().await.expect_err("a connection used just now goes out without a ping");
        assert!(matches!(crate::ApiError::from(error), crate::ApiError::Unavailable(_)), "a dead connection is a 503");
        let third = id().await.expect("the dead connection was dropped, not given back");
        assert_ne!(third, second);
    }

    #[sqlx::test(migrations = false)]
    async fn a_real_violation_names_its_key_exactly(pool: MySqlPool) {
        // A table of the test's own, outside the migrations: plain SQL text, nothing to check at build.
        sqlx::raw_sql("CREATE TABLE things (name VARCHAR(20) NOT NULL, UNIQUE KEY things_name_uq (name))").execute(&pool).await.unwrap();
        let insert = || sqlx::raw_sql("INSERT INTO things (name) VALUES ('things_name')").execute(&pool);
        insert().await.unwrap();
        let error = insert().await.unwrap_err();
        assert_eq!(unique_violation_key(&error), Some("things_name_uq"));
        assert!(is_unique_violation(&error, "things_name_uq"));
        assert!(!is_unique_violation(&error, "things_name"), "a prefix of the key, or the entry, is not the key");
        let mapped: Result<_, crate::ApiError> = insert().await.on_constraint("things_name_uq", || crate::ApiError::NotFound);
        assert!(matches!(mapped, Err(crate::ApiError::NotFound)));
        let other: Result<_, crate::ApiError> = insert().await.on_constraint("other_uq", || crate::ApiError::NotFound);
        assert!(matches!(other, Err(crate::ApiError::Internal(_))));
    }

    proptest! {
        #[test]
        fn key_parsing_never_panics(message in "\\PC*", key in "[a-z_.']{0,12}", entry in ".*") {
            let _ = duplicate_key_name(&message);
            let _ = duplicate_key_name(&format!("Duplicate entry '{entry}' for key '{key}'"));
        }
    }
}
