//! Payments issue, acceptances 2–5, against the local Stripe simulator (`tools/stripe-sim`) with
//! async-stripe's real client: what our client sends, failures retried then 502, and every flow
//! through the simulator's signed webhooks to our endpoint, the worker's handlers and back.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../reservations/tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::Duration;

use axum::http::{Method, StatusCode};
use chrono::{DateTime, Utc};
use chrono_tz::Europe::Paris;
use common::World;
use serde_json::{Value, json};
use sqlx::MySqlPool;
use stripe_sim::{Fault, RunningSimulator, Simulator, SimulatorConfig};
use uuid::Uuid;

const KEY: &str = "sk_test_flows_0123456789";
const SECRET: &str = "whsec_flows_0123456789";

struct Stack {
    w: World,
    sim: RunningSimulator,
}

/// The world (now = the real clock, as the simulator's) with payments served, a simulator
/// whose webhooks reach the app over HTTP.
async fn stack(pool: MySqlPool) -> Stack {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app_url = format!("http://{}", listener.local_addr().unwrap());
    let config = SimulatorConfig {
        api_key: KEY.into(),
        webhook_secret: SECRET.into(),
        webhook_url: Some(format!("{app_url}/api/v1/payments/stripe/webhooks")),
        webhook_backoff: Duration::from_millis(50),
        ..SimulatorConfig::default()
    };
    let sim = Simulator::start(config).await.unwrap();
    let deployable = common::deployable_with(vec![Arc::new(ycyw_payments::PaymentsModule)], &["payments"]);
    let base = sim.base_url().to_string();
    let overrides = [("STRIPE_SECRET_KEY", KEY), ("STRIPE_WEBHOOK_SECRET", SECRET), ("STRIPE_API_BASE", base.as_str())];
    let w = common::world_of(pool, deployable, &overrides, Utc::now()).await;
    let router = w.app.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await });
    Stack { w, sim }
}

/// 10:00 in Paris `days` from now.
fn paris_in(days: i64) -> DateTime<Utc> {
    let day = (Utc::now() + chrono::Duration::days(days)).with_timezone(&Paris).format("%Y-%m-%dT10:00").to_string();
    common::instant(Paris, &day)
}

async fn checkout(s: &Stack, auth: &str, id: Uuid) -> ycyw_testkit::TestResponse {
    s.w.send(auth, Method::POST, &format!("/api/v1/reservations/{id}/checkout-sessions"), None).await
}

fn id_of(body: &Value) -> Uuid {
    body["id"].as_str().unwrap().parse().unwrap()
}

fn session_of(url: &str) -> String {
    url.rsplit('/').next().unwrap().to_string()
}

/// Polls `check` for up to 10 s.
async fn eventually(what: &str, check: impl AsyncFn() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while std::time::Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(ycyw_testkit::POLL_INTERVAL).await;
    }
    panic!("{what} did not happen in time");
}

/// Waits until every event of the simulator reached our endpoint, then runs the queue until
/// nothing is left (the worker's part).
async fn deliver_and_work(s: &Stack) {
    eventually("the simulator's deliveries", async || {
        let delivered =
            sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!: i64" FROM stripe_events"#).fetch_one(&s.w.app.state.db).await.unwrap();
        delivered == i64::try_from(s.sim.events().len()).unwrap()
    })
    .await;
    loop {
        let ran = s.w.app.run_jobs().await;
        if ran.is_empty() {
            break;
        }
        // Refunds make the simulator emit more events.
        eventually("the simulator's deliveries", async || {
            let delivered =
                sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!: i64" FROM stripe_events"#).fetch_one(&s.w.app.state.db).await.unwrap();
            delivered == i64::try_from(s.sim.events().len()).unwrap()
        })
        .await;
    }
}

async fn status(s: &Stack, id: Uuid) -> String {
    sqlx::query_scalar!("SELECT status FROM reservations WHERE id = ?", id).fetch_one(&s.w.app.state.db).await.unwrap()
}

