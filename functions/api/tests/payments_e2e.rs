#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! Payments issue, acceptance 3, through the real processes: the `ycyw-api` binary, the
//! `ycyw-worker` binary, the local Stripe simulator and a real SMTP server. A client registers
//! (the verification link read from the mail), books, pays on the simulator's page, sees the
//! reservation confirmed and receives the confirmation; then cancels ten days ahead and gets a
//! full refund confirmed by Stripe's `charge.refunded`. The other flows (hold expiry, 25 %,
//! modifications both ways, hostile orders) run in-process in functions/payments/tests/flows.rs.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};
use sqlx::MySqlPool;
use stripe_sim::{Simulator, SimulatorConfig};
use ycyw_testkit::{Binary, SmtpSink, TEST_JWT_KEY, database_url_of, free_port, wait_until};

const PASSWORD: &str = "violet-tractor-harbour-42";

/// The worker binary, built beside this package's binaries by the workspace build.
fn worker_binary() -> String {
    let api = PathBuf::from(env!("CARGO_BIN_EXE_ycyw-api"));
    let worker = api.with_file_name("ycyw-worker");
    assert!(worker.exists(), "build the workspace first (cargo build --workspace): {} is missing", worker.display());
    worker.display().to_string()
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn book_pay_confirm_and_cancel_through_the_api_binary_the_worker_and_the_simulator(pool: MySqlPool) {
    let url = database_url_of(&pool).await.unwrap();
    let agency = common::agency(&pool, 1).await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let sim = Simulator::start(SimulatorConfig {
        api_key: "sk_test_e2e_0123456789".into(),
        webhook_secret: "whsec_e2e_0123456789".into(),
        webhook_url: Some(format!("{base}/api/v1/payments/stripe/webhooks")),
        webhook_backoff: Duration::from_millis(200),
        ..SimulatorConfig::default()
    })
    .await
    .unwrap();
    let sink = SmtpSink::start().await;
    let env = vec![
        ("DATABASE_URL", url),
        ("JWT_SIGNING_KEY", TEST_JWT_KEY.to_string()),
        ("RATE_LIMIT_KEY", "e2e-rate-limit-key".to_string()),
        ("STRIPE_SECRET_KEY", "sk_test_e2e_0123456789".to_string()),
        ("STRIPE_WEBHOOK_SECRET", "whsec_e2e_0123456789".to_string()),
        ("STRIPE_API_BASE", sim.base_url().to_string()),
        ("SMTP_URL", sink.url.clone()),
        ("PUBLIC_URL", "http://localhost:4200".to_string()),
        ("JOB_POLL_MILLIS", "50".to_string()),
        ("PORT", port.to_string()),
    ];
    let api = Binary::spawn(env!("CARGO_BIN_EXE_ycyw-api"), &[], &env);
    assert!(api.wait_ready("/health/ready").await, "ycyw-api did not start");
    let worker_env: Vec<(&str, String)> =
        env.iter().filter(|(k, _)| *k != "PORT").cloned().chain([("HEALTH_PORT", free_port().to_string())]).collect();
    let _worker = Binary::spawn(&worker_binary(), &["run"], &worker_env);
    let http = reqwest::Client::new();

    // Register; the worker sends the verification mail; verify; sign in.
    let email = "ines.e2e@example.com";
    let registration = json!({
        "email": email, "password": PASSWORD, "firstName": "Inès", "lastName": "Moreau", "birthDate": "1991-05-17",
        "address": { "line1": "5 quai Saint-Antoine", "postalCode": "69002", "city": "Lyon", "countryCode": "FR" },
        "locale": "fr", "acceptTerms": true
    });
    assert_eq!(http.post(format!("{base}/api/v1/auth/registrations")).json(&registration).send().await.unwrap().status(), 201);
    let verification = sink.wait_for(email).await;
    let text = verification.text.unwrap();
    let token = text.split("token=").nth(1).unwrap().split_whitespace().next().unwrap().to_string();
    let verified = http.post(format!("{base}/api/v1/auth/email-verifications")).json(&json!({ "token": token })).send().await.unwrap();
    assert_eq!(verified.status(), 204);
    let session: Value = http
        .post(format!("{base}/api/v1/auth/sessions"))
        .json(&json!({ "email": email, "password": PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = session["accessToken"].as_str().unwrap().to_string();

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
    let refunded = wait_until(Duration::from_secs(30), || {
        let (http, access, id, base) = (http.clone(), access.clone(), id.clone(), base.clone());
        async move {
            let payments: Value = http
                .get(format!("{base}/api/v1/reservations/{id}/payments"))
                .bearer_auth(&access)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            payments["items"].as_array().is_some_and(|items| {
                items.iter().any(|p| p["kind"] == "refund" && p["status"] == "succeeded" && p["amount"]["amountMinor"] == 4500)
            })
        }
    })
    .await;
    assert!(refunded, "the refund reached Stripe and its webhook came back");
    assert!(sim.events().iter().any(|e| e.event_type == "charge.refunded"));
}
