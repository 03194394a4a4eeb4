//! The module's operations, one file per concern; REST handlers and the WebSocket call the
//! same functions, so a message sent either way is validated, stored and published alike.
//!
//! - [`conversations`]: open, list, read, claim, close.
//! - [`messages`]: history, send (idempotent by `clientMsgId`), delivered and read marks.
//! - [`calls`]: call start and end as system messages; who a signalling frame goes to.
//! - [`tickets`]: the one-time WebSocket tickets (Redis when configured, else the database).
//! - [`contact`]: the contact form.
//! - [`ice`]: STUN/TURN servers with coturn REST-API credentials.

pub mod calls;
pub mod contact;
pub mod conversations;
pub mod ice;
pub mod messages;
pub mod tickets;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use uuid::Uuid;
use ycyw_auth::Accounts;
use ycyw_shared::domain::{Page, Pagination};
use ycyw_shared::time::to_db_precision;
use ycyw_shared::{ApiError, AppState};

use crate::hub::Hub;
use crate::seam::Reservations;
use crate::settings::SupportSettings;
use tickets::Tickets;

/// What every operation works with.
#[derive(Clone)]
pub struct Ctx {
    /// The application state (pool, clock, settings).
    pub state: AppState,
    /// The auth module's facade.
    pub accounts: Accounts,
    /// The module's settings.
    pub settings: Arc<SupportSettings>,
    /// The sockets of this instance and the fan-out between instances.
    pub hub: Hub,
    /// Where WebSocket tickets are kept.
    pub tickets: Tickets,
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx").field("settings", &self.settings).field("hub", &self.hub).finish_non_exhaustive()
    }
}

impl Ctx {
    /// Sets the module up: with `REDIS_URL`, connects to Redis (tickets and fan-out) and starts
    /// the hub's subscriber; otherwise everything stays in this process and the database.
    pub async fn connect(state: &AppState, settings: SupportSettings) -> anyhow::Result<Self> {
        let redis = match &state.settings.redis_url {
            Some(url) => Some(redis::Client::open(url.as_str()).map_err(|e| anyhow::anyhow!("REDIS_URL: {e}"))?),
            None => None,
        };
        let settings = Arc::new(settings);
        let hub = Hub::start(redis.clone(), settings.clone()).await;
        let tickets = Tickets::new(state.db.clone(), redis);
        Ok(Self { state: state.clone(), accounts: Accounts::new(state), settings, hub, tickets })
    }

    /// Now, at the database's precision.
    pub fn now(&self) -> DateTime<Utc> {
        to_db_precision(self.state.clock.now())
    }

    /// The reservations module's directory, when this process links it.
    pub fn reservations(&self) -> Option<&Reservations> {
        self.state.services.get::<Reservations>()
    }
}

/// The sort key of a list item ordered by `(at, id)` descending, as its cursor carries it.
fn time_key(at: DateTime<Utc>, id: Uuid) -> String {
    format!("{}:{}", at.timestamp_micros(), id.simple())
}

/// The `(at, id)` after which a page of a list ordered by `(at, id)` descending starts: from
/// the validated cursor, a 422 when it is not one of [`time_page`]'s.
pub(crate) fn time_cursor(pagination: &Pagination) -> Result<Option<(DateTime<Utc>, Uuid)>, ApiError> {
    let Some(key) = pagination.after.as_deref() else { return Ok(None) };
    let parsed = key
        .split_once(':')
        .and_then(|(micros, id)| Some((DateTime::from_timestamp_micros(micros.parse().ok()?)?, Uuid::try_parse(id).ok()?)))
        // An instant a `DATETIME` cannot hold cannot be bound: a 500, not "no such cursor".
        .filter(|(at, _)| ycyw_shared::time::in_db_range(*at));
    parsed.map(Some).ok_or_else(|| ApiError::field("cursor", "invalid", "not a cursor of this list"))
}

/// The page of `rows` (fetched with `pagination.fetch()`), its cursor from the last row's
/// `(at, id)`.
pub(crate) fn time_page<T>(pagination: &Pagination, rows: Vec<T>, key: impl Fn(&T) -> (DateTime<Utc>, Uuid)) -> Page<T> {
    let keyed: Vec<(T, String)> = rows
        .into_iter()
        .map(|row| {
            let (at, id) = key(&row);
            (row, time_key(at, id))
        })
        .collect();
    let page = pagination.page(keyed, |(_, key)| key.as_str());
    Page { items: page.items.into_iter().map(|(row, _)| row).collect(), next_cursor: page.next_cursor }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use ycyw_testkit::fuzz::{hostile_text, mutated};

    use super::*;

    fn after(key: &str) -> Pagination {
        Pagination { limit: 20, after: Some(key.to_string()) }
    }

    #[test]
    fn time_cursors_outside_the_database_range_are_refused() {
        let id = Uuid::now_v7();
        let at = DateTime::from_timestamp(1_796_634_000, 0).unwrap_or_default();
        assert_eq!(time_cursor(&after(&time_key(at, id))).ok(), Some(Some((at, id))));
        for micros in ["-99999999999999999", "253402300800000000", "x"] {
            assert!(time_cursor(&after(&format!("{micros}:{}", id.simple()))).is_err(), "{micros}");
        }
    }

    proptest! {
        /// Invariant: a support list's cursor key never panics; accepted, its instant is one
        /// the database can hold and it encodes back to the same `(at, id)`; refused, it is a
        /// 422 on `cursor`.
        #[test]
        fn fuzz_support_time_cursor(key in prop_oneof![
            hostile_text(),
            mutated("1796634000000000:0190d7e26a4b7c1d9e8f1a2b3c4d5e6f"),
            "[+-]?[0-9]{1,20}:[0-9a-f]{32}",
        ]) {
            match time_cursor(&after(&key)) {
                Ok(Some((at, id))) => {
                    prop_assert!(ycyw_shared::time::in_db_range(at));
                    prop_assert_eq!(time_cursor(&after(&time_key(at, id))).ok(), Some(Some((at, id))));
                }
                Ok(None) => prop_assert!(false, "a cursor was given"),
                Err(error) => prop_assert_eq!(error.status(), axum::http::StatusCode::UNPROCESSABLE_ENTITY),
            }
        }
    }

    /// ElastiCache is reached over TLS (`rediss://`, the CDK app's `REDIS_URL`): the client must
    /// take such a URL.
    #[test]
    fn redis_urls_with_tls_are_accepted() {
        assert!(redis::Client::open("rediss://cache.example.internal:6379").is_ok());
        assert!(redis::Client::open("redis://127.0.0.1:6379").is_ok());
    }
}
