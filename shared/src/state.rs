//! The state every handler receives.

use std::sync::Arc;

use sqlx::MySqlPool;

use crate::account::{AccountHook, AccountHooks};
use crate::auth::JwtKeys;
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
    /// Access-token keys (absent where no `JWT_SIGNING_KEY` is configured, e.g. the worker).
    pub jwt: Option<Arc<JwtKeys>>,
    /// The account hooks of the modules mounted in this process.
    pub account_hooks: AccountHooks,
}

impl AppState {
    /// State over the system clock.
    pub fn new(db: MySqlPool, settings: Settings) -> Self {
        let jwt = JwtKeys::from_settings(&settings).map(Arc::new);
        Self { db, settings: Arc::new(settings), clock: Arc::new(SystemClock), jwt, account_hooks: Arc::new([]) }
    }

    /// The same state with one more account hook.
    pub fn with_account_hook(mut self, hook: Arc<dyn AccountHook>) -> Self {
        let mut hooks: Vec<Arc<dyn AccountHook>> = self.account_hooks.iter().cloned().collect();
        hooks.push(hook);
        self.account_hooks = hooks.into();
        self
    }

    /// The same state with another clock (tests).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}
