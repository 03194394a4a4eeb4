//! The module's errors, and how they answer over HTTP.

use ycyw_auth::AccountsError;
use ycyw_catalog::CatalogError;
use ycyw_shared::ApiError;
use ycyw_shared::domain::{FieldErrors, InvalidValue};
use ycyw_shared::error::FieldError;

/// What can go wrong with a reservation.
#[derive(Debug, thiserror::Error)]
pub enum ReservationsError {
    /// Unknown, or someone else's, reservation or agency (404).
    #[error("not found")]
    NotFound,
    /// Well-formed but invalid input, one entry per field (422).
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    /// The caller may not do this (403, e.g. `email_unverified`).
    #[error("{detail}")]
    Forbidden {
        /// Stable code.
        code: &'static str,
        /// Explanation.
        detail: String,
    },
    /// The reservation's state forbids it (409: `unavailable`, `modification_window_closed`,
    /// `not_cancellable`, `invalid_transition`, …).
    #[error("{detail}")]
    Conflict {
        /// Stable code.
        code: &'static str,
        /// Explanation.
        detail: String,
    },
    /// The catalog failed.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The auth module failed.
    #[error(transparent)]
    Accounts(#[from] AccountsError),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// Anything else that is our fault (a row that no longer parses, …).
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ReservationsError {
    /// 422 with one field error.
    pub fn field(field: &str, invalid: InvalidValue) -> Self {
        ReservationsError::Invalid(vec![invalid.at(field)])
    }

    /// 409 with a stable code.
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        ReservationsError::Conflict { code, detail: detail.into() }
    }

    /// 409 `unavailable`: no vehicle of the category is free for the whole window.
    pub fn unavailable() -> Self {
        Self::conflict("unavailable", "no vehicle of this category is free at that agency for the whole rental; search again")
    }

    /// The database error inside, for `db::retry_transient`.
    pub fn as_sql(&self) -> Option<&sqlx::Error> {
        match self {
            ReservationsError::Database(e) => Some(e),
            ReservationsError::Catalog(CatalogError::Database(e)) => Some(e),
            _ => None,
        }
    }
}

impl From<ReservationsError> for ApiError {
    fn from(error: ReservationsError) -> Self {
        match error {
            ReservationsError::NotFound => ApiError::NotFound,
            ReservationsError::Invalid(errors) => ApiError::Unprocessable(errors),
            ReservationsError::Forbidden { code, detail } => ApiError::Forbidden { code, detail },
            ReservationsError::Conflict { code, detail } => ApiError::Conflict { code, detail },
            ReservationsError::Catalog(e) => ApiError::from(e),
            // The database down while the auth module answers is a 503, not a bug.
            ReservationsError::Accounts(AccountsError::Internal(e)) => ycyw_shared::db::api_error(e),
            ReservationsError::Database(e) => ApiError::from(e),
            ReservationsError::Internal(e) => ApiError::Internal(e),
        }
    }
}

impl From<FieldErrors> for ReservationsError {
    fn from(errors: FieldErrors) -> Self {
        ReservationsError::Invalid(errors.into_vec())
    }
}

impl From<serde_json::Error> for ReservationsError {
    fn from(error: serde_json::Error) -> Self {
        ReservationsError::Internal(error.into())
    }
}
