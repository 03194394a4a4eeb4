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
async fn every_payment_flow_through_the_api_binary_the_worker_and_the_simulator(pool: MySqlPool) {
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

    let c = Client { http: http.clone(), base: base.clone(), access: access.clone() };
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

/// A signed-in client of the api binary.
#[derive(Clone)]
struct Client {
    http: reqwest::Client,
    base: String,
    access: String,
}

impl Client {
    async fn get(&self, path: &str) -> Value {
        self.http.get(format!("{}{path}", self.base)).bearer_auth(&self.access).send().await.unwrap().json().await.unwrap()
    }

    async fn post(&self, path: &str, body: Option<&Value>) -> Value {
        let mut request = self.http.post(format!("{}{path}", self.base)).bearer_auth(&self.access);
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.unwrap().json().await.unwrap()
    }

    async fn patch(&self, id: &str, body: Value) -> Value {
        self.http
            .patch(format!("{}/api/v1/reservations/{id}", self.base))
            .bearer_auth(&self.access)
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Books the agency's car `days` ahead for `length` days (10:00 to 18:00 local); its id.
    async fn book(&self, agency: uuid::Uuid, days: i64, length: i64) -> String {
        let at = |d: i64| (chrono::Utc::now() + chrono::Duration::days(d)).format("%Y-%m-%d").to_string();
        let body = json!({ "pickupAgencyId": agency, "returnAgencyId": agency, "pickupAt": format!("{}T10:00", at(days)),
                           "returnAt": format!("{}T18:00", at(days + length - 1)), "category": "CDMR" });
        let booked = self.post("/api/v1/reservations", Some(&body)).await;
        booked["id"].as_str().unwrap_or_else(|| panic!("not booked: {booked}")).to_string()
    }

    async fn checkout(&self, id: &str) -> String {
        self.post(&format!("/api/v1/reservations/{id}/checkout-sessions"), None).await["url"].as_str().unwrap().to_string()
    }

    /// Opens the checkout and presses "Pay" on the simulator's page.
    async fn pay(&self, id: &str) {
        let page = self.checkout(id).await;
        let no_redirect = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        assert_eq!(no_redirect.post(format!("{page}/pay")).send().await.unwrap().status(), 303);
    }

    async fn until(&self, id: &str, status: &str) -> bool {
        wait_until(Duration::from_secs(30), || {
            let (c, id) = (self.clone(), id.to_string());
            let status = status.to_string();
            async move { c.get(&format!("/api/v1/reservations/{id}")).await["status"] == status.as_str() }
        })
        .await
    }

    async fn refund_succeeded(&self, id: &str, amount: i64) -> bool {
        wait_until(Duration::from_secs(30), || {
            let (c, id) = (self.clone(), id.to_string());
            async move {
                c.get(&format!("/api/v1/reservations/{id}/payments")).await["items"].as_array().is_some_and(|items| {
                    items.iter().any(|p| p["kind"] == "refund" && p["status"] == "succeeded" && p["amount"]["amountMinor"] == amount)
                })
            }
        })
        .await
    }
}
