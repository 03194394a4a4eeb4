#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! Issue 10, acceptance 2: account deletion and export reach every module in every deployment
//! shape — through `ycyw-auth` running alone as in AWS (one service per function), and through
//! `ycyw-api` — because each binary registers the account parts of every module it links.

mod common;

use serde_json::{Value, json};
use sqlx::MySqlPool;
use ycyw_shared::auth::Role;
use ycyw_shared::mail::Locale;
use ycyw_shared::time::Clock as _;
use ycyw_testkit::{Binary, TestApp, database_url_of};

const PASSWORD: &str = "violet-tractor-harbour-42";

/// Every section an export must have today: auth's own, then one per module with an account part.
const SECTIONS: [&str; 10] =
    ["account", "accountHistory", "signIn", "sessions", "auditEvents", "emails", "idempotencyKeys", "reservations", "payments", "support"];

async fn mails_to(pool: &MySqlPool, to: &str) -> Vec<Value> {
    let rows =
        sqlx::query_scalar!("SELECT payload FROM jobs WHERE kind = 'send_email' ORDER BY created_at, id").fetch_all(pool).await.unwrap();
    rows.into_iter().map(|p| serde_json::from_str::<Value>(&p).unwrap()).filter(|p| p["to"] == to).collect()
}

/// Registers, verifies and signs in `email` over HTTP; returns the access token.
async fn signed_in_client(base: &str, pool: &MySqlPool, email: &str) -> String {
    let http = reqwest::Client::new();
    let registration = json!({
        "email": email, "password": PASSWORD, "firstName": "Inès", "lastName": "Moreau", "birthDate": "1991-05-17",
        "address": { "line1": "5 quai Saint-Antoine", "postalCode": "69002", "city": "Lyon", "countryCode": "FR" },
        "locale": "fr", "acceptTerms": true
    });
    let created = http.post(format!("{base}/api/v1/auth/registrations")).json(&registration).send().await.unwrap();
    assert_eq!(created.status(), 201);
    let link = mails_to(pool, email).await[0]["params"]["link"].as_str().unwrap().to_string();
    let token = link.split("token=").nth(1).unwrap();
    let verified = http.post(format!("{base}/api/v1/auth/email-verifications")).json(&json!({ "token": token })).send().await.unwrap();
    assert_eq!(verified.status(), 204);
    let session =
        http.post(format!("{base}/api/v1/auth/sessions")).json(&json!({ "email": email, "password": PASSWORD })).send().await.unwrap();
    assert_eq!(session.status(), 200);
    session.json::<Value>().await.unwrap()["accessToken"].as_str().unwrap().to_string()
}

