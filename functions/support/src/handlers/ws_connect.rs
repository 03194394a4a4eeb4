//! `GET /support/ws?ticket=`: the WebSocket upgrade.

use axum::extract::State;
use axum::extract::ws::{WebSocketUpgrade, rejection::WebSocketUpgradeRejection};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;
use ycyw_shared::ApiError;
use ycyw_shared::error::Problem;
use ycyw_shared::extract::Params;

use crate::service::Ctx;
use crate::ws::{self, MAX_PROTOCOL_FRAME};

/// Bytes read from a socket at a time.
const READ_BUFFER: usize = 4 * 1024;

/// The upgrade's query.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketQuery {
    /// From `POST /support/ws-tickets`.
    pub ticket: Option<String>,
}

/// Opens the chat socket: an allowed `Origin` and an unused, unexpired ticket; frames are in API.md.
#[utoipa::path(get, path = "/support/ws", operation_id = "openSupportSocket", tag = "support", params(TicketQuery),
    responses(
        (status = 101, description = "Switching to the WebSocket protocol"),
        (status = 400, description = "Not a WebSocket upgrade (websocket_expected)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing, used or expired ticket", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Origin not allowed (origin_not_allowed)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn connect(
    State(ctx): State<Ctx>,
    Params(query): Params<TicketQuery>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    if !origin.is_some_and(|origin| ctx.state.settings.allowed_origins.iter().any(|allowed| allowed == origin)) {
        return Err(ApiError::Forbidden { code: "origin_not_allowed", detail: "this origin may not open the support socket".into() });
    }
    let upgrade =
        upgrade.map_err(|_| ApiError::BadRequest { code: "websocket_expected", detail: "open this URL as a WebSocket".into() })?;
    let ticket = query.ticket.unwrap_or_default();
    let actor = ctx.tickets.redeem(&ticket, ctx.now()).await?.ok_or(ApiError::Unauthorized)?;
    // Small buffers (tungstenite reserves 128 KiB each way per socket by default; the read buffer
    // grows for a large frame): chat frames are small and written at once.
    Ok(upgrade
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_message_size(MAX_PROTOCOL_FRAME)
        .max_frame_size(MAX_PROTOCOL_FRAME)
        .on_upgrade(move |socket| ws::run(ctx, actor, socket)))
}
