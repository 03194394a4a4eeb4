//! Set-up shared by the catalog's integration tests: the app, agencies made through the facade,
//! tokens for each kind of caller.
#![allow(clippy::unwrap_used, dead_code)]

use serde_json::{Value, json};
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_catalog::{Agency, Catalog, NewAgency};
use ycyw_shared::auth::Role;
use ycyw_shared::time::Clock as _;
use ycyw_testkit::TestApp;

/// The catalog's router over the test database.
pub async fn app(pool: MySqlPool) -> TestApp {
    TestApp::new(pool, ycyw_catalog::CatalogModule, &[]).await
}

/// A valid `POST /agencies` body.
pub fn agency_json(code: &str, city: &str, country: &str, zone: &str) -> Value {
    json!({
        "code": code,
        "name": format!("{city} {code}"),
        "address": { "line1": "1 Main Street", "postalCode": "10001", "city": city, "countryCode": country },
        "timeZone": zone,
        "phone": "+33 1 99 00 00 01",
        "email": format!("{}@example.com", code.to_lowercase()),
        "openingHours": [
            { "weekday": 1, "opens": "08:00", "closes": "19:00" },
            { "weekday": 6, "opens": "09:00", "closes": "12:00" }
        ]
    })
}

/// Creates an agency the way ops do.
pub async fn agency(app: &TestApp, code: &str, city: &str, country: &str, zone: &str) -> Agency {
    let input: NewAgency = serde_json::from_value(agency_json(code, city, country, zone)).unwrap();
    Catalog::new(app.state.db.clone()).create_agency(&input, app.clock.now()).await.unwrap()
}

/// A Paris agency.
pub async fn paris(app: &TestApp) -> Agency {
    agency(app, "PAR-GDL", "Paris", "FR", "Europe/Paris").await
}

/// `Authorization` of an agent of `agency`.
pub fn agent(app: &TestApp, agency: Uuid) -> String {
    app.bearer(Uuid::now_v7(), Role::Agent, Some(agency))
}

/// `Authorization` of a client.
pub fn client(app: &TestApp) -> String {
    app.bearer(Uuid::now_v7(), Role::Client, None)
}

/// `Authorization` of a support user.
pub fn support(app: &TestApp) -> String {
    app.bearer(Uuid::now_v7(), Role::Support, None)
}

pub use ycyw_testkit::field_errors;

/// Whether the field errors contain `(field, code)`.
pub fn has_error(body: &Value, field: &str, code: &str) -> bool {
    field_errors(body).iter().any(|(f, c)| f == field && c == code)
}
