//! `PATCH /vehicles/{id}`: an agent edits a vehicle of their fleet.

use axum::Json;
use axum::extract::State;
use ycyw_shared::auth::AgentUser;
use ycyw_shared::error::{Problem, ValidJson};
use ycyw_shared::{ApiError, AppState};

use super::ResourceId;
use crate::model::{Vehicle, VehiclePatch};
use crate::service;

/// Edits a vehicle; fields left out are unchanged.
#[utoipa::path(
    patch,
    path = "/vehicles/{id}",
    tag = "catalog",
    params(("id" = uuid::Uuid, Path, description = "Vehicle id")),
    request_body = VehiclePatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The updated vehicle", body = Vehicle),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an agent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown vehicle, or another agency's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "vehicle_has_reservations: deactivating it or changing its category, when its future reservations cannot move to another free vehicle", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_vehicle(
    State(state): State<AppState>,
    agent: AgentUser,
    ResourceId(id): ResourceId,
    body: Result<ValidJson<VehiclePatch>, ApiError>,
) -> Result<Json<Vehicle>, ApiError> {
    // Ownership (404) comes before the body's validation (422): the service checks it first, and a
    // malformed body is only reported to the vehicle's own agents.
    let patch = match body {
        Ok(ValidJson(patch)) => patch,
        Err(rejection) => {
            service::fleet::ensure_vehicle_owner(&state.db, agent.agency_id, id).await?;
            return Err(rejection);
        }
    };
    let guard = crate::fleet_guard::from_state(&state);
    Ok(Json(service::fleet::update_vehicle(&state.db, guard.as_deref(), agent.agency_id, id, &patch, state.clock.now()).await?))
}
