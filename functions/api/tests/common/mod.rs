//! Set-up shared by the binaries' tests: a bookable agency made through the catalog's facade,
//! and the product's processes end to end ([`Stack`]: `ycyw-api`, `ycyw-worker`, the Stripe
//! simulator, an SMTP server) with a signed-in client of them ([`Client`]).
#![allow(clippy::unwrap_used, dead_code)]

pub mod chat;

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};
use sqlx::MySqlPool;
use stripe_sim::{RunningSimulator, Simulator, SimulatorConfig};
use uuid::Uuid;
use ycyw_shared::auth::{JwtKeys, Role};
use ycyw_testkit::{Binary, SmtpSink, TEST_JWT_KEY, database_url_of, free_port, wait_until};

pub const PASSWORD: &str = "violet-tractor-harbour-42";

/// An agency open around the clock with `cars` CDMR.
pub async fn agency(pool: &MySqlPool, cars: usize) -> Uuid {
    let hours: Vec<Value> = (1..=7).map(|d| json!({ "weekday": d, "opens": "00:00", "closes": "24:00" })).collect();
    let vehicles: Vec<Value> =
        (0..cars).map(|n| json!({ "category": "CDMR", "plate": format!("AB-{n:03}-CD"), "model": "Peugeot 308" })).collect();
    let setup: ycyw_catalog::AgencySetup = serde_json::from_value(json!({
        "agency": {
            "code": "PAR-GDL", "name": "Paris Gare de Lyon",
            "address": { "line1": "20 boulevard Diderot", "postalCode": "75012", "city": "Paris", "countryCode": "FR" },
            "timeZone": "Europe/Paris", "phone": "+33 1 99 00 12 34", "email": "par-gdl@example.com", "openingHours": hours
        },
        "vehicles": vehicles,
        "rates": [{ "category": "CDMR", "dailyRate": { "amountMinor": 4500, "currency": "EUR" },
                    "oneWayFee": { "amountMinor": 6500, "currency": "EUR" }, "validFrom": "2026-01-01", "validTo": null }]
    }))
    .unwrap();
    ycyw_catalog::Catalog::new(pool.clone()).upsert_agency_setup(&setup, chrono::Utc::now()).await.unwrap().agency.id
}

/// An active, verified account of `role` with a complete profile (what registration,
/// verification and a profile update leave, or staff creation), and an access token for it
/// signed with the test key.
pub async fn account(pool: &MySqlPool, email: &str, role: Role) -> (Uuid, String) {
    let id = Uuid::now_v7();
    let now = chrono::Utc::now();
    let birth = chrono::NaiveDate::from_ymd_opt(1990, 4, 2).unwrap();
    sqlx::query!(
        "INSERT INTO users (id, email, password_hash, role, first_name, last_name, birth_date, address_line1, postal_code, city,
                            country_code, locale, email_verified_at, terms_accepted_at, created_at, updated_at)
         VALUES (?, ?, '$argon2id$not-checked', ?, 'Léa', 'Roux', ?, '5 quai Saint-Antoine', '69002', 'Lyon', 'FR', 'en', ?, ?, ?, ?)",
        id,
        email,
        role,
        birth,
        now,
        now,
        now,
        now
    )
    .execute(pool)
    .await
    .unwrap();
    let token = JwtKeys::new(TEST_JWT_KEY.as_bytes(), "ycyw", "ycyw-api").issue(id, role, None, None, now).unwrap();
    (id, token)
}

/// The worker binary, built beside this package's binaries by the workspace build.
pub fn worker_binary() -> String {
    let api = PathBuf::from(env!("CARGO_BIN_EXE_ycyw-api"));
    let worker = api.with_file_name("ycyw-worker");
    assert!(worker.exists(), "build the workspace first (cargo build --workspace): {} is missing", worker.display());
    worker.display().to_string()
}

