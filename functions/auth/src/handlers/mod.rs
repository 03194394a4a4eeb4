//! One thin handler per endpoint: extract, validate, call the service, shape the answer.

pub mod change_password;
pub mod delete_account;
pub mod export_my_data;
pub mod get_profile;
pub mod refresh_session;
pub mod register;
pub mod request_password_reset;
pub mod reset_password;
pub mod sign_in;
pub mod sign_out;
pub mod update_profile;
pub mod verify_email;

use axum::Json;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use chrono::{DateTime, Utc};
use ycyw_shared::AppState;
use ycyw_shared::time::to_db_precision;

use crate::service::Session;

/// The instant a request is handled at, as the database stores instants (the services take it
/// as a parameter, so tests set it exactly).
pub fn now(state: &AppState) -> DateTime<Utc> {
    to_db_precision(state.clock.now())
}

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

/// A session answer with its refresh cookie, which lives as long as the session's family is
/// left to live at `now` (never longer than the server accepts it).
pub fn with_refresh_cookie(session: Session, now: DateTime<Utc>) -> Response {
    let max_age = (session.expires_at - now).num_seconds();
    ([(header::SET_COOKIE, refresh_cookie(&session.refresh_token, max_age))], Json(session.answer)).into_response()
}
