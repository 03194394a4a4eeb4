//! `Idempotency-Key` on POST (DESIGN §5): a client that did not get an answer (a timeout, a lost
//! connection) sends the request again with the same key and gets the first answer, never a
//! second booking. Shared by every module whose POSTs create something (reservations, checkout
//! sessions, support messages).
//!
//! A handler calls [`start`] before its work: [`Started::Replay`] is the stored answer of an
//! earlier request with that key and the same method, path and body; a key used for another
//! request is a 422 `idempotency_key_reused`; a request still running with that key is a 409
//! `request_in_flight`. A handler whose request is often refused (a booking of a full fleet)
//! may first [`peek`]: the same answers, read without a lock or a write, so that a refusal found
//! before the claim leaves no trace and costs no commit; it then claims with [`start`] just
//! before its effect. On [`Started::New`] the handler does its work and calls [`save`] with
//! its answer **inside its own transaction**, so the answer is stored exactly when the effect
//! commits; when the work fails, [`abandon`] frees the key for a retry. A request that died
//! without either (a crashed process) frees its key after [`IN_FLIGHT_TIMEOUT`]. Keys live
//! [`KEY_TTL`].

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use sqlx::{MySqlConnection, MySqlPool};
use uuid::Uuid;

use crate::error::{ApiError, FieldError};
use crate::time::to_db_precision;

/// The request header.
pub const HEADER: &str = "idempotency-key";
/// How long a key is remembered.
pub const KEY_TTL: Duration = Duration::hours(24);
/// After how long a request that neither saved nor abandoned its key is taken for dead: longer
/// than any request may run (`REQUEST_TIMEOUT_SECONDS`, 30 s by default).
pub const IN_FLIGHT_TIMEOUT: Duration = Duration::seconds(60);
/// The longest key accepted.
pub const MAX_KEY_LENGTH: usize = 100;
/// The longest a failed request waits to free its key ([`IdempotentJson::abandon`]).
pub const ABANDON_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// A valid `Idempotency-Key`: 1 to 100 visible ASCII characters (a UUID, typically).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Parses a header value.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let key = raw.trim();
        let visible = key.bytes().all(|b| b.is_ascii_graphic());
        if key.is_empty() || key.len() > MAX_KEY_LENGTH || !visible {
            return Err(FieldError::new("Idempotency-Key", "invalid", "1 to 100 visible ASCII characters, e.g. a UUID"));
        }
        Ok(Self(key.to_string()))
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The optional `Idempotency-Key` of a request; a malformed one is a 422 on that header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotency(pub Option<IdempotencyKey>);

impl<S: Send + Sync> FromRequestParts<S> for Idempotency {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.headers.get(HEADER) {
            None => Ok(Idempotency(None)),
            Some(value) => {
                let raw = value.to_str().map_err(|_| {
                    ApiError::Unprocessable(vec![FieldError::new("Idempotency-Key", "invalid", "visible ASCII characters only")])
                })?;
                IdempotencyKey::parse(raw).map(|key| Idempotency(Some(key))).map_err(|e| ApiError::Unprocessable(vec![e]))
            }
        }
    }
}

/// What identifies a request under its key: SHA-256 of its method, path and body.
pub fn request_hash(method: &str, path: &str, body: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in [method.as_bytes(), b"\n", path.as_bytes(), b"\n", body] {
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// A JSON body with what makes a POST idempotent: its optional `Idempotency-Key` and the
/// [`request_hash`] of its method, path and raw body. Rejections are [`ValidJson`]'s (415, 400,
/// 413, 422 naming the field) and a malformed key's 422.
///
/// [`ValidJson`]: crate::error::ValidJson
#[derive(Debug, Clone)]
pub struct IdempotentJson<T> {
    /// The parsed body.
    pub body: T,
    /// The request's key, when it sent one.
    pub key: Option<IdempotencyKey>,
    /// The hash of its method, path and body.
    pub hash: [u8; 32],
}

impl<T, S> axum::extract::FromRequest<S> for IdempotentJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let Idempotency(key) = Idempotency::from_request_parts(&mut parts, state).await?;
        if !is_json(&parts.headers) {
            return Err(ApiError::UnsupportedMediaType);
        }
        // The path as the client sent it, not as a nested router sees it.
        let hash_path = parts.extensions.get::<axum::extract::OriginalUri>().map_or_else(|| parts.uri.path(), |o| o.path()).to_string();
        let method = parts.method.to_string();
        let req = axum::extract::Request::from_parts(parts, body);
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::BadRequest { code: "bad_request", detail: "the request body could not be read".into() }
            }
        })?;
        let hash = request_hash(&method, &hash_path, &bytes);
        Ok(Self { body: parse_json_bytes(&bytes)?, key, hash })
    }
}

