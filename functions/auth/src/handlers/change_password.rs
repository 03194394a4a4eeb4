use axum::extract::State;
use axum::http::StatusCode;
use ycyw_shared::AppState;
use ycyw_shared::auth::AnyUser;
use ycyw_shared::error::{ApiError, Problem, ValidJson};

use super::now;
use crate::model::PasswordChange;
use crate::service::{self, Auth};

/// Changes the password; every other session is revoked. The session that asked stays: the
/// access token names it (`sid`), since the refresh cookie never comes to this path.
#[utoipa::path(put, path = "/users/me/password", operation_id = "changeMyPassword", tag = "users", security(("bearer" = [])), request_body = PasswordChange,
    responses(
        (status = 204, description = "Password changed"),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong current password or weak new one", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords: the account is locked for 15 minutes (code locked)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Password hashing saturated (code overloaded); retry after Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn change_password(
    State(state): State<AppState>,
    State(auth): State<Auth>,
    AnyUser(claims): AnyUser,
    ValidJson(request): ValidJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    service::change_password(&state, &auth, claims.sub, request, claims.sid, now(&state)).await?;
    Ok(StatusCode::NO_CONTENT)
}
