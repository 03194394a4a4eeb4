//! `GET /agencies/{id}/rates`: an agency's whole rate set.

use axum::Json;
use axum::extract::State;
use ycyw_shared::auth::AgentUser;
use ycyw_shared::error::Problem;
use ycyw_shared::{ApiError, AppState};

use super::ResourceId;
use crate::model::RateSet;
use crate::service;

/// The agency's rates.
#[utoipa::path(
    get,
    path = "/agencies/{id}/rates",
    tag = "catalog",
    params(("id" = uuid::Uuid, Path, description = "Agency id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every rate, by category then start date (never paged)", body = RateSet),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an agent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown agency, or another agency's", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_rates(State(state): State<AppState>, agent: AgentUser, ResourceId(id): ResourceId) -> Result<Json<RateSet>, ApiError> {
    Ok(Json(service::rates::rate_set(&state.db, agent.agency_id, id).await?))
}
