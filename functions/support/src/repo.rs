//! The module's SQL, checked at build time. Conversations are locked (`FOR UPDATE`) by every
//! write that depends on their state: a claim, a closure, a message taking the next `seq`.

use chrono::{DateTime, Utc};
use sqlx::MySqlConnection;
use uuid::Uuid;

use crate::model::{Kind, Status};

/// A stored conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationRow {
    pub id: Uuid,
    pub client_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub status: Status,
    pub subject: String,
    pub reservation_id: Option<Uuid>,
    pub last_seq: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// A stored message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRow {
    pub id: Uuid,
    pub conversation_id: Uuid,
    pub seq: u32,
    pub kind: Kind,
    pub sender_id: Option<Uuid>,
    pub body: Option<String>,
    pub client_msg_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub read_at: Option<DateTime<Utc>>,
}

/// `query_as!` of [`ConversationRow`]s: `SELECT` of every column `FROM conversations`, then `$rest`.
macro_rules! conversations {
    ($rest:tt, $($arg:expr),* $(,)?) => {
        sqlx::query_as!(
            ConversationRow,
            r#"SELECT id AS "id: Uuid", client_id AS "client_id: Uuid", assignee_id AS "assignee_id: Uuid", status AS "status: Status",
           subject, reservation_id AS "reservation_id: Uuid", last_seq, created_at AS "created_at: DateTime<Utc>",
           updated_at AS "updated_at: DateTime<Utc>", closed_at AS "closed_at: DateTime<Utc>"
               FROM conversations "# + $rest,
            $($arg),*
        )
    };
}

/// `query_as!` of [`MessageRow`]s: `SELECT` of every column `FROM messages`, then `$rest`.
macro_rules! messages {
    ($rest:tt, $($arg:expr),* $(,)?) => {
        sqlx::query_as!(
            MessageRow,
            r#"SELECT id AS "id: Uuid", conversation_id AS "conversation_id: Uuid", seq, kind AS "kind: Kind", sender_id AS "sender_id: Uuid",
           body, client_msg_id, created_at AS "created_at: DateTime<Utc>", delivered_at AS "delivered_at: DateTime<Utc>",
           read_at AS "read_at: DateTime<Utc>"
               FROM messages "# + $rest,
            $($arg),*
        )
    };
}

