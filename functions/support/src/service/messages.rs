//! Messages: the history (newest page first, `?before=` for older ones), sending (stored with
//! the conversation's next `seq` under its row lock, then published; a resend with the same
//! `clientMsgId` answers the stored message), and delivered/read marks.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use sqlx::MySqlConnection;
use utoipa::IntoParams;
use uuid::Uuid;
use ycyw_shared::ApiError;
use ycyw_shared::domain::{FieldErrors, Page, PageQuery, Pagination};

use super::Ctx;
use super::conversations::{self, may_write, visible};
use crate::hub::{Audience, Event};
use crate::model::{Actor, Kind, MessageKind, MessageView, SenderRole};
use crate::repo::{self, ConversationRow, MessageRow};

/// `GET /support/conversations/{id}/messages` query.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// A message id: the page holds the messages before it (`nextCursor` of the previous page).
    pub before: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
}

/// The API's view of a stored message of `conversation`.
pub fn view(conversation: &ConversationRow, m: &MessageRow) -> MessageView {
    let sender_role = m.sender_id.map(|id| if conversation.client_id == Some(id) { SenderRole::Client } else { SenderRole::Support });
    let (kind, event) = match m.kind {
        Kind::Text => (MessageKind::Text, None),
        other => (MessageKind::System, Some(other.as_str().to_string())),
    };
    MessageView {
        id: m.id,
        conversation_id: m.conversation_id,
        seq: m.seq,
        sender_id: m.sender_id,
        sender_role,
        kind,
        event,
        body: m.body.clone(),
        client_msg_id: m.client_msg_id.clone(),
        created_at: m.created_at,
        delivered_at: m.delivered_at,
        read_at: m.read_at,
    }
}

/// The `message.new` frame of `m`, for everyone subscribed to its conversation.
pub fn message_event(conversation: &ConversationRow, m: &MessageRow) -> Event {
    let frame = serde_json::json!({ "type": "message.new", "message": view(conversation, m) }).to_string();
    Event { conversation: conversation.id, audience: Audience::All, seq: Some(m.seq), message_id: Some(m.id), sender: m.sender_id, frame }
}

/// Appends a message to the locked `row` (taking its next seq; the caller writes `row` back).
pub async fn append(
    conn: &mut MySqlConnection,
    row: &mut ConversationRow,
    kind: Kind,
    sender: Option<Uuid>,
    body: Option<String>,
    client_msg_id: Option<String>,
    now: DateTime<Utc>,
) -> Result<MessageRow, sqlx::Error> {
    row.last_seq += 1;
    row.updated_at = now;
    let message = MessageRow {
        id: Uuid::now_v7(),
        conversation_id: row.id,
        seq: row.last_seq,
        kind,
        sender_id: sender,
        body,
        client_msg_id,
        created_at: now,
        delivered_at: None,
        read_at: None,
    };
    repo::insert_message(conn, &message).await?;
    Ok(message)
}

/// A page of conversation `id`'s history, oldest first within the page; `nextCursor` is the
/// id to pass as `?before=` for the page before it. A participant reading it has received the
/// other side's messages on it: they are marked delivered (and the subscribers told), as a
/// socket's receipt would; a support user browsing a conversation not theirs marks nothing.
pub async fn history(ctx: &Ctx, actor: Actor, id: Uuid, query: &HistoryQuery) -> Result<Page<MessageView>, ApiError> {
    let mut errors = FieldErrors::new();
    let pagination = errors.merge(Pagination::parse(&PageQuery { limit: query.limit.clone(), cursor: None }));
    let before = match query.before.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => errors.check("before", Uuid::try_parse(raw).map_err(|_| ycyw_shared::domain::InvalidValue::invalid("a message id"))),
    };
    errors.finish()?;
    let limit = pagination.map_or(20, |p| p.limit);
    let row = conversations::get(ctx, actor, id).await?;
    let mut conn = ctx.state.db.acquire().await?;
    let before_seq = match before {
        None => None,
        Some(message) => Some(
            repo::message(&mut conn, id, message)
                .await?
                .ok_or_else(|| ApiError::field("before", "unknown_message", "not a message of this conversation"))?
                .seq,
        ),
    };
    let mut rows = repo::messages_before(&mut conn, id, before_seq, limit + 1).await?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    rows.reverse();
    if row.client_id == Some(actor.id) || row.assignee_id == Some(actor.id) {
        mark_page_delivered(ctx, &mut conn, actor, &mut rows).await?;
    }
    let next_cursor = if more { rows.first().map(|m| m.id.to_string()) } else { None };
    Ok(Page { items: rows.iter().map(|m| view(&row, m)).collect(), next_cursor })
}

