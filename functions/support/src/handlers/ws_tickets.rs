//! `POST /support/ws-tickets`: a one-time ticket for the WebSocket, against the JWT.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ycyw_shared::ApiError;
use ycyw_shared::auth::AnyUser;
use ycyw_shared::error::Problem;

use super::actor;
use crate::service::Ctx;
use crate::service::tickets::TicketView;

/// A ticket valid 30 s, for one `GET /support/ws?ticket=`.
#[utoipa::path(post, path = "/support/ws-tickets", operation_id = "createWsTicket", tag = "support",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The ticket", body = TicketView),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Agents", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The ticket store (Redis) is unreachable", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_ws_ticket(State(ctx): State<Ctx>, AnyUser(claims): AnyUser) -> Result<(StatusCode, Json<TicketView>), ApiError> {
    let actor = actor(&claims);
    crate::service::conversations::refuse_agents(actor)?;
    Ok((StatusCode::CREATED, Json(ctx.tickets.issue(actor, ctx.now()).await?)))
}
