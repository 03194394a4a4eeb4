//! `GET /agencies`: active agencies, filtered by market, city or text, by code.

use axum::Json;
use axum::extract::State;
use ycyw_shared::error::Problem;
use ycyw_shared::{ApiError, AppState};

use super::Params;
use crate::model::{Agency, AgencyQuery, Page, PageQuery};
use crate::service;

/// Lists active agencies.
#[utoipa::path(
    get,
    path = "/agencies",
    tag = "catalog",
    params(AgencyQuery, PageQuery),
    responses(
        (status = 200, description = "Active agencies, by code", body = Page<Agency>),
        (status = 422, description = "Invalid filter, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_agencies(
    State(state): State<AppState>,
    Params(filter): Params<AgencyQuery>,
    Params(page): Params<PageQuery>,
) -> Result<Json<Page<Agency>>, ApiError> {
    Ok(Json(service::agencies::list_agencies(&state.db, &filter, &page).await?))
}
