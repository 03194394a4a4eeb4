//! `GET /agencies/{id}`: one active agency (an inactive one is shown only to its own agents).

use axum::Json;
use axum::extract::State;
use ycyw_shared::auth::AgentUser;
use ycyw_shared::error::Problem;
use ycyw_shared::{ApiError, AppState};

use super::ResourceId;
use crate::model::Agency;
use crate::service;

/// One agency.
#[utoipa::path(
    get,
    path = "/agencies/{id}",
    tag = "catalog",
    params(("id" = uuid::Uuid, Path, description = "Agency id")),
    responses(
        (status = 200, description = "The agency", body = Agency),
        (status = 404, description = "Unknown or inactive agency", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_agency(
    State(state): State<AppState>,
    viewer: Result<AgentUser, ApiError>,
    ResourceId(id): ResourceId,
) -> Result<Json<Agency>, ApiError> {
    // The route is public: a missing or unusable token just means an anonymous viewer.
    let viewer_agency = viewer.ok().map(|agent| agent.agency_id);
    Ok(Json(service::agencies::public_agency(&state.db, id, viewer_agency).await?))
}
