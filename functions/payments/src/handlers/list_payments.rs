//! `GET /reservations/{id}/payments`: its charges and refunds with their status.

use axum::Json;
use axum::extract::State;
use ycyw_shared::ApiError;
use ycyw_shared::auth::AnyUser;
use ycyw_shared::error::Problem;
use ycyw_shared::extract::ResourceId;

use crate::model::PaymentList;
use crate::service::{Ctx, history};

/// A reservation's payments.
#[utoipa::path(
    get,
    path = "/reservations/{id}/payments",
    tag = "payments",
    params(("id" = uuid::Uuid, Path, description = "Reservation id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Charges and refunds, oldest first", body = PaymentList),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Support staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or someone else's", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_payments(
    State(ctx): State<Ctx>,
    AnyUser(claims): AnyUser,
    ResourceId(id): ResourceId,
) -> Result<Json<PaymentList>, ApiError> {
    Ok(Json(history::list(&ctx, &claims, id).await?))
}
