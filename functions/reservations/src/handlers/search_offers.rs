//! `GET /offers`: what can be rented, where and when, cheapest first.

use axum::Json;
use axum::extract::State;
use ycyw_shared::domain::PageQuery;
use ycyw_shared::error::Problem;
use ycyw_shared::{ApiError, AppState};

use super::Params;
use crate::model::{OfferPage, OfferQuery};
use crate::service::{Ctx, offers};

/// Searches offers.
#[utoipa::path(
    get,
    path = "/offers",
    tag = "reservations",
    params(OfferQuery, PageQuery),
    responses(
        (status = 200, description = "Offers by total price, cheapest first", body = OfferPage),
        (status = 400, description = "Malformed query string", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid criteria: required, invalid, in_past, too_soon, too_far_ahead, return_before_pickup, too_long, agency_closed, unknown_category", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn search_offers(
    State(state): State<AppState>,
    Params(query): Params<OfferQuery>,
    Params(page): Params<PageQuery>,
) -> Result<Json<OfferPage>, ApiError> {
    Ok(Json(offers::search(&Ctx::new(&state), &query, &page).await?))
}
