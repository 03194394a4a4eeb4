//! `/support/conversations`: open, list, read, claim, close.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use ycyw_shared::auth::AnyUser;
use ycyw_shared::error::Problem;
use ycyw_shared::extract::{Params, ResourceId};
use ycyw_shared::idempotency::IdempotentJson;
use ycyw_shared::{ApiError, domain::Page};

use super::actor;
use crate::model::{ConversationView, NewConversation};
use crate::service::Ctx;
use crate::service::conversations::{self, ConversationQuery};

/// A client's own conversations, or support's queue (`?status=` filters).
#[utoipa::path(get, path = "/support/conversations", operation_id = "listConversations", tag = "support", params(ConversationQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Most recently active first", body = Page<ConversationView>),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Agents", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid status, limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_conversations(
    State(ctx): State<Ctx>,
    AnyUser(claims): AnyUser,
    Params(query): Params<ConversationQuery>,
) -> Result<Json<Page<ConversationView>>, ApiError> {
    Ok(Json(conversations::list(&ctx, actor(&claims), &query).await?))
}

/// A client opens a conversation with its first message.
#[utoipa::path(post, path = "/support/conversations", operation_id = "openConversation", tag = "support", request_body = NewConversation,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer (1 to 100 visible ASCII characters, e.g. a UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Open, waiting for support (a replay carries `Idempotent-Replayed: true`)", body = ConversationView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Staff", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "request_in_flight (same key, first request still running)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; unknown_reservation; idempotency_key_reused", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn open_conversation(
    State(ctx): State<Ctx>,
    AnyUser(claims): AnyUser,
    request: Result<IdempotentJson<NewConversation>, ApiError>,
) -> Result<Response, ApiError> {
    let request = request?;
    let actor = actor(&claims);
    if let Some(answer) = request.replay(&ctx.state.db, actor.id, ctx.now()).await? {
        return Ok(answer.into_response());
    }
    match conversations::open(&ctx, actor, &request).await {
        Ok(answer) => Ok(answer.into_first_response()),
        Err(error) => {
            request.abandon(&ctx.state.db, actor.id).await;
            Err(error)
        }
    }
}

/// One conversation.
#[utoipa::path(get, path = "/support/conversations/{id}", operation_id = "getConversation", tag = "support",
    params(("id" = uuid::Uuid, Path, description = "Conversation id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The conversation", body = ConversationView),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Agents", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or another client's", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_conversation(
    State(ctx): State<Ctx>,
    AnyUser(claims): AnyUser,
    ResourceId(id): ResourceId,
) -> Result<Json<ConversationView>, ApiError> {
    let row = conversations::get(&ctx, actor(&claims), id).await?;
    Ok(Json(conversations::view(&row)))
}

/// A support user takes the conversation; of two at once, one wins.
#[utoipa::path(post, path = "/support/conversations/{id}/assignment", operation_id = "claimConversation", tag = "support",
    params(("id" = uuid::Uuid, Path, description = "Conversation id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Assigned to the caller (again: unchanged)", body = ConversationView),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not support", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "already_assigned to someone else, or conversation_closed", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn claim_conversation(
    State(ctx): State<Ctx>,
    AnyUser(claims): AnyUser,
    ResourceId(id): ResourceId,
) -> Result<Json<ConversationView>, ApiError> {
    Ok(Json(conversations::claim(&ctx, actor(&claims), id).await?))
}

/// Its client or its support user closes the conversation.
#[utoipa::path(post, path = "/support/conversations/{id}/closure", operation_id = "closeConversation", tag = "support",
    params(("id" = uuid::Uuid, Path, description = "Conversation id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Closed (again: unchanged)", body = ConversationView),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Agents; support users it is not assigned to (not_assignee)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or another client's", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn close_conversation(
    State(ctx): State<Ctx>,
    AnyUser(claims): AnyUser,
    ResourceId(id): ResourceId,
) -> Result<Json<ConversationView>, ApiError> {
    Ok(Json(conversations::close(&ctx, actor(&claims), id).await?))
}
