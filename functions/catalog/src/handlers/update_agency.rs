//! `PATCH /agencies/{id}`: an agent edits their own agency.

use axum::Json;
use axum::extract::State;
use ycyw_shared::auth::AgentUser;
use ycyw_shared::error::{Problem, ValidJson};
use ycyw_shared::{ApiError, AppState};

use super::ResourceId;
use crate::model::{Agency, AgencyPatch};
use crate::service;

/// Edits an agency; fields left out are unchanged.
#[utoipa::path(
    patch,
    path = "/agencies/{id}",
    tag = "catalog",
    params(("id" = uuid::Uuid, Path, description = "Agency id")),
    request_body = AgencyPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The updated agency", body = Agency),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an agent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown agency, or another agency's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "agency_has_reservations: a time-zone change or deactivation while reservations to come pick up or return there", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_agency(
    State(state): State<AppState>,
    agent: AgentUser,
    ResourceId(id): ResourceId,
    body: Result<ValidJson<AgencyPatch>, ApiError>,
) -> Result<Json<Agency>, ApiError> {
    service::ensure_own_agency(agent.agency_id, id)?;
    let ValidJson(patch) = body?;
    let guard = crate::fleet_guard::from_state(&state);
    Ok(Json(service::agencies::update_agency(&state.db, guard.as_deref(), agent.agency_id, id, &patch, state.clock.now()).await?))
}
