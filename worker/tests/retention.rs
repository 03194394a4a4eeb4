#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! Issue 14 (data retention, DESIGN §8): every category seeded on both sides of its boundary;
//! a dry run changes nothing and counts what the real run then changes; the real run deletes,
//! anonymises, erases or notifies exactly the rows past their period; a second run finds
//! nothing. An inactive client is anonymised through the account-deletion path (their future
//! reservation cancelled with its refund queued, every reservation detached).

use std::sync::Arc;
use std::time::Duration as StdDuration;

use axum::http::Method;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_shared::AppState;
use ycyw_shared::auth::Role;
use ycyw_shared::jobs::JobSpec as _;
use ycyw_shared::mail::{self, EmailJob, Locale, Template};
use ycyw_shared::module::Deployable;
use ycyw_shared::queue::db::DbQueue;
use ycyw_shared::queue::{Backoff, NewJob, enqueue};
use ycyw_shared::retention::{Action, RetentionParts, RetentionPolicy};
use ycyw_shared::time::ManualClock;
use ycyw_testkit::{TestApp, database_url_of, test_epoch, test_settings};
use ycyw_worker::retention::{self, Housekeeping, PurgeRetention, Report};
use ycyw_worker::worker::{Outcome, Worker};

/// The worker's state over `pool` (every module wired, as `ycyw-worker run` does), its clock at
/// the test epoch, and the retention parts of every module.
struct World {
    pool: MySqlPool,
    clock: ManualClock,
    state: AppState,
    parts: RetentionParts,
    policy: RetentionPolicy,
}

impl World {
    async fn new(pool: MySqlPool) -> Self {
        let url = database_url_of(&pool).await.unwrap();
        let clock = ManualClock::at(test_epoch());
        let deployable = Deployable::new("worker", ycyw_api::modules());
        let state = deployable.wire(AppState::new(pool.clone(), test_settings(&url, &[])).with_clock(Arc::new(clock.clone())));
        Self { pool, clock, state, parts: deployable.retention_parts(), policy: RetentionPolicy::default() }
    }

    fn now(&self) -> DateTime<Utc> {
        test_epoch()
    }

    async fn purge(&self, dry_run: bool) -> Report {
        retention::purge_retention(&self.state, &self.parts, &self.policy, self.now(), dry_run).await.unwrap()
    }

    async fn housekeep(&self, dry_run: bool) -> Report {
        retention::housekeep(&self.state, &self.parts, &self.policy, self.now(), dry_run).await.unwrap()
    }