/// `application/json`, or a `+json` type, as `axum::Json` accepts.
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn parse_json_bytes<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    axum::Json::<T>::from_bytes(bytes).map(|axum::Json(value)| value).map_err(ApiError::from)
}

impl<T> IdempotentJson<T> {
    /// Looks the key up for `user` without claiming it ([`peek`]): `Some` is the stored answer
    /// of an earlier identical request, to send again; `None` means the key is free (or absent)
    /// — check what can be checked without writing, then [`replay`](Self::replay) to claim it.
    pub async fn peek(&self, pool: &MySqlPool, user: Uuid, now: DateTime<Utc>) -> Result<Option<SavedResponse>, ApiError> {
        let Some(key) = &self.key else { return Ok(None) };
        peek(pool, user, key, &self.hash, now).await
    }

    /// Starts the request under its key for `user` ([`start`]): `Some` is the stored answer of
    /// an earlier identical request, to send again; `None` means do the work (no key, or a new one).
    pub async fn replay(&self, pool: &MySqlPool, user: Uuid, now: DateTime<Utc>) -> Result<Option<SavedResponse>, ApiError> {
        let Some(key) = &self.key else { return Ok(None) };
        match start(pool, user, key, &self.hash, now).await? {
            Started::New => Ok(None),
            Started::Replay(answer) => Ok(Some(answer)),
        }
    }

    /// Stores `answer` under the key, if any, through the transaction that commits the effect.
    pub async fn save(&self, conn: &mut MySqlConnection, user: Uuid, answer: &SavedResponse) -> Result<(), sqlx::Error> {
        match &self.key {
            Some(key) => save(conn, user, key, answer).await,
            None => Ok(()),
        }
    }

    /// Frees the key, if any, after the work failed without an effect. A failure to free it is
    /// logged, not returned: the key frees itself after [`IN_FLIGHT_TIMEOUT`]. It is given
    /// [`ABANDON_WAIT`] at most: the work often failed because the database is down, and the
    /// failed request's answer must not wait for the pool a second time.
    pub async fn abandon(&self, pool: &MySqlPool, user: Uuid) {
        let Some(key) = &self.key else { return };
        match tokio::time::timeout(ABANDON_WAIT, abandon(pool, user, key)).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::warn!(%error, "could not free an idempotency key; it frees itself within a minute"),
            Err(_) => tracing::warn!("could not free an idempotency key in time; it frees itself within a minute"),
        }
    }
}

/// An answer stored under a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedResponse {
    /// Its status.
    pub status: StatusCode,
    /// Its content type.
    pub content_type: Option<String>,
    /// Its body.
    pub body: Vec<u8>,
}

impl SavedResponse {
    /// A JSON answer.
    pub fn json(status: StatusCode, value: &impl serde::Serialize) -> Result<Self, serde_json::Error> {
        Ok(Self { status, content_type: Some("application/json".into()), body: serde_json::to_vec(value)? })
    }

    /// The answer as sent the first time (without the replay marker).
    pub fn into_first_response(self) -> Response {
        let mut response = (self.status, self.body).into_response();
        if let Some(value) = self.content_type.as_deref().and_then(|ct| HeaderValue::from_str(ct).ok()) {
            response.headers_mut().insert(header::CONTENT_TYPE, value);
        }
        response
    }
}

impl IntoResponse for SavedResponse {
    fn into_response(self) -> Response {
        let mut response = self.into_first_response();
        response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
        response
    }
}

