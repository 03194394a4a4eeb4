//! The world the reservations tests run in: the auth, catalog and reservations modules over a
//! fresh database, agencies in three time zones with fleets and rates, verified clients made
//! through auth's own registration, and shortcuts to book and pay.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_catalog::{Agency, AgencySetup, Catalog};
use ycyw_reservations::Reservations;
use ycyw_shared::auth::Role;
use ycyw_shared::domain::{CurrencyCode, Money};
use ycyw_shared::module::{Deployable, Module};
use ycyw_testkit::{TestApp, TestResponse};

pub const PASSWORD: &str = "violet-tractor-harbour-42";

/// The test world.
pub struct World {
    pub app: TestApp,
    /// Paris Gare de Lyon: open around the clock; 4 CDMR at 45.00 €/day, 2 EDMR at 36.00 €, one-way fee 65.00 €.
    pub paris: Agency,
    /// Paris Orly: open around the clock; 1 CDMR at 50.00 €/day.
    pub orly: Agency,
    /// Lyon Part-Dieu: open Monday–Friday 08:00–19:00 only; 2 CDMR at 40.00 €/day.
    pub lyon: Agency,
    /// Toronto Union: open around the clock; 2 CCAR at 46.00 CA$/day.
    pub toronto: Agency,
    /// London King's Cross: open around the clock; 1 CDMR at 42.00 £/day.
    pub london: Agency,
}

/// An agency of the test world: where it is, when it opens, what it rents at what price.
struct Site<'a> {
    code: &'a str,
    name: &'a str,
    city: &'a str,
    country: &'a str,
    zone: &'a str,
    postal: &'a str,
    hours: Value,
    /// `(category, vehicles, daily rate in minor units)`.
    fleet: &'a [(&'a str, usize, i64)],
    currency: &'a str,
    one_way_fee: i64,
}

fn setup(site: Site<'_>) -> AgencySetup {
    let Site { code, name, city, country, zone, postal, hours, fleet, currency, one_way_fee: fee } = site;
    let mut vehicles = Vec::new();
    let mut rates = Vec::new();
    for (category, count, daily) in fleet {
        for n in 0..*count {
            vehicles.push(json!({ "category": category, "plate": format!("{}{}{category}{n}", &code[..2], &code[4..6]), "model": format!("{category} car {n}") }));
        }
        rates.push(json!({
            "category": category, "dailyRate": { "amountMinor": daily, "currency": currency },
            "oneWayFee": { "amountMinor": fee, "currency": currency }, "validFrom": "2026-01-01", "validTo": null
        }));
    }
    serde_json::from_value(json!({
        "agency": {
            "code": code, "name": name,
            "address": { "line1": "1 Main Street", "postalCode": postal, "city": city, "countryCode": country },
            "timeZone": zone, "phone": "+33 1 99 00 00 01", "email": format!("{}@example.com", code.to_lowercase()),
            "openingHours": hours
        },
        "vehicles": vehicles,
        "rates": rates
    }))
    .unwrap()
}

fn always_open() -> Value {
    Value::Array((1..=7).map(|d| json!({ "weekday": d, "opens": "00:00", "closes": "24:00" })).collect())
}

/// The modules a reservations test needs: auth (accounts), catalog, reservations, and the
/// platform's mail and idempotency.
pub fn deployable() -> Deployable {
    deployable_with(Vec::new(), &[])
}

