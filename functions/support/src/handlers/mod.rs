//! One thin handler per endpoint (API.md "Support").

pub mod contact_requests;
pub mod conversations;
pub mod ice_servers;
pub mod messages;
pub mod ws_connect;
pub mod ws_tickets;

use ycyw_shared::auth::Claims;

use crate::model::Actor;

/// The actor of a verified token.
pub(crate) fn actor(claims: &Claims) -> Actor {
    Actor { id: claims.sub, role: claims.role }
}
