//! Conversations: a client opens one (optionally about one of their reservations), support
//! sees the queue, claims (one of two simultaneous claims wins), and either side closes.
//! Who sees what: a client only their own (another's is a 404), support every one, agents none.

use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;
use ycyw_shared::ApiError;
use ycyw_shared::auth::Role;
use ycyw_shared::domain::{FieldErrors, InvalidValue, Page, PageQuery, Pagination};
use ycyw_shared::idempotency::{IdempotentJson, SavedResponse};

use super::Ctx;
use super::messages::{self, message_event};
use crate::hub::{Audience, Event};
use crate::model::{Actor, ConversationView, Kind, NewConversation, Status};
use crate::repo::{self, ConversationRow, MessageRow};

/// `GET /support/conversations` query.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConversationQuery {
    /// `open`, `assigned` or `closed`.
    pub status: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

/// The API's view of a stored conversation.
pub fn view(row: &ConversationRow) -> ConversationView {
    ConversationView {
        id: row.id,
        subject: row.subject.clone(),
        status: row.status,
        client_id: row.client_id,
        assignee_id: row.assignee_id,
        reservation_id: row.reservation_id,
        last_message_at: row.updated_at,
        created_at: row.created_at,
        closed_at: row.closed_at,
    }
}

/// Whether `actor` may see `row`: its client, or support.
pub fn visible(actor: Actor, row: &ConversationRow) -> bool {
    actor.is_support() || (actor.role == Role::Client && row.client_id == Some(actor.id))
}

/// Agents have no business in support's conversations.
pub fn refuse_agents(actor: Actor) -> Result<(), ApiError> {
    if actor.role == Role::Agent {
        return Err(ApiError::Forbidden { code: "forbidden", detail: "conversations are between clients and support".into() });
    }
    Ok(())
}

/// `id` as `actor` may see it, else 404.
pub async fn get(ctx: &Ctx, actor: Actor, id: Uuid) -> Result<ConversationRow, ApiError> {
    refuse_agents(actor)?;
    let mut conn = ctx.state.db.acquire().await?;
    repo::conversation(&mut conn, id).await?.filter(|row| visible(actor, row)).ok_or(ApiError::NotFound)
}

/// Opens a conversation for client `actor` with its first message: 201 with it, stored under the
/// request's `Idempotency-Key` (when it has one) in the same transaction, so a retry after a lost
/// answer gets this conversation again instead of a second one.
pub async fn open(ctx: &Ctx, actor: Actor, request: &IdempotentJson<NewConversation>) -> Result<SavedResponse, ApiError> {
    let input = request.body.validate()?;
    if actor.role != Role::Client {
        return Err(ApiError::Forbidden { code: "forbidden", detail: "clients open conversations".into() });
    }
    if let Some(reservation) = input.reservation_id {
        let owned = match ctx.reservations() {
            Some(directory) => directory.belongs_to(reservation, actor.id).await.map_err(ApiError::Internal)?,
            None => false,
        };
        if !owned {
            return Err(ApiError::field("reservationId", "unknown_reservation", "not one of your reservations"));
        }
    }
    let now = ctx.now();
    let row = ConversationRow {
        id: Uuid::now_v7(),
        client_id: Some(actor.id),
        assignee_id: None,
        status: Status::Open,
        subject: input.subject,
        reservation_id: input.reservation_id,
        last_seq: 1,
        created_at: now,
        updated_at: now,
        closed_at: None,
    };
    let first = MessageRow {
        id: Uuid::now_v7(),
        conversation_id: row.id,
        seq: 1,
        kind: Kind::Text,
        sender_id: Some(actor.id),
        body: Some(input.first_message),
        client_msg_id: None,
        created_at: now,
        delivered_at: None,
        read_at: None,
    };
    let answer = SavedResponse::json(axum::http::StatusCode::CREATED, &view(&row)).map_err(|e| ApiError::Internal(e.into()))?;
    let mut tx = ctx.state.db.begin().await?;
    repo::insert_conversation(&mut tx, &row).await?;
    repo::insert_message(&mut tx, &first).await?;
    request.save(&mut tx, actor.id, &answer).await?;
    tx.commit().await?;
    tracing::info!(conversation = %row.id, "conversation opened");
    publish_updated(ctx, &view(&row)).await;
    Ok(answer)
}