/// What [`start`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Started {
    /// The first request with this key (or the key had expired, or its request died): do the
    /// work, then [`save`] the answer in the work's transaction.
    New,
    /// An earlier request with this key and the same hash: answer this again.
    Replay(SavedResponse),
}

/// Claims `key` of `user` for the request `hash` at `now` (see the module's doc).
pub async fn start(pool: &MySqlPool, user: Uuid, key: &IdempotencyKey, hash: &[u8; 32], now: DateTime<Utc>) -> Result<Started, ApiError> {
    let now = to_db_precision(now);
    crate::db::retry_transient(
        || claim(pool, user, key, hash, now),
        |e| match e {
            ApiError::Internal(cause) => cause.downcast_ref::<sqlx::Error>(),
            _ => None,
        },
    )
    .await
    // The database error was kept inside `Internal` for the retry to find; it answers as any
    // database error does (the database down is a 503, not a 500).
    .map_err(|e| match e {
        ApiError::Internal(cause) => crate::db::api_error(cause),
        other => other,
    })
}

/// A first request's row is written by a lone `INSERT`, which takes no gap lock: a `SELECT …
/// FOR UPDATE` of an absent key locks the gap around it, and concurrent first requests of any
/// keys then deadlock on each other's gaps (26 deadlocks in 100 concurrent bookings, measured).
/// Only a key already stored is read under its row lock.
async fn claim(pool: &MySqlPool, user: Uuid, key: &IdempotencyKey, hash: &[u8; 32], now: DateTime<Utc>) -> Result<Started, ApiError> {
    for _ in 0..3 {
        let inserted = sqlx::query!(
            "INSERT INTO idempotency_keys (user_id, idempotency_key, request_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            user,
            key.as_str(),
            hash.as_slice(),
            now,
            now + KEY_TTL
        )
        .execute(pool)
        .await;
        match inserted {
            Ok(_) => return Ok(Started::New),
            Err(e) if crate::db::is_unique_violation(&e, "PRIMARY") => {}
            Err(e) => return Err(ApiError::Internal(e.into())),
        }
        if let Some(started) = stored(pool, user, key, hash, now).await? {
            return Ok(started);
        }
        // The row was purged between the two statements: insert again.
    }
    Err(ApiError::Internal(anyhow::anyhow!("idempotency key purged three times while being claimed")))
}

/// What a stored row means for a request `hash` at `now`.
enum Judged {
    /// Expired, or its request died without an answer: the key is free again.
    Free,
    /// An earlier answer to send again, or this key's error (reused, in flight).
    Decided(Result<SavedResponse, ApiError>),
}