async fn payments(s: &Stack, auth: &str, id: Uuid) -> Vec<(String, String, i64)> {
    let body = s.w.get(auth, &format!("/api/v1/reservations/{id}/payments")).await.json();
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["kind"].as_str().unwrap().into(), p["status"].as_str().unwrap().into(), p["amount"]["amountMinor"].as_i64().unwrap()))
        .collect()
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn the_checkout_request_carries_what_stripe_needs_and_is_given_again(pool: MySqlPool) {
    let s = stack(pool).await;
    let (_, ana) = s.w.client("ana@example.com").await;
    let booked = s.w.booked(&ana, &s.w.booking(&s.w.paris, "CDMR", paris_in(10), 3)).await;
    let id = id_of(&booked);
    let answer = checkout(&s, &ana, id).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&answer.body));
    let body = answer.json();
    assert!(body["url"].as_str().unwrap().starts_with(s.sim.public_url()), "{body}");
    let sent: Vec<_> = s.sim.requests().into_iter().filter(|r| r.method == "POST" && r.path == "/v1/checkout/sessions").collect();
    assert_eq!(sent.len(), 1);
    let params = &sent[0].params;
    assert_eq!(params["mode"], "payment");
    assert_eq!(params["line_items"][0]["price_data"]["unit_amount"], "13500");
    assert_eq!(params["line_items"][0]["price_data"]["currency"], "eur");
    assert_eq!(params["line_items"][0]["quantity"], "1");
    let name = params["line_items"][0]["price_data"]["product_data"]["name"].as_str().unwrap();
    assert!(name.ends_with(booked["reference"].as_str().unwrap()), "{name}");
    let description = params["line_items"][0]["price_data"]["product_data"]["description"].as_str().unwrap();
    assert!(description.contains("Paris Gare de Lyon") && description.contains("CDMR"), "{description}");
    assert_eq!(params["client_reference_id"], id.to_string());
    assert_eq!(params["metadata"]["reservation_id"], id.to_string());
    assert_eq!(params["customer_email"], "ana@example.com");
    let expires_at: i64 = params["expires_at"].as_str().unwrap().parse().unwrap();
    assert!(expires_at >= Utc::now().timestamp() + 30 * 60, "Stripe's shortest session");
    assert!(params["success_url"].as_str().unwrap().contains(&format!("/reservations/{id}?checkout=success")));
    assert_eq!(sent[0].headers.idempotency_key.as_deref(), Some(format!("checkout-{id}-booking-13500EUR-{expires_at}").as_str()));
    // The hold now lasts as long as the session.
    let held = s.w.get(&ana, &format!("/api/v1/reservations/{id}")).await.json();
    assert_eq!(held["holdExpiresAt"].as_str().unwrap().parse::<DateTime<Utc>>().unwrap().timestamp(), expires_at);
    // Asked again: the same page, no second session.
    assert_eq!(checkout(&s, &ana, id).await.json()["url"], body["url"]);
    assert_eq!(s.sim.requests().iter().filter(|r| r.path == "/v1/checkout/sessions").count(), 1);
    // Someone else's reservation, staff, anonymous.
    let (_, ben) = s.w.client("ben@example.com").await;
    checkout(&s, &ben, id).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    checkout(&s, &s.w.agent(s.w.paris.id).await, id).await.assert_problem(StatusCode::FORBIDDEN, "forbidden");
    checkout(&s, "", id).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    // The history: its client and its agency's agents; nobody else.
    let history = format!("/api/v1/reservations/{id}/payments");
    assert_eq!(s.w.get(&ana, &history).await.json()["items"][0]["status"], "open");
    assert_eq!(s.w.get(&s.w.agent(s.w.paris.id).await, &history).await.status, StatusCode::OK);
    s.w.get(&s.w.agent(s.w.orly.id).await, &history).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    s.w.get(&ben, &history).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    s.w.get(&s.w.support().await, &history).await.assert_problem(StatusCode::FORBIDDEN, "forbidden");
    s.w.get("", &history).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn stripe_failures_are_retried_then_502_with_nothing_written(pool: MySqlPool) {
    let s = stack(pool).await;
    let (_, ana) = s.w.client("ana@example.com").await;
    let id = id_of(&s.w.booked(&ana, &s.w.booking(&s.w.paris, "CDMR", paris_in(10), 1)).await);
    s.sim.faults([Fault { status: Some(503), ..Fault::default() }, Fault { reset: true, ..Fault::default() }]).unwrap();
    assert_eq!(checkout(&s, &ana, id).await.status, StatusCode::CREATED, "two failures, then the third attempt");
    let keys: Vec<_> =
        s.sim.requests().into_iter().filter(|r| r.path == "/v1/checkout/sessions").map(|r| r.headers.idempotency_key).collect();
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|k| k == &keys[0]), "one idempotency key for every attempt");

    let other = id_of(&s.w.booked(&ana, &s.w.booking(&s.w.paris, "EDMR", paris_in(12), 1)).await);
    s.sim.faults((0..3).map(|_| Fault { status: Some(500), ..Fault::default() })).unwrap();
    checkout(&s, &ana, other).await.assert_problem(StatusCode::BAD_GATEWAY, "payment_provider_unavailable");
    assert!(payments(&s, &ana, other).await.is_empty(), "never a half-written payment");
    assert_eq!(status(&s, other).await, "pending_payment");
    assert_eq!(checkout(&s, &ana, other).await.status, StatusCode::CREATED, "and the client's retry works");

    // Stripe too slow (longer than a call may take: a quarter of the test's 10 s request
    // timeout) three times: 502 as well, within the request's time.
    let slow = id_of(&s.w.booked(&ana, &s.w.booking(&s.w.paris, "CDMR", paris_in(14), 1)).await);
    s.sim.faults((0..3).map(|_| Fault::delay(Duration::from_secs(4)))).unwrap();
    let started = std::time::Instant::now();
    checkout(&s, &ana, slow).await.assert_problem(StatusCode::BAD_GATEWAY, "payment_provider_unavailable");
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    assert!(payments(&s, &ana, slow).await.is_empty());
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn paying_confirms_and_mails_and_an_expired_checkout_frees_the_car(pool: MySqlPool) {
    let s = stack(pool).await;
    let (_, ana) = s.w.client("ana@example.com").await;
    let id = id_of(&s.w.booked(&ana, &s.w.booking(&s.w.orly, "CDMR", paris_in(10), 2)).await);
    let url = checkout(&s, &ana, id).await.json()["url"].as_str().unwrap().to_string();
    s.sim.pay(&session_of(&url)).unwrap();
    deliver_and_work(&s).await;
    assert_eq!(status(&s, id).await, "confirmed");
    assert_eq!(payments(&s, &ana, id).await, [("charge".to_string(), "succeeded".to_string(), 10_000)]);
    assert!(s.w.emails_to("ana@example.com").await.iter().any(|e| e["template"] == "reservation_confirmed"));
    // The same event delivered again changes nothing.
    let completed = s.sim.events().into_iter().find(|e| e.event_type == "checkout.session.completed").unwrap();
    s.sim.resend(&completed.id).unwrap();
    deliver_and_work(&s).await;
    assert_eq!(payments(&s, &ana, id).await.len(), 1);

    let (_, ben) = s.w.client("ben@example.com").await;
    let held = id_of(&s.w.booked(&ben, &s.w.booking(&s.w.orly, "CDMR", paris_in(20), 1)).await);
    let url = checkout(&s, &ben, held).await.json()["url"].as_str().unwrap().to_string();
    s.sim.expire(&session_of(&url)).unwrap();
    deliver_and_work(&s).await;
    assert_eq!(status(&s, held).await, "expired");
    assert_eq!(payments(&s, &ben, held).await, [("charge".to_string(), "expired".to_string(), 5000)]);
    s.w.booked(&ana, &s.w.booking(&s.w.orly, "CDMR", paris_in(20), 1)).await;
}

