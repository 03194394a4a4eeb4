//! `GET /support/ice-servers`: STUN and TURN servers for a video call.

use axum::Json;
use axum::extract::State;
use ycyw_shared::ApiError;
use ycyw_shared::auth::AnyUser;
use ycyw_shared::error::Problem;

use crate::service::Ctx;
use crate::service::ice::{self, IceServers};

/// The servers, with TURN credentials valid one hour.
#[utoipa::path(get, path = "/support/ice-servers", operation_id = "getIceServers", tag = "support",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "For RTCPeerConnection", body = IceServers),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn ice_servers(State(ctx): State<Ctx>, AnyUser(claims): AnyUser) -> Result<Json<IceServers>, ApiError> {
    Ok(Json(ice::servers(&ctx, claims.sub, ctx.now())))
}
