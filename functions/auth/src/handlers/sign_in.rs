use axum::extract::State;
use axum::response::Response;
use ycyw_shared::AppState;
use ycyw_shared::error::{ApiError, Problem, ValidJson};
use ycyw_shared::rate_limit::{self, ClientIp};

use super::{now, with_refresh_cookie};
use crate::model::{LoginRequest, SessionResponse};
use crate::service::{self, Auth};

/// Signs in: an access token in the body, the refresh token in the `ycyw_refresh` cookie.
/// Five failures in a row lock the account for 15 minutes.
#[utoipa::path(post, path = "/auth/sessions", operation_id = "signIn", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; refresh cookie set", body = SessionResponse),
        (status = 401, description = "Wrong email or password", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Email address not verified (code email_unverified)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Account locked (code locked) or too many requests (code rate_limited)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Password hashing saturated (code overloaded); retry after Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn sign_in(
    State(state): State<AppState>,
    State(auth): State<Auth>,
    ip: ClientIp,
    ValidJson(request): ValidJson<LoginRequest>,
) -> Result<Response, ApiError> {
    rate_limit::check(&state, "login", ip).await?;
    let now = now(&state);
    let session = service::login(&state, &auth, request, now).await?;
    Ok(with_refresh_cookie(session, now))
}
