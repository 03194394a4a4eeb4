//! The auth module's errors, and how they answer over HTTP.

use std::time::Duration;

use ycyw_shared::domain::FieldErrors;
use ycyw_shared::error::{ApiError, FieldError};

use crate::password::HashError;

/// Why an account or session operation failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AuthError {
    /// 422: field errors (`weak_password`, `underage`, an invalid link `token`, a wrong
    /// `currentPassword`, …).
    #[error("invalid request")]
    Invalid(FieldErrors),
    /// 401: no such email, or the wrong password — the same answer for both.
    #[error("wrong email or password")]
    LoginFailed,
    /// 401: the refresh token is unknown, expired, revoked or replayed, or its account can no
    /// longer sign in.
    #[error("session refused")]
    SessionRefused,
    /// 429 `locked`: too many failed sign-ins; retry after the delay.
    #[error("account locked")]
    Locked {
        /// Until the lock ends.
        retry_after: Duration,
    },
    /// 403 `email_unverified`.
    #[error("email address not verified")]
    EmailUnverified,
    /// 404: the caller's account is gone.
    #[error("no such account")]
    NotFound,
    /// 503 `overloaded`: every password-hashing slot is busy.
    #[error("password hashing is saturated")]
    Busy,
    /// 500: the database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// 500: anything else that is not the caller's doing.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AuthError {
    /// 422 on one field.
    pub(crate) fn field(field: &str, code: &'static str, message: &str) -> Self {
        AuthError::Invalid(FieldErrors::from(FieldError::new(field, code, message)))
    }

    /// 422 on `token`: the emailed link cannot be used.
    pub(crate) fn invalid_token() -> Self {
        Self::field("token", "invalid", "this link is invalid, expired or already used")
    }
}

impl From<HashError> for AuthError {
    fn from(error: HashError) -> Self {
        match error {
            HashError::Busy => AuthError::Busy,
            HashError::Failed(e) => AuthError::Internal(e),
        }
    }
}

impl From<FieldErrors> for AuthError {
    fn from(errors: FieldErrors) -> Self {
        AuthError::Invalid(errors)
    }
}

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> Self {
        match error {
            AuthError::Invalid(errors) => errors.into(),
            AuthError::LoginFailed | AuthError::SessionRefused => ApiError::Unauthorized,
            AuthError::Locked { retry_after } => ApiError::TooManyRequests { code: "locked", retry_after },
            AuthError::EmailUnverified => {
                ApiError::Forbidden { code: "email_unverified", detail: "confirm your email address first: we sent you a link".into() }
            }
            AuthError::NotFound => ApiError::NotFound,
            AuthError::Busy => ApiError::Overloaded { retry_after: Duration::from_secs(1) },
            AuthError::Database(e) => e.into(),
            AuthError::Internal(e) => ApiError::Internal(e),
        }
    }
}
