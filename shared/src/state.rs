//! The state every handler receives.

use std::sync::Arc;

use sqlx::MySqlPool;

use crate::config::Settings;
use crate::time::{Clock, SystemClock};

/// Cheap to clone: the pool and the shared pieces are reference-counted.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database pool.
    pub db: MySqlPool,
    /// The process settings.
    pub settings: Arc<Settings>,
    /// The clock business rules read.
    pub clock: Arc<dyn Clock>,
}

impl AppState {
    /// State over the system clock.
    pub fn new(db: MySqlPool, settings: Settings) -> Self {
        Self { db, settings: Arc::new(settings), clock: Arc::new(SystemClock) }
    }

    /// The same state with another clock (tests).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}
