//! `GET /reservations/{id}`: its client, or an agent of its pickup or return agency.

use axum::Json;
use axum::extract::State;
use ycyw_shared::auth::{AnyUser, Role};
use ycyw_shared::error::Problem;
use ycyw_shared::{ApiError, AppState};

use super::ResourceId;
use crate::model::ReservationView;
use crate::service::Ctx;
use crate::service::manage::{self, Viewer};

/// One reservation.
#[utoipa::path(
    get,
    path = "/reservations/{id}",
    tag = "reservations",
    params(("id" = uuid::Uuid, Path, description = "Reservation id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The reservation, with its status history", body = ReservationView),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Support staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or someone else's", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_reservation(
    State(state): State<AppState>,
    AnyUser(claims): AnyUser,
    ResourceId(id): ResourceId,
) -> Result<Json<ReservationView>, ApiError> {
    let viewer = match (claims.role, claims.agency) {
        (Role::Client, _) => Viewer::Client(claims.sub),
        (Role::Agent, Some(agency)) => Viewer::Agent(agency),
        _ => {
            return Err(ApiError::Forbidden {
                code: "forbidden",
                detail: "reservations are seen by their client and their agencies".into(),
            });
        }
    };
    Ok(Json(manage::get(&Ctx::new(&state), viewer, id).await?))
}
