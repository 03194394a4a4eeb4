//! `/support/contact-requests`: the public contact form, and support's list of requests.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ycyw_shared::auth::AnyUser;
use ycyw_shared::error::{Problem, ValidJson};
use ycyw_shared::extract::{Params, ResourceId};
use ycyw_shared::rate_limit::{self, ClientIp};
use ycyw_shared::{ApiError, domain::Page};

use super::actor;
use crate::service::Ctx;
use crate::service::contact::{self, ContactAccepted, ContactQuery, ContactRequestView, NewContactRequest};

/// Writes to support, with or without an account: stored, acknowledged by email.
#[utoipa::path(post, path = "/support/contact-requests", operation_id = "createContactRequest", tag = "support", request_body = NewContactRequest,
    responses(
        (status = 202, description = "Received; an acknowledgement is emailed to the sender", body = ContactAccepted),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_contact_request(
    State(ctx): State<Ctx>,
    ip: ClientIp,
    ValidJson(request): ValidJson<NewContactRequest>,
) -> Result<(StatusCode, Json<ContactAccepted>), ApiError> {
    rate_limit::check(&ctx.state, "contact", ip).await?;
    Ok((StatusCode::ACCEPTED, Json(contact::submit(&ctx, &request).await?)))
}

/// Support's list of contact requests, newest first.
#[utoipa::path(get, path = "/support/contact-requests", operation_id = "listContactRequests", tag = "support", params(ContactQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of requests", body = Page<ContactRequestView>),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not support", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid status, limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_contact_requests(
    State(ctx): State<Ctx>,
    AnyUser(claims): AnyUser,
    Params(query): Params<ContactQuery>,
) -> Result<Json<Page<ContactRequestView>>, ApiError> {
    Ok(Json(contact::list(&ctx, actor(&claims), &query).await?))
}

/// Support marks a contact request handled.
#[utoipa::path(post, path = "/support/contact-requests/{id}/handling", operation_id = "handleContactRequest", tag = "support",
    params(("id" = uuid::Uuid, Path, description = "Contact request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Handled (already handled: unchanged)", body = ContactRequestView),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not support", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown request", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn handle_contact_request(
    State(ctx): State<Ctx>,
    AnyUser(claims): AnyUser,
    ResourceId(id): ResourceId,
) -> Result<Json<ContactRequestView>, ApiError> {
    Ok(Json(contact::handle(&ctx, actor(&claims), id).await?))
}