/// A stored row's columns, as both reads select them.
struct StoredRow {
    request_hash: Vec<u8>,
    response_status: Option<u16>,
    response_content_type: Option<String>,
    response_body: Option<Vec<u8>>,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

fn judge(row: StoredRow, hash: &[u8; 32], now: DateTime<Utc>) -> Judged {
    let abandoned = row.response_status.is_none() && row.created_at < now - IN_FLIGHT_TIMEOUT;
    if row.expires_at <= now || abandoned {
        return Judged::Free;
    }
    if row.request_hash != hash {
        return Judged::Decided(Err(ApiError::Unprocessable(vec![FieldError::new(
            "Idempotency-Key",
            "idempotency_key_reused",
            "this key was used for another request; use a new key for a new request",
        )])));
    }
    Judged::Decided(match (row.response_status, row.response_body) {
        (Some(status), Some(body)) => Ok(SavedResponse {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            content_type: row.response_content_type,
            body,
        }),
        _ => Err(in_flight()),
    })
}

/// What `key` of `user` holds for a request `hash` at `now`, read without a lock and without
/// writing: `Some` stored answer to send again, the key's 422 or 409, or `None` when the key is
/// free (no row, expired, abandoned). Only [`start`] claims; between the two, another request
/// with the key may have claimed it, and `start` then answers what that one left.
pub async fn peek(
    pool: &MySqlPool,
    user: Uuid,
    key: &IdempotencyKey,
    hash: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<Option<SavedResponse>, ApiError> {
    let now = to_db_precision(now);
    let row = sqlx::query_as!(
        StoredRow,
        r#"SELECT request_hash, response_status, response_content_type, response_body,
                  created_at AS "created_at: DateTime<Utc>", expires_at AS "expires_at: DateTime<Utc>"
           FROM idempotency_keys WHERE user_id = ? AND idempotency_key = ?"#,
        user,
        key.as_str()
    )
    .fetch_optional(pool)
    .await?;
    match row.map(|row| judge(row, hash, now)) {
        None | Some(Judged::Free) => Ok(None),
        Some(Judged::Decided(answer)) => answer.map(Some),
    }
}

/// What the stored row of `key` means for a request `hash` at `now`, read under its row lock
/// and claimed again when free; `None` when the row is gone.
async fn stored(
    pool: &MySqlPool,
    user: Uuid,
    key: &IdempotencyKey,
    hash: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<Option<Started>, ApiError> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query_as!(
        StoredRow,
        r#"SELECT request_hash, response_status, response_content_type, response_body,
                  created_at AS "created_at: DateTime<Utc>", expires_at AS "expires_at: DateTime<Utc>"
           FROM idempotency_keys WHERE user_id = ? AND idempotency_key = ? FOR UPDATE"#,
        user,
        key.as_str()
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    match judge(row, hash, now) {
        Judged::Free => {
            sqlx::query!(
                "UPDATE idempotency_keys SET request_hash = ?, response_status = NULL, response_content_type = NULL, response_body = NULL,
                     created_at = ?, expires_at = ? WHERE user_id = ? AND idempotency_key = ?",
                hash.as_slice(),
                now,
                now + KEY_TTL,
                user,
                key.as_str()
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Some(Started::New))
        }
        Judged::Decided(answer) => {
            tx.commit().await?;
            answer.map(|answer| Some(Started::Replay(answer)))
        }
    }
}

fn in_flight() -> ApiError {
    ApiError::Conflict { code: "request_in_flight", detail: "the first request with this key is still running; try again shortly".into() }
}

/// Stores the answer of the request that claimed `key`, through the caller's transaction (the
/// one that commits the request's effect).
pub async fn save(conn: &mut MySqlConnection, user: Uuid, key: &IdempotencyKey, answer: &SavedResponse) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE idempotency_keys SET response_status = ?, response_content_type = ?, response_body = ?
         WHERE user_id = ? AND idempotency_key = ? AND response_status IS NULL",
        answer.status.as_u16(),
        answer.content_type,
        answer.body,
        user,
        key.as_str()
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Frees `key` after its request failed without an effect, so a retry runs again.
pub async fn abandon(pool: &MySqlPool, user: Uuid, key: &IdempotencyKey) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM idempotency_keys WHERE user_id = ? AND idempotency_key = ? AND response_status IS NULL", user, key.as_str())
        .execute(pool)
        .await?;
    Ok(())
}

/// Deletes the keys that expired before `now` (the worker's housekeeping); returns how many.
pub async fn purge(pool: &MySqlPool, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let result = sqlx::query!("DELETE FROM idempotency_keys WHERE expires_at <= ?", to_db_precision(now)).execute(pool).await?;
    Ok(result.rows_affected())
}

#[cfg(test)]
mod tests {
    use std::future::Future as _;
    use std::task::{Context, Poll, Waker};

    use proptest::prelude::*;
    use ycyw_testkit::fuzz::{hostile_text, mutated};

    use super::*;

    const UUID_KEY: &str = "0190d7e2-6a4b-7c1d-9e8f-1a2b3c4d5e6f";

    /// Runs the header extractor, which never waits, to its answer.
    fn extract(parts: &mut Parts) -> Result<Idempotency, ApiError> {
        let mut future = std::pin::pin!(Idempotency::from_request_parts(parts, &()));
        match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(answer) => answer,
            Poll::Pending => unreachable!("the Idempotency-Key extractor does not wait"),
        }
    }

    fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
        // What `HeaderValue` can hold: tab, and every byte from space up except DEL.
        let byte = prop_oneof![8 => 0x20u8..=0x7e, 2 => 0x80u8..=0xff, 1 => Just(b'\t')];
        prop_oneof![
            prop::collection::vec(byte, 0..140),
            mutated(UUID_KEY).prop_map(String::into_bytes).prop_filter("a header value", |b| HeaderValue::from_bytes(b).is_ok()),
        ]
    }

