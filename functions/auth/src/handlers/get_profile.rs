use axum::Json;
use axum::extract::State;
use ycyw_shared::AppState;
use ycyw_shared::auth::AnyUser;
use ycyw_shared::error::{ApiError, Problem};

use crate::model::User;
use crate::service;

/// The caller's profile.
#[utoipa::path(get, path = "/users/me", operation_id = "getMyProfile", tag = "users", security(("bearer" = [])),
    responses(
        (status = 200, description = "Profile", body = User),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_profile(State(state): State<AppState>, AnyUser(claims): AnyUser) -> Result<Json<User>, ApiError> {
    Ok(Json(service::profile(&state, claims.sub).await?))
}
