//! `POST /reservations/{id}/checkout-sessions`: pay what the reservation owes on Stripe Checkout.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ycyw_shared::ApiError;
use ycyw_shared::auth::ClientUser;
use ycyw_shared::error::Problem;
use ycyw_shared::extract::ResourceId;

use crate::model::CheckoutSessionView;
use crate::service::{Ctx, checkout};

/// Opens a Checkout Session.
#[utoipa::path(
    post,
    path = "/reservations/{id}/checkout-sessions",
    tag = "payments",
    params(("id" = uuid::Uuid, Path, description = "Reservation id")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The hosted payment page (Stripe Checkout, or the local simulator) and when it ends", body = CheckoutSessionView),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or someone else's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "nothing_to_pay: paid, over, or its hold ended", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "payment_provider_unavailable: Stripe did not answer after retries; nothing was written", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_checkout_session(
    State(ctx): State<Ctx>,
    ClientUser(claims): ClientUser,
    ResourceId(id): ResourceId,
) -> Result<(StatusCode, Json<CheckoutSessionView>), ApiError> {
    Ok((StatusCode::CREATED, Json(checkout::open(&ctx, claims.sub, id).await?)))
}