/// The product over one test database: the `ycyw-api` binary talking to the Stripe simulator
/// (which sends it its webhooks) and to an SMTP server; workers are started on demand, so a
/// test can kill and replace them.
pub struct Stack {
    pub sim: RunningSimulator,
    pub sink: SmtpSink,
    pub api: Binary,
    pub base: String,
    env: Vec<(&'static str, String)>,
}

impl Stack {
    /// Starts the simulator, the SMTP server and `ycyw-api`, and waits until it is ready.
    pub async fn start(pool: &MySqlPool) -> Self {
        let url = database_url_of(pool).await.unwrap();
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
        ];
        let mut api_env = env.clone();
        api_env.push(("PORT", port.to_string()));
        let api = Binary::spawn(env!("CARGO_BIN_EXE_ycyw-api"), &[], &api_env);
        assert!(api.wait_ready("/health/ready").await, "ycyw-api did not start");
        Self { sim, sink, api, base, env }
    }

    /// Starts a `ycyw-worker run` on the stack, with `extra` settings.
    pub fn worker(&self, extra: &[(&'static str, String)]) -> Binary {
        let mut env = self.env.clone();
        env.push(("HEALTH_PORT", free_port().to_string()));
        env.extend_from_slice(extra);
        Binary::spawn(&worker_binary(), &["run"], &env)
    }

    /// Registers a client (the verification link read from the mail a worker sends), verifies
    /// the address and signs in. Needs a running worker.
    pub async fn client(&self, email: &str, locale: &str) -> Client {
        let http = reqwest::Client::new();
        let base = &self.base;
        let registration = json!({
            "email": email, "password": PASSWORD, "firstName": "Inès", "lastName": "Moreau", "birthDate": "1991-05-17",
            "address": { "line1": "5 quai Saint-Antoine", "postalCode": "69002", "city": "Lyon", "countryCode": "FR" },
            "locale": locale, "acceptTerms": true
        });
        assert_eq!(http.post(format!("{base}/api/v1/auth/registrations")).json(&registration).send().await.unwrap().status(), 201);
        let verification = self.sink.wait_for(email).await;
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
        Client { http, base: base.clone(), access }
    }
}

/// A signed-in client of the api binary.
#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub access: String,
}

impl Client {
    pub async fn get(&self, path: &str) -> Value {
        self.http.get(format!("{}{path}", self.base)).bearer_auth(&self.access).send().await.unwrap().json().await.unwrap()
    }

    pub async fn post(&self, path: &str, body: Option<&Value>) -> Value {
        let mut request = self.http.post(format!("{}{path}", self.base)).bearer_auth(&self.access);
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.unwrap().json().await.unwrap()
    }

    pub async fn patch(&self, id: &str, body: Value) -> Value {
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
    pub async fn book(&self, agency: uuid::Uuid, days: i64, length: i64) -> String {
        let at = |d: i64| (chrono::Utc::now() + chrono::Duration::days(d)).format("%Y-%m-%d").to_string();
        let body = json!({ "pickupAgencyId": agency, "returnAgencyId": agency, "pickupAt": format!("{}T10:00", at(days)),
                           "returnAt": format!("{}T18:00", at(days + length - 1)), "category": "CDMR" });
        let booked = self.post("/api/v1/reservations", Some(&body)).await;
        booked["id"].as_str().unwrap_or_else(|| panic!("not booked: {booked}")).to_string()
    }

    pub async fn checkout(&self, id: &str) -> String {
        self.post(&format!("/api/v1/reservations/{id}/checkout-sessions"), None).await["url"].as_str().unwrap().to_string()
    }

    /// Opens the checkout and presses "Pay" on the simulator's page.
    pub async fn pay(&self, id: &str) {
        let page = self.checkout(id).await;
        let no_redirect = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        assert_eq!(no_redirect.post(format!("{page}/pay")).send().await.unwrap().status(), 303);
    }

    pub async fn until(&self, id: &str, status: &str) -> bool {
        wait_until(Duration::from_secs(30), || {
            let (c, id) = (self.clone(), id.to_string());
            let status = status.to_string();
            async move { c.get(&format!("/api/v1/reservations/{id}")).await["status"] == status.as_str() }
        })
        .await
    }

    pub async fn refund_succeeded(&self, id: &str, amount: i64) -> bool {
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
