//! `/health/live` and `/health/ready`, mounted on every binary.
//!
//! Readiness always checks the database, its migrations and the jobs table; a process that
//! depends on more (the worker on its SQS queue) registers a [`ReadinessCheck`] with
//! [`routes_with`].

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

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

/// A dependency `/health/ready` checks besides the database, registered by the process that
/// has it.
#[async_trait]
pub trait ReadinessCheck: Send + Sync {
    /// Its key in the answer, e.g. `sqs`.
    fn name(&self) -> &'static str;

    /// `Ok` when the dependency answers; otherwise why not (no secret, no personal data).
    async fn check(&self) -> Result<(), String>;
}

/// The health routes, outside `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/health/live", get(live)).route("/health/ready", get(ready))
}

/// The health routes, `/health/ready` also asking each of `checks`.
pub fn routes_with(checks: Vec<Arc<dyn ReadinessCheck>>) -> Router<AppState> {
    let checks: Arc<[Arc<dyn ReadinessCheck>]> = checks.into();
    Router::new().route("/health/live", get(live)).route(
        "/health/ready",
        get(move |state: State<AppState>| {
            let checks = checks.clone();
            async move { ready_with(state, &checks).await }
        }),
    )
}

/// The process is up.
pub async fn live() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The database answers, every migration is applied, and the queue is reachable.
pub async fn ready(state: State<AppState>) -> Result<Json<Value>, ApiError> {
    ready_with(state, &[]).await
}

async fn ready_with(State(state): State<AppState>, checks: &[Arc<dyn ReadinessCheck>]) -> Result<Json<Value>, ApiError> {
    let mut answer = ready_database(&state).await?;
    for check in checks {
        match tokio::time::timeout(READY_TIMEOUT, check.check()).await {
            Ok(Ok(())) => answer[check.name()] = json!("ok"),
            Ok(Err(reason)) => return Err(ApiError::Unavailable(format!("{}: {reason}", check.name()))),
            Err(_) => return Err(ApiError::Unavailable(format!("{}: timed out", check.name()))),
        }
    }
    Ok(Json(answer))
}

async fn ready_database(state: &AppState) -> Result<Value, ApiError> {
    let check = async {
        if !db::migrations_applied(&state.db).await? {
            return Ok::<_, sqlx::Error>(Some("migrations pending"));
        }
        queue::db::depth(&state.db).await?;
        Ok(None)
    };
    match tokio::time::timeout(READY_TIMEOUT, check).await {
        Ok(Ok(None)) => Ok(json!({ "status": "ok", "database": "ok", "queue": "ok" })),
        Ok(Ok(Some(reason))) => Err(ApiError::Unavailable(reason.into())),
        Ok(Err(e)) => Err(ApiError::Unavailable(format!("database: {e}"))),
        Err(_) => Err(ApiError::Unavailable("database: timed out".into())),
    }
}
