//! `POST /reservations`: a client books; the vehicle is held 30 minutes for payment.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use ycyw_shared::auth::ClientUser;
use ycyw_shared::error::Problem;
use ycyw_shared::idempotency::IdempotentJson;
use ycyw_shared::{ApiError, AppState};

use crate::model::{NewReservation, ReservationView};
use crate::service::{Ctx, booking};

/// Books a car.
#[utoipa::path(
    post,
    path = "/reservations",
    tag = "reservations",
    request_body = NewReservation,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer (1 to 100 visible ASCII characters, e.g. a UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Held for 30 minutes, pending payment (a replay carries `Idempotent-Replayed: true`)", body = ReservationView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Staff, or email_unverified", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "unavailable (no vehicle free), or request_in_flight (same key, first request still running)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (see GET /offers), profile_incomplete, underage, idempotency_key_reused", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_reservation(
    State(state): State<AppState>,
    ClientUser(claims): ClientUser,
    request: Result<IdempotentJson<NewReservation>, ApiError>,
) -> Result<Response, ApiError> {
    let request = request?;
    let ctx = Ctx::new(&state);
    // The key is claimed only once the booking's checks pass: a refusal (most attempts on a
    // sold-out fleet) writes nothing. A finished or running request with the key answers first.
    if let Some(answer) = request.peek(&state.db, claims.sub, ctx.now()).await? {
        return Ok(answer.into_response());
    }
    let checked = booking::check(&ctx, claims.sub, &request.body).await?;
    if let Some(answer) = request.replay(&state.db, claims.sub, ctx.now()).await? {
        return Ok(answer.into_response());
    }
    match booking::hold(&ctx, claims.sub, &checked, &request).await {
        Ok(answer) => Ok(answer.into_first_response()),
        Err(error) => {
            request.abandon(&state.db, claims.sub).await;
            Err(error.into())
        }
    }
}
