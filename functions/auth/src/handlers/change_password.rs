use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use ycyw_shared::AppState;
use ycyw_shared::auth::AnyUser;
use ycyw_shared::error::{ApiError, Problem, ValidJson};

use super::now;
use super::refresh_token;
use crate::model::PasswordChange;
use crate::service::{self, Auth};

/// Changes the password; every other session is revoked (the one whose refresh cookie came
/// with the request stays).
#[utoipa::path(put, path = "/users/me/password", operation_id = "changeMyPassword", tag = "users", security(("bearer" = [])), request_body = PasswordChange,
    responses(
        (status = 204, description = "Password changed"),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong current password or weak new one", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn change_password(
    State(state): State<AppState>,
    State(auth): State<Auth>,
    AnyUser(claims): AnyUser,
    headers: HeaderMap,
    ValidJson(request): ValidJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let family = match refresh_token(&headers) {
        Some(token) => service::family_of(&state, &token).await?,
        None => None,
    };
    service::change_password(&state, &auth, claims.sub, request, family, now(&state)).await?;
    Ok(StatusCode::NO_CONTENT)
}
