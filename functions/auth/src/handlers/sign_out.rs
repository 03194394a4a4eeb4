use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ycyw_shared::AppState;
use ycyw_shared::error::ApiError;

use super::{cleared_refresh_cookie, now, refresh_token};
use crate::service;

/// Signs out: revokes the session family and clears the cookie.
#[utoipa::path(delete, path = "/auth/sessions/current", operation_id = "signOut", tag = "auth",
    responses((status = 204, description = "Signed out; cookie cleared")))]
pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    service::logout(&state, refresh_token(&headers).as_deref(), now(&state)).await?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cleared_refresh_cookie())]).into_response())
}
