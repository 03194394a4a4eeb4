//! `POST /reservations/{id}/pickup`: an agent hands the car over (from the start of the pickup's local day).

use axum::Json;
use axum::extract::State;
use ycyw_shared::auth::AgentUser;
use ycyw_shared::error::Problem;
use ycyw_shared::{ApiError, AppState};

use super::ResourceId;
use crate::model::ReservationView;
use crate::service::rules::CounterAction;
use crate::service::{Ctx, counter};

/// Marks a reservation picked up.
#[utoipa::path(
    post,
    path = "/reservations/{id}/pickup",
    tag = "reservations",
    params(("id" = uuid::Uuid, Path, description = "Reservation id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The reservation, picked up", body = ReservationView),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an agent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or not of the agent's agency", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "invalid_transition", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn record_pickup(
    State(state): State<AppState>,
    agent: AgentUser,
    ResourceId(id): ResourceId,
) -> Result<Json<ReservationView>, ApiError> {
    Ok(Json(counter::act(&Ctx::new(&state), agent.agency_id, id, CounterAction::Pickup).await?))
}
