//! Whether the subject of a valid access token may still act: a deleted (anonymised) account
//! may not, though its token has up to 15 minutes left. Answers are cached per instance for
//! [`ACTIVE_TTL`] (a deletion is refused everywhere within that time, at once on the instance
//! that deleted it); a deleted account stays refused.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_shared::auth::SubjectGuard;

use crate::repo;

/// How long "this account is active" is believed without asking the database again.
pub(crate) const ACTIVE_TTL: Duration = Duration::from_secs(10);
/// Entries kept at most; past that the cache starts again (it is only a cache).
const CAPACITY: usize = 10_000;

#[derive(Debug, Clone, Copy)]
enum Known {
    Active { until: Instant },
    Deleted,
}

/// The auth module's [`SubjectGuard`].
#[derive(Debug)]
pub(crate) struct Subjects {
    db: MySqlPool,
    known: Mutex<HashMap<Uuid, Known>>,
}

impl Subjects {
    pub(crate) fn new(db: MySqlPool) -> Self {
        Self { db, known: Mutex::new(HashMap::new()) }
    }

    fn known(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Known>> {
        self.known.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait]
impl SubjectGuard for Subjects {
    async fn is_active(&self, sub: Uuid) -> anyhow::Result<bool> {
        let now = Instant::now();
        match self.known().get(&sub) {
            Some(Known::Deleted) => return Ok(false),
            Some(Known::Active { until }) if *until > now => return Ok(true),
            _ => {}
        }
        let active = repo::is_active(&mut *self.db.acquire().await?, sub).await?;
        let mut known = self.known();
        if known.len() >= CAPACITY {
            known.clear();
        }
        known.insert(sub, if active { Known::Active { until: now + ACTIVE_TTL } } else { Known::Deleted });
        Ok(active)
    }

    fn deleted(&self, sub: Uuid) {
        self.known().insert(sub, Known::Deleted);
    }
}