/// Books, pays through the simulator and returns the reservation.
async fn paid(s: &Stack, auth: &str, body: &Value) -> Uuid {
    let id = id_of(&s.w.booked(auth, body).await);
    let url = checkout(s, auth, id).await.json()["url"].as_str().unwrap().to_string();
    s.sim.pay(&session_of(&url)).unwrap();
    deliver_and_work(s).await;
    assert_eq!(status(s, id).await, "confirmed");
    id
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn cancellations_are_refunded_by_stripe_in_full_or_by_a_quarter(pool: MySqlPool) {
    let s = stack(pool).await;
    let (_, ana) = s.w.client("ana@example.com").await;
    for (days, refunded) in [(10, 4500), (3, 1125)] {
        let id = paid(&s, &ana, &s.w.booking(&s.w.paris, "CDMR", paris_in(days), 1)).await;
        let cancelled = s.w.send(&ana, Method::POST, &format!("/api/v1/reservations/{id}/cancellation"), None).await.json();
        assert_eq!(cancelled["refund"]["amount"]["amountMinor"], refunded, "{cancelled}");
        let amount = refunded.to_string();
        deliver_and_work(&s).await;
        assert_eq!(
            payments(&s, &ana, id).await,
            [("charge".to_string(), "succeeded".to_string(), 4500), ("refund".to_string(), "succeeded".to_string(), refunded)]
        );
        let refunds: Vec<_> =
            s.sim.requests().into_iter().filter(|r| r.path == "/v1/refunds" && r.params["amount"] == amount.as_str()).collect();
        assert_eq!(refunds.len(), 1, "one Stripe refund of {refunded}");
        assert!(refunds[0].headers.idempotency_key.as_deref().unwrap().starts_with("refund-"));
    }
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_dearer_change_is_paid_and_a_cheaper_one_refunded(pool: MySqlPool) {
    let s = stack(pool).await;
    let (_, ana) = s.w.client("ana@example.com").await;
    let id = paid(&s, &ana, &s.w.booking(&s.w.paris, "EDMR", paris_in(10), 2)).await;
    let later = |days: i64, hours: i64| common::local(Paris, paris_in(days) + chrono::Duration::hours(hours));
    let dearer = json!({ "category": "CDMR", "returnAt": later(13, 0) });
    let modification = s.w.send(&ana, Method::PATCH, &format!("/api/v1/reservations/{id}"), Some(&dearer)).await.json();
    assert_eq!(modification["outcome"], "payment_required", "{modification}");
    // The answer carries the payment page of the difference; opening it again gives the same one.
    let url = modification["checkoutUrl"].as_str().expect("payment_required carries checkoutUrl").to_string();
    assert_eq!(checkout(&s, &ana, id).await.json()["url"], url.as_str());
    let sent = s.sim.requests().into_iter().rev().find(|r| r.path == "/v1/checkout/sessions").unwrap();
    assert_eq!(sent.params["line_items"][0]["price_data"]["unit_amount"], (13_500 - 7_200).to_string(), "the difference only");
    s.sim.pay(&session_of(&url)).unwrap();
    deliver_and_work(&s).await;
    let after = s.w.get(&ana, &format!("/api/v1/reservations/{id}")).await.json();
    assert_eq!(after["category"]["code"], "CDMR");
    assert_eq!(after["paid"]["amountMinor"], 13_500);

    let cheaper = json!({ "returnAt": later(11, 0) });
    let modification = s.w.send(&ana, Method::PATCH, &format!("/api/v1/reservations/{id}"), Some(&cheaper)).await.json();
    assert_eq!(modification["outcome"], "refund_pending", "{modification}");
    deliver_and_work(&s).await;
    let refunds: Vec<_> = payments(&s, &ana, id).await.into_iter().filter(|p| p.0 == "refund").collect();
    // 90.00 € back: the difference's charge (63.00 €) first, then 27.00 € of the first one.
    assert_eq!(refunds, [("refund".to_string(), "succeeded".to_string(), 6_300), ("refund".to_string(), "succeeded".to_string(), 2_700)]);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_dearer_change_is_held_without_a_page_while_stripe_fails_and_paid_later(pool: MySqlPool) {
    let s = stack(pool).await;
    let (_, ana) = s.w.client("ana@example.com").await;
    let id = paid(&s, &ana, &s.w.booking(&s.w.paris, "EDMR", paris_in(10), 2)).await;
    s.sim.faults((0..3).map(|_| Fault { status: Some(500), ..Fault::default() })).unwrap();
    let dearer = json!({ "category": "CDMR" });
    let modification = s.w.send(&ana, Method::PATCH, &format!("/api/v1/reservations/{id}"), Some(&dearer)).await;
    assert_eq!(modification.status, StatusCode::OK, "{}", String::from_utf8_lossy(&modification.body));
    let modification = modification.json();
    assert_eq!(modification["outcome"], "payment_required", "{modification}");
    assert_eq!(modification["checkoutUrl"], Value::Null, "Stripe did not answer: no page, the change held all the same");
    assert!(modification["reservation"]["pendingChange"].is_object(), "{modification}");
    let url = checkout(&s, &ana, id).await.json()["url"].as_str().unwrap().to_string();
    s.sim.pay(&session_of(&url)).unwrap();
    deliver_and_work(&s).await;
    assert_eq!(s.w.get(&ana, &format!("/api/v1/reservations/{id}")).await.json()["category"]["code"], "CDMR");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_payment_after_the_hold_ended_and_the_car_was_rebooked_is_refunded_not_confirmed(pool: MySqlPool) {
    let s = stack(pool).await;
    let (ana_id, ana) = s.w.client("ana@example.com").await;
    let id = id_of(&s.w.booked(&ana, &s.w.booking(&s.w.orly, "CDMR", paris_in(10), 1)).await);
    let url = checkout(&s, &ana, id).await.json()["url"].as_str().unwrap().to_string();
    // The hold ends (moved into the past: the webhooks' signatures follow the real clock), the
    // sweep frees the car, someone else takes it.
    let past = s.w.now() - chrono::Duration::minutes(1);
    sqlx::query!("UPDATE reservations SET hold_expires_at = ? WHERE id = ?", past, id).execute(&s.w.app.state.db).await.unwrap();
    ycyw_reservations::Reservations::new(&s.w.app.state).expire_holds().await.unwrap();
    let (_, ben) = s.w.client("ben@example.com").await;
    s.w.booked(&ben, &s.w.booking(&s.w.orly, "CDMR", paris_in(10), 1)).await;
    // Then the first client's payment completes anyway (the events come out of order).
    s.sim.pay(&session_of(&url)).unwrap();
    deliver_and_work(&s).await;
    assert_eq!(status(&s, id).await, "expired", "never confirmed on a taken car");
    assert_eq!(
        payments(&s, &s.w.client_token(ana_id), id).await,
        [("charge".to_string(), "succeeded".to_string(), 5_000), ("refund".to_string(), "succeeded".to_string(), 5_000)]
    );
    assert_eq!(common::overlaps(&s.w.app.state.db, s.w.now()).await, 0);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn an_amount_stripe_reports_differently_is_recorded_and_never_confirms(pool: MySqlPool) {
    let s = stack(pool).await;
    let (_, ana) = s.w.client("ana@example.com").await;
    let id = id_of(&s.w.booked(&ana, &s.w.booking(&s.w.paris, "CDMR", paris_in(10), 1)).await);
    let url = checkout(&s, &ana, id).await.json()["url"].as_str().unwrap().to_string();
    // Our record says 45.00 €; pretend it said otherwise (a bug, a tampered row).
    sqlx::query!("UPDATE payments SET amount_minor = 4400 WHERE reservation_id = ?", id).execute(&s.w.app.state.db).await.unwrap();
    s.sim.pay(&session_of(&url)).unwrap();
    deliver_and_work(&s).await;
    assert_eq!(status(&s, id).await, "pending_payment");
    assert_eq!(payments(&s, &ana, id).await, [("charge".to_string(), "mismatch".to_string(), 4_400)]);
    let reported = sqlx::query!("SELECT reported_amount_minor, reported_currency FROM payments WHERE reservation_id = ?", id)
        .fetch_one(&s.w.app.state.db)
        .await
        .unwrap();
    assert_eq!((reported.reported_amount_minor, reported.reported_currency.as_deref()), (Some(4_500), Some("EUR")));
}

/// Acceptance 5, against the simulator: the worker dies between Stripe's answer and our commit
/// (the part row is put back as it was before the commit), and the job runs again — Stripe gets
/// the same idempotency key and answers the same refund: the money leaves once. And an event
/// that arrives before our commit finds its row by the metadata.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_refund_interrupted_before_our_commit_is_issued_once(pool: MySqlPool) {
    let s = stack(pool).await;
    let (_, ana) = s.w.client("ana@example.com").await;
    let id = paid(&s, &ana, &s.w.booking(&s.w.paris, "CDMR", paris_in(10), 1)).await;
    s.w.send(&ana, Method::POST, &format!("/api/v1/reservations/{id}/cancellation"), None).await;
    deliver_and_work(&s).await;
    let lost_commit = || async {
        sqlx::query!("UPDATE payments SET stripe_refund_id = NULL, status = 'pending' WHERE kind = 'refund' AND reservation_id = ?", id)
            .execute(&s.w.app.state.db)
            .await
            .unwrap();
    };
    lost_commit().await;
    sqlx::query!("UPDATE jobs SET status = 'queued', run_at = created_at, attempts = 0 WHERE kind = 'issue_refund'")
        .execute(&s.w.app.state.db)
        .await
        .unwrap();
    deliver_and_work(&s).await;
    let calls: Vec<_> = s.sim.requests().into_iter().filter(|r| r.path == "/v1/refunds").collect();
    assert_eq!(calls.len(), 2, "asked twice");
    assert_eq!(calls[0].headers.idempotency_key, calls[1].headers.idempotency_key);
    assert!(calls[1].idempotent_replayed, "the second answer is the first refund again");
    let refunds_at_stripe = s.sim.events().into_iter().filter(|e| e.event_type == "charge.refunded").count();
    assert_eq!(refunds_at_stripe, 1, "one refund at Stripe");
    // The webhook before our commit: matched by the refund's metadata.
    lost_commit().await;
    let refunded = s.sim.events().into_iter().find(|e| e.event_type == "charge.refunded").unwrap();
    // As on its first delivery: neither the event nor its job exists yet.
    sqlx::query!("DELETE FROM stripe_events WHERE event_id = ?", refunded.id).execute(&s.w.app.state.db).await.unwrap();
    let dedup = format!("stripe-event:{}", refunded.id);
    sqlx::query!("DELETE FROM jobs WHERE dedup_key = ?", dedup).execute(&s.w.app.state.db).await.unwrap();
    s.sim.resend(&refunded.id).unwrap();
    deliver_and_work(&s).await;
    let outcome = sqlx::query_scalar!("SELECT outcome FROM stripe_events WHERE event_id = ?", refunded.id)
        .fetch_one(&s.w.app.state.db)
        .await
        .unwrap();
    assert_eq!(outcome.as_deref(), Some("refund succeeded"), "{}", refunded.payload);
    assert_eq!(
        payments(&s, &ana, id).await,
        [("charge".to_string(), "succeeded".to_string(), 4_500), ("refund".to_string(), "succeeded".to_string(), 4_500)]
    );
}
