//! `/support/conversations/{id}/messages`: the history, and sending without a WebSocket.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ycyw_shared::auth::AnyUser;
use ycyw_shared::error::{Problem, ValidJson};
use ycyw_shared::extract::{Params, ResourceId};
use ycyw_shared::{ApiError, domain::Page};

use super::actor;
use crate::model::{MessageView, NewMessage};
use crate::service::Ctx;
use crate::service::messages::{self, HistoryQuery};

/// A page of the history: the newest messages, or those before `?before=`; oldest first within the page.
#[utoipa::path(get, path = "/support/conversations/{id}/messages", operation_id = "listMessages", tag = "support",
    params(("id" = uuid::Uuid, Path, description = "Conversation id"), HistoryQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Messages; nextCursor is the ?before= of the older page", body = Page<MessageView>),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Agents", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or another client's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid before or limit", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_messages(
    State(ctx): State<Ctx>,
    AnyUser(claims): AnyUser,
    ResourceId(id): ResourceId,
    Params(query): Params<HistoryQuery>,
) -> Result<Json<Page<MessageView>>, ApiError> {
    Ok(Json(messages::history(&ctx, actor(&claims), id, &query).await?))
}

/// Sends a message (the WebSocket's `message.send` without a socket); a resend with the same `clientMsgId` answers the stored one.
#[utoipa::path(post, path = "/support/conversations/{id}/messages", operation_id = "sendMessage", tag = "support", request_body = NewMessage,
    params(("id" = uuid::Uuid, Path, description = "Conversation id")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Stored and published", body = MessageView),
        (status = 200, description = "Already stored under this clientMsgId", body = MessageView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Agents; support users it is not assigned to (not_assignee)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or another client's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "conversation_closed", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid clientMsgId or body", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn send_message(
    State(ctx): State<Ctx>,
    AnyUser(claims): AnyUser,
    ResourceId(id): ResourceId,
    ValidJson(request): ValidJson<NewMessage>,
) -> Result<(StatusCode, Json<MessageView>), ApiError> {
    let (client_msg_id, body) = request.validate()?;
    let sent = messages::send(&ctx, actor(&claims), id, client_msg_id, body).await?;
    Ok((if sent.created { StatusCode::CREATED } else { StatusCode::OK }, Json(sent.message)))
}