/// Marks the other side's undelivered text messages of `rows` (one page, oldest first) and
/// the earlier ones delivered to participant `actor`, updating `rows` and telling the
/// subscribers with the newest one's `message.delivered`.
async fn mark_page_delivered(ctx: &Ctx, conn: &mut MySqlConnection, actor: Actor, rows: &mut [MessageRow]) -> Result<(), ApiError> {
    let undelivered = |m: &MessageRow| m.kind == Kind::Text && m.sender_id != Some(actor.id) && m.delivered_at.is_none();
    let Some(newest) = rows.iter().rev().find(|m| undelivered(m)) else { return Ok(()) };
    let (conversation, seq, message) = (newest.conversation_id, newest.seq, newest.id);
    let now = ctx.now();
    if repo::mark(conn, conversation, seq, actor.id, false, now).await? == 0 {
        return Ok(());
    }
    for m in rows.iter_mut().filter(|m| m.seq <= seq && undelivered(m)) {
        m.delivered_at = Some(now);
    }
    let frame =
        serde_json::json!({ "type": "message.delivered", "conversationId": conversation, "messageId": message, "recipientId": actor.id });
    ctx.hub.publish(Event::signal(conversation, Audience::All, &frame)).await;
    Ok(())
}

/// What [`send`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The stored message.
    pub message: MessageView,
    /// False when `clientMsgId` had been stored already (nothing new).
    pub created: bool,
}

/// `actor` writes `body` in conversation `id`: stored, then published to its subscribers.
pub async fn send(ctx: &Ctx, actor: Actor, id: Uuid, client_msg_id: String, body: String) -> Result<Sent, ApiError> {
    conversations::refuse_agents(actor)?;
    let now = ctx.now();
    let mut tx = ctx.state.db.begin().await?;
    let mut row = repo::lock_conversation(&mut tx, id).await?.filter(|row| visible(actor, row)).ok_or(ApiError::NotFound)?;
    if let Some(existing) = repo::message_by_client_id(&mut tx, id, actor.id, &client_msg_id).await? {
        return Ok(Sent { message: view(&row, &existing), created: false });
    }
    may_write(actor, &row)?;
    let message = append(&mut tx, &mut row, Kind::Text, Some(actor.id), Some(body), Some(client_msg_id), now).await?;
    repo::update_conversation(&mut tx, &row).await?;
    tx.commit().await?;
    ctx.hub.publish(message_event(&row, &message)).await;
    Ok(Sent { message: view(&row, &message), created: true })
}

/// `actor` read the messages of conversation `id` up to `message`: marks the other side's
/// read, and tells the subscribers when something changed.
pub async fn read(ctx: &Ctx, actor: Actor, id: Uuid, message: Uuid) -> Result<(), ApiError> {
    let row = conversations::get(ctx, actor, id).await?;
    let participant = row.client_id == Some(actor.id) || row.assignee_id == Some(actor.id);
    if !participant {
        // Support users browsing a conversation do not mark it for the client.
        return Ok(());
    }
    let mut conn = ctx.state.db.acquire().await?;
    let target = repo::message(&mut conn, id, message)
        .await?
        .ok_or_else(|| ApiError::field("messageId", "unknown_message", "not a message of this conversation"))?;
    let changed = repo::mark(&mut conn, id, target.seq, actor.id, true, ctx.now()).await?;
    if changed > 0 {
        let frame = serde_json::json!({ "type": "message.read", "conversationId": id, "messageId": message, "readerId": actor.id });
        ctx.hub.publish(Event::signal(id, Audience::All, &frame)).await;
    }
    Ok(())
}

/// The socket of participant `actor` received message `message` (`seq`) of conversation
/// `id`: marks it and what came before from the other side delivered, telling the subscribers.
pub async fn delivered(ctx: &Ctx, actor: Actor, id: Uuid, seq: u32, message: Uuid) -> Result<(), ApiError> {
    let mut conn = ctx.state.db.acquire().await?;
    if repo::mark(&mut conn, id, seq, actor.id, false, ctx.now()).await? > 0 {
        let frame = serde_json::json!({ "type": "message.delivered", "conversationId": id, "messageId": message, "recipientId": actor.id });
        ctx.hub.publish(Event::signal(id, Audience::All, &frame)).await;
    }
    Ok(())
}
