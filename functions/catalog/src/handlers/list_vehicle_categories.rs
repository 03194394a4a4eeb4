//! `GET /vehicle-categories`: the ACRISS categories of the catalog, decoded.

use axum::Json;
use axum::extract::State;
use ycyw_shared::error::Problem;
use ycyw_shared::{ApiError, AppState};

use super::Params;
use crate::model::{Page, PageQuery, VehicleCategory};
use crate::service;

/// Lists vehicle categories.
#[utoipa::path(
    get,
    path = "/vehicle-categories",
    tag = "catalog",
    params(PageQuery),
    responses(
        (status = 200, description = "Categories, by ACRISS code", body = Page<VehicleCategory>),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_vehicle_categories(
    State(state): State<AppState>,
    Params(page): Params<PageQuery>,
) -> Result<Json<Page<VehicleCategory>>, ApiError> {
    Ok(Json(service::fleet::list_categories(&state.db, &page).await?))
}
