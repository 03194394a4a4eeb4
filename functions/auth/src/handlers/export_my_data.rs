use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use ycyw_shared::AppState;
use ycyw_shared::auth::AnyUser;
use ycyw_shared::error::{ApiError, Problem};

use super::now;
use crate::service;

/// Everything held about the caller, as a JSON download.
#[utoipa::path(get, path = "/users/me/export", operation_id = "exportMyData", tag = "users", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's data", content_type = "application/json"),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn export_my_data(State(state): State<AppState>, AnyUser(claims): AnyUser) -> Result<Response, ApiError> {
    let export = service::export(&state, claims.sub, now(&state)).await?;
    Ok(([(header::CONTENT_DISPOSITION, "attachment; filename=\"ycyw-my-data.json\"")], Json(export)).into_response())
}
