//! Per-IP rate limits (API.md: login, registration, reset requests, password resets, contact
//! form), counted in the database so every instance shares them. A fixed window of one minute per
//! action and client. The client is stored as an HMAC of its address keyed with
//! `RATE_LIMIT_KEY` (a module that rate-limits declares that secret), never the address.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;
use chrono::{DurationRound, TimeDelta};
use hmac::{Hmac, KeyInit, Mac};
use secrecy::ExposeSecret;
use sha2::Sha256;

use crate::config::SecretKey;

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

/// HMAC-SHA256(`key`, `data`).
fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // Any key length is valid for HMAC.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The row key of `action` from `ip`: the action and 128 bits of HMAC-SHA256(`key`, address).
pub fn bucket(key: &[u8], action: &str, ip: ClientIp) -> String {
    let client = ip.0.map_or_else(|| "unknown".to_string(), |ip| ip.to_string());
    let digest = hmac(key, client.as_bytes());
    format!("{action}:{}", digest.iter().take(16).map(|b| format!("{b:02x}")).collect::<String>())
}

/// A key for a personal identifier (an email address, say) in a table of counters: an HMAC keyed
/// with `RATE_LIMIT_KEY`, for `purpose` (e.g. `sign-in`), so the table never holds the
/// identifier, nor a hash anyone could recompute.
pub fn identifier_key(state: &AppState, purpose: &str, identifier: &str) -> Result<[u8; 32], ApiError> {
    let key = state.settings.secrets.require(SecretKey::RateLimitKey).map_err(|e| ApiError::Internal(e.into()))?;
    Ok(hmac(key.expose_secret().as_bytes(), format!("{purpose}:{identifier}").as_bytes()))
}

/// Counts one request of `action` from `ip` and refuses it past `RATE_LIMIT_PER_MINUTE` with a
/// 429 (`rate_limited`, `Retry-After` up to the next window).
pub async fn check(state: &AppState, action: &str, ip: ClientIp) -> Result<(), ApiError> {
    let key = state.settings.secrets.require(SecretKey::RateLimitKey).map_err(|e| ApiError::Internal(e.into()))?;
    let (pool, limit, now) = (&state.db, state.settings.rate_limit_per_minute, state.clock.now());
    let window = now.duration_trunc(TimeDelta::minutes(1)).unwrap_or(now);
    let bucket = bucket(key.expose_secret().as_bytes(), action, ip);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_keyed_so_an_address_cannot_be_recovered_without_the_key() {
        let ip = ClientIp(Some("203.0.113.7".parse().unwrap()));
        let a = bucket(b"key-a", "login", ip);
        assert_eq!(a, bucket(b"key-a", "login", ip), "the same client counts in the same row");
        assert_ne!(a, bucket(b"key-b", "login", ip), "another key, another row: the hash is keyed");
        assert_ne!(a, bucket(b"key-a", "login", ClientIp(Some("203.0.113.8".parse().unwrap()))));
        assert!(a.starts_with("login:") && a.len() == "login:".len() + 32);
        // The unkeyed SHA-256 of before, which anyone could recompute for every IPv4 address.
        use sha2::Digest as _;
        let unkeyed = sha2::Sha256::digest(b"ycyw-rate-limit:203.0.113.7");
        let unkeyed: String = unkeyed.iter().take(16).map(|b| format!("{b:02x}")).collect();
        assert!(!a.ends_with(&unkeyed));
        // RFC 4231 test case 2 (HMAC-SHA256, key "Jefe"): the construction is the standard one.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
}