    /// A client account, as registration and sign-ins would have left it.
    async fn user(&self, email: &str, created: DateTime<Utc>, verified: bool, last_login: Option<DateTime<Utc>>) -> Uuid {
        let id = Uuid::now_v7();
        let verified_at = verified.then(|| created + Duration::hours(1));
        let locale = if email.ends_with(".fr") { "fr" } else { "en" };
        sqlx::query!(
            "INSERT INTO users (id, email, password_hash, role, first_name, last_name, birth_date, address_line1, postal_code, city,
                 country_code, locale, email_verified_at, terms_accepted_at, last_login_at, created_at, updated_at)
             VALUES (?, ?, '$argon2id$not-checked', 'client', 'Zoé', 'Martin', '1988-07-14', '3 place Bellecour', '69002', 'Lyon',
                 'FR', ?, ?, ?, ?, ?, ?)",
            id,
            email,
            locale,
            verified_at,
            created,
            last_login,
            created,
            created
        )
        .execute(&self.pool)
        .await
        .unwrap();
        id
    }

    async fn noticed(&self, user: Uuid, at: DateTime<Utc>) {
        sqlx::query!("UPDATE users SET inactivity_notice_at = ? WHERE id = ?", at, user).execute(&self.pool).await.unwrap();
    }

    async fn one_time_token(&self, user: Uuid, expires: DateTime<Utc>, used: Option<DateTime<Utc>>) -> Uuid {
        let id = Uuid::now_v7();
        sqlx::query!(
            "INSERT INTO one_time_tokens (id, user_id, purpose, token_hash, expires_at, used_at, created_at)
             VALUES (?, ?, 'verify_email', ?, ?, ?, ?)",
            id,
            user,
            id.as_bytes().repeat(2),
            expires,
            used,
            expires - Duration::hours(24)
        )
        .execute(&self.pool)
        .await
        .unwrap();
        id
    }

    async fn refresh_token(&self, user: Uuid, issued: DateTime<Utc>, expires: DateTime<Utc>) -> Uuid {
        let id = Uuid::now_v7();
        sqlx::query!(
            "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
            id,
            user,
            Uuid::now_v7(),
            id.as_bytes().repeat(2),
            issued,
            expires
        )
        .execute(&self.pool)
        .await
        .unwrap();
        id
    }

    async fn stripe_event(&self, id: &str, received: DateTime<Utc>, processed: Option<DateTime<Utc>>) {
        sqlx::query!(
            "INSERT INTO stripe_events (event_id, event_type, livemode, received_at, processed_at, outcome, payload, signature)
             VALUES (?, 'checkout.session.completed', FALSE, ?, ?, 'applied', '{\"customer_email\":\"zoe@example.com\"}', 't=1,v1=ab')",
            id,
            received,
            processed
        )
        .execute(&self.pool)
        .await
        .unwrap();
    }

    /// A job of `kind` that ended as `status` at `finished` (`None`: still queued).
    async fn job(&self, kind: &str, status: &str, finished: Option<DateTime<Utc>>) -> Uuid {
        let created = finished.unwrap_or(self.now()) - Duration::minutes(1);
        let mut conn = self.pool.acquire().await.unwrap();
        let ycyw_shared::queue::Enqueued::New(id) = enqueue(&mut conn, NewJob::new(kind, json!({})), created).await.unwrap() else {
            panic!("no dedup key, no duplicate")
        };
        sqlx::query!("UPDATE jobs SET status = ?, finished_at = ? WHERE id = ?", status, finished, id).execute(&mut *conn).await.unwrap();
        id
    }

    async fn exists(&self, table: &'static str, column: &'static str, id: &[u8]) -> bool {
        // Table and column are this file's constants.
        let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table} WHERE {column} = ?"));
        sqlx::query_scalar::<_, i64>(sql).bind(id).fetch_one(&self.pool).await.unwrap() == 1
    }

    /// A checksum of every table the purge and the housekeeping may touch.
    async fn fingerprint(&self) -> Vec<(String, Option<i64>)> {
        let rows = sqlx::query!(
            r#"CHECKSUM TABLE users, one_time_tokens, refresh_tokens, sign_in_attempts, audit_events, jobs, rate_limits,
                 idempotency_keys, stripe_events, payments, reservations, reservation_status_history, reservation_changes,
                 contact_requests, conversations, messages, ws_tickets"#
        )
        .fetch_all(&self.pool)
        .await
        .unwrap();
        rows.into_iter().map(|row| (row.Table.unwrap_or_default(), row.Checksum)).collect()
    }

    /// The `send_email` jobs of `template` to `to`, as queued.
    async fn mails(&self, template: &str, to: &str) -> Vec<Value> {
        let payloads = sqlx::query_scalar!("SELECT payload FROM jobs WHERE kind = 'send_email' ORDER BY created_at, id")
            .fetch_all(&self.pool)
            .await
            .unwrap();
        payloads.iter().map(|p| serde_json::from_str::<Value>(p).unwrap()).filter(|p| p["template"] == template && p["to"] == to).collect()
    }
}

fn ago(now: DateTime<Utc>, days: i64, plus_seconds: i64) -> DateTime<Utc> {
    now - Duration::days(days) + Duration::seconds(plus_seconds)
}

