//! Extractors whose rejections are problem+json, beside [`ValidJson`](crate::error::ValidJson).

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::error::ApiError;

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

/// Query parameters whose rejection is problem+json. Keep the parameter types as strings and
/// validate them in the service with field errors; only a malformed query string is a 400 here.
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
