//! One thin handler per endpoint: extract, authorise, call the service, answer. Agent routes
//! extract [`AgentUser`](ycyw_shared::auth::AgentUser) first (401 anonymous, 403 other roles), then
//! check ownership (404) before reading the body, so a stranger learns nothing from validation.

pub mod create_agency;
pub mod create_vehicle;
pub mod delete_vehicle;
pub mod get_agency;
pub mod get_rates;
pub mod list_agencies;
pub mod list_vehicle_categories;
pub mod list_vehicles;
pub mod replace_rates;
pub mod update_agency;
pub mod update_vehicle;

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use uuid::Uuid;
use ycyw_shared::ApiError;

/// The `{id}` of a path. Something that is not a UUID names no resource: 404, like an unknown id.
#[derive(Debug, Clone, Copy)]
pub struct ResourceId(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for ResourceId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state).await.map_err(|_| ApiError::NotFound)?;
        raw.parse::<Uuid>().map(ResourceId).map_err(|_| ApiError::NotFound)
    }
}

/// Query parameters whose rejection is problem+json. The parameter types hold strings, so values
/// are validated by the service with field errors; only a malformed query string is a 400 here.
#[derive(Debug, Clone, Default)]
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::try_from_uri(&parts.uri)
            .map(|Query(value)| Params(value))
            .map_err(|e| ApiError::BadRequest { code: "bad_request", detail: format!("invalid query string: {}", e.body_text()) })
    }
}
