//! POST /auth/registrations and /auth/email-verifications.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::*;
use serde_json::json;
use sqlx::MySqlPool;

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_registration_creates_an_unverified_client_and_queues_the_verification_email(pool: MySqlPool) {
    let app = app(pool.clone()).await;
    let response = post(&app, "/api/v1/auth/registrations", &registration("  Ana.Silva@Example.com "), "198.51.100.1").await;
    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(response.json(), json!({ "email": "ana.silva@example.com", "status": "verification_sent" }));

    let row = sqlx::query!(
        "SELECT role, email_verified_at, terms_accepted_at, postal_code, password_hash FROM users WHERE email = 'ana.silva@example.com'"
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let (role, verified, terms, postal, hash) =
        (row.role, row.email_verified_at, row.terms_accepted_at, row.postal_code.unwrap(), row.password_hash.unwrap());
    assert_eq!(role, "client");
    assert!(verified.is_none() && terms.is_some());
    assert_eq!(postal, "75001");
    assert!(hash.starts_with("$argon2id$") && !hash.contains(PASSWORD));

    let emails = emails_to(&pool, "ana.silva@example.com").await;
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].0, "verify_email");
    let link = emails[0].1["link"].as_str().unwrap();
    assert!(link.starts_with("http://localhost:4200/verify-email?token="), "{link}");
    assert_eq!(emails[0].1["first_name"], "Ana");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_registration_of_a_known_address_answers_the_same_and_mails_the_owner(pool: MySqlPool) {
    let app = app(pool.clone()).await;
    let first = post(&app, "/api/v1/auth/registrations", &registration("ana@example.com"), "198.51.100.1").await;
    let mut again = registration("ANA@example.com");
    again["password"] = json!("another-long-passphrase-7");
    again["firstName"] = json!("Mallory");
    let second = post(&app, "/api/v1/auth/registrations", &again, "198.51.100.1").await;
    assert_eq!((first.status, &first.body), (second.status, &second.body), "no user enumeration");

    let count = sqlx::query_scalar!("SELECT COUNT(*) FROM users").fetch_one(&pool).await.unwrap();
    assert_eq!(count, 1);
    let emails = emails_to(&pool, "ana@example.com").await;
    let templates: Vec<&str> = emails.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(templates, ["verify_email", "account_exists"]);
    assert_eq!(emails[1].1["first_name"], "Ana", "the owner's name, not the newcomer's");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_registration_reports_each_invalid_field(pool: MySqlPool) {
    let app = app(pool).await;
    let cases: Vec<(&str, serde_json::Value, &str, &str)> = vec![
        ("email", json!("not-an-address"), "email", "invalid"),
        ("email", json!(""), "email", "required"),
        ("password", json!("short"), "password", "weak_password"),
        ("password", json!("passwordpassword"), "password", "weak_password"),
        ("firstName", json!("  "), "firstName", "required"),
        ("lastName", json!("x".repeat(101)), "lastName", "invalid"),
        ("birthDate", json!("1990-02-30"), "birthDate", "invalid"),
        ("birthDate", json!("2010-01-01"), "birthDate", "underage"),
        ("phone", json!("0612345678"), "phone", "invalid"),
        ("acceptTerms", json!(false), "acceptTerms", "required"),
    ];
    for (key, value, field, code) in cases {
        let mut body = registration("valid@example.com");
        body[key] = value.clone();
        let problem = post(&app, "/api/v1/auth/registrations", &body, "198.51.100.1")
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        let errors = problem["errors"].as_array().unwrap();
        assert!(errors.iter().any(|e| e["field"] == field && e["code"] == code), "{key}={value}: {problem}");
    }
    let address_cases = [
        ("postalCode", json!("7500"), "address.postalCode"),
        ("countryCode", json!("XX"), "address.countryCode"),
        ("line1", json!(""), "address.line1"),
        ("city", json!(""), "address.city"),
    ];
    for (key, value, field) in address_cases {
        let mut body = registration("valid@example.com");
        body["address"][key] = value;
        let problem = post(&app, "/api/v1/auth/registrations", &body, "198.51.100.1")
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    let mut body = registration("valid@example.com");
    body["locale"] = json!("de");
    let problem = post(&app, "/api/v1/auth/registrations", &body, "198.51.100.1")
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "locale");
    let mut body = registration("valid@example.com");
    body.as_object_mut().unwrap().remove("address");
    let problem = post(&app, "/api/v1/auth/registrations", &body, "198.51.100.1")
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!((problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()), (Some("address"), Some("required")));

    let mut several = registration("nope");
    several["firstName"] = json!("");
    several["acceptTerms"] = json!(false);
    let problem = post(&app, "/api/v1/auth/registrations", &several, "198.51.100.1")
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(problem["errors"].as_array().unwrap().len(), 3, "every error at once: {problem}");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_registrations_are_rate_limited_per_ip(pool: MySqlPool) {
    let app = ycyw_testkit::TestApp::new(pool, ycyw_auth::AuthModule, &[("TRUST_PROXY", "1"), ("RATE_LIMIT_PER_MINUTE", "3")]).await;
    for n in 0..3 {
        let status = post(&app, "/api/v1/auth/registrations", &registration(&format!("u{n}@example.com")), "203.0.113.9").await.status;
        assert_eq!(status, StatusCode::CREATED);
    }
    let limited = post(&app, "/api/v1/auth/registrations", &registration("u4@example.com"), "203.0.113.9").await;
    limited.assert_problem(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let retry: u64 = limited.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(
        post(&app, "/api/v1/auth/registrations", &registration("u5@example.com"), "203.0.113.10").await.status,
        StatusCode::CREATED,
        "another IP"
    );
    app.clock.advance(Duration::minutes(1));
    assert_eq!(
        post(&app, "/api/v1/auth/registrations", &registration("u6@example.com"), "203.0.113.9").await.status,
        StatusCode::CREATED,
        "next window"
    );
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_email_verification_is_single_use_and_expires(pool: MySqlPool) {
    let app = app(pool.clone()).await;
    post(&app, "/api/v1/auth/registrations", &registration("ana@example.com"), "198.51.100.1").await;
    let token = token_from_email(&pool, "ana@example.com", "verify_email").await;

    post(&app, "/api/v1/auth/email-verifications", &json!({ "token": "forged" }), "198.51.100.1")
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(
        post(&app, "/api/v1/auth/email-verifications", &json!({ "token": token }), "198.51.100.1").await.status,
        StatusCode::NO_CONTENT
    );
    let again = post(&app, "/api/v1/auth/email-verifications", &json!({ "token": token }), "198.51.100.1").await;
    assert_eq!(again.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")["errors"][0]["field"], "token");
    let verified = sqlx::query_scalar!("SELECT email_verified_at FROM users").fetch_one(&pool).await.unwrap();
    assert!(verified.is_some());

    post(&app, "/api/v1/auth/registrations", &registration("late@example.com"), "198.51.100.1").await;
    let late = token_from_email(&pool, "late@example.com", "verify_email").await;
    app.clock.advance(Duration::hours(24));
    post(&app, "/api/v1/auth/email-verifications", &json!({ "token": late }), "198.51.100.1")
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_registration_refuses_a_multi_byte_postal_code_instead_of_failing(pool: MySqlPool) {
    // "AAÉAA" was once split at a byte offset inside the É: a panic, answered 500.
    let app = app(pool.clone()).await;
    for (postal_code, country) in [("AAÉAA", "GB"), ("K1É 0B1", "CA"), ("2801É", "ES"), ("日本", "FR")] {
        let mut body = registration("ana@example.com");
        body["address"]["postalCode"] = json!(postal_code);
        body["address"]["countryCode"] = json!(country);
        let problem = post(&app, "/api/v1/auth/registrations", &body, "198.51.100.1")
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        let errors = problem["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{problem}");
        assert_eq!((errors[0]["field"].as_str(), errors[0]["code"].as_str()), (Some("address.postalCode"), Some("invalid")), "{problem}");
    }
    let count = sqlx::query_scalar!("SELECT COUNT(*) FROM users").fetch_one(&pool).await.unwrap();
    assert_eq!(count, 0);
}
