//! `stripe-sim`: a dev-only local stand-in for the subset of the Stripe API the payments module
//! uses, spoken over plain HTTP to async-stripe's real client
//! (`ClientBuilder::new(key).url(base_url)`). Never linked into a deployed binary.
//!
//! - API (`/v1/…`, form-encoded, Stripe's JSON and errors, `Authorization: Bearer`,
//!   `Idempotency-Key` replays): Checkout Sessions (create, retrieve, expire), refunds (create,
//!   retrieve), PaymentIntents, charges and events (retrieve). Objects are Stripe's own examples
//!   with the fields the request decided set.
//! - Hosted page `GET /checkout/{id}` with Pay (→ PaymentIntent + Charge, session complete,
//!   `checkout.session.completed`, 303 to `success_url`) and Cancel (303 to `cancel_url`); a
//!   ticker expires open sessions at `expires_at` (`checkout.session.expired`).
//! - Webhooks signed like Stripe's (`Stripe-Signature: t=…,v1=…`), delivered asynchronously in
//!   order per object, retried with backoff.
//! - Test support: the request log, queued faults (HTTP errors, delays, dropped connections),
//!   events with their delivery attempts, page buttons without a browser, a movable clock — as
//!   `/_sim/…` endpoints and as methods of [`RunningSimulator`].
//!
//! State is in memory and lost at stop.
//!
//! ```no_run
//! # async fn example() -> anyhow::Result<()> {
//! use stripe_sim::{Simulator, SimulatorConfig};
//! let sim = Simulator::start(SimulatorConfig {
//!     webhook_url: Some("http://127.0.0.1:8080/api/v1/payments/stripe/webhooks".into()),
//!     ..SimulatorConfig::default()
//! })
//! .await?;
//! // stripe::ClientBuilder::new(sim.api_key()).url(sim.base_url()).build()? (async-stripe)
//! sim.stop().await;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod admin;
mod api;
mod error;
mod form;
mod model;
mod page;
mod records;
mod server;
mod sim;
mod store;
mod webhooks;

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::routing::{any, get, post};
use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use error::SimError;
pub use records::{DeliveryAttempt, DeliveryStatus, EventRecord, Fault, RequestHeaders, RequestRecord};
pub use webhooks::signature_header;

use crate::model::Fixtures;
use crate::sim::{RetryPolicy, Sim, stopped};
use crate::store::State;

/// How to run a simulator. `Default`: a free port on 127.0.0.1, the key `sk_test_simulator`,
/// the secret `whsec_simulator`, no webhook endpoint.
#[derive(Clone)]
pub struct SimulatorConfig {
    /// Where to listen; port 0 picks a free port ([`RunningSimulator::base_url`] tells which).
    pub bind: SocketAddr,
    /// The secret key clients must send (`Authorization: Bearer …`). `sk_live_…` is refused.
    pub api_key: String,
    /// Where events are POSTed; `None`: events are only recorded.
    pub webhook_url: Option<String>,
    /// The webhook signing secret (`whsec_…`).
    pub webhook_secret: String,
    /// Base URL of the hosted page in `checkout.session.url`; default: the listening address.
    pub public_url: Option<String>,
    /// Whose payment page it is (shown on the hosted page).
    pub business_name: String,
    /// `api_version` of events (Stripe's fixture has `null`).
    pub api_version: Option<String>,
    /// Delivery attempts per event before it is marked failed.
    pub webhook_max_attempts: u32,
    /// Wait after the first failed attempt; doubles each time, at most a minute.
    pub webhook_backoff: Duration,
    /// Timeout of one delivery attempt.
    pub webhook_timeout: Duration,
    /// How often open sessions are checked against `expires_at`.
    pub expiry_interval: Duration,
}

