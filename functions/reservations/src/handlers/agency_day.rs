//! `GET /agencies/{id}/reservations?date=`: an agent's day list, in the agency's time.

use axum::Json;
use axum::extract::State;
use ycyw_shared::auth::AgentUser;
use ycyw_shared::domain::PageQuery;
use ycyw_shared::error::Problem;
use ycyw_shared::{ApiError, AppState};

use super::{Params, ResourceId};
use crate::model::{DayPage, DayQuery};
use crate::service::{Ctx, counter};

/// The day's pickups and returns at the agency.
#[utoipa::path(
    get,
    path = "/agencies/{id}/reservations",
    tag = "reservations",
    params(("id" = uuid::Uuid, Path, description = "Agency id"), DayQuery, PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Pickups and returns of the agency-local day, by time", body = DayPage),
        (status = 400, description = "Malformed query string", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an agent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown agency, or another agency's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid date, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn agency_day(
    State(state): State<AppState>,
    agent: AgentUser,
    ResourceId(id): ResourceId,
    Params(query): Params<DayQuery>,
    Params(page): Params<PageQuery>,
) -> Result<Json<DayPage>, ApiError> {
    Ok(Json(counter::day(&Ctx::new(&state), agent.agency_id, id, &query, &page).await?))
}
