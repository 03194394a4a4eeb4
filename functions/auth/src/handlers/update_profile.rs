use axum::Json;
use axum::extract::State;
use ycyw_shared::AppState;
use ycyw_shared::auth::AnyUser;
use ycyw_shared::error::{ApiError, Problem, ValidJson};

use super::now;
use crate::model::{ProfilePatch, User};
use crate::service;

/// Changes the fields given (first and last name, birth date, address, phone, locale).
#[utoipa::path(patch, path = "/users/me", operation_id = "updateMyProfile", tag = "users", security(("bearer" = [])), request_body = ProfilePatch,
    responses(
        (status = 200, description = "Updated profile", body = User),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_profile(
    State(state): State<AppState>,
    AnyUser(claims): AnyUser,
    ValidJson(patch): ValidJson<ProfilePatch>,
) -> Result<Json<User>, ApiError> {
    Ok(Json(service::update_profile(&state, claims.sub, patch, now(&state)).await?))
}
