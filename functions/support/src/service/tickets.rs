//! One-time WebSocket tickets (DESIGN §6): a browser cannot put a bearer token on a WebSocket
//! upgrade, so it trades its JWT for a random ticket valid 30 s and used once. Only the
//! ticket's SHA-256 is stored: in Redis (`SET … EX 30 NX`, redeemed by `GETDEL`) when
//! `REDIS_URL` is set, so any instance redeems what another issued; in the `ws_tickets` table
//! otherwise.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::MySqlPool;
use utoipa::ToSchema;
use uuid::Uuid;
use ycyw_shared::ApiError;
use ycyw_shared::auth::Role;

use crate::model::Actor;

/// How long a ticket may wait for its upgrade.
pub const TICKET_TTL: Duration = Duration::seconds(30);

/// `POST /support/ws-tickets` → 201.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TicketView {
    /// Pass as `?ticket=` to `GET /support/ws`, once, before `expiresAt`.
    pub ticket: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// Where tickets are kept.
#[derive(Clone)]
pub struct Tickets {
    db: MySqlPool,
    redis: Option<Arc<RedisStore>>,
}

struct RedisStore {
    client: redis::Client,
    connection: tokio::sync::Mutex<Option<redis::aio::MultiplexedConnection>>,
}

impl RedisStore {
    /// Runs `command` on the shared multiplexed connection (cloned out of the lock, so commands
    /// run concurrently), connecting first when needed; a failure drops the connection so the
    /// next command reconnects. Redis unreachable → 503.
    async fn query<T: redis::FromRedisValue>(&self, command: &redis::Cmd) -> Result<T, ApiError> {
        let unavailable = |e: Option<redis::RedisError>| {
            ApiError::Unavailable(e.map_or("redis did not answer".into(), |e| format!("redis: {:?}", e.kind())))
        };
        let connection = {
            let mut slot = self.connection.lock().await;
            if slot.is_none() {
                let connected = tokio::time::timeout(StdDuration::from_secs(2), self.client.get_multiplexed_async_connection())
                    .await
                    .map_err(|_| unavailable(None))?
                    .map_err(|e| unavailable(Some(e)))?;
                *slot = Some(connected);
            }
            slot.clone()
        };
        let Some(mut connection) = connection else { return Err(unavailable(None)) };
        let answer = tokio::time::timeout(StdDuration::from_secs(2), command.query_async::<T>(&mut connection)).await;
        let failure = match answer {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(e)) => unavailable(Some(e)),
            Err(_) => unavailable(None),
        };
        *self.connection.lock().await = None;
        Err(failure)
    }
}

fn hash(ticket: &str) -> [u8; 32] {
    Sha256::digest(ticket.as_bytes()).into()
}

fn key(hash: &[u8; 32]) -> String {
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("ycyw:ws-ticket:{hex}")
}

impl Tickets {
    /// Tickets in `redis` when given, else in the database.
    pub fn new(db: MySqlPool, redis: Option<redis::Client>) -> Self {
        let redis = redis.map(|client| Arc::new(RedisStore { client, connection: tokio::sync::Mutex::new(None) }));
        Self { db, redis }
    }

    /// A new ticket for `actor`, valid [`TICKET_TTL`] from `now`.
    pub async fn issue(&self, actor: Actor, now: DateTime<Utc>) -> Result<TicketView, ApiError> {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let ticket = URL_SAFE_NO_PAD.encode(bytes);
        let hashed = hash(&ticket);
        let expires_at = now + TICKET_TTL;
        match &self.redis {
            Some(store) => {
                let mut command = redis::cmd("SET");
                command.arg(key(&hashed)).arg(format!("{}:{}", actor.id, actor.role)).arg("EX").arg(TICKET_TTL.num_seconds()).arg("NX");
                store.query::<Option<String>>(&command).await?;
            }
            None => {
                sqlx::query!(
                    "INSERT INTO ws_tickets (ticket_hash, user_id, role, expires_at) VALUES (?, ?, ?, ?)",
                    hashed.as_slice(),
                    actor.id,
                    actor.role,
                    expires_at
                )
                .execute(&self.db)
                .await?;
            }
        }
        Ok(TicketView { ticket, expires_at })
    }

    /// The actor of `ticket`, consuming it; `None` when unknown, used or expired at `now`.
    pub async fn redeem(&self, ticket: &str, now: DateTime<Utc>) -> Result<Option<Actor>, ApiError> {
        if ticket.is_empty() || ticket.len() > 100 {
            return Ok(None);
        }
        let hashed = hash(ticket);
        match &self.redis {
            Some(store) => {
                let mut command = redis::cmd("GETDEL");
                command.arg(key(&hashed));
                let value: Option<String> = store.query(&command).await?;
                Ok(value.and_then(|v| {
                    let (user, role) = v.split_once(':')?;
                    Some(Actor { id: user.parse().ok()?, role: role.parse().ok()? })
                }))
            }
            None => {
                let mut tx = self.db.begin().await?;
                let row = sqlx::query!(
                    r#"SELECT user_id AS "user_id: Uuid", role AS "role: Role", expires_at AS "expires_at: DateTime<Utc>"
                       FROM ws_tickets WHERE ticket_hash = ? FOR UPDATE"#,
                    hashed.as_slice()
                )
                .fetch_optional(&mut *tx)
                .await?;
                let Some(row) = row else { return Ok(None) };
                sqlx::query!("DELETE FROM ws_tickets WHERE ticket_hash = ?", hashed.as_slice()).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok((row.expires_at > now).then_some(Actor { id: row.user_id, role: row.role }))
            }
        }
    }
}

/// Deletes the database's expired tickets (housekeeping); returns how many.
pub async fn purge_expired(pool: &MySqlPool, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!("DELETE FROM ws_tickets WHERE expires_at <= ?", now).execute(pool).await?.rows_affected())
}