impl Default for SimulatorConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            api_key: "sk_test_simulator".into(),
            webhook_url: None,
            webhook_secret: "whsec_simulator".into(),
            public_url: None,
            business_name: "Your Car Your Way".into(),
            api_version: None,
            webhook_max_attempts: 8,
            webhook_backoff: Duration::from_secs(1),
            webhook_timeout: Duration::from_secs(10),
            expiry_interval: Duration::from_secs(1),
        }
    }
}

impl fmt::Debug for SimulatorConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimulatorConfig")
            .field("bind", &self.bind)
            .field("api_key", &api::mask_key(&self.api_key))
            .field("webhook_url", &self.webhook_url)
            .field("webhook_secret", &"****")
            .field("public_url", &self.public_url)
            .field("business_name", &self.business_name)
            .field("api_version", &self.api_version)
            .field("webhook_max_attempts", &self.webhook_max_attempts)
            .field("webhook_backoff", &self.webhook_backoff)
            .field("webhook_timeout", &self.webhook_timeout)
            .field("expiry_interval", &self.expiry_interval)
            .finish()
    }
}

impl SimulatorConfig {
    fn validate(&self) -> anyhow::Result<()> {
        if self.api_key.trim().is_empty() || self.webhook_secret.is_empty() {
            anyhow::bail!("the simulator needs an API key and a webhook secret");
        }
        if self.api_key.contains("_live_") {
            anyhow::bail!("refusing a live Stripe key: the simulator only takes test keys (sk_test_…)");
        }
        for (name, url) in [("webhook URL", &self.webhook_url), ("public URL", &self.public_url)] {
            if let Some(url) = url {
                let parsed = url::Url::parse(url).with_context(|| format!("invalid {name} {url}"))?;
                anyhow::ensure!(matches!(parsed.scheme(), "http" | "https"), "the {name} must be http(s): {url}");
            }
        }
        anyhow::ensure!(!self.expiry_interval.is_zero(), "expiry_interval must be positive");
        Ok(())
    }
}

/// Starts simulators.
#[derive(Debug)]
pub struct Simulator;

impl Simulator {
    /// Binds, then serves in the background until [`RunningSimulator::stop`] or drop. Installs
    /// the process's rustls provider (aws-lc-rs) unless one is installed already.
    pub async fn start(config: SimulatorConfig) -> anyhow::Result<RunningSimulator> {
        config.validate()?;
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let fixtures = Fixtures::load()?;
        let listener = tokio::net::TcpListener::bind(config.bind).await.with_context(|| format!("binding {}", config.bind))?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let public_url = config.public_url.clone().unwrap_or_else(|| base_url.clone()).trim_end_matches('/').to_owned();
        let http = reqwest::Client::builder()
            .timeout(config.webhook_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("Stripe/1.0 (+https://stripe.com/docs/webhooks)")
            .build()
            .context("building the webhook HTTP client")?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let state = State::new(fixtures, public_url.clone(), config.api_version.clone(), config.webhook_url.clone());
        let retry = RetryPolicy { max_attempts: config.webhook_max_attempts.max(1), first_backoff: config.webhook_backoff };
        let sim = Arc::new(Sim::new(
            config.api_key.clone(),
            config.webhook_secret.clone(),
            config.business_name.clone(),
            retry,
            http,
            shutdown_rx.clone(),
            state,
        ));
        let server = tokio::spawn(server::serve(listener, routes(sim.clone()), shutdown_rx.clone()));
        let ticker = tokio::spawn(expire_sessions(sim.clone(), config.expiry_interval, shutdown_rx));
        tracing::info!(%base_url, %public_url, webhooks = config.webhook_url.is_some(), "stripe simulator listening");
        Ok(RunningSimulator { sim, base_url, public_url, addr, shutdown, tasks: vec![server, ticker] })
    }
}

fn routes(sim: Arc<Sim>) -> Router {
    Router::new()
        .route("/v1/{*path}", any(api::handle))
        .route("/checkout/{id}", get(page::show))
        .route("/checkout/{id}/pay", post(page::pay))
        .route("/checkout/{id}/cancel", post(page::cancel))
        .route("/_sim/health", get(admin::health))
        .route("/_sim/requests", get(admin::requests).delete(admin::clear_requests))
        .route("/_sim/faults", get(admin::faults).post(admin::add_faults).delete(admin::clear_faults))
        .route("/_sim/events", get(admin::events))
        .route("/_sim/events/{id}/resend", post(admin::resend))
        .route("/_sim/sessions/{id}/pay", post(admin::pay))
        .route("/_sim/sessions/{id}/expire", post(admin::expire))
        .route("/_sim/clock", post(admin::advance_clock))
        .route("/_sim/{*rest}", any(admin::not_found))
        .fallback(api::unrecognized)
        .with_state(sim)
}

async fn expire_sessions(sim: Arc<Sim>, every: Duration, mut shutdown: watch::Receiver<bool>) {
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            () = stopped(&mut shutdown) => return,
            _ = interval.tick() => {
                for id in sim.change(|state, now| state.expire_due(now)) {
                    tracing::info!(session = id, "checkout session expired");
                }
            }
        }
    }
}

