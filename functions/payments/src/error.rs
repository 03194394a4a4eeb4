//! The module's errors, and how they answer over HTTP.

use ycyw_reservations::ReservationsError;
use ycyw_shared::ApiError;

/// What can go wrong with a payment.
#[derive(Debug, thiserror::Error)]
pub enum PaymentsError {
    /// Unknown, or someone else's, reservation (404).
    #[error("not found")]
    NotFound,
    /// The caller's role may not see this (403).
    #[error("payments are seen by the reservation's client and its agencies")]
    Forbidden,
    /// The webhook's signature is missing, wrong or too old (400, nothing stored).
    #[error("{0}")]
    BadSignature(&'static str),
    /// Stripe did not answer, or answered 5xx, after our retries (502).
    #[error("the payment provider is unavailable: {0}")]
    ProviderUnavailable(String),
    /// Stripe refused the request (a bug of ours, or a configuration error).
    #[error("the payment provider refused the request: {0}")]
    ProviderRefused(String),
    /// The reservations module answered with an error (its own status).
    #[error(transparent)]
    Reservations(#[from] ReservationsError),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// Anything else that is our fault.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<PaymentsError> for ApiError {
    fn from(error: PaymentsError) -> Self {
        match error {
            PaymentsError::NotFound => ApiError::NotFound,
            PaymentsError::Forbidden => {
                ApiError::Forbidden { code: "forbidden", detail: "payments are seen by the reservation's client and its agencies".into() }
            }
            PaymentsError::BadSignature(detail) => ApiError::BadRequest { code: "invalid_signature", detail: detail.into() },
            PaymentsError::ProviderUnavailable(cause) => {
                tracing::warn!(%cause, "Stripe unavailable");
                ApiError::BadGateway {
                    code: "payment_provider_unavailable",
                    detail: "the payment provider did not answer; try again in a moment".into(),
                }
            }
            PaymentsError::ProviderRefused(cause) => ApiError::Internal(anyhow::anyhow!("Stripe refused a request: {cause}")),
            PaymentsError::Reservations(e) => ApiError::from(e),
            PaymentsError::Database(e) => ApiError::from(e),
            PaymentsError::Internal(e) => ApiError::Internal(e),
        }
    }
}
