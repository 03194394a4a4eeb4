//! The catalog's errors, and how they answer over HTTP.

use ycyw_shared::ApiError;
use ycyw_shared::domain::{FieldErrors, InvalidValue};
use ycyw_shared::error::FieldError;

/// What can go wrong in the catalog.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// Unknown, or another agency's, resource (404).
    #[error("not found")]
    NotFound,
    /// Well-formed but invalid input, one entry per field (422).
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    /// Authenticated but lacking the right (403).
    #[error("{0}")]
    Forbidden(String),
    /// The change conflicts with the resource's state (409, e.g. `vehicle_has_reservations`).
    #[error("{detail}")]
    Conflict {
        /// Stable code.
        code: &'static str,
        /// Explanation.
        detail: String,
    },
    /// The database failed (500).
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// A stored row no longer parses: a bug or a hand-edited row (500).
    #[error("corrupt catalog row: {0}")]
    Corrupt(String),
}

impl CatalogError {
    /// 422 with one field error.
    pub fn field(field: &str, invalid: InvalidValue) -> Self {
        CatalogError::Invalid(vec![invalid.at(field)])
    }
}

impl From<CatalogError> for ApiError {
    fn from(error: CatalogError) -> Self {
        match error {
            CatalogError::NotFound => ApiError::NotFound,
            CatalogError::Invalid(errors) => ApiError::Unprocessable(errors),
            CatalogError::Forbidden(detail) => ApiError::Forbidden { code: "forbidden", detail },
            CatalogError::Conflict { code, detail } => ApiError::Conflict { code, detail },
            CatalogError::Database(e) => ApiError::from(e),
            CatalogError::Corrupt(what) => ApiError::Internal(anyhow::anyhow!("corrupt catalog row: {what}")),
        }
    }
}

impl From<FieldErrors> for CatalogError {
    fn from(errors: FieldErrors) -> Self {
        CatalogError::Invalid(errors.into_vec())
    }
}
