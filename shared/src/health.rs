//! `/health/live` and `/health/ready`, mounted on every binary.

use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::state::AppState;
use crate::{db, queue};

/// How long the readiness probe waits for the database before calling it down.
const READY_TIMEOUT: Duration = Duration::from_secs(5);

/// The health routes, outside `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/health/live", get(live)).route("/health/ready", get(ready))
}

/// The process is up.
pub async fn live() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The database answers, every migration is applied, and the queue is reachable.
pub async fn ready(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let check = async {
        if !db::migrations_applied(&state.db).await? {
            return Ok::<_, sqlx::Error>(Some("migrations pending"));
        }
        queue::db::depth(&state.db).await?;
        Ok(None)
    };
    match tokio::time::timeout(READY_TIMEOUT, check).await {
        Ok(Ok(None)) => Ok(Json(json!({ "status": "ok", "database": "ok", "queue": "ok" }))),
        Ok(Ok(Some(reason))) => Err(ApiError::Unavailable(reason.into())),
        Ok(Err(e)) => Err(ApiError::Unavailable(format!("database: {e}"))),
        Err(_) => Err(ApiError::Unavailable("database: timed out".into())),
    }
}
