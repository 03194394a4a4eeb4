//! `GET /agencies/{id}/vehicles`: an agent's fleet, active and inactive, by plate.

use axum::Json;
use axum::extract::State;
use ycyw_shared::auth::AgentUser;
use ycyw_shared::error::Problem;
use ycyw_shared::{ApiError, AppState};

use super::{Params, ResourceId};
use crate::model::{Page, PageQuery, Vehicle, VehicleQuery};
use crate::service;

/// Lists the agency's vehicles.
#[utoipa::path(
    get,
    path = "/agencies/{id}/vehicles",
    tag = "catalog",
    params(("id" = uuid::Uuid, Path, description = "Agency id"), VehicleQuery, PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Vehicles, by plate", body = Page<Vehicle>),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an agent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown agency, or another agency's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_vehicles(
    State(state): State<AppState>,
    agent: AgentUser,
    ResourceId(id): ResourceId,
    Params(filter): Params<VehicleQuery>,
    Params(page): Params<PageQuery>,
) -> Result<Json<Page<Vehicle>>, ApiError> {
    Ok(Json(service::fleet::list_vehicles(&state.db, agent.agency_id, id, &filter, &page).await?))
}