    proptest! {
        /// Invariant: a key is accepted exactly when, without its surrounding whitespace, it is
        /// 1 to 100 visible ASCII characters; it is then that text, and parses again to itself.
        /// Anything else is a field error on `Idempotency-Key`.
        #[test]
        fn fuzz_idempotency_key_parse(raw in prop_oneof![hostile_text(), mutated(UUID_KEY), "[ -~]{0,110}"]) {
            let inner = raw.trim_matches(|c: char| c.is_whitespace());
            let valid = (1..=MAX_KEY_LENGTH).contains(&inner.len()) && inner.bytes().all(|b| b.is_ascii_graphic());
            match IdempotencyKey::parse(&raw) {
                Ok(key) => {
                    prop_assert!(valid, "accepted {:?}", raw);
                    prop_assert_eq!(key.as_str(), inner);
                    prop_assert_eq!(IdempotencyKey::parse(key.as_str()), Ok(key.clone()));
                }
                Err(error) => {
                    prop_assert!(!valid, "refused {:?}", raw);
                    prop_assert_eq!((error.field.as_str(), error.code.as_str()), ("Idempotency-Key", "invalid"));
                }
            }
        }

        /// Invariant: any header value (bytes beyond ASCII included) is either no key, a valid
        /// key, or a 422 naming the header — never a panic, never another status.
        #[test]
        fn fuzz_idempotency_key_header(bytes in header_bytes()) {
            let value = HeaderValue::from_bytes(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let (mut parts, ()) = axum::http::Request::builder().header(HEADER, value).body(()).map_err(|e| TestCaseError::fail(e.to_string()))?.into_parts();
            match extract(&mut parts) {
                Ok(Idempotency(Some(key))) => prop_assert_eq!(Ok(key.clone()), IdempotencyKey::parse(&String::from_utf8_lossy(&bytes))),
                Ok(Idempotency(None)) => prop_assert!(false, "a header that is present is a key or an error"),
                Err(error) => {
                    prop_assert_eq!(error.status(), StatusCode::UNPROCESSABLE_ENTITY);
                    let problem = error.problem();
                    prop_assert_eq!(problem.errors[0].field.as_str(), "Idempotency-Key");
                }
            }
        }

        /// Invariant: the hash is a function of method, path and body, and any change of one of
        /// them changes it (the parts are separated, so moving a byte across a boundary counts).
        #[test]
        fn fuzz_idempotency_request_hash(method in "[A-Z]{3,7}", path in hostile_text(), body in prop::collection::vec(any::<u8>(), 0..512), flip in any::<prop::sample::Index>()) {
            let base = request_hash(&method, &path, &body);
            prop_assert_eq!(base, request_hash(&method, &path, &body));
            let mut changed = body.clone();
            if changed.is_empty() {
                changed.push(0);
            } else {
                let i = flip.index(changed.len());
                changed[i] ^= 1;
            }
            prop_assert_ne!(base, request_hash(&method, &path, &changed));
            prop_assert_ne!(base, request_hash(&method, &format!("{path}/"), &body));
        }
    }

    #[test]
    fn keys_are_short_visible_ascii() {
        assert_eq!(
            IdempotencyKey::parse(" 0190d7e2-6a4b-7c1d-9e8f-1a2b3c4d5e6f ").unwrap().as_str(),
            "0190d7e2-6a4b-7c1d-9e8f-1a2b3c4d5e6f"
        );
        for bad in ["", "   ", "with space", "é-accent", &"k".repeat(101), "tab\there"] {
            assert!(IdempotencyKey::parse(bad).is_err(), "{bad:?}");
        }
        assert!(IdempotencyKey::parse(&"k".repeat(100)).is_ok());
    }

    #[test]
    fn the_hash_covers_method_path_and_body() {
        let base = request_hash("POST", "/api/v1/reservations", b"{\"a\":1}");
        assert_eq!(base, request_hash("POST", "/api/v1/reservations", b"{\"a\":1}"));
        assert_ne!(base, request_hash("POST", "/api/v1/reservations", b"{\"a\":2}"));
        assert_ne!(base, request_hash("PUT", "/api/v1/reservations", b"{\"a\":1}"));
        assert_ne!(base, request_hash("POST", "/api/v1/reservation", b"s{\"a\":1}"), "parts are separated");
    }
}

/// The module owning `idempotency_keys`: it purges expired keys hourly (their stored answers may
/// hold personal data), and a deleted account's keys go with it.
#[derive(Debug, Clone, Copy, Default)]
pub struct IdempotencyModule;

/// `purge_idempotency_keys` (hourly): deletes the keys past their 24 h.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PurgeIdempotencyKeys {}

impl crate::jobs::JobSpec for PurgeIdempotencyKeys {
    const KIND: &'static str = "purge_idempotency_keys";
}

struct Purge {
    pool: MySqlPool,
    clock: std::sync::Arc<dyn crate::time::Clock>,
}

#[async_trait::async_trait]
impl crate::jobs::Handle<PurgeIdempotencyKeys> for Purge {
    async fn handle(&self, _: PurgeIdempotencyKeys, _job: &crate::queue::Job) -> Result<(), crate::jobs::JobError> {
        let purged = purge(&self.pool, self.clock.now()).await.map_err(|e| crate::jobs::JobError::Retryable(e.into()))?;
        tracing::info!(purged, "expired idempotency keys purged");
        Ok(())
    }
}

#[async_trait::async_trait]
impl crate::module::Module for IdempotencyModule {
    fn name(&self) -> &'static str {
        "idempotency"
    }

