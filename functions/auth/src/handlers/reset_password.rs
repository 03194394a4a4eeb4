use axum::extract::State;
use axum::http::StatusCode;
use ycyw_shared::AppState;
use ycyw_shared::error::{ApiError, Problem, ValidJson};
use ycyw_shared::rate_limit::{self, ClientIp};

use super::now;
use crate::model::PasswordReset;
use crate::service::{self, Auth};

/// Sets a new password with the token of a reset link or of a staff invitation; every session
/// of the account is revoked.
#[utoipa::path(post, path = "/auth/password-resets", operation_id = "resetPassword", tag = "auth", request_body = PasswordReset,
    responses(
        (status = 204, description = "Password set; all sessions revoked"),
        (status = 422, description = "Invalid token or weak password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Password hashing saturated (code overloaded); retry after Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn reset_password(
    State(state): State<AppState>,
    State(auth): State<Auth>,
    ip: ClientIp,
    ValidJson(request): ValidJson<PasswordReset>,
) -> Result<StatusCode, ApiError> {
    rate_limit::check(&state, "password_reset_use", ip).await?;
    service::reset_password(&state, &auth, request, now(&state)).await?;
    Ok(StatusCode::NO_CONTENT)
}
