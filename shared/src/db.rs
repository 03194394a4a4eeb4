//! The MySQL / MariaDB pool and the migrations embedded in every binary.

use std::str::FromStr;
use std::time::Duration;

use secrecy::ExposeSecret;
use sqlx::migrate::Migrator;
use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions};
use sqlx::{ConnectOptions, MySqlPool};

use crate::config::{SecretKey, Settings};

/// Every migration of `migrations/`, compiled into the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

/// Connects the pool described by the settings. The password of `DATABASE_PASSWORD`, when that
/// secret is present, replaces the URL's.
pub async fn connect(settings: &Settings) -> anyhow::Result<MySqlPool> {
    let mut options = MySqlConnectOptions::from_str(settings.database_url.expose_secret())
        .map_err(|e| anyhow::anyhow!("DATABASE_URL is not a valid MySQL URL: {e}"))?
        .charset("utf8mb4")
        .timezone(Some(String::from("+00:00")))
        .log_statements(log::LevelFilter::Trace)
        .log_slow_statements(log::LevelFilter::Warn, Duration::from_millis(500));
    if let Some(password) = settings.secrets.get(SecretKey::DatabasePassword) {
        options = options.password(password.expose_secret());
    }
    let pool = MySqlPoolOptions::new().max_connections(10).acquire_timeout(Duration::from_secs(5)).connect_with(options).await?;
    Ok(pool)
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
    let applied: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = 1").fetch_one(pool).await?;
    Ok(applied == Some(latest))
}

/// True when `error` is a unique-key violation on `key` (the index name on MySQL/MariaDB).
pub fn is_unique_violation(error: &sqlx::Error, key: &str) -> bool {
    match error {
        sqlx::Error::Database(db) => db.is_unique_violation() && db.message().contains(key),
        _ => false,
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
