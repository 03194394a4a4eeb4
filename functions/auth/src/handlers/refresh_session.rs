use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use ycyw_shared::AppState;
use ycyw_shared::error::{ApiError, Problem};

use super::{now, refresh_token, with_refresh_cookie};
use crate::model::SessionResponse;
use crate::service;

/// Exchanges the refresh cookie for a new access token and a new refresh cookie. Presenting an
/// already-used refresh token revokes its whole session family.
#[utoipa::path(post, path = "/auth/sessions/refresh", operation_id = "refreshSession", tag = "auth",
    responses(
        (status = 200, description = "New access token; rotated refresh cookie", body = SessionResponse),
        (status = 401, description = "No, unknown, expired, revoked or replayed refresh token", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn refresh_session(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let token = refresh_token(&headers).ok_or(ApiError::Unauthorized)?;
    let now = now(&state);
    let session = service::refresh(&state, &token, now).await?;
    Ok(with_refresh_cookie(session, now))
}