    async fn work(&self, state: &crate::AppState) -> anyhow::Result<crate::module::Work> {
        use crate::jobs::JobSpec as _;
        let jobs =
            crate::jobs::JobHandlers::default().on::<PurgeIdempotencyKeys>(Purge { pool: state.db.clone(), clock: state.clock.clone() });
        let schedules = vec![crate::jobs::Schedule::every(PurgeIdempotencyKeys::KIND, std::time::Duration::from_secs(3600), |_| {
            crate::queue::NewJob::new(PurgeIdempotencyKeys::KIND, serde_json::json!({}))
        })];
        Ok(crate::module::Work { jobs, schedules })
    }

    fn account(&self) -> Option<std::sync::Arc<dyn crate::account::AccountPart>> {
        Some(std::sync::Arc::new(IdempotencyAccount))
    }
}

/// The keys of a user: their answers are erased with the account.
#[derive(Debug)]
struct IdempotencyAccount;

#[async_trait::async_trait]
impl crate::account::AccountPart for IdempotencyAccount {
    fn section(&self) -> &'static str {
        "idempotencyKeys"
    }

    async fn export(&self, conn: &mut MySqlConnection, account: &crate::account::Account) -> anyhow::Result<serde_json::Value> {
        let keys = sqlx::query!(
            r#"SELECT idempotency_key, response_status, created_at AS "created_at: DateTime<Utc>", expires_at AS "expires_at: DateTime<Utc>"
               FROM idempotency_keys WHERE user_id = ? ORDER BY created_at"#,
            account.id
        )
        .fetch_all(conn)
        .await?;
        Ok(serde_json::Value::Array(
            keys.into_iter()
                .map(|k| serde_json::json!({ "key": k.idempotency_key, "status": k.response_status, "usedAt": k.created_at, "expiresAt": k.expires_at }))
                .collect(),
        ))
    }

    async fn erase(&self, conn: &mut MySqlConnection, account: &crate::account::Account, _now: DateTime<Utc>) -> anyhow::Result<()> {
        sqlx::query!("DELETE FROM idempotency_keys WHERE user_id = ?", account.id).execute(conn).await?;
        Ok(())
    }
}
