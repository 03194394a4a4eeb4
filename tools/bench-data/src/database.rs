//! Where bench data may go: only into a database this tool made. `--create-database NAME`
//! makes one on the server of `DATABASE_URL`; without it, `DATABASE_URL` must name a database
//! that carries the marker this tool writes when it makes one (a table outside the migrations,
//! [`MARKER_TABLE`]). An existing database without the marker — any real one — is refused
//! before anything is written. A marked database is made anew (dropped, created, migrated,
//! marked), so a load always starts from an empty catalog and never meets a previous load.
//!
//! These statements manage databases, not the catalog's tables (the catalog's rows go through
//! its facade), and the marker table is deliberately not in the migrations, so they cannot be
//! checked against the migrated schema at build time: they are runtime statements, with the
//! database name checked to be a plain identifier before it is spliced in.

use std::str::FromStr as _;

use chrono::Utc;
use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions};
use sqlx::{AssertSqlSafe, Connection as _, MySqlConnection};
use url::Url;

/// The table that marks a database as made by this tool.
pub const MARKER_TABLE: &str = "bench_data_marker";

/// What the marker row says.
const MADE_BY: &str = "bench-data";

/// Which database to load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Make this database on the server of `DATABASE_URL` (or make it anew, when it is marked).
    Create(String),
    /// The database `DATABASE_URL` names, which must carry the marker.
    Marked,
}

/// Refuses to run in production, whatever the database.
pub fn refuse_production(app_env: Option<&str>) -> anyhow::Result<()> {
    if app_env.map(str::trim) == Some("prod") {
        anyhow::bail!("APP_ENV=prod: bench-data never runs against production; nothing written");
    }
    Ok(())
}

/// `name`, when it is a plain database identifier (letters, digits, `_`; at most 64).
fn identifier(name: &str) -> anyhow::Result<&str> {
    let plain = !name.is_empty() && name.len() <= 64 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if plain { Ok(name) } else { anyhow::bail!("{name:?} is not a plain database name (letters, digits and _, at most 64)") }
}

/// `statement` with `{db}` replaced by the database `name`, which [`prepare`] has checked is a
/// plain identifier (so, quoted in backticks, it cannot end the name or the statement).
fn on(name: &str, statement: &str) -> AssertSqlSafe<String> {
    AssertSqlSafe(statement.replace("{db}", name))
}

async fn exists(server: &mut MySqlConnection, name: &str) -> anyhow::Result<bool> {
    let found: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = ?")
        .bind(name)
        .fetch_one(&mut *server)
        .await?;
    Ok(found > 0)
}

/// Whether `name` carries the marker: the table, holding this tool's row.
async fn marked(server: &mut MySqlConnection, name: &str) -> anyhow::Result<bool> {
    let table: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?")
        .bind(name)
        .bind(MARKER_TABLE)
        .fetch_one(&mut *server)
        .await?;
    if table == 0 {
        return Ok(false);
    }
    let rows: i64 = sqlx::query_scalar(on(name, "SELECT COUNT(*) FROM `{db}`.bench_data_marker WHERE made_by = ?"))
        .bind(MADE_BY)
        .fetch_one(&mut *server)
        .await?;
    Ok(rows > 0)
}

/// Makes the target database ready for a load — created (or made anew), marked, migrated — and
/// connects to it; refuses an existing database without the marker, writing nothing.
pub async fn prepare(database_url: &str, target: &Target) -> anyhow::Result<(String, MySqlPool)> {
    let mut url = Url::parse(database_url).map_err(|e| anyhow::anyhow!("DATABASE_URL: {e}"))?;
    let named = url.path().trim_start_matches('/').to_string();
    let name = match target {
        Target::Create(name) => identifier(name)?.to_string(),
        Target::Marked if named.is_empty() => anyhow::bail!("DATABASE_URL names no database: give --create-database NAME"),
        Target::Marked => identifier(&named)?.to_string(),
    };
    url.set_path("");
    let mut server = MySqlConnection::connect_with(&MySqlConnectOptions::from_str(url.as_str())?).await?;
    if exists(&mut server, &name).await? {
        if !marked(&mut server, &name).await? {
            anyhow::bail!("database {name} was not made by bench-data (no {MARKER_TABLE} table): refused, nothing written");
        }
        sqlx::raw_sql(on(&name, "DROP DATABASE `{db}`")).execute(&mut server).await?;
    } else if *target == Target::Marked {
        anyhow::bail!("database {name} does not exist: make it with --create-database {name}");
    }
    sqlx::raw_sql(on(&name, "CREATE DATABASE `{db}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")).execute(&mut server).await?;
    // Marked first: a load that fails half-way leaves a database this tool may make anew.
    sqlx::raw_sql(on(&name, "CREATE TABLE `{db}`.bench_data_marker (made_by VARCHAR(40) NOT NULL, made_at DATETIME(6) NOT NULL)"))
        .execute(&mut server)
        .await?;
    sqlx::query(on(&name, "INSERT INTO `{db}`.bench_data_marker (made_by, made_at) VALUES (?, ?)"))
        .bind(MADE_BY)
        .bind(Utc::now())
        .execute(&mut server)
        .await?;
    server.close().await?;

    url.set_path(&format!("/{name}"));
    let pool = MySqlPoolOptions::new().max_connections(2).connect_with(MySqlConnectOptions::from_str(url.as_str())?).await?;
    ycyw_shared::db::MIGRATOR.run(&pool).await?;
    Ok((name, pool))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_is_refused() {
        assert!(refuse_production(Some("prod")).is_err());
        assert!(refuse_production(Some("dev")).is_ok());
        assert!(refuse_production(None).is_ok());
    }

    #[test]
    fn only_plain_names_are_spliced() {
        assert!(identifier("ycyw_bench").is_ok());
        for bad in ["", "a`b", "a b", "bench;DROP", "naïve", &"x".repeat(65)] {
            assert!(identifier(bad).is_err(), "{bad:?}");
        }
    }
}
