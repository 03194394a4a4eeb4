use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ycyw_shared::AppState;
use ycyw_shared::error::{ApiError, Problem, ValidJson};
use ycyw_shared::rate_limit::{self, ClientIp};

use super::{cleared_refresh_cookie, refresh_cookie, refresh_token};
use crate::model::{LoginRequest, SessionResponse};
use crate::service::{self, Auth, SESSION_TTL};

fn with_cookie(session: SessionResponse, token: &str, max_age: i64) -> Response {
    ([(header::SET_COOKIE, refresh_cookie(token, max_age))], Json(session)).into_response()
}

/// Signs in: an access token in the body, the refresh token in the `ycyw_refresh` cookie.
/// Five failures in a row lock the account for 15 minutes.
#[utoipa::path(post, path = "/auth/sessions", operation_id = "signIn", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; refresh cookie set", body = SessionResponse),
        (status = 401, description = "Wrong email or password", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Email address not verified (code email_unverified)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Account locked (code locked) or too many requests (code rate_limited)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    State(auth): State<Auth>,
    ip: ClientIp,
    ValidJson(request): ValidJson<LoginRequest>,
) -> Result<Response, ApiError> {
    rate_limit::check(&state.db, "login", ip, state.settings.rate_limit_per_minute, state.clock.now()).await?;
    let (session, token) = service::login(&state, &auth, request).await?;
    Ok(with_cookie(session, &token, SESSION_TTL.num_seconds()))
}

/// Exchanges the refresh cookie for a new access token and a new refresh cookie. Presenting an
/// already-used refresh token revokes its whole session family.
#[utoipa::path(post, path = "/auth/sessions/refresh", operation_id = "refreshSession", tag = "auth",
    responses(
        (status = 200, description = "New access token; rotated refresh cookie", body = SessionResponse),
        (status = 401, description = "No, unknown, expired, revoked or replayed refresh token", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn refresh(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let token = refresh_token(&headers).ok_or(ApiError::Unauthorized)?;
    let (session, token) = service::refresh(&state, &token).await?;
    Ok(with_cookie(session, &token, SESSION_TTL.num_seconds()))
}

/// Signs out: revokes the session family and clears the cookie.
#[utoipa::path(delete, path = "/auth/sessions/current", operation_id = "signOut", tag = "auth",
    responses((status = 204, description = "Signed out; cookie cleared")))]
pub async fn delete_current(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    service::logout(&state, refresh_token(&headers).as_deref()).await?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cleared_refresh_cookie())]).into_response())
}
