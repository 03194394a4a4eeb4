//! `POST /agencies`: reserved to agents with the `agencies:create` right (API.md). Access tokens
//! carry no such right yet, so every caller gets 403 and agencies are created by ops with
//! `ycyw-worker create-agency` (see docs/catalog.md); the creation path itself is complete.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ycyw_shared::auth::AgentUser;
use ycyw_shared::error::{Problem, ValidJson};
use ycyw_shared::{ApiError, AppState};

use crate::model::{Agency, NewAgency};
use crate::service;

/// Creates an agency.
#[utoipa::path(
    post,
    path = "/agencies",
    tag = "catalog",
    request_body = NewAgency,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Agency),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an agent with the agencies:create right (no token has it yet: use the ops CLI)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid agency, or code taken", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_agency(
    State(state): State<AppState>,
    agent: AgentUser,
    body: Result<ValidJson<NewAgency>, ApiError>,
) -> Result<Response, ApiError> {
    if !service::may_create_agencies(&agent.claims) {
        return Err(ApiError::Forbidden {
            code: "forbidden",
            detail: "creating agencies needs the agencies:create right; agencies are created by operations (ycyw-worker create-agency)"
                .into(),
        });
    }
    let ValidJson(input) = body?;
    let agency = service::agencies::create_agency(&state.db, &input, state.clock.now()).await?;
    let location = HeaderValue::from_str(&format!("/api/v1/agencies/{}", agency.id)).map_err(|e| ApiError::Internal(e.into()))?;
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(agency)).into_response())
}
