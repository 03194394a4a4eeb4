//! Accounts and authentication: registration, email verification, sessions (JWT access tokens
//! and rotating refresh tokens), password reset, profile, data export and account deletion, and
//! the retention of accounts (unverified ones deleted, inactive ones noticed then anonymised).
//!
//! - [`AuthModule`] is the module's description (routes, secrets, retention part).
//! - [`Accounts`] is its public Rust API for the other modules and the ops tools (a user's
//!   profile, role and language; staff creation).
//!
//! Handlers, rules (`service`), SQL (`repo`) and request/response types (`model`) are internal.

mod error;
mod facade;
mod handlers;
mod model;
mod password;
mod repo;
mod retention;
mod service;
mod subjects;
mod tokens;

pub use facade::{AccountProfile, Accounts, AccountsError};
pub use retention::SIGN_IN_ATTEMPTS_TTL;
pub use service::StaffError;

use std::sync::Arc;

use async_trait::async_trait;
use axum::extract::FromRef;
use utoipa_axum::router::OpenApiRouter;
use ycyw_shared::AppState;
use ycyw_shared::auth::SubjectGuard;
use ycyw_shared::config::SecretKey;
use ycyw_shared::jobs::JobHandlers;
use ycyw_shared::module::{Build, Duty, Module, Routes, Work};
use ycyw_shared::retention::RetentionPart;

use crate::handlers::*;
use crate::service::Auth;

/// The auth module (DESIGN §2): its routes need the access-token key; its emails are the mail
/// module's jobs.
#[derive(Debug, Clone, Copy, Default)]
pub struct AuthModule;

/// The state of auth's handlers: the shared state and the password hasher.
#[derive(Debug, Clone)]
pub struct AuthState {
    app: AppState,
    auth: Auth,
}

impl FromRef<AuthState> for AppState {
    fn from_ref(state: &AuthState) -> AppState {
        state.app.clone()
    }
}

impl FromRef<AuthState> for Auth {
    fn from_ref(state: &AuthState) -> Auth {
        state.auth.clone()
    }
}

/// The module's operations, before any state: built to serve by [`Module::routes`], to
/// describe by [`Module::openapi`] (the description only then: [`Build`]).
fn api(build: Build) -> OpenApiRouter<AuthState> {
    OpenApiRouter::new()
        .routes(ycyw_shared::routes!(build; register::register))
        .routes(ycyw_shared::routes!(build; verify_email::verify_email))
        .routes(ycyw_shared::routes!(build; sign_in::sign_in))
        .routes(ycyw_shared::routes!(build; refresh_session::refresh_session))
        .routes(ycyw_shared::routes!(build; sign_out::sign_out))
        .routes(ycyw_shared::routes!(build; request_password_reset::request_password_reset))
        .routes(ycyw_shared::routes!(build; reset_password::reset_password))
        .routes(ycyw_shared::routes!(build; get_profile::get_profile, update_profile::update_profile, delete_account::delete_account))
        .routes(ycyw_shared::routes!(build; change_password::change_password))
        .routes(ycyw_shared::routes!(build; export_my_data::export_my_data))
}

#[async_trait]
impl Module for AuthModule {
    fn name(&self) -> &'static str {
        "auth"
    }

    fn secrets(&self, duty: Duty) -> &'static [SecretKey] {
        match duty {
            Duty::Http => &[SecretKey::JwtSigningKey, SecretKey::RateLimitKey],
            Duty::Work => &[],
        }
    }

    /// The reset requests, answered off the request path.
    async fn work(&self, state: &AppState) -> anyhow::Result<Work> {
        let jobs = JobHandlers::default().on::<service::PasswordResetRequest>(service::SendResetLink(state.clone()));
        Ok(Work { jobs, schedules: Vec::new() })
    }

    /// Unverified accounts deleted, inactive ones noticed then anonymised; expired tokens and
    /// old sign-in counters housekept.
    fn retention(&self) -> Option<Arc<dyn RetentionPart>> {
        Some(Arc::new(retention::AuthRetention))
    }

    fn subjects(&self, state: &AppState) -> Option<Arc<dyn SubjectGuard>> {
        Some(Arc::new(subjects::Subjects::new(state.db.clone())))
    }

    /// Fails (naming the setting) when the `ARGON2_*` settings are invalid.
    async fn routes(&self, state: &AppState) -> anyhow::Result<Routes> {
        let hasher = password::Hasher::from_env()?;
        Ok(Routes::new(api(Build::Serve).with_state(AuthState { app: state.clone(), auth: Auth { hasher } })))
    }

    fn openapi(&self) -> Option<utoipa::openapi::OpenApi> {
        Some(api(Build::Describe).into_openapi())
    }
}
