//! `DELETE /vehicles/{id}`: deactivates a vehicle; it stays in the fleet's history.

use axum::extract::State;
use axum::http::StatusCode;
use ycyw_shared::auth::AgentUser;
use ycyw_shared::error::Problem;
use ycyw_shared::{ApiError, AppState};

use super::ResourceId;
use crate::service;

/// Deactivates a vehicle (idempotent).
#[utoipa::path(
    delete,
    path = "/vehicles/{id}",
    tag = "catalog",
    params(("id" = uuid::Uuid, Path, description = "Vehicle id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deactivated"),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an agent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown vehicle, or another agency's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "vehicle_has_reservations: its future reservations cannot move to another free vehicle", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_vehicle(State(state): State<AppState>, agent: AgentUser, ResourceId(id): ResourceId) -> Result<StatusCode, ApiError> {
    let guard = crate::fleet_guard::from_state(&state);
    service::fleet::deactivate_vehicle(&state.db, guard.as_deref(), agent.agency_id, id, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
