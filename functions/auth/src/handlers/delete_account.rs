use axum::extract::State;
use axum::http::StatusCode;
use ycyw_shared::AppState;
use ycyw_shared::auth::ClientUser;
use ycyw_shared::error::{ApiError, Problem, ValidJson};

use super::now;
use crate::model::AccountDeletion;
use crate::service::{self, Auth};

/// Deletes the caller's account (clients only), after checking the password: personal data
/// erased, sessions revoked, future reservations cancelled, a confirmation emailed.
#[utoipa::path(delete, path = "/users/me", operation_id = "deleteMyAccount", tag = "users", security(("bearer" = [])), request_body = AccountDeletion,
    responses(
        (status = 204, description = "Account deleted"),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Staff accounts are closed by ops", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords: the account is locked for 15 minutes (code locked)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Password hashing saturated (code overloaded); retry after Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_account(
    State(state): State<AppState>,
    State(auth): State<Auth>,
    ClientUser(claims): ClientUser,
    ValidJson(request): ValidJson<AccountDeletion>,
) -> Result<StatusCode, ApiError> {
    service::delete_account(&state, &auth, claims.sub, request.password, now(&state)).await?;
    Ok(StatusCode::NO_CONTENT)
}
