//! `GET /reservations/{id}/cancellation-quote`: what a cancellation now would refund.

use axum::Json;
use axum::extract::State;
use ycyw_shared::auth::ClientUser;
use ycyw_shared::error::Problem;
use ycyw_shared::{ApiError, AppState};

use super::ResourceId;
use crate::model::CancellationQuote;
use crate::service::{Ctx, manage};

/// Quotes a cancellation.
#[utoipa::path(
    get,
    path = "/reservations/{id}/cancellation-quote",
    tag = "reservations",
    params(("id" = uuid::Uuid, Path, description = "Reservation id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "100 % until 7 days before pickup, then 25 %", body = CancellationQuote),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or someone else's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "not_cancellable (picked up, over, or past its pickup time)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn cancellation_quote(
    State(state): State<AppState>,
    ClientUser(claims): ClientUser,
    ResourceId(id): ResourceId,
) -> Result<Json<CancellationQuote>, ApiError> {
    Ok(Json(manage::quote(&Ctx::new(&state), claims.sub, id).await?))
}