/// [`deployable`] with more modules, served too (the payments tests add theirs).
pub fn deployable_with(more: Vec<Arc<dyn Module>>, serving: &[&'static str]) -> Deployable {
    let mut modules: Vec<Arc<dyn Module>> = vec![
        Arc::new(ycyw_shared::mail::MailModule),
        Arc::new(ycyw_shared::idempotency::IdempotencyModule),
        Arc::new(ycyw_auth::AuthModule),
        Arc::new(ycyw_catalog::CatalogModule),
        Arc::new(ycyw_reservations::ReservationsModule),
    ];
    modules.extend(more);
    let mut served = vec!["auth", "catalog", "reservations"];
    served.extend_from_slice(serving);
    Deployable::new("reservations-test", modules).serving(&served).unwrap()
}

/// The world over `pool`, its clock at `now`.
pub async fn world_at(pool: MySqlPool, now: DateTime<Utc>) -> World {
    world_of(pool, deployable(), &[], now).await
}

/// The world of `deployable` (the payments tests add their module) with `overrides`.
pub async fn world_of(pool: MySqlPool, deployable: Deployable, overrides: &[(&str, &str)], now: DateTime<Utc>) -> World {
    let mut settings = vec![("RATE_LIMIT_PER_MINUTE", "100000")];
    settings.extend_from_slice(overrides);
    let app = TestApp::of(pool, deployable, &settings, None).await;
    app.clock.set(now);
    let catalog = Catalog::new(app.state.db.clone());
    let at = app.clock.now_db();
    let load = |site: Site<'_>| {
        let catalog = catalog.clone();
        let setup = setup(site);
        async move { catalog.upsert_agency_setup(&setup, at).await.unwrap().agency }
    };
    let site = |code, name, city, country, zone, postal| Site {
        code,
        name,
        city,
        country,
        zone,
        postal,
        hours: always_open(),
        fleet: &[],
        currency: "EUR",
        one_way_fee: 6500,
    };
    let paris = load(Site {
        fleet: &[("CDMR", 4, 4500), ("EDMR", 2, 3600)],
        ..site("PAR-GDL", "Paris Gare de Lyon", "Paris", "FR", "Europe/Paris", "75012")
    })
    .await;
    let orly = load(Site { fleet: &[("CDMR", 1, 5000)], ..site("PAR-ORY", "Paris Orly", "Paris", "FR", "Europe/Paris", "94390") }).await;
    let weekdays = Value::Array((1..=5).map(|d| json!({ "weekday": d, "opens": "08:00", "closes": "19:00" })).collect());
    let lyon = load(Site {
        hours: weekdays,
        fleet: &[("CDMR", 2, 4000)],
        ..site("LYS-PDU", "Lyon Part-Dieu", "Lyon", "FR", "Europe/Paris", "69003")
    })
    .await;
    let toronto = load(Site {
        fleet: &[("CCAR", 2, 4600)],
        currency: "CAD",
        one_way_fee: 12500,
        ..site("YYZ-UNI", "Toronto Union", "Toronto", "CA", "America/Toronto", "M5J 1E6")
    })
    .await;
    let london = load(Site {
        fleet: &[("CDMR", 1, 4200)],
        currency: "GBP",
        one_way_fee: 6000,
        ..site("LON-KGX", "London King's Cross", "London", "GB", "Europe/London", "N1 9AP")
    })
    .await;
    World { app, paris, orly, lyon, toronto, london }
}

/// The world at the tests' epoch (Wednesday 11 March 2026, 09:00 UTC).
pub async fn world(pool: MySqlPool) -> World {
    world_at(pool, ycyw_testkit::test_epoch()).await
}

/// A clock helper: `now_db` is the clock's instant at the database's precision.
pub trait ClockExt {
    fn now_db(&self) -> DateTime<Utc>;
}

impl ClockExt for ycyw_shared::time::ManualClock {
    fn now_db(&self) -> DateTime<Utc> {
        use ycyw_shared::time::Clock as _;
        ycyw_shared::time::to_db_precision(self.now())
    }
}

/// `YYYY-MM-DDTHH:MM` in `zone` of an instant.
pub fn local(zone: Tz, at: DateTime<Utc>) -> String {
    at.with_timezone(&zone).format("%Y-%m-%dT%H:%M").to_string()
}

/// The instant of a local wall-clock time.
pub fn instant(zone: Tz, local: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M").unwrap();
    zone.from_local_datetime(&naive).earliest().unwrap().with_timezone(&Utc)
}

impl World {
    pub fn now(&self) -> DateTime<Utc> {
        self.app.clock.now_db()
    }

    /// A verified client with a complete profile, registered through auth; returns
    /// `(user id, Authorization header)`.
    pub async fn client(&self, email: &str) -> (Uuid, String) {
        self.client_born(email, "1990-04-02", "en").await
    }

    /// A verified client born on `birth_date`, writing in `locale`.
    pub async fn client_born(&self, email: &str, birth_date: &str, locale: &str) -> (Uuid, String) {
        let id = self.registered(email, birth_date, locale).await;
        let token = self.email_token(email, "verify_email").await;
        let verified = self.app.call(Method::POST, "/api/v1/auth/email-verifications", Some(&json!({ "token": token })), &[]).await;
        assert_eq!(verified.status, StatusCode::NO_CONTENT, "{}", String::from_utf8_lossy(&verified.body));
        (id, self.app.bearer(id, Role::Client, None))
    }