pub async fn insert_conversation(conn: &mut MySqlConnection, c: &ConversationRow) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO conversations (id, client_id, assignee_id, status, subject, reservation_id, last_seq, created_at, updated_at, closed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        c.id,
        c.client_id,
        c.assignee_id,
        c.status,
        c.subject,
        c.reservation_id,
        c.last_seq,
        c.created_at,
        c.updated_at,
        c.closed_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn conversation(conn: &mut MySqlConnection, id: Uuid) -> Result<Option<ConversationRow>, sqlx::Error> {
    conversations!("WHERE id = ?", id).fetch_optional(conn).await
}

pub async fn lock_conversation(conn: &mut MySqlConnection, id: Uuid) -> Result<Option<ConversationRow>, sqlx::Error> {
    conversations!("WHERE id = ? FOR UPDATE", id).fetch_optional(conn).await
}

/// The client's conversations (those in `status`, when given), most recently active first,
/// after the cursor `(updated_at, id)`.
pub async fn conversations_of_client(
    conn: &mut MySqlConnection,
    client: Uuid,
    status: Option<Status>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: u32,
) -> Result<Vec<ConversationRow>, sqlx::Error> {
    let (at, id) = after.unzip();
    conversations!(
        "WHERE client_id = ? AND (? IS NULL OR status = ?) AND (? IS NULL OR (updated_at, id) < (?, ?))
         ORDER BY updated_at DESC, id DESC LIMIT ?",
        client,
        status,
        status,
        at,
        at,
        id,
        limit
    )
    .fetch_all(conn)
    .await
}

/// Support's queue: every conversation, or those in `status`, most recently active first.
pub async fn queue(
    conn: &mut MySqlConnection,
    status: Option<Status>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: u32,
) -> Result<Vec<ConversationRow>, sqlx::Error> {
    let (at, id) = after.unzip();
    conversations!(
        "WHERE (? IS NULL OR status = ?) AND (? IS NULL OR (updated_at, id) < (?, ?))
         ORDER BY updated_at DESC, id DESC LIMIT ?",
        status,
        status,
        at,
        at,
        id,
        limit
    )
    .fetch_all(conn)
    .await
}

/// Writes a locked conversation's new state.
pub async fn update_conversation(conn: &mut MySqlConnection, c: &ConversationRow) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE conversations SET assignee_id = ?, status = ?, last_seq = ?, updated_at = ?, closed_at = ? WHERE id = ?",
        c.assignee_id,
        c.status,
        c.last_seq,
        c.updated_at,
        c.closed_at,
        c.id
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn insert_message(conn: &mut MySqlConnection, m: &MessageRow) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO messages (id, conversation_id, seq, kind, sender_id, body, client_msg_id, created_at, delivered_at, read_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        m.id,
        m.conversation_id,
        m.seq,
        m.kind,
        m.sender_id,
        m.body,
        m.client_msg_id,
        m.created_at,
        m.delivered_at,
        m.read_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The message `sender` already stored under `client_msg_id` in the conversation.
pub async fn message_by_client_id(
    conn: &mut MySqlConnection,
    conversation: Uuid,
    sender: Uuid,
    client_msg_id: &str,
) -> Result<Option<MessageRow>, sqlx::Error> {
    messages!("WHERE conversation_id = ? AND sender_id = ? AND client_msg_id = ?", conversation, sender, client_msg_id)
        .fetch_optional(conn)
        .await
}

pub async fn message(conn: &mut MySqlConnection, conversation: Uuid, id: Uuid) -> Result<Option<MessageRow>, sqlx::Error> {
    messages!("WHERE conversation_id = ? AND id = ?", conversation, id).fetch_optional(conn).await
}

/// Up to `limit` messages after `seq`, in order.
pub async fn messages_after(conn: &mut MySqlConnection, conversation: Uuid, seq: u32, limit: u32) -> Result<Vec<MessageRow>, sqlx::Error> {
    messages!("WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?", conversation, seq, limit).fetch_all(conn).await
}

/// Up to `limit` messages before `seq` (all when `None`), newest first.
pub async fn messages_before(
    conn: &mut MySqlConnection,
    conversation: Uuid,
    seq: Option<u32>,
    limit: u32,
) -> Result<Vec<MessageRow>, sqlx::Error> {
    messages!("WHERE conversation_id = ? AND (? IS NULL OR seq < ?) ORDER BY seq DESC LIMIT ?", conversation, seq, seq, limit)
        .fetch_all(conn)
        .await
}

/// Marks the other side's text messages up to `seq` delivered to (`read = false`) or read by
/// `reader`; returns how many changed.
pub async fn mark(
    conn: &mut MySqlConnection,
    conversation: Uuid,
    seq: u32,
    reader: Uuid,
    read: bool,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let done = if read {
        sqlx::query!(
            "UPDATE messages SET read_at = ?, delivered_at = COALESCE(delivered_at, ?)
             WHERE conversation_id = ? AND seq <= ? AND kind = 'text' AND read_at IS NULL AND NOT (sender_id <=> ?)",
            now,
            now,
            conversation,
            seq,
            reader
        )
        .execute(conn)
        .await?
    } else {
        sqlx::query!(
            "UPDATE messages SET delivered_at = ?
             WHERE conversation_id = ? AND seq <= ? AND kind = 'text' AND delivered_at IS NULL AND NOT (sender_id <=> ?)",
            now,
            conversation,
            seq,
            reader
        )
        .execute(conn)
        .await?
    };
    Ok(done.rows_affected())
}

/// The open call of a conversation.
pub async fn open_call(conn: &mut MySqlConnection, conversation: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT id AS "id: Uuid" FROM calls WHERE conversation_id = ? AND ended_at IS NULL LIMIT 1"#, conversation)
        .fetch_optional(conn)
        .await
}

pub async fn start_call(conn: &mut MySqlConnection, id: Uuid, conversation: Uuid, by: Uuid, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query!("INSERT INTO calls (id, conversation_id, started_by, started_at) VALUES (?, ?, ?, ?)", id, conversation, by, now)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn end_call(conn: &mut MySqlConnection, id: Uuid, by: Option<Uuid>, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE calls SET ended_at = ?, ended_by = ? WHERE id = ? AND ended_at IS NULL", now, by, id).execute(conn).await?;
    Ok(())
}
