use axum::extract::State;
use axum::http::StatusCode;
use ycyw_shared::AppState;
use ycyw_shared::error::{ApiError, Problem, ValidJson};

use super::now;
use crate::model::TokenRequest;
use crate::service;

/// Confirms an email address with the token of the emailed link.
#[utoipa::path(post, path = "/auth/email-verifications", operation_id = "verifyEmail", tag = "auth", request_body = TokenRequest,
    responses(
        (status = 204, description = "Address verified"),
        (status = 422, description = "Unknown, expired or used token", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn verify_email(State(state): State<AppState>, ValidJson(request): ValidJson<TokenRequest>) -> Result<StatusCode, ApiError> {
    service::verify_email(&state, &request.token, now(&state)).await?;
    Ok(StatusCode::NO_CONTENT)
}