    /// A registered client who has not verified their address.
    pub async fn registered(&self, email: &str, birth_date: &str, locale: &str) -> Uuid {
        let body = json!({
            "email": email, "password": PASSWORD, "firstName": "Ana", "lastName": "Silva", "birthDate": birth_date,
            "address": { "line1": "10 rue de Rivoli", "postalCode": "75001", "city": "Paris", "countryCode": "FR" },
            "locale": locale, "acceptTerms": true
        });
        let created = self.app.call(Method::POST, "/api/v1/auth/registrations", Some(&body), &[]).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&created.body));
        sqlx::query_scalar!(r#"SELECT id AS "id: Uuid" FROM users WHERE email = ?"#, email).fetch_one(&self.app.state.db).await.unwrap()
    }

    /// The id of the account of `email`.
    pub async fn registered_id(&self, email: &str) -> Uuid {
        sqlx::query_scalar!(r#"SELECT id AS "id: Uuid" FROM users WHERE email = ?"#, email).fetch_one(&self.app.state.db).await.unwrap()
    }

    /// The queued emails to `to`, oldest first.
    pub async fn emails_to(&self, to: &str) -> Vec<Value> {
        let rows = sqlx::query_scalar!("SELECT payload FROM jobs WHERE kind = 'send_email' ORDER BY created_at, id")
            .fetch_all(&self.app.state.db)
            .await
            .unwrap();
        rows.into_iter().map(|p| serde_json::from_str::<Value>(&p).unwrap()).filter(|p| p["to"] == to).collect()
    }

    async fn email_token(&self, to: &str, template: &str) -> String {
        let emails = self.emails_to(to).await;
        let email = emails.iter().rev().find(|e| e["template"] == template).unwrap();
        email["params"]["link"].as_str().unwrap().split("token=").nth(1).unwrap().to_string()
    }

    /// An agent of `agency` (a real staff account: tokens of unknown users are refused).
    pub async fn agent(&self, agency: Uuid) -> String {
        let accounts = ycyw_auth::Accounts::new(&self.app.state);
        let email = format!("agent-{}@example.com", Uuid::now_v7().simple());
        let id = accounts.create_staff(Role::Agent, &email, Some(agency), ycyw_shared::mail::Locale::En).await.unwrap();
        self.app.bearer(id, Role::Agent, Some(agency))
    }

    /// A support user.
    pub async fn support(&self) -> String {
        let accounts = ycyw_auth::Accounts::new(&self.app.state);
        let email = format!("support-{}@example.com", Uuid::now_v7().simple());
        let id = accounts.create_staff(Role::Support, &email, None, ycyw_shared::mail::Locale::En).await.unwrap();
        self.app.bearer(id, Role::Support, None)
    }

    /// A fresh `Authorization` of client `id` (access tokens last 15 minutes of the test clock).
    pub fn client_token(&self, id: Uuid) -> String {
        self.app.bearer(id, Role::Client, None)
    }

    /// A booking body at `agency` (returned there) from `pickup` for `days` days, local times.
    pub fn booking(&self, agency: &Agency, category: &str, pickup: DateTime<Utc>, days: i64) -> Value {
        let zone = agency.time_zone.tz();
        json!({
            "pickupAgencyId": agency.id, "returnAgencyId": agency.id,
            "pickupAt": local(zone, pickup), "returnAt": local(zone, pickup + Duration::days(days)), "category": category
        })
    }

    /// `POST /reservations`.
    pub async fn book(&self, auth: &str, body: &Value) -> TestResponse {
        self.app.call(Method::POST, "/api/v1/reservations", Some(body), &[("authorization", auth)]).await
    }

    /// Books and asserts 201; returns the reservation.
    pub async fn booked(&self, auth: &str, body: &Value) -> Value {
        let response = self.book(auth, body).await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&response.body));
        response.json()
    }

    /// Books and pays in full (as the payments module reports it); returns the reservation id.
    pub async fn confirmed(&self, auth: &str, body: &Value) -> Uuid {
        let r = self.booked(auth, body).await;
        let id: Uuid = r["id"].as_str().unwrap().parse().unwrap();
        self.pay(id, None, &r["total"]).await;
        id
    }

    /// Reports `amount` (a Money JSON) paid for `id` (its change `change`).
    pub async fn pay(&self, id: Uuid, change: Option<Uuid>, amount: &Value) -> ycyw_reservations::PaymentApplied {
        let currency: CurrencyCode = amount["currency"].as_str().unwrap().parse().unwrap();
        let money = Money::new(amount["amountMinor"].as_i64().unwrap(), currency);
        Reservations::new(&self.app.state).payment_received(id, change, money, self.now()).await.unwrap()
    }

    /// `GET path` as `auth`.
    pub async fn get(&self, auth: &str, path: &str) -> TestResponse {
        self.app.call(Method::GET, path, None, &[("authorization", auth)]).await
    }

    /// `method path` with a JSON body as `auth`.
    pub async fn send(&self, auth: &str, method: Method, path: &str, body: Option<&Value>) -> TestResponse {
        self.app.call(method, path, body, &[("authorization", auth)]).await
    }

    /// The `issue_refund` jobs queued, as `(reservation id, amount, reason)`.
    pub async fn refunds(&self) -> Vec<(String, i64, String)> {
        let rows = sqlx::query_scalar!("SELECT payload FROM jobs WHERE kind = 'issue_refund' ORDER BY created_at, id")
            .fetch_all(&self.app.state.db)
            .await
            .unwrap();
        rows.into_iter()
            .map(|p| serde_json::from_str::<Value>(&p).unwrap())
            .map(|p| {
                (
                    p["reservationId"].as_str().unwrap().to_string(),
                    p["amountMinor"].as_i64().unwrap(),
                    p["reason"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }
}

pub use ycyw_testkit::field_errors;

/// Asserts a 422 carrying `(field, code)`.
#[track_caller]
pub fn assert_field(response: &TestResponse, field: &str, code: &str) {
    let body = response.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(field_errors(&body).iter().any(|(f, c)| f == field && c == code), "expected {field}/{code} in {body}");
}

/// Overlapping active reservations on one vehicle, counted by SQL (0 = no overbooking).
pub async fn overlaps(pool: &MySqlPool, now: DateTime<Utc>) -> i64 {
    sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!: i64" FROM reservations a JOIN reservations b
           ON a.vehicle_id = b.vehicle_id AND a.id < b.id AND a.pickup_at < b.return_at AND b.pickup_at < a.return_at
           WHERE (a.status IN ('confirmed', 'picked_up') OR (a.status = 'pending_payment' AND a.hold_expires_at > ?))
             AND (b.status IN ('confirmed', 'picked_up') OR (b.status = 'pending_payment' AND b.hold_expires_at > ?))"#,
        now,
        now
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

/// A question about taken vehicles: those of `category` at `agency` taken for some part of
/// `[from, to)` at `now`.
#[derive(Debug, Clone, Copy)]
pub struct Probe<'a> {
    pub agency: Uuid,
    pub category: &'a str,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub now: DateTime<Utc>,
}

/// The probe's answer counted by SQL straight from the tables: what the offer search's memory
/// (`occupancy.rs`) must agree with.
pub async fn busy_by_sql(pool: &MySqlPool, p: Probe<'_>) -> u32 {
    let n = sqlx::query_scalar!(
        r#"SELECT COUNT(DISTINCT t.vehicle_id) AS "n!: i64" FROM (
               SELECT r.vehicle_id FROM reservations r
               WHERE r.pickup_agency_id = ? AND r.category_code = ? AND r.pickup_at < ? AND r.return_at > ?
                 AND (r.status IN ('confirmed', 'picked_up') OR (r.status = 'pending_payment' AND r.hold_expires_at > ?))
               UNION ALL
               SELECT c.vehicle_id FROM reservation_changes c
               WHERE c.status = 'pending' AND c.pickup_agency_id = ? AND c.category_code = ? AND c.pickup_at < ? AND c.return_at > ?
                 AND c.hold_expires_at > ?) t"#,
        p.agency,
        p.category,
        p.to,
        p.from,
        p.now,
        p.agency,
        p.category,
        p.to,
        p.from,
        p.now
    )
    .fetch_one(pool)
    .await
    .unwrap();
    u32::try_from(n).unwrap()
}

/// The probe's answer from the occupancy `memory`.
pub async fn busy_in_memory(memory: &ycyw_reservations::occupancy::Occupancy, pool: &MySqlPool, p: Probe<'_>) -> u32 {
    let counts = memory.busy_counts(pool, &[p.agency], p.from, p.to, p.now).await.unwrap();
    counts.iter().find(|c| c.agency_id == p.agency && c.category.as_str() == p.category).map_or(0, |c| c.vehicles)
}
