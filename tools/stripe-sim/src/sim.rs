//! The running simulator's shared core: the state under one lock, the simulator clock, and the
//! hand-off of emitted events to their delivery lanes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use crate::store::State;
use crate::webhooks;

/// How webhook deliveries are retried.
#[derive(Clone, Debug)]
pub(crate) struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) first_backoff: Duration,
}

impl RetryPolicy {
    /// The wait after failed attempt `attempt` (1-based): doubling from `first_backoff`, at most
    /// a minute.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(16));
        self.first_backoff.saturating_mul(factor).min(Duration::from_secs(60))
    }
}

pub(crate) struct Sim {
    pub(crate) api_key: String,
    pub(crate) webhook_secret: String,
    pub(crate) business_name: String,
    pub(crate) retry: RetryPolicy,
    pub(crate) http: reqwest::Client,
    pub(crate) shutdown: watch::Receiver<bool>,
    state: Mutex<State>,
    /// Lock order: `state`, then `lanes`.
    lanes: Mutex<HashMap<String, mpsc::UnboundedSender<String>>>,
    clock_offset: AtomicI64,
    runtime: tokio::runtime::Handle,
}

impl Sim {
    pub(crate) fn new(
        api_key: String,
        webhook_secret: String,
        business_name: String,
        retry: RetryPolicy,
        http: reqwest::Client,
        shutdown: watch::Receiver<bool>,
        state: State,
    ) -> Self {
        Self {
            api_key,
            webhook_secret,
            business_name,
            retry,
            http,
            shutdown,
            state: Mutex::new(state),
            lanes: Mutex::new(HashMap::new()),
            clock_offset: AtomicI64::new(0),
            runtime: tokio::runtime::Handle::current(),
        }
    }

    /// The state, for reads and for changes that emit nothing.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The simulator clock (unix seconds): real time plus what `advance_clock` added.
    pub(crate) fn now(&self) -> i64 {
        chrono::Utc::now().timestamp().saturating_add(self.clock_offset.load(Ordering::Relaxed))
    }

    /// Moves the simulator clock forward (at most ~100 years in all); returns the total offset.
    pub(crate) fn advance_clock(&self, seconds: i64) -> i64 {
        const MAX_OFFSET: i64 = 100 * 366 * 24 * 3600;
        let step = seconds.clamp(0, MAX_OFFSET);
        let advanced = |offset: i64| offset.saturating_add(step).min(MAX_OFFSET);
        let previous = self.clock_offset.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |o| Some(advanced(o)));
        advanced(previous.unwrap_or_else(|o| o))
    }

    /// Runs `change` on the state at the simulator's `now`, then hands what it emitted to the
    /// delivery lanes under the same lock, so lanes see events in emission order.
    pub(crate) fn change<R>(self: &Arc<Self>, change: impl FnOnce(&mut State, i64) -> R) -> R {
        let mut state = self.lock();
        let result = change(&mut state, self.now());
        for (lane, event_id) in std::mem::take(&mut state.outbox) {
            self.enqueue(lane, event_id);
        }
        result
    }

    fn enqueue(self: &Arc<Self>, lane: String, event_id: String) {
        let mut lanes = self.lanes.lock().unwrap_or_else(PoisonError::into_inner);
        let event_id = match lanes.get(&lane) {
            Some(sender) => match sender.send(event_id) {
                Ok(()) => return,
                Err(mpsc::error::SendError(event_id)) => event_id,
            },
            None => event_id,
        };
        let (sender, receiver) = mpsc::unbounded_channel();
        // A fresh channel whose receiver we hold: this send cannot fail.
        let _ = sender.send(event_id);
        lanes.insert(lane, sender);
        self.runtime.spawn(webhooks::run_lane(self.clone(), receiver));
    }
}

/// Resolves once the simulator is told to stop (or its handle is gone).
pub(crate) async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_backoff_doubles_up_to_a_minute() {
        let policy = RetryPolicy { max_attempts: 8, first_backoff: Duration::from_secs(1) };
        let waits: Vec<u64> = (1..=8).map(|attempt| policy.backoff(attempt).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60]);
    }
}
