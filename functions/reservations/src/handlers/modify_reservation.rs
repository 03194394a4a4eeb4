//! `PATCH /reservations/{id}`: the client changes times, agencies or category until 48 h before
//! pickup.

use axum::Json;
use axum::extract::State;
use ycyw_shared::auth::ClientUser;
use ycyw_shared::error::{Problem, ValidJson};
use ycyw_shared::{ApiError, AppState};

use super::ResourceId;
use crate::model::{Modification, ReservationPatch};
use crate::service::{Ctx, manage};

/// Changes a reservation.
#[utoipa::path(
    patch,
    path = "/reservations/{id}",
    tag = "reservations",
    params(("id" = uuid::Uuid, Path, description = "Reservation id")),
    request_body = ReservationPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "applied (same price), refund_pending (cheaper: the difference is refunded) or payment_required (dearer: the new slot is held 30 minutes in pendingChange; pay at checkoutUrl, or open the page again with POST /reservations/{id}/checkout-sessions)", body = Modification),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or someone else's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "modification_window_closed (within 48 h of pickup), invalid_transition (not confirmed), unavailable", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (as for booking)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn modify_reservation(
    State(state): State<AppState>,
    ClientUser(claims): ClientUser,
    ResourceId(id): ResourceId,
    body: Result<ValidJson<ReservationPatch>, ApiError>,
) -> Result<Json<Modification>, ApiError> {
    let ValidJson(patch) = body?;
    Ok(Json(manage::modify(&Ctx::new(&state), claims.sub, id, &patch).await?))
}
