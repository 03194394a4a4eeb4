//! Per-IP rate limits (API.md: login, registration, reset requests, contact form), counted in the
//! database so every instance shares them. A fixed window of one minute per action and client.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use sha2::{Digest, Sha256};
use sqlx::MySqlPool;

use crate::error::ApiError;
use crate::state::AppState;
use crate::time::to_db_precision;

/// The client's address: the socket's, or the last `X-Forwarded-For` hop when `TRUST_PROXY=1`
/// (the ALB appends the address it saw).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub Option<IpAddr>);

impl<S> FromRequestParts<S> for ClientIp
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        if state.settings.trust_proxy {
            let forwarded = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
                .next_back();
            if forwarded.is_some() {
                return Ok(ClientIp(forwarded));
            }
        }
        Ok(ClientIp(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip())))
    }
}

/// Counts one request of `action` from `ip` and refuses it past `limit` per minute with a 429
/// (`rate_limited`, `Retry-After` up to the next window).
pub async fn check(pool: &MySqlPool, action: &str, ip: ClientIp, limit: u32, now: DateTime<Utc>) -> Result<(), ApiError> {
    let window = now.duration_trunc(TimeDelta::minutes(1)).unwrap_or(now);
    let client = ip.0.map_or_else(|| "unknown".to_string(), |ip| ip.to_string());
    let digest = Sha256::digest(format!("ycyw-rate-limit:{client}").as_bytes());
    let bucket = format!("{action}:{}", digest.iter().take(16).map(|b| format!("{b:02x}")).collect::<String>());
    let window_start = to_db_precision(window);
    sqlx::query!(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1) ON DUPLICATE KEY UPDATE hits = hits + 1",
        bucket,
        window_start
    )
    .execute(pool)
    .await?;
    let hits = sqlx::query_scalar!("SELECT hits FROM rate_limits WHERE bucket = ? AND window_start = ?", bucket, window_start)
        .fetch_one(pool)
        .await?;
    if hits > limit {
        let retry_after = (window + TimeDelta::minutes(1) - now).to_std().unwrap_or(Duration::from_secs(60));
        return Err(ApiError::TooManyRequests { code: "rate_limited", retry_after });
    }
    Ok(())
}

/// Deletes windows older than an hour (run by the retention purge).
pub async fn purge(pool: &MySqlPool, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let result =
        sqlx::query!("DELETE FROM rate_limits WHERE window_start < ?", to_db_precision(now - TimeDelta::hours(1))).execute(pool).await?;
    Ok(result.rows_affected())
}