/// A simulator serving in the background; stops on [`stop`](Self::stop) or drop.
pub struct RunningSimulator {
    sim: Arc<Sim>,
    base_url: String,
    public_url: String,
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl fmt::Debug for RunningSimulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningSimulator").field("base_url", &self.base_url).finish_non_exhaustive()
    }
}

impl RunningSimulator {
    /// `http://127.0.0.1:<port>`: the `STRIPE_API_BASE` for async-stripe's `ClientBuilder::url`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Where the hosted pages are (`checkout.session.url` starts with it).
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// The listening address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The secret key clients must send.
    pub fn api_key(&self) -> &str {
        &self.sim.api_key
    }

    /// The webhook signing secret.
    pub fn webhook_secret(&self) -> &str {
        &self.sim.webhook_secret
    }

    /// Points webhooks somewhere else (or nowhere) from now on; events already queued go there.
    pub fn set_webhook_url(&self, url: Option<String>) {
        self.sim.lock().webhook_url = url;
    }

    /// Every API request received so far, oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.sim.lock().requests.clone()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        self.sim.lock().requests.clear();
    }

    /// Queues faults for the next API requests (each consumed by one request, in order).
    pub fn faults(&self, faults: impl IntoIterator<Item = Fault>) -> Result<(), SimError> {
        let faults: Vec<Fault> = faults.into_iter().collect();
        faults.iter().try_for_each(Fault::validate)?;
        self.sim.lock().faults.extend(faults);
        Ok(())
    }

    /// Pays an open Checkout Session as the page's Pay button does; returns the session.
    pub fn pay(&self, session_id: &str) -> Result<Value, SimError> {
        self.sim.change(|state, now| state.pay_session(session_id, now)).map(|paid| paid.session)
    }

    /// Expires an open Checkout Session as the ticker does at `expires_at`; returns it.
    pub fn expire(&self, session_id: &str) -> Result<Value, SimError> {
        self.sim.change(|state, now| state.expire_session(session_id, now, &Default::default()))
    }

    /// Every event emitted so far, oldest first, with its delivery attempts.
    pub fn events(&self) -> Vec<EventRecord> {
        self.sim.lock().events().to_vec()
    }

    /// Delivers an event again (Stripe may deliver one more than once).
    pub fn resend(&self, event_id: &str) -> Result<(), SimError> {
        self.sim.change(|state, _| state.resend(event_id))
    }

    /// Moves the simulator clock forward (object times, expiry; not webhook signatures).
    pub fn advance_clock(&self, by: Duration) {
        self.sim.advance_clock(i64::try_from(by.as_secs()).unwrap_or(i64::MAX));
    }

    /// Stops accepting, lets in-flight requests finish (a few seconds at most), stops the
    /// ticker and the webhook deliveries.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(true);
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
    }
}

impl Drop for RunningSimulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}
