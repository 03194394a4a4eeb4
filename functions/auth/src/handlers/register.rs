use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ycyw_shared::AppState;
use ycyw_shared::error::{ApiError, Problem, ValidJson};
use ycyw_shared::rate_limit::{self, ClientIp};

use super::now;
use crate::model::{RegistrationAccepted, RegistrationRequest};
use crate::service::{self, Auth};

/// Creates a client account and emails a verification link. An address that has an account
/// gets the same answer (and a different email): the API never tells whether it is known.
#[utoipa::path(post, path = "/auth/registrations", operation_id = "registerAccount", tag = "auth", request_body = RegistrationRequest,
    responses(
        (status = 201, description = "Verification email sent", body = RegistrationAccepted),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Password hashing saturated (code overloaded); retry after Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn register(
    State(state): State<AppState>,
    State(auth): State<Auth>,
    ip: ClientIp,
    ValidJson(request): ValidJson<RegistrationRequest>,
) -> Result<(StatusCode, Json<RegistrationAccepted>), ApiError> {
    rate_limit::check(&state, "registration", ip).await?;
    let accepted = service::register(&state, &auth, request, now(&state)).await?;
    Ok((StatusCode::CREATED, Json(accepted)))
}
