//! `POST /reservations/{id}/cancellation`: the client cancels; the refund is queued.

use axum::Json;
use axum::extract::State;
use ycyw_shared::auth::ClientUser;
use ycyw_shared::error::Problem;
use ycyw_shared::{ApiError, AppState};

use super::ResourceId;
use crate::model::Cancellation;
use crate::service::{Ctx, manage};

/// Cancels a reservation.
#[utoipa::path(
    post,
    path = "/reservations/{id}/cancellation",
    tag = "reservations",
    params(("id" = uuid::Uuid, Path, description = "Reservation id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Cancelled; the refund is pending at Stripe (succeeded when there is nothing to refund)", body = Cancellation),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or someone else's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "not_cancellable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn cancel_reservation(
    State(state): State<AppState>,
    ClientUser(claims): ClientUser,
    ResourceId(id): ResourceId,
) -> Result<Json<Cancellation>, ApiError> {
    Ok(Json(manage::cancel(&Ctx::new(&state), claims.sub, id).await?))
}