/// An agency open around the clock with one CDMR, made through the catalog's facade.
async fn agency(pool: &MySqlPool, now: DateTime<Utc>) -> Uuid {
    let hours: Vec<Value> = (1..=7).map(|d| json!({ "weekday": d, "opens": "00:00", "closes": "24:00" })).collect();
    let setup: ycyw_catalog::AgencySetup = serde_json::from_value(json!({
        "agency": {
            "code": "LYS-PDU", "name": "Lyon Part-Dieu",
            "address": { "line1": "5 place Charles Béraudier", "postalCode": "69003", "city": "Lyon", "countryCode": "FR" },
            "timeZone": "Europe/Paris", "phone": "+33 4 99 00 00 01", "email": "lys-pdu@example.com", "openingHours": hours
        },
        "vehicles": [{ "category": "CDMR", "plate": "LY-001-ON", "model": "Peugeot 308" }],
        "rates": [{ "category": "CDMR", "dailyRate": { "amountMinor": 4500, "currency": "EUR" },
                    "oneWayFee": { "amountMinor": 6500, "currency": "EUR" }, "validFrom": "2026-01-01", "validTo": null }]
    }))
    .unwrap();
    ycyw_catalog::Catalog::new(pool.clone()).upsert_agency_setup(&setup, now).await.unwrap().agency.id
}

/// Books a two-day rental picked up in ten days for `user` through the reservations router, and
/// records it paid (confirmed): its cancellation refunds it in full.
async fn paid_reservation(pool: &MySqlPool, user: Uuid, now: DateTime<Utc>) -> Uuid {
    let agency = agency(pool, now).await;
    let app = TestApp::of(pool.clone(), ycyw_api::deployable("reservations").unwrap(), &[], None).await;
    app.clock.set(now);
    let local = |days: i64| (now + Duration::days(days)).format("%Y-%m-%dT10:00").to_string();
    let body =
        json!({ "pickupAgencyId": agency, "returnAgencyId": agency, "pickupAt": local(10), "returnAt": local(12), "category": "CDMR" });
    let booked =
        app.call(Method::POST, "/api/v1/reservations", Some(&body), &[("authorization", &app.bearer(user, Role::Client, None))]).await;
    assert_eq!(booked.status, 201, "{}", String::from_utf8_lossy(&booked.body));
    let id: Uuid = booked.json()["id"].as_str().unwrap().parse().unwrap();
    sqlx::query!("UPDATE reservations SET status = 'confirmed', hold_expires_at = NULL, paid_minor = price_minor WHERE id = ?", id)
        .execute(pool)
        .await
        .unwrap();
    id
}

