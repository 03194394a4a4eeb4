use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ycyw_shared::AppState;
use ycyw_shared::auth::{AnyUser, ClientUser};
use ycyw_shared::error::{ApiError, Problem, ValidJson};

use crate::model::{AccountDeletion, ProfilePatch, User};
use crate::service::{self, Auth};

/// The caller's profile.
#[utoipa::path(get, path = "/users/me", operation_id = "getMyProfile", tag = "users", security(("bearer" = [])),
    responses(
        (status = 200, description = "Profile", body = User),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(State(state): State<AppState>, AnyUser(claims): AnyUser) -> Result<Json<User>, ApiError> {
    Ok(Json(service::profile(&state, claims.sub).await?))
}

/// Changes the fields given (first and last name, birth date, address, phone, locale).
#[utoipa::path(patch, path = "/users/me", operation_id = "updateMyProfile", tag = "users", security(("bearer" = [])), request_body = ProfilePatch,
    responses(
        (status = 200, description = "Updated profile", body = User),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn patch(
    State(state): State<AppState>,
    AnyUser(claims): AnyUser,
    ValidJson(patch): ValidJson<ProfilePatch>,
) -> Result<Json<User>, ApiError> {
    Ok(Json(service::update_profile(&state, claims.sub, patch).await?))
}

/// Deletes the caller's account (clients only), after checking the password: personal data
/// erased, sessions revoked, future reservations cancelled, a confirmation emailed.
#[utoipa::path(delete, path = "/users/me", operation_id = "deleteMyAccount", tag = "users", security(("bearer" = [])), request_body = AccountDeletion,
    responses(
        (status = 204, description = "Account deleted"),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Staff accounts are closed by ops", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong password", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    State(auth): State<Auth>,
    ClientUser(claims): ClientUser,
    ValidJson(request): ValidJson<AccountDeletion>,
) -> Result<StatusCode, ApiError> {
    service::delete_account(&state, &auth, claims.sub, request.password).await?;
    Ok(StatusCode::NO_CONTENT)
}
