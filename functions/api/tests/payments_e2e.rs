#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! Payments issue, acceptance 3, through the real processes: the `ycyw-api` binary, the
//! `ycyw-worker` binary, the local Stripe simulator and a real SMTP server. A client registers
//! (the verification link read from the mail), books, pays on the simulator's page, sees the
//! reservation confirmed and receives the confirmation; cancels ten days ahead and gets a full
//! refund confirmed by Stripe's `charge.refunded`; three days ahead, a quarter; lets a checkout
//! expire and sees the car free again; changes a booking to a dearer one and pays the
//! difference, then to a cheaper one and gets the difference back. Hostile orders of events run
//! in-process in functions/payments/tests/flows.rs.

mod common;

use std::time::Duration;

use common::Stack;
use serde_json::{Value, json};
use sqlx::MySqlPool;
use ycyw_testkit::wait_until;

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn every_payment_flow_through_the_api_binary_the_worker_and_the_simulator(pool: MySqlPool) {
    let agency = common::agency(&pool, 1).await;
    let stack = Stack::start(&pool).await;
    let _worker = stack.worker(&[]);
    let (sim, sink, base) = (&stack.sim, &stack.sink, stack.base.clone());
    let http = reqwest::Client::new();
    let c = stack.client("ines.e2e@example.com", "fr").await;
    let access = c.access.clone();

    // Book ten days ahead, open the checkout, pay on the simulator's page.
    let day = (chrono::Utc::now() + chrono::Duration::days(10)).format("%Y-%m-%d").to_string();
    let booking = json!({ "pickupAgencyId": agency, "returnAgencyId": agency, "pickupAt": format!("{day}T10:00"), "returnAt": format!("{day}T18:00"), "category": "CDMR" });
    let booked: Value =
        http.post(format!("{base}/api/v1/reservations")).bearer_auth(&access).json(&booking).send().await.unwrap().json().await.unwrap();
    let id = booked["id"].as_str().unwrap().to_string();
    let checkout = http.post(format!("{base}/api/v1/reservations/{id}/checkout-sessions")).bearer_auth(&access).send().await.unwrap();
    assert_eq!(checkout.status(), 201);
    let page_url = checkout.json::<Value>().await.unwrap()["url"].as_str().unwrap().to_string();
    let page = reqwest::get(&page_url).await.unwrap().text().await.unwrap();
    assert!(page.contains("45,00") || page.contains("45.00"), "the page shows the amount: {page}");
    let paid = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{page_url}/pay"))
        .send()
        .await
        .unwrap();
    assert_eq!(paid.status(), 303, "Pay sends the client back to the SPA");

    let reservation = |http: reqwest::Client, access: String, id: String, base: String| async move {
        http.get(format!("{base}/api/v1/reservations/{id}")).bearer_auth(&access).send().await.unwrap().json::<Value>().await.unwrap()
    };
    let confirmed = wait_until(Duration::from_secs(30), || {
        let (http, access, id, base) = (http.clone(), access.clone(), id.clone(), base.clone());
        async move { reservation(http, access, id, base).await["status"] == "confirmed" }
    })
    .await;
    assert!(confirmed, "the webhook, then the worker, confirmed the reservation");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let confirmation = loop {
        if let Some(mail) =
            sink.messages().into_iter().find(|m| m.subject.starts_with("Votre réservation") && m.subject.ends_with("est confirmée"))
        {
            break mail;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no confirmation mail: {:?}",
            sink.messages().iter().map(|m| m.subject.clone()).collect::<Vec<_>>()
        );
        tokio::time::sleep(ycyw_testkit::POLL_INTERVAL).await;
    };
    assert!(confirmation.text.unwrap().contains("Paris Gare de Lyon"));

    // Cancel ten days ahead: 100 % back, confirmed by Stripe's charge.refunded.
    let cancelled: Value =
        http.post(format!("{base}/api/v1/reservations/{id}/cancellation")).bearer_auth(&access).send().await.unwrap().json().await.unwrap();
    assert_eq!(cancelled["refund"]["percent"], 100, "{cancelled}");
    let refunded = c.refund_succeeded(&id, 4500).await;
    assert!(refunded, "the refund reached Stripe and its webhook came back");
    assert!(sim.events().iter().any(|e| e.event_type == "charge.refunded"));

    // Three days ahead: a quarter back.
    let near = c.book(agency, 3, 1).await;
    c.pay(&near).await;
    assert!(c.until(&near, "confirmed").await);
    let cancelled = c.post(&format!("/api/v1/reservations/{near}/cancellation"), None).await;
    assert_eq!((cancelled["refund"]["percent"].as_i64(), cancelled["refund"]["amount"]["amountMinor"].as_i64()), (Some(25), Some(1125)));
    assert!(c.refund_succeeded(&near, 1125).await);
    // A checkout that expires: the hold is released, the car free again.
    let held = c.book(agency, 20, 1).await;
    let page = c.checkout(&held).await;
    sim.expire(page.rsplit('/').next().unwrap()).unwrap();
    assert!(c.until(&held, "expired").await, "the expiry came back through the webhook and the worker");
    let again = c.book(agency, 20, 1).await;
    assert_ne!(again, held);
    // A dearer change paid, then a cheaper one refunded.
    let changed = c.book(agency, 25, 1).await;
    c.pay(&changed).await;
    assert!(c.until(&changed, "confirmed").await);
    let day = |days: i64| (chrono::Utc::now() + chrono::Duration::days(days)).format("%Y-%m-%d").to_string();
    let dearer = c.patch(&changed, json!({ "returnAt": format!("{}T18:00", day(26)) })).await;
    assert_eq!(dearer["outcome"], "payment_required", "{dearer}");
    c.pay(&changed).await;
    let paid = wait_until(Duration::from_secs(30), || {
        let c = c.clone();
        let changed = changed.clone();
        async move { c.get(&format!("/api/v1/reservations/{changed}")).await["paid"]["amountMinor"] == 9000 }
    })
    .await;
    assert!(paid, "the difference was paid and the change applied");
    let cheaper = c.patch(&changed, json!({ "returnAt": format!("{}T18:00", day(25)) })).await;
    assert_eq!(cheaper["outcome"], "refund_pending", "{cheaper}");
    assert!(c.refund_succeeded(&changed, 4500).await);
}
