//! Shared by the integration tests: a simulator on a free port with fast retries, a webhook
//! receiver standing in for our endpoint, and polling with a deadline (never a bare sleep).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use stripe_sim::{RunningSimulator, Simulator, SimulatorConfig};

pub const API_KEY: &str = "sk_test_simulator_integration_0123456789";
pub const WEBHOOK_SECRET: &str = "whsec_simulator_integration_0123456789";
pub const DEADLINE: Duration = Duration::from_secs(10);

/// Installs the process-wide rustls provider once (as `ycyw_shared::runtime` does).
pub fn init() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

/// A simulator for one test; webhooks to `webhook_url` with 20 ms backoff.
pub async fn simulator(webhook_url: Option<String>) -> RunningSimulator {
    simulator_with(|config| config.webhook_url = webhook_url).await
}

pub async fn simulator_with(adjust: impl FnOnce(&mut SimulatorConfig)) -> RunningSimulator {
    init();
    let mut config = SimulatorConfig {
        api_key: API_KEY.into(),
        webhook_secret: WEBHOOK_SECRET.into(),
        webhook_backoff: Duration::from_millis(20),
        webhook_timeout: Duration::from_secs(2),
        expiry_interval: Duration::from_millis(50),
        ..SimulatorConfig::default()
    };
    adjust(&mut config);
    Simulator::start(config).await.expect("simulator starts")
}

/// One POST the receiver got.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub signature: String,
    pub content_type: String,
    pub body: String,
}

impl Delivery {
    pub fn event_type(&self) -> String {
        let value: serde_json::Value = serde_json::from_str(&self.body).unwrap();
        value["type"].as_str().unwrap().to_owned()
    }
}

#[derive(Clone, Default)]
struct Inbox {
    deliveries: Arc<Mutex<Vec<Delivery>>>,
    failures_left: Arc<AtomicUsize>,
}

/// Our webhook endpoint's stand-in: records every POST, answers 500 to the first `fail_first`.
pub struct Receiver {
    pub url: String,
    inbox: Inbox,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    pub async fn start(fail_first: usize) -> Self {
        let inbox = Inbox { failures_left: Arc::new(AtomicUsize::new(fail_first)), ..Inbox::default() };
        let app = axum::Router::new().route("/webhooks", post(receive)).with_state(inbox.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/webhooks", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { url, inbox, task }
    }

    pub fn deliveries(&self) -> Vec<Delivery> {
        self.inbox.deliveries.lock().unwrap().clone()
    }

    /// Waits until `count` deliveries arrived.
    pub async fn wait_for(&self, count: usize) -> Vec<Delivery> {
        eventually(&format!("{count} webhook deliveries"), || {
            let deliveries = self.deliveries();
            async move { (deliveries.len() >= count).then_some(deliveries) }
        })
        .await
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn receive(State(inbox): State<Inbox>, headers: HeaderMap, body: String) -> StatusCode {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    inbox.deliveries.lock().unwrap().push(Delivery { signature: header("stripe-signature"), content_type: header("content-type"), body });
    let failing = inbox.failures_left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
    if failing { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::OK }
}

/// Polls `probe` until it gives a value, failing the test after [`DEADLINE`].
pub async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let until = Instant::now() + DEADLINE;
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(Instant::now() < until, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Unix seconds now.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}
