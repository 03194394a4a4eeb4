//! `PUT /agencies/{id}/rates`: replaces an agency's whole rate set.

use axum::Json;
use axum::extract::State;
use ycyw_shared::auth::AgentUser;
use ycyw_shared::error::{Problem, ValidJson};
use ycyw_shared::{ApiError, AppState};

use super::ResourceId;
use crate::model::{RateSet, RatesInput};
use crate::service;

/// Replaces the agency's rates.
#[utoipa::path(
    put,
    path = "/agencies/{id}/rates",
    tag = "catalog",
    params(("id" = uuid::Uuid, Path, description = "Agency id")),
    request_body = RatesInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The new rate set", body = RateSet),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an agent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown agency, or another agency's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid rates (unknown_category, currency, overlapping periods…)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn replace_rates(
    State(state): State<AppState>,
    agent: AgentUser,
    ResourceId(id): ResourceId,
    body: Result<ValidJson<RatesInput>, ApiError>,
) -> Result<Json<RateSet>, ApiError> {
    service::ensure_own_agency(agent.agency_id, id)?;
    let ValidJson(input) = body?;
    Ok(Json(service::rates::replace_rates(&state.db, agent.agency_id, id, &input, state.clock.now()).await?))
}
