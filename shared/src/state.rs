//! The state every handler receives.

use std::sync::Arc;

use sqlx::MySqlPool;

use crate::account::AccountParts;
use crate::auth::{JwtKeys, SubjectGuard};
use crate::config::Settings;
use crate::services::Services;
use crate::time::{Clock, SystemClock};

/// Cheap to clone: the pool and the shared pieces are reference-counted. A module with state of
/// its own wraps this one (and implements `FromRef` to it, so the shared extractors still work).
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
    /// The account parts of every module linked into this process.
    pub account_parts: AccountParts,
    /// Whether a signed-in subject may still act (the auth module's guard, in every deployable).
    pub subjects: Option<Arc<dyn SubjectGuard>>,
    /// What the linked modules provide each other ([`Services`]).
    pub services: Arc<Services>,
}

impl AppState {
    /// State over the system clock.
    pub fn new(db: MySqlPool, settings: Settings) -> Self {
        let jwt = JwtKeys::from_settings(&settings).map(Arc::new);
        Self {
            db,
            settings: Arc::new(settings),
            clock: Arc::new(SystemClock),
            jwt,
            account_parts: Arc::new([]),
            subjects: None,
            services: Arc::new(Services::default()),
        }
    }

    /// The same state with a subject guard.
    pub fn with_subjects(mut self, subjects: Option<Arc<dyn SubjectGuard>>) -> Self {
        self.subjects = subjects;
        self
    }

    /// The same state with these services.
    pub fn with_services(mut self, services: Services) -> Self {
        self.services = Arc::new(services);
        self
    }

    /// The same state with these account parts.
    pub fn with_account_parts(mut self, parts: AccountParts) -> Self {
        self.account_parts = parts;
        self
    }

    /// The same state with another clock (tests).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}