/// A page of the conversations `actor` sees: a client's own, or support's queue.
pub async fn list(ctx: &Ctx, actor: Actor, query: &ConversationQuery) -> Result<Page<ConversationView>, ApiError> {
    refuse_agents(actor)?;
    let mut errors = FieldErrors::new();
    let status = match query.status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => errors.check("status", raw.parse::<Status>().map(Some).map_err(|_| InvalidValue::invalid("open, assigned or closed"))),
    };
    let pagination = errors.merge(Pagination::parse(&PageQuery { limit: query.limit.clone(), cursor: query.cursor.clone() }));
    errors.finish()?;
    let (status, pagination) = (status.flatten(), pagination.unwrap_or(Pagination { limit: 20, after: None }));
    let after = super::time_cursor(&pagination)?;
    let mut conn = ctx.state.db.acquire().await?;
    let rows = if actor.is_support() {
        repo::queue(&mut conn, status, after, pagination.fetch()).await?
    } else {
        repo::conversations_of_client(&mut conn, actor.id, status, after, pagination.fetch()).await?
    };
    let page = super::time_page(&pagination, rows, |row| (row.updated_at, row.id));
    Ok(Page { items: page.items.iter().map(view).collect(), next_cursor: page.next_cursor })
}

/// Support user `actor` takes conversation `id`: 409 `already_assigned` when another did first.
pub async fn claim(ctx: &Ctx, actor: Actor, id: Uuid) -> Result<ConversationView, ApiError> {
    if !actor.is_support() {
        return Err(ApiError::Forbidden { code: "forbidden", detail: "support users claim conversations".into() });
    }
    let now = ctx.now();
    let mut tx = ctx.state.db.begin().await?;
    let mut row = repo::lock_conversation(&mut tx, id).await?.ok_or(ApiError::NotFound)?;
    match (row.status, row.assignee_id) {
        (Status::Closed, _) => return Err(closed()),
        (Status::Assigned, Some(assignee)) if assignee == actor.id => return Ok(view(&row)),
        (Status::Assigned, _) => {
            return Err(ApiError::Conflict { code: "already_assigned", detail: "another support user took this conversation".into() });
        }
        (Status::Open, _) => {}
    }
    row.status = Status::Assigned;
    row.assignee_id = Some(actor.id);
    row.updated_at = now;
    repo::update_conversation(&mut tx, &row).await?;
    tx.commit().await?;
    let view = view(&row);
    publish_updated(ctx, &view).await;
    Ok(view)
}

/// A participant closes conversation `id` (again: the same answer); an open call ends with it.
pub async fn close(ctx: &Ctx, actor: Actor, id: Uuid) -> Result<ConversationView, ApiError> {
    refuse_agents(actor)?;
    let now = ctx.now();
    let mut tx = ctx.state.db.begin().await?;
    let mut row = repo::lock_conversation(&mut tx, id).await?.filter(|row| visible(actor, row)).ok_or(ApiError::NotFound)?;
    if row.status == Status::Closed {
        return Ok(view(&row));
    }
    may_write(actor, &row)?;
    let mut system = Vec::new();
    if let Some(call) = repo::open_call(&mut tx, id).await? {
        repo::end_call(&mut tx, call, Some(actor.id), now).await?;
        system.push(messages::append(&mut tx, &mut row, Kind::CallEnded, None, None, None, now).await?);
    }
    system.push(messages::append(&mut tx, &mut row, Kind::Closed, None, None, None, now).await?);
    row.status = Status::Closed;
    row.closed_at = Some(now);
    repo::update_conversation(&mut tx, &row).await?;
    tx.commit().await?;
    for message in &system {
        ctx.hub.publish(message_event(&row, message)).await;
    }
    let view = view(&row);
    publish_updated(ctx, &view).await;
    Ok(view)
}

/// Whether `actor` may write in the visible, locked `row`: its client, or the support user it
/// is assigned to.
pub fn may_write(actor: Actor, row: &ConversationRow) -> Result<(), ApiError> {
    if row.status == Status::Closed {
        return Err(closed());
    }
    if actor.is_support() && row.assignee_id != Some(actor.id) {
        return Err(ApiError::Forbidden { code: "not_assignee", detail: "claim the conversation before writing in it".into() });
    }
    Ok(())
}

fn closed() -> ApiError {
    ApiError::Conflict { code: "conversation_closed", detail: "this conversation is closed".into() }
}

/// `conversation.updated` to the conversation's subscribers and to support's sockets (the queue).
async fn publish_updated(ctx: &Ctx, view: &ConversationView) {
    let frame = serde_json::json!({ "type": "conversation.updated", "conversation": view });
    ctx.hub.publish(Event::signal(view.id, Audience::AllAndStaff, &frame)).await;
}
