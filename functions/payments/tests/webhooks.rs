//! Payments issue, acceptance 1: the webhook endpoint. Signatures are made here, by hand, with
//! HMAC-SHA256 as Stripe documents it — independently of the code under test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use sqlx::MySqlPool;
use ycyw_shared::time::Clock as _;
use ycyw_testkit::TestApp;

const SECRET: &str = "whsec_current_0123456789";
const PREVIOUS: &str = "whsec_previous_0123456789";

async fn app(pool: MySqlPool) -> TestApp {
    TestApp::new(
        pool,
        ycyw_payments::PaymentsModule,
        &[("STRIPE_SECRET_KEY", "sk_test_webhooks"), ("STRIPE_WEBHOOK_SECRET", SECRET), ("STRIPE_WEBHOOK_SECRET_PREVIOUS", PREVIOUS)],
    )
    .await
}

/// A `checkout.session.completed` event made from Stripe's own example session.
fn event(id: &str, created: i64) -> String {
    let fixtures: Value = serde_json::from_str(include_str!("../../../tools/stripe-sim/fixtures/stripe-objects.json")).unwrap();
    json!({
        "id": id, "object": "event", "api_version": "2025-03-31.basil", "created": created, "livemode": false,
        "pending_webhooks": 1, "request": { "id": null, "idempotency_key": null }, "type": "checkout.session.completed",
        "data": { "object": fixtures["checkout.session"] }
    })
    .to_string()
}

/// `t=<t>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
fn sign(secret: &str, t: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("t={t},v1={hex}")
}

async fn deliver(app: &TestApp, body: &str, signature: Option<&str>) -> ycyw_testkit::TestResponse {
    let mut request =
        Request::builder().method(Method::POST).uri("/api/v1/payments/stripe/webhooks").header("content-type", "application/json");
    if let Some(signature) = signature {
        request = request.header("stripe-signature", signature);
    }
    app.send(request.body(Body::from(body.to_string())).unwrap()).await
}

async fn stored(pool: &MySqlPool) -> (i64, i64) {
    let events = sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!: i64" FROM stripe_events"#).fetch_one(pool).await.unwrap();
    let jobs =
        sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!: i64" FROM jobs WHERE kind = 'process_stripe_event'"#).fetch_one(pool).await.unwrap();
    (events, jobs)
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_signed_event_is_stored_once_and_queued_once(pool: MySqlPool) {
    let app = app(pool.clone()).await;
    let now = app.clock.now().timestamp();
    let body = event("evt_signed_1", now);
    let first = deliver(&app, &body, Some(&sign(SECRET, now, &body))).await;
    assert_eq!(first.status, StatusCode::OK, "{}", String::from_utf8_lossy(&first.body));
    assert_eq!(stored(&pool).await, (1, 1));
    // Stripe delivers again (a timeout on its side): 200, nothing more.
    let again = deliver(&app, &body, Some(&sign(SECRET, now + 30, &body))).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(stored(&pool).await, (1, 1));
    // During a rotation the previous secret still verifies.
    let rotated = event("evt_signed_2", now);
    assert_eq!(deliver(&app, &rotated, Some(&sign(PREVIOUS, now, &rotated))).await.status, StatusCode::OK);
    assert_eq!(stored(&pool).await, (2, 2));
    // The payload is kept for processing, the signature with it.
    let kept = sqlx::query!("SELECT payload, signature, event_type FROM stripe_events WHERE event_id = 'evt_signed_1'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(kept.payload.as_deref(), Some(body.as_str()));
    assert_eq!(kept.event_type, "checkout.session.completed");
    assert!(kept.signature.unwrap().starts_with(&format!("t={now},v1=")));
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn bad_missing_and_stale_signatures_are_400_and_store_nothing(pool: MySqlPool) {
    let app = app(pool.clone()).await;
    let now = app.clock.now().timestamp();
    let body = event("evt_hostile", now);
    let tampered = body.replace("\"livemode\":false", "\"livemode\":true");
    for (what, payload, signature) in [
        ("tampered body", tampered.clone(), Some(sign(SECRET, now, &body))),
        ("wrong secret", body.clone(), Some(sign("whsec_somebody_else", now, &body))),
        ("missing header", body.clone(), None),
        ("garbage header", body.clone(), Some("v1=deadbeef".to_string())),
        ("older than five minutes", body.clone(), Some(sign(SECRET, now - 301, &body))),
        ("from the future", body.clone(), Some(sign(SECRET, now + 3600, &body))),
    ] {
        let answer = deliver(&app, &payload, signature.as_deref()).await;
        answer.assert_problem(StatusCode::BAD_REQUEST, "invalid_signature");
        assert_eq!(stored(&pool).await, (0, 0), "{what}");
    }
    // Five minutes exactly is still fine.
    assert_eq!(deliver(&app, &body, Some(&sign(SECRET, now - 300, &body))).await.status, StatusCode::OK);
}
