//! One thin handler per endpoint: extract, validate, call the service, shape the answer.

pub mod email_verifications;
pub mod me;
pub mod me_export;
pub mod me_password;
pub mod password_reset_requests;
pub mod password_resets;
pub mod registrations;
pub mod sessions;

use axum::http::{HeaderMap, HeaderValue, header};

/// The refresh cookie's name (API.md).
pub const REFRESH_COOKIE: &str = "ycyw_refresh";

/// `Set-Cookie` for a refresh token, living as long as its family.
pub fn refresh_cookie(token: &str, max_age_seconds: i64) -> HeaderValue {
    let value =
        format!("{REFRESH_COOKIE}={token}; HttpOnly; Secure; SameSite=Strict; Path=/api/v1/auth; Max-Age={}", max_age_seconds.max(0));
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` that removes the refresh cookie.
pub fn cleared_refresh_cookie() -> HeaderValue {
    HeaderValue::from_static("ycyw_refresh=; HttpOnly; Secure; SameSite=Strict; Path=/api/v1/auth; Max-Age=0")
}

/// The refresh token of the request's cookie, if any.
pub fn refresh_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == REFRESH_COOKIE && !value.is_empty())
        .map(|(_, value)| value.to_string())
}
