//! The API's shapes (API.md "Conversation / Message") and the stored enums.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use ycyw_shared::auth::Role;
use ycyw_shared::domain::{FieldErrors, InvalidValue, single_line};

/// The longest subject, in characters.
pub const MAX_SUBJECT: usize = 200;
/// The longest message body, in characters.
pub const MAX_BODY: usize = 5000;
/// The longest `clientMsgId`.
pub const MAX_CLIENT_MSG_ID: usize = 64;

// `ConversationStatus` in the OpenAPI document, where the reservations' `Status` has the name.
/// Where a conversation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ConversationStatus)]
pub enum Status {
    /// Waiting in the queue for a support user.
    Open,
    /// A support user took it.
    Assigned,
    /// Over; read-only.
    Closed,
}

ycyw_shared::text_enum!(Status { Open => "open", Assigned => "assigned", Closed => "closed" });

/// What a stored message is: text someone wrote, or an event of the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Written by a participant.
    Text,
    /// A video call began.
    CallStarted,
    /// A video call ended.
    CallEnded,
    /// The conversation was closed.
    Closed,
}

ycyw_shared::text_enum!(Kind { Text => "text", CallStarted => "call_started", CallEnded => "call_ended", Closed => "closed" });

/// A conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConversationView {
    /// Its id.
    pub id: Uuid,
    /// What it is about.
    pub subject: String,
    /// Where it stands.
    pub status: Status,
    /// The client (null once their account is deleted).
    pub client_id: Option<Uuid>,
    /// The support user who took it.
    pub assignee_id: Option<Uuid>,
    /// The client's reservation it is about.
    pub reservation_id: Option<Uuid>,
    /// When its last message was written.
    pub last_message_at: DateTime<Utc>,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
}

/// Who wrote a message, as the client sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SenderRole {
    /// The conversation's client.
    Client,
    /// A support user.
    Support,
}

/// A message's nature in the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// Written by a participant.
    Text,
    /// An event of the conversation (`event` says which).
    System,
}

/// A message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageView {
    /// Its id.
    pub id: Uuid,
    /// Its conversation.
    pub conversation_id: Uuid,
    /// Its place in the conversation, from 1.
    pub seq: u32,
    /// Who wrote it (null for system messages and erased senders).
    pub sender_id: Option<Uuid>,
    /// The writer's side.
    pub sender_role: Option<SenderRole>,
    /// Text or system.
    pub kind: MessageKind,
    /// For system messages: `call_started`, `call_ended` or `closed`.
    pub event: Option<String>,
    /// The text (null once erased, and for system messages).
    pub body: Option<String>,
    /// The sender's own id of the message, for resends.
    pub client_msg_id: Option<String>,
    /// When it was stored.
    pub created_at: DateTime<Utc>,
    /// When the other side first received it.
    pub delivered_at: Option<DateTime<Utc>>,
    /// When the other side read it.
    pub read_at: Option<DateTime<Utc>>,
}

/// `POST /support/conversations`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewConversation {
    /// What it is about (1–200 characters).
    pub subject: String,
    /// One of the client's reservations.
    #[serde(default)]
    pub reservation_id: Option<Uuid>,
    /// The first message (1–5000 characters).
    pub first_message: String,
}

/// `POST /support/conversations/{id}/messages`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewMessage {
    /// The sender's own id of the message (1–64 visible ASCII characters): a resend with the
    /// same one stores nothing new.
    pub client_msg_id: String,
    /// The text (1–5000 characters).
    pub body: String,
}

/// A message's text: trimmed, 1 to 5000 characters; line breaks allowed, other control
/// characters not.
pub fn body(raw: &str) -> Result<String, InvalidValue> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(InvalidValue::required("write a message"));
    }
    if text.chars().count() > MAX_BODY {
        return Err(InvalidValue::invalid(format!("at most {MAX_BODY} characters")));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(InvalidValue::invalid("text without control characters"));
    }
    Ok(text.to_string())
}

/// A `clientMsgId`: 1 to 64 visible ASCII characters.
pub fn client_msg_id(raw: &str) -> Result<String, InvalidValue> {
    if raw.is_empty() || raw.len() > MAX_CLIENT_MSG_ID || !raw.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(InvalidValue::invalid(format!("1 to {MAX_CLIENT_MSG_ID} visible ASCII characters")));
    }
    Ok(raw.to_string())
}

/// A validated [`NewConversation`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationInput {
    /// The subject.
    pub subject: String,
    /// The reservation.
    pub reservation_id: Option<Uuid>,
    /// The first message.
    pub first_message: String,
}

impl NewConversation {
    /// Validates every field, naming each wrong one.
    pub fn validate(&self) -> Result<ConversationInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let subject = errors.check("subject", single_line(&self.subject, MAX_SUBJECT));
        let first_message = errors.check("firstMessage", body(&self.first_message));
        errors.finish()?;
        Ok(ConversationInput {
            subject: subject.unwrap_or_default(),
            reservation_id: self.reservation_id,
            first_message: first_message.unwrap_or_default(),
        })
    }
}

impl NewMessage {
    /// Validates both fields: `(clientMsgId, body)`.
    pub fn validate(&self) -> Result<(String, String), FieldErrors> {
        let mut errors = FieldErrors::new();
        let id = errors.check("clientMsgId", client_msg_id(&self.client_msg_id));
        let text = errors.check("body", body(&self.body));
        errors.finish()?;
        Ok((id.unwrap_or_default(), text.unwrap_or_default()))
    }
}

/// Who acts: a token's subject and role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    /// The user.
    pub id: Uuid,
    /// Their role.
    pub role: Role,
}

impl Actor {
    /// Whether the actor is support staff.
    pub fn is_support(self) -> bool {
        self.role == Role::Support
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_keep_line_breaks_and_refuse_other_controls_and_length() {
        assert_eq!(body("  hello\nworld  "), Ok("hello\nworld".to_string()));
        assert_eq!(body("  ").unwrap_err().code, "required");
        assert_eq!(body("a\u{7}b").unwrap_err().code, "invalid");
        assert!(body(&"é".repeat(MAX_BODY)).is_ok(), "characters, not bytes");
        assert_eq!(body(&"é".repeat(MAX_BODY + 1)).unwrap_err().code, "invalid");
    }

    #[test]
    fn client_message_ids_are_short_visible_ascii() {
        assert!(client_msg_id("0b8f-42").is_ok());
        for bad in ["", "a b", "é", &"x".repeat(MAX_CLIENT_MSG_ID + 1)] {
            assert!(client_msg_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_new_conversation_names_each_bad_field() {
        let input = NewConversation { subject: " ".into(), reservation_id: None, first_message: "".into() };
        let fields: Vec<String> = input.validate().unwrap_err().into_vec().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["subject", "firstMessage"]);
    }
}