/// Every (category, action) count of a report.
fn counts(report: &Report) -> Vec<(&'static str, Action, u64)> {
    report.purged.iter().map(|p| (p.category, p.action, p.count)).collect()
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn retention_purge_and_housekeeping_change_exactly_what_is_past_its_period(pool: MySqlPool) {
    let world = World::new(pool.clone()).await;
    let now = world.now();
    let quiet_for_notice = 1095 - 30;

    // Accounts. Unverified: 7 days ± 1 s, each with its verification link and mail.
    let unverified_old = world.user("old.unverified@example.com", ago(now, 7, -1), false, None).await;
    let unverified_young = world.user("young.unverified@example.com", ago(now, 7, 1), false, None).await;
    for (user, to) in [(unverified_old, "old.unverified@example.com"), (unverified_young, "young.unverified@example.com")] {
        world.one_time_token(user, now + Duration::hours(1), None).await;
        let params = [("first_name", "Zoé"), ("link", "http://localhost:4200/verify-email?token=t")];
        let mail = EmailJob::new(to, Locale::En, Template::VerifyEmail, params.map(|(k, v)| (k.to_string(), v.to_string())).into());
        mail::enqueue(&mut pool.acquire().await.unwrap(), &mail.unwrap(), now).await.unwrap();
    }
    // Notices: quiet for 3 years − 30 days ± 1 s; quiet that long but a session refreshed
    // lately; a notice that a sign-in after it cancelled, quiet long enough for a new one.
    let notice_due = world.user("notice.due@example.com", ago(now, 2000, 0), true, Some(ago(now, quiet_for_notice, -1))).await;
    let notice_early = world.user("notice.early@example.com", ago(now, 2000, 0), true, Some(ago(now, quiet_for_notice, 1))).await;
    let refreshed = world.user("refreshed@example.com", ago(now, 2000, 0), true, Some(ago(now, quiet_for_notice, -1))).await;
    world.refresh_token(refreshed, ago(now, 10, 0), ago(now, -20, 0)).await;
    let renoticed = world.user("renoticed@example.fr", ago(now, 2000, 0), true, Some(ago(now, 1070, 0))).await;
    world.noticed(renoticed, ago(now, 1100, 0)).await;
    // Anonymisation: noticed 30 days ago (with a paid booking ahead), 29 days ago, and one
    // that signed in after its notice.
    let inactive = world.user("inactive@example.com", ago(now, 2000, 0), true, Some(ago(now, 1200, 0))).await;
    let reservation = paid_reservation(&pool, inactive, now).await;
    world.noticed(inactive, ago(now, 30, 0)).await;
    // A session left open since then (longer than any real one: the anonymisation revokes it).
    let forgotten_session = world.refresh_token(inactive, ago(now, 1200, 0), now + Duration::days(1)).await;
    let noticed_29 = world.user("noticed.29@example.com", ago(now, 2000, 0), true, Some(ago(now, 1200, 0))).await;
    world.noticed(noticed_29, ago(now, 29, 0)).await;
    let came_back = world.user("came.back@example.com", ago(now, 2000, 0), true, Some(ago(now, 35, 0))).await;
    world.noticed(came_back, ago(now, 40, 0)).await;

    // Stripe events processed 30 days ± 1 s ago, and an old one never processed.
    world.stripe_event("evt_old", ago(now, 31, 0), Some(ago(now, 30, -1))).await;
    world.stripe_event("evt_young", ago(now, 31, 0), Some(ago(now, 30, 1))).await;
    world.stripe_event("evt_pending", ago(now, 90, 0), None).await;

    // Housekeeping. Rate-limit windows: ended (a minute ago, an hour ago) and current.
    for (bucket, start) in [("login:a", now - Duration::minutes(1)), ("login:b", now - Duration::hours(1)), ("login:a", now)] {
        sqlx::query!("INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 3)", bucket, start).execute(&pool).await.unwrap();
    }
    // Jobs: done 30 days ± 1 s ago; dead long ago (ops' business); queued.
    let done_old = world.job("test_done", "done", Some(ago(now, 30, -1))).await;
    let done_young = world.job("test_done", "done", Some(ago(now, 30, 1))).await;
    let dead_old = world.job("test_dead", "dead", Some(ago(now, 400, 0))).await;
    let queued = world.job("test_queued", "queued", None).await;
    // Idempotency keys expired a second ago and expiring in a second.
    for (key, expires) in [("expired", now - Duration::seconds(1)), ("live", now + Duration::seconds(1))] {
        sqlx::query!(
            "INSERT INTO idempotency_keys (user_id, idempotency_key, request_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            notice_early,
            key,
            [7u8; 32].as_slice(),
            expires - Duration::hours(24),
            expires
        )
        .execute(&pool)
        .await
        .unwrap();
    }
    // Tokens of an active user: links expired, used and live; sessions expired and live.
    let active = world.user("active@example.com", ago(now, 10, 0), true, Some(ago(now, 1, 0))).await;
    let link_expired = world.one_time_token(active, now - Duration::seconds(1), None).await;
    let link_used = world.one_time_token(active, now + Duration::minutes(50), Some(now - Duration::minutes(10))).await;
    let link_live = world.one_time_token(active, now + Duration::seconds(1), None).await;
    let session_expired = world.refresh_token(active, ago(now, 31, 0), now - Duration::seconds(1)).await;
    let session_live = world.refresh_token(active, ago(now, 1, 0), now + Duration::seconds(1)).await;
    // Sign-in counters untouched for 30 days ± 1 s.
    for (key, updated) in [([1u8; 32], ago(now, 30, -1)), ([2u8; 32], ago(now, 30, 1))] {
        sqlx::query!(
            "INSERT INTO sign_in_attempts (email_key, failed_count, locked_until, updated_at) VALUES (?, 2, NULL, ?)",
            key.as_slice(),
            updated
        )
        .execute(&pool)
        .await
        .unwrap();
    }

    // Support: conversations closed a year ago ± 1 s and one still open since two years, each
    // with a message; contact requests of a year ago ± 1 s; WebSocket tickets expired and live.
    let mut threads = Vec::new();
    for (closed_at, status) in [(Some(ago(now, 365, -1)), "closed"), (Some(ago(now, 365, 1)), "closed"), (None, "open")] {
        let (conversation, message) = (Uuid::now_v7(), Uuid::now_v7());
        let opened = ago(now, 730, 0);
        sqlx::query!(
            "INSERT INTO conversations (id, status, subject, last_seq, created_at, updated_at, closed_at) VALUES (?, ?, 'Keys', 1, ?, ?, ?)",
            conversation,
            status,
            opened,
            opened,
            closed_at
        )
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query!(
            "INSERT INTO messages (id, conversation_id, seq, kind, sender_id, body, created_at) VALUES (?, ?, 1, 'text', ?, 'My address is …', ?)",
            message,
            conversation,
            Uuid::now_v7(),
            opened
        )
        .execute(&pool)
        .await
        .unwrap();
        threads.push(message);
    }
    let mut requests = Vec::new();
    for created in [ago(now, 365, -1), ago(now, 365, 1)] {
        let id = Uuid::now_v7();
        sqlx::query!(
            "INSERT INTO contact_requests (id, name, email, subject, message, locale, created_at) VALUES (?, 'Ana', 'ana@example.com', 'Hi', 'Hello', 'en', ?)",
            id,
            created
        )
        .execute(&pool)
        .await
        .unwrap();
        requests.push(id);
    }
    for (hash, expires) in [([3u8; 32], now - Duration::seconds(1)), ([4u8; 32], now + Duration::seconds(1))] {
        sqlx::query!(
            "INSERT INTO ws_tickets (ticket_hash, user_id, role, expires_at) VALUES (?, ?, 'client', ?)",
            hash.as_slice(),
            active,
            expires
        )
        .execute(&pool)
        .await
        .unwrap();
    }

    // Dry runs: counts, and not one row changed.
    let before = world.fingerprint().await;
    assert!(before.iter().all(|(_, checksum)| checksum.is_some()), "{before:?}");
    let dry_purge = world.purge(true).await;
    let dry_housekeeping = world.housekeep(true).await;
    assert_eq!(world.fingerprint().await, before, "a dry run changes nothing");
    assert!(dry_purge.dry_run && dry_purge.to_string().contains("would delete"), "{dry_purge}");
    assert_eq!(
        counts(&dry_purge),
        vec![
            ("unverified_accounts", Action::Deleted, 1),
            ("inactive_accounts", Action::Anonymised, 1),
            ("inactive_accounts", Action::Notified, 2),
            ("stripe_payloads", Action::Erased, 1),
            ("closed_conversation_messages", Action::Erased, 1),
            ("contact_requests", Action::Deleted, 1),
        ],
        "{dry_purge}"
    );
    assert_eq!(
        counts(&dry_housekeeping),
        vec![
            ("rate_limits", Action::Deleted, 2),
            ("done_jobs", Action::Deleted, 1),
            ("idempotency_keys", Action::Deleted, 1),
            ("one_time_tokens", Action::Deleted, 2),
            ("refresh_tokens", Action::Deleted, 1),
            ("sign_in_attempts", Action::Deleted, 1),
            ("ws_tickets", Action::Deleted, 1),
        ],
        "{dry_housekeeping}"
    );

    // The real runs change what the dry runs counted.
    let housekeeping = world.housekeep(false).await;
    assert_eq!(counts(&housekeeping), counts(&dry_housekeeping));
    assert!(!housekeeping.dry_run && housekeeping.total() == 9);
    let purge = world.purge(false).await;
    assert_eq!(counts(&purge), counts(&dry_purge), "{purge}");
    assert!(purge.to_string().contains("deleted") && !purge.to_string().contains("would"), "{purge}");
    assert_ne!(world.fingerprint().await, before, "the checksums see changes");

    // Unverified: the old account is gone with its link and its queued mail; the young stays.
    assert!(!world.exists("users", "id", unverified_old.as_bytes()).await);
    assert_eq!(
        sqlx::query_scalar!("SELECT COUNT(*) FROM one_time_tokens WHERE user_id = ?", unverified_old).fetch_one(&pool).await.unwrap(),
        0
    );
    assert!(world.mails("verify_email", "old.unverified@example.com").await.is_empty(), "the mail module erased its mail");
    assert!(world.exists("users", "id", unverified_young.as_bytes()).await);
    assert_eq!(world.mails("verify_email", "young.unverified@example.com").await.len(), 1);
    let audit = sqlx::query!(r#"SELECT action, actor_id AS "actor: Uuid" FROM audit_events WHERE target_id = ?"#, unverified_old)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!((audit.action.as_str(), audit.actor), ("account.deleted_unverified", None));

    // Notices: queued once each with the notice recorded, in the account's language.
    for (user, to, deadline) in
        [(notice_due, "notice.due@example.com", "10 April 2026"), (renoticed, "renoticed@example.fr", "10 avril 2026")]
    {
        let at = sqlx::query_scalar!(r#"SELECT inactivity_notice_at AS "at: DateTime<Utc>" FROM users WHERE id = ?"#, user)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(at, Some(now), "{to}");
        let mails = world.mails("inactivity_notice", to).await;
        assert_eq!(mails.len(), 1, "{to}");
        assert_eq!(mails[0]["params"]["deadline"], deadline);
        assert_eq!(mails[0]["params"]["link"], "http://localhost:4200/sign-in");
    }
    for (user, to) in
        [(notice_early, "notice.early@example.com"), (refreshed, "refreshed@example.com"), (came_back, "came.back@example.com")]
    {
        assert!(world.mails("inactivity_notice", to).await.is_empty(), "{to}");
        let row = sqlx::query!(r#"SELECT email, anonymized_at AS "anonymized_at: DateTime<Utc>" FROM users WHERE id = ?"#, user)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!((row.email.as_deref(), row.anonymized_at), (Some(to), None));
    }

    // Anonymised as a deletion is: personal fields, sessions, the reservation cancelled under the
    // refund rule (in full, ten days ahead) and detached; no goodbye mail (the notice was it).
    let row = sqlx::query!(
        r#"SELECT email, first_name, birth_date, anonymized_at AS "at: DateTime<Utc>", inactivity_notice_at AS "notice: DateTime<Utc>"
           FROM users WHERE id = ?"#,
        inactive
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((row.email, row.first_name, row.birth_date, row.at, row.notice), (None, None, None, Some(now), None));
    assert!(!world.exists("refresh_tokens", "id", forgotten_session.as_bytes()).await, "sessions revoked");
    let booking = sqlx::query!(
        r#"SELECT status, refund_percent, refunded_minor, price_minor, driver_first_name, driver_last_name,
                  anonymized_at AS "detached: DateTime<Utc>" FROM reservations WHERE id = ?"#,
        reservation
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((booking.status.as_str(), booking.refund_percent, booking.refunded_minor), ("cancelled", Some(100), booking.price_minor));
    assert_eq!((booking.driver_first_name.as_str(), booking.driver_last_name.as_str(), booking.detached), ("", "", Some(now)));
    let refunds = sqlx::query_scalar!("SELECT payload FROM jobs WHERE kind = 'issue_refund'").fetch_all(&pool).await.unwrap();
    assert_eq!(refunds.len(), 1);
    let refund: Value = serde_json::from_str(&refunds[0]).unwrap();
    assert_eq!(
        (refund["reservationId"].as_str(), refund["amountMinor"].as_i64()),
        (Some(reservation.to_string().as_str()), Some(booking.price_minor))
    );
    assert!(world.mails("account_deleted", "inactive@example.com").await.is_empty());
    let audit = sqlx::query!(r#"SELECT action, actor_id AS "actor: Uuid" FROM audit_events WHERE target_id = ?"#, inactive)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!((audit.action.as_str(), audit.actor), ("account.anonymised_inactive", None));
    for (user, to) in [(noticed_29, "noticed.29@example.com"), (came_back, "came.back@example.com")] {
        let email = sqlx::query_scalar!("SELECT email FROM users WHERE id = ?", user).fetch_one(&pool).await.unwrap();
        assert_eq!(email.as_deref(), Some(to));
    }

    // Stripe: the old payload and signature erased, the row and its id kept; the others whole.
    let events = sqlx::query!(
        r#"SELECT event_id, payload IS NULL AS "erased!: bool", signature IS NULL AS "unsigned!: bool"
           FROM stripe_events ORDER BY event_id"#
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let events: Vec<(&str, bool, bool)> = events.iter().map(|e| (e.event_id.as_str(), e.erased, e.unsigned)).collect();
    assert_eq!(events, vec![("evt_old", true, true), ("evt_pending", false, false), ("evt_young", false, false)]);

    // Support: only the long-closed conversation's body erased; only the old request deleted.
    for (message, erased) in threads.iter().zip([true, false, false]) {
        let body = sqlx::query_scalar!("SELECT body FROM messages WHERE id = ?", message).fetch_one(&pool).await.unwrap();
        assert_eq!(body.is_none(), erased, "{message}");
    }
    for (request, kept) in requests.iter().zip([false, true]) {
        assert_eq!(world.exists("contact_requests", "id", request.as_bytes()).await, kept, "{request}");
    }
    assert!(world.exists("ws_tickets", "ticket_hash", &[4u8; 32]).await);
    assert!(!world.exists("ws_tickets", "ticket_hash", &[3u8; 32]).await);

    // Housekeeping, row by row.
    let windows = sqlx::query!(r#"SELECT bucket, window_start AS "start: DateTime<Utc>" FROM rate_limits"#).fetch_all(&pool).await.unwrap();
    assert_eq!(windows.iter().map(|w| (w.bucket.as_str(), w.start)).collect::<Vec<_>>(), vec![("login:a", now)]);
    assert!(!world.exists("jobs", "id", done_old.as_bytes()).await);
    for kept in [done_young, dead_old, queued] {
        assert!(world.exists("jobs", "id", kept.as_bytes()).await, "{kept}");
    }
    let keys = sqlx::query_scalar!("SELECT idempotency_key FROM idempotency_keys").fetch_all(&pool).await.unwrap();
    assert_eq!(keys, vec!["live".to_string()]);
    for (token, kept) in [(link_expired, false), (link_used, false), (link_live, true)] {
        assert_eq!(world.exists("one_time_tokens", "id", token.as_bytes()).await, kept, "{token}");
    }
    for (token, kept) in [(session_expired, false), (session_live, true)] {
        assert_eq!(world.exists("refresh_tokens", "id", token.as_bytes()).await, kept, "{token}");
    }
    let counters = sqlx::query_scalar!("SELECT email_key FROM sign_in_attempts").fetch_all(&pool).await.unwrap();
    assert_eq!(counters, vec![vec![2u8; 32]]);

    // A second run finds nothing, and queues no second notice.
    assert_eq!(world.purge(false).await.total(), 0);
    assert_eq!(world.housekeep(false).await.total(), 0);
    assert_eq!(world.mails("inactivity_notice", "notice.due@example.com").await.len(), 1);
    // Thirty days on, the notices still unanswered are due (the two sent now, and the one of 29
    // days ago): the dry run says so.
    let later = retention::purge_retention(&world.state, &world.parts, &world.policy, now + Duration::days(30), true).await.unwrap();
    assert_eq!(later.count("inactive_accounts", Action::Anonymised), 3, "{later}");
}

/// The two kinds run through the worker from their daily schedules, with the policy given; a
/// dry-run job changes nothing.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn retention_jobs_run_from_their_daily_schedules(pool: MySqlPool) {
    let world = World::new(pool.clone()).await;
    let now = world.now();
    let old = world.user("old.unverified@example.com", ago(now, 8, 0), false, None).await;
    sqlx::query!("INSERT INTO rate_limits (bucket, window_start, hits) VALUES ('login:a', ?, 1)", now - Duration::hours(2))
        .execute(&pool)
        .await
        .unwrap();
    let work = retention::work_with(&world.state, world.parts.clone(), world.policy);
    assert_eq!(work.jobs.kinds(), vec!["housekeeping", "purge_retention"]);
    let names: Vec<&str> = work.schedules.iter().map(|s| s.name).collect();
    assert_eq!(names, vec!["purge_retention", "housekeeping"]);
    assert!(work.schedules.iter().all(|s| s.every == StdDuration::from_secs(86_400)));
    let queue = DbQueue::new(pool.clone(), Arc::new(world.clock.clone()), "test", StdDuration::from_secs(60), Backoff::default())
        .only_kinds(&work.jobs.kinds());
    let worker = Worker::new(Arc::new(queue), work.jobs.clone());

    let mut conn = pool.acquire().await.unwrap();
    for kind in [PurgeRetention::KIND, Housekeeping::KIND] {
        enqueue(&mut conn, NewJob::new(kind, json!({ "dry_run": true })), now).await.unwrap();
    }
    for _ in 0..2 {
        assert_eq!(worker.execute_next().await.unwrap().unwrap().outcome, Outcome::Completed);
    }
    assert!(world.exists("users", "id", old.as_bytes()).await, "a dry-run job deletes nothing");

    for schedule in &work.schedules {
        enqueue(&mut conn, schedule.job_at(now), now).await.unwrap();
    }
    drop(conn);
    let mut ran = Vec::new();
    while let Some(execution) = worker.execute_next().await.unwrap() {
        assert_eq!(execution.outcome, Outcome::Completed, "{}", execution.kind);
        ran.push(execution.kind);
    }
    ran.sort();
    assert_eq!(ran, vec!["housekeeping", "purge_retention"]);
    assert!(!world.exists("users", "id", old.as_bytes()).await);
    assert_eq!(sqlx::query_scalar!("SELECT COUNT(*) FROM rate_limits").fetch_one(&pool).await.unwrap(), 0);
}

/// Every deployable registers the retention parts of every module it links, like the account
/// parts: auth's, payments' and support's (reservations needs none).
#[test]
fn retention_parts_are_registered_for_every_linked_module() {
    let names = |d: Deployable| d.retention_parts().iter().map(|p| p.name()).collect::<Vec<_>>();
    assert_eq!(names(Deployable::new("worker", ycyw_api::modules())), vec!["auth", "payments", "support"]);
    assert_eq!(names(ycyw_api::deployable("catalog").unwrap()), vec!["auth", "payments", "support"], "served or not");
}

/// `ycyw-worker purge-retention [--dry-run]` as the CLI runs it (its settings, the system clock).
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn purge_retention_command_changes_nothing_in_a_dry_run(pool: MySqlPool) {
    let world = World::new(pool.clone()).await;
    let url = database_url_of(&pool).await.unwrap();
    let old = world.user("old.unverified@example.com", Utc::now() - Duration::days(8), false, None).await;
    let args = |dry_run| retention::PurgeRetentionArgs { dry_run, housekeeping: true };
    retention::purge_retention_command(args(true), test_settings(&url, &[])).await.unwrap();
    assert!(world.exists("users", "id", old.as_bytes()).await);
    retention::purge_retention_command(args(false), test_settings(&url, &[])).await.unwrap();
    assert!(!world.exists("users", "id", old.as_bytes()).await);
}
