//! `GET /reservations?scope=upcoming|past`: the client's own reservations.

use axum::Json;
use axum::extract::State;
use ycyw_shared::auth::ClientUser;
use ycyw_shared::domain::PageQuery;
use ycyw_shared::error::Problem;
use ycyw_shared::{ApiError, AppState};

use super::Params;
use crate::model::{ListQuery, ReservationPage};
use crate::service::{Ctx, manage};

/// Lists my reservations.
#[utoipa::path(
    get,
    path = "/reservations",
    tag = "reservations",
    params(ListQuery, PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Upcoming ones soonest first, past ones latest first", body = ReservationPage),
        (status = 400, description = "Malformed query string", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Staff", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid scope, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_reservations(
    State(state): State<AppState>,
    ClientUser(claims): ClientUser,
    Params(query): Params<ListQuery>,
    Params(page): Params<PageQuery>,
) -> Result<Json<ReservationPage>, ApiError> {
    Ok(Json(manage::list(&Ctx::new(&state), claims.sub, &query, &page).await?))
}
