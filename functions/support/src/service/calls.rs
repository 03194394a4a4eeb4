//! Video calls (DESIGN §6): WebRTC runs peer to peer between the client and the support user
//! the conversation is assigned to; the server only relays the signalling frames (offer,
//! answer, ICE candidates, hangup) to the other participant — nobody else, not even other
//! support users watching the conversation — and records the call's start and end in `calls`
//! and as system messages.

use uuid::Uuid;
use ycyw_shared::ApiError;

use super::Ctx;
use super::conversations::{self, may_write, visible};
use super::messages::{append, message_event};
use crate::hub::{Audience, Event};
use crate::model::{Actor, Kind};
use crate::repo;

/// A signalling frame's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// `call.offer`: starts the call when none is running.
    Offer,
    /// `call.answer`.
    Answer,
    /// `call.ice`.
    Ice,
    /// `call.hangup`: ends the running call.
    Hangup,
}

impl Signal {
    /// The frame's `type`.
    pub fn frame_type(self) -> &'static str {
        match self {
            Signal::Offer => "call.offer",
            Signal::Answer => "call.answer",
            Signal::Ice => "call.ice",
            Signal::Hangup => "call.hangup",
        }
    }
}

/// Relays `signal` from `actor` in conversation `id` to the other participant, with `payload`
/// (`sdp` or `candidate`, already validated) merged into the frame.
pub async fn relay(
    ctx: &Ctx,
    actor: Actor,
    id: Uuid,
    signal: Signal,
    payload: serde_json::Map<String, serde_json::Value>,
) -> Result<(), ApiError> {
    conversations::refuse_agents(actor)?;
    let now = ctx.now();
    let mut tx = ctx.state.db.begin().await?;
    let mut row = repo::lock_conversation(&mut tx, id).await?.filter(|row| visible(actor, row)).ok_or(ApiError::NotFound)?;
    may_write(actor, &row)?;
    let peer = if row.client_id == Some(actor.id) { row.assignee_id } else { row.client_id };
    let Some(peer) = peer else {
        return Err(ApiError::Conflict { code: "no_peer", detail: "nobody to call yet: support has not taken the conversation".into() });
    };
    let open = repo::open_call(&mut tx, id).await?;
    let system = match (signal, open) {
        (Signal::Offer, None) => {
            repo::start_call(&mut tx, Uuid::now_v7(), id, actor.id, now).await?;
            Some(append(&mut tx, &mut row, Kind::CallStarted, None, None, None, now).await?)
        }
        (Signal::Hangup, Some(call)) => {
            repo::end_call(&mut tx, call, Some(actor.id), now).await?;
            Some(append(&mut tx, &mut row, Kind::CallEnded, None, None, None, now).await?)
        }
        _ => None,
    };
    if system.is_some() {
        repo::update_conversation(&mut tx, &row).await?;
    }
    tx.commit().await?;
    let mut frame = payload;
    frame.insert("type".into(), signal.frame_type().into());
    frame.insert("conversationId".into(), id.to_string().into());
    frame.insert("fromUserId".into(), actor.id.to_string().into());
    ctx.hub.publish(Event::signal(id, Audience::User(peer), &serde_json::Value::Object(frame))).await;
    if let Some(message) = system {
        ctx.hub.publish(message_event(&row, &message)).await;
    }
    Ok(())
}