/// Books for the user of `email` through the reservations module (in-process, on the real
/// clock, as the binary under test runs): one paid pickup in 10 days (refunded in full on
/// deletion), one paid in 3 days (a quarter), one held unpaid (nothing to refund). Returns them.
async fn reservations_of(pool: &MySqlPool, email: &str) -> [uuid::Uuid; 3] {
    let agency = common::agency(pool, 2).await;
    let app = TestApp::of(pool.clone(), ycyw_api::deployable("reservations").unwrap(), &[], None).await;
    app.clock.set(chrono::Utc::now());
    let user = sqlx::query_scalar!(r#"SELECT id AS "id: uuid::Uuid" FROM users WHERE email = ?"#, email).fetch_one(pool).await.unwrap();
    let auth = app.bearer(user, Role::Client, None);
    let paris = |days: i64| (chrono::Utc::now() + chrono::Duration::days(days)).format("%Y-%m-%dT10:00").to_string();
    let mut ids = Vec::new();
    for (days, pay) in [(10, true), (3, true), (20, false)] {
        let body = json!({ "pickupAgencyId": agency, "returnAgencyId": agency, "pickupAt": paris(days), "returnAt": paris(days + 1), "category": "CDMR" });
        let booked = app.call(axum::http::Method::POST, "/api/v1/reservations", Some(&body), &[("authorization", &auth)]).await;
        assert_eq!(booked.status, 201, "{}", String::from_utf8_lossy(&booked.body));
        let id: uuid::Uuid = booked.json()["id"].as_str().unwrap().parse().unwrap();
        if pay {
            let paid = ycyw_shared::domain::Money::new(4500, ycyw_shared::domain::CurrencyCode::Eur);
            ycyw_reservations::Reservations::new(&app.state).payment_received(id, None, paid, chrono::Utc::now()).await.unwrap();
        }
        ids.push(id);
    }
    [ids[0], ids[1], ids[2]]
}

/// Opens a support conversation for the user of `email` about `reservation` through the support
/// module (in-process, like [`reservations_of`]); the reservation is checked through the
/// reservations module's directory, so an unknown one is refused first. Returns its id.
async fn conversation_of(pool: &MySqlPool, email: &str, reservation: uuid::Uuid) -> uuid::Uuid {
    let app = TestApp::of(pool.clone(), ycyw_api::deployable("support").unwrap(), &[], None).await;
    app.clock.set(chrono::Utc::now());
    let user = sqlx::query_scalar!(r#"SELECT id AS "id: uuid::Uuid" FROM users WHERE email = ?"#, email).fetch_one(pool).await.unwrap();
    let auth = app.bearer(user, Role::Client, None);
    let about = |reservation: uuid::Uuid| json!({ "subject": "Child seat", "reservationId": reservation, "firstMessage": "My son is 4; can you add a seat?" });
    let post = |body: Value| {
        let auth = auth.clone();
        let app = &app;
        async move { app.call(axum::http::Method::POST, "/api/v1/support/conversations", Some(&body), &[("authorization", &auth)]).await }
    };
    let refused = post(about(uuid::Uuid::now_v7())).await;
    assert_eq!(refused.field_errors(), [("reservationId".to_string(), "unknown_reservation".to_string())], "not one of theirs");
    let opened = post(about(reservation)).await;
    assert_eq!(opened.status, 201, "{}", String::from_utf8_lossy(&opened.body));
    opened.json()["id"].as_str().unwrap().parse().unwrap()
}

/// Exports then deletes an account through the binary at `path`, and checks that the other
/// modules' data was reached: every section in the export, the queued mails erased, future
/// reservations cancelled with their refunds queued and every reservation detached.
async fn export_and_delete_through(path: &str, pool: &MySqlPool, email: &str) {
    let url = database_url_of(pool).await.unwrap();
    let binary = Binary::spawn(path, &[], &[("DATABASE_URL", url)]);
    assert!(binary.wait_ready("/health/ready").await, "{path} did not start");
    let base = binary.base_url();
    let access = signed_in_client(&base, pool, email).await;
    let [far, near, held] = reservations_of(pool, email).await;
    let http = reqwest::Client::new();
    let conversation = conversation_of(pool, email, far).await;

    let export: Value = http.get(format!("{base}/api/v1/users/me/export")).bearer_auth(&access).send().await.unwrap().json().await.unwrap();
    for section in SECTIONS.iter().chain(&["catalog"]) {
        assert!(export.get(*section).is_some(), "{path}: no {section} section in {export}");
    }
    let emails = export["emails"].as_array().unwrap();
    assert_eq!(emails[0]["template"], "verify_email");
    assert_eq!(emails[0]["params"]["link"], "(link withheld)", "a link token is a credential, even in an export");
    assert_eq!(export["catalog"]["staffOfAgency"], Value::Null, "a client is nobody's staff");
    assert_eq!(export["reservations"].as_array().unwrap().len(), 3, "{path}: {}", export["reservations"]);
    assert_eq!(export["reservations"][0]["driver"]["lastName"], "Moreau");
    assert_eq!(export["support"][0]["conversation"]["reservationId"], json!(far), "{path}: {}", export["support"]);
    assert_eq!(export["support"][0]["messages"][0]["body"], "My son is 4; can you add a seat?");

    let deleted =
        http.delete(format!("{base}/api/v1/users/me")).bearer_auth(&access).json(&json!({ "password": PASSWORD })).send().await.unwrap();
    assert_eq!(deleted.status(), 204);
    let after = http.get(format!("{base}/api/v1/users/me/export")).bearer_auth(&access).send().await.unwrap();
    assert_eq!(after.status(), 401, "{path}: the deleted account's token acts no more (issue 11, defect 12)");
    let left: Vec<String> = mails_to(pool, email).await.iter().map(|m| m["template"].as_str().unwrap().to_string()).collect();
    assert_eq!(left, vec!["account_deleted"], "{path}: the mail module erased the queued mails (link tokens, names) but the goodbye");
    let email_left = sqlx::query_scalar!("SELECT email FROM users").fetch_one(pool).await.unwrap();
    assert_eq!(email_left, None);

    // Support: the client's message bodies erased, the conversation closed and detached.
    let thread = sqlx::query!(r#"SELECT status, client_id AS "client: uuid::Uuid" FROM conversations WHERE id = ?"#, conversation)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!((thread.status.as_str(), thread.client), ("closed", None), "{path}");
    let bodies = sqlx::query!(r#"SELECT body, sender_id AS "sender: uuid::Uuid" FROM messages WHERE conversation_id = ?"#, conversation)
        .fetch_all(pool)
        .await
        .unwrap();
    assert!(bodies.iter().all(|m| m.body.is_none() && m.sender.is_none()), "{path}: bodies erased");

    // Reservations: cancelled under the normal rule, refunds queued, drivers detached.
    for id in [far, near, held] {
        let row = sqlx::query!("SELECT status, refund_percent, driver_last_name, anonymized_at IS NOT NULL AS \"detached!: bool\" FROM reservations WHERE id = ?", id)
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(row.status, "cancelled", "{path}");
        assert_eq!(row.driver_last_name, "", "{path}: the driver snapshot is anonymised");
        assert!(row.detached);
    }
    let refunds: Vec<Value> = sqlx::query_scalar!("SELECT payload FROM jobs WHERE kind = 'issue_refund' ORDER BY created_at, id")
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|p| serde_json::from_str(p).unwrap())
        .collect();
    let mut refunded: Vec<(String, i64)> =
        refunds.iter().map(|r| (r["reservationId"].as_str().unwrap().to_string(), r["amountMinor"].as_i64().unwrap())).collect();
    refunded.sort();
    let mut expected = vec![(far.to_string(), 4500), (near.to_string(), 1125)];
    expected.sort();
    assert_eq!(refunded, expected, "{path}: 100 % ten days out, 25 % three days out, nothing unpaid");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn deletion_through_ycyw_auth_alone_reaches_the_other_modules(pool: MySqlPool) {
    export_and_delete_through(env!("CARGO_BIN_EXE_ycyw-auth"), &pool, "ines.alone@example.com").await;
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn deletion_through_ycyw_api_reaches_the_other_modules(pool: MySqlPool) {
    export_and_delete_through(env!("CARGO_BIN_EXE_ycyw-api"), &pool, "ines.api@example.com").await;
}

/// The catalog's part, served by the auth deployable: an agent's export names their agency.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn an_agents_export_names_the_agency_from_the_catalog(pool: MySqlPool) {
    let app = TestApp::of(pool.clone(), ycyw_api::deployable("auth").unwrap(), &[], None).await;
    let agency: ycyw_catalog::NewAgency = serde_json::from_value(json!({
        "code": "LYS-PDU", "name": "Lyon Part-Dieu",
        "address": { "line1": "5 place Charles Béraudier", "postalCode": "69003", "city": "Lyon", "countryCode": "FR" },
        "timeZone": "Europe/Paris", "phone": "+33 4 99 00 00 01", "email": "lys-pdu@example.com",
        "openingHours": [{ "weekday": 1, "opens": "08:00", "closes": "19:00" }]
    }))
    .unwrap();
    let agency = ycyw_catalog::Catalog::new(pool.clone()).create_agency(&agency, app.clock.now()).await.unwrap();
    let agent =
        ycyw_auth::Accounts::new(&app.state).create_staff(Role::Agent, "agent.lys@example.com", Some(agency.id), Locale::Fr).await.unwrap();

    let export = app
        .call(
            axum::http::Method::GET,
            "/api/v1/users/me/export",
            None,
            &[("authorization", &app.bearer(agent, Role::Agent, Some(agency.id)))],
        )
        .await
        .json();
    assert_eq!(export["catalog"]["staffOfAgency"]["code"], "LYS-PDU", "{export}");
    assert_eq!(export["catalog"]["staffOfAgency"]["id"], agency.id.to_string());
    assert_eq!(export["emails"][0]["template"], "staff_invite");
}
