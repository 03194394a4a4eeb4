use axum::extract::State;
use axum::http::StatusCode;
use ycyw_shared::AppState;
use ycyw_shared::error::{ApiError, Problem, ValidJson};
use ycyw_shared::rate_limit::{self, ClientIp};

use super::now;
use crate::model::ResetRequest;
use crate::service;

/// Emails a single-use reset link (1 h) when the address has an account. Always 202.
#[utoipa::path(post, path = "/auth/password-reset-requests", operation_id = "requestPasswordReset", tag = "auth", request_body = ResetRequest,
    responses(
        (status = 202, description = "If the address has an account, a link is on its way"),
        (status = 429, description = "Too many requests from this address", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn request_password_reset(
    State(state): State<AppState>,
    ip: ClientIp,
    ValidJson(request): ValidJson<ResetRequest>,
) -> Result<StatusCode, ApiError> {
    rate_limit::check(&state, "password_reset", ip).await?;
    service::request_password_reset(&state, &request.email, now(&state)).await?;
    Ok(StatusCode::ACCEPTED)
}
