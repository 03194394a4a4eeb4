//! Accounts and authentication: registration, email verification, sessions (JWT access tokens
//! and rotating refresh tokens), password reset, profile, data export and account deletion.
//!
//! [`router`] is the module's whole HTTP surface; [`service`] holds the rules (also used by the
//! worker's `create-staff`).

pub mod handlers;
pub mod model;
pub mod password;
pub mod repo;
pub mod service;
pub mod tokens;

use axum::Extension;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use ycyw_shared::AppState;

use crate::handlers::{email_verifications, me, me_export, me_password, password_reset_requests, password_resets, registrations, sessions};

/// The module's routes, relative to `/api/v1`, with their OpenAPI description.
///
/// # Panics
/// At start-up, when the `ARGON2_*` settings are invalid.
pub fn router(_state: &AppState) -> OpenApiRouter<AppState> {
    let hasher = match password::Hasher::from_env() {
        Ok(hasher) => hasher,
        Err(e) => panic!("auth settings: {e}"),
    };
    OpenApiRouter::new()
        .routes(routes!(registrations::create))
        .routes(routes!(email_verifications::create))
        .routes(routes!(sessions::create))
        .routes(routes!(sessions::refresh))
        .routes(routes!(sessions::delete_current))
        .routes(routes!(password_reset_requests::create))
        .routes(routes!(password_resets::create))
        .routes(routes!(me::get, me::patch, me::delete))
        .routes(routes!(me_password::put))
        .routes(routes!(me_export::get))
        .layer(Extension(service::Auth { hasher }))
}
