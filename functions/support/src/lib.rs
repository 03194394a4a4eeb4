//! Customer support (DESIGN §6, §8; API.md "Support"): the contact form, conversations between
//! a client and support with their message history, live chat over a WebSocket, WebRTC call
//! signalling relayed between the two participants, and TURN credentials.
//!
//! - [`SupportModule`]: routes, secrets, the account part (export; bodies erased on deletion)
//!   and the retention part (closed conversations' bodies, contact requests).
//! - [`hub`]: who is connected to this instance and what each socket is subscribed to; events
//!   fan out through Redis pub/sub when `REDIS_URL` is set, in process otherwise.
//! - [`ws`]: one task per socket: frames validated, messages persisted before they are
//!   published, bounded send buffers, heartbeats.
//! - [`seam::ReservationDirectory`]: how support checks that a reservation is the client's,
//!   provided by the reservations module (support does not depend on it).

mod account;
pub mod handlers;
pub mod hub;
pub mod model;
mod repo;
mod retention;
pub mod seam;
pub mod service;
pub mod settings;
pub mod ws;

use std::sync::Arc;

use async_trait::async_trait;
use axum::extract::FromRef;
use utoipa_axum::router::OpenApiRouter;
use ycyw_shared::AppState;
use ycyw_shared::account::AccountPart;
use ycyw_shared::config::{ConfigError, SecretKey, Settings};
use ycyw_shared::module::{Build, Duty, Module, Routes};
use ycyw_shared::retention::RetentionPart;

pub use service::Ctx;
pub use settings::SupportSettings;

/// The support module.
#[derive(Debug, Clone, Copy, Default)]
pub struct SupportModule;

impl FromRef<Ctx> for AppState {
    fn from_ref(ctx: &Ctx) -> Self {
        ctx.state.clone()
    }
}

/// The module's operations, before any state: built to serve by [`Module::routes`], to
/// describe by [`Module::openapi`] (the description only then: [`Build`]).
fn api(build: Build) -> OpenApiRouter<Ctx> {
    use handlers::*;
    OpenApiRouter::new()
        .routes(ycyw_shared::routes!(build; contact_requests::create_contact_request, contact_requests::list_contact_requests))
        .routes(ycyw_shared::routes!(build; contact_requests::handle_contact_request))
        .routes(ycyw_shared::routes!(build; conversations::list_conversations, conversations::open_conversation))
        .routes(ycyw_shared::routes!(build; conversations::get_conversation))
        .routes(ycyw_shared::routes!(build; conversations::claim_conversation))
        .routes(ycyw_shared::routes!(build; conversations::close_conversation))
        .routes(ycyw_shared::routes!(build; messages::list_messages, messages::send_message))
        .routes(ycyw_shared::routes!(build; ws_tickets::create_ws_ticket))
        .routes(ycyw_shared::routes!(build; ws_connect::connect))
        .routes(ycyw_shared::routes!(build; ice_servers::ice_servers))
}

#[async_trait]
impl Module for SupportModule {
    fn name(&self) -> &'static str {
        "support"
    }

    fn secrets(&self, duty: Duty) -> &'static [SecretKey] {
        match duty {
            // The contact form is rate-limited per client address. TURN_SHARED_SECRET is
            // required only with TURN servers (`check`).
            Duty::Http => &[SecretKey::JwtSigningKey, SecretKey::RateLimitKey],
            Duty::Work => &[],
        }
    }

    /// TURN credentials are derived from `TURN_SHARED_SECRET` (coturn's REST scheme): TURN
    /// servers without it would hand out credentials nobody accepts.
    fn check(&self, settings: &Settings, duty: Duty) -> Result<(), ConfigError> {
        if duty == Duty::Http {
            if settings.is_prod() && !settings.turn_urls.is_empty() {
                settings.secrets.require(SecretKey::TurnSharedSecret)?;
            }
            SupportSettings::from_settings(settings)?;
        }
        Ok(())
    }

    async fn routes(&self, state: &AppState) -> anyhow::Result<Routes> {
        let ctx = Ctx::connect(state, SupportSettings::from_settings(&state.settings)?).await?;
        let hub = ctx.hub.clone();
        Ok(Routes::new(api(Build::Serve).with_state(ctx.clone()))
            .with_readiness(ctx.hub.readiness())
            .on_shutdown(move || async move { hub.shutdown().await }))
    }

    fn openapi(&self) -> Option<utoipa::openapi::OpenApi> {
        Some(api(Build::Describe).into_openapi())
    }

    fn account(&self) -> Option<Arc<dyn AccountPart>> {
        Some(Arc::new(account::SupportAccount))
    }

    fn retention(&self) -> Option<Arc<dyn RetentionPart>> {
        Some(Arc::new(retention::SupportRetention))
    }
}
