//! `POST /agencies/{id}/vehicles`: an agent adds a vehicle to their fleet.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ycyw_shared::auth::AgentUser;
use ycyw_shared::error::{Problem, ValidJson};
use ycyw_shared::{ApiError, AppState};

use super::ResourceId;
use crate::model::{NewVehicle, Vehicle};
use crate::service;

/// Adds a vehicle.
#[utoipa::path(
    post,
    path = "/agencies/{id}/vehicles",
    tag = "catalog",
    params(("id" = uuid::Uuid, Path, description = "Agency id")),
    request_body = NewVehicle,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Vehicle),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an agent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown agency, or another agency's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (unknown_category, plate taken…)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_vehicle(
    State(state): State<AppState>,
    agent: AgentUser,
    ResourceId(id): ResourceId,
    body: Result<ValidJson<NewVehicle>, ApiError>,
) -> Result<(StatusCode, Json<Vehicle>), ApiError> {
    service::ensure_own_agency(agent.agency_id, id)?;
    let ValidJson(input) = body?;
    let vehicle = service::fleet::create_vehicle(&state.db, agent.agency_id, id, &input, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(vehicle)))
}
