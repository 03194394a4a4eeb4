//! /users/me: profile, password change, export and deletion.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::json;
use sqlx::MySqlPool;
use ycyw_shared::auth::Role;

/// email, password hash, first and last name, address line 1, postal code, city, phone.
type PersonalFields =
    (Option<String>, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>);

fn bearer(access: &str) -> String {
    format!("Bearer {access}")
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_profile_reads_and_patches_with_validation(pool: MySqlPool) {
    let app = app(pool).await;
    verified_account(&app, "ana@example.com").await;
    let (access, _) = sign_in(&app, "ana@example.com", PASSWORD).await;
    let auth = bearer(&access);
    let profile = me(&app, &access).await.json();
    assert_eq!(profile["firstName"], "Ana");
    assert_eq!(profile["birthDate"], "1990-04-02");
    assert_eq!(profile["phone"], "+33612345678");
    assert_eq!(profile["locale"], "fr");
    assert_eq!(profile["agencyId"], serde_json::Value::Null);

    let patch = json!({ "lastName": "Silva-Costa", "phone": null, "locale": "en",
        "address": { "line1": "221B Baker Street", "postalCode": "nw1 6xe", "city": "London", "countryCode": "gb" } });
    let updated = app.call(Method::PATCH, "/api/v1/users/me", Some(&patch), &[("authorization", &auth)]).await;
    assert_eq!(updated.status, StatusCode::OK, "{}", String::from_utf8_lossy(&updated.body));
    let body = updated.json();
    assert_eq!((body["lastName"].as_str(), body["firstName"].as_str()), (Some("Silva-Costa"), Some("Ana")));
    assert_eq!(body["address"]["postalCode"], "NW1 6XE");
    assert_eq!(body["address"]["countryCode"], "GB");
    assert_eq!(body["phone"], serde_json::Value::Null);
    assert_eq!(me(&app, &access).await.json()["locale"], "en", "persisted");

    for (patch, field, code) in [
        (json!({ "birthDate": "2015-01-01" }), "birthDate", "underage"),
        (json!({ "birthDate": "1990-13-01" }), "birthDate", "invalid"),
        (json!({ "firstName": "" }), "firstName", "required"),
        (json!({ "phone": "12" }), "phone", "invalid"),
        (
            json!({ "address": { "line1": "1 Main St", "postalCode": "ABCDE", "city": "Boston", "countryCode": "US" } }),
            "address.postalCode",
            "invalid",
        ),
    ] {
        let problem = app
            .call(Method::PATCH, "/api/v1/users/me", Some(&patch), &[("authorization", &auth)])
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!((problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()), (Some(field), Some(code)), "{patch}");
    }
    let unknown =
        app.call(Method::PATCH, "/api/v1/users/me", Some(&json!({ "email": "new@example.com" })), &[("authorization", &auth)]).await;
    unknown.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    app.call(Method::PATCH, "/api/v1/users/me", Some(&json!({})), &[]).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_profile_refuses_a_multi_byte_postal_code_instead_of_failing(pool: MySqlPool) {
    let app = app(pool).await;
    verified_account(&app, "ana@example.com").await;
    let (access, _) = sign_in(&app, "ana@example.com", PASSWORD).await;
    let patch = json!({ "address": { "line1": "221B Baker Street", "postalCode": "AAÉAA", "city": "London", "countryCode": "GB" } });
    let problem = app
        .call(Method::PATCH, "/api/v1/users/me", Some(&patch), &[("authorization", &bearer(&access))])
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(
        (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()),
        (Some("address.postalCode"), Some("invalid"))
    );
    assert_eq!(me(&app, &access).await.json()["address"]["postalCode"], "75001", "nothing was written");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_another_users_token_never_reaches_someone_elses_data(pool: MySqlPool) {
    let app = app(pool).await;
    // A validly signed token for an id that is no account is refused at the door (401), never
    // answered with somebody's profile.
    let stranger = app.bearer(uuid::Uuid::now_v7(), Role::Client, None);
    app.call(Method::GET, "/api/v1/users/me", None, &[("authorization", &stranger)])
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    app.call(Method::GET, "/api/v1/users/me/export", None, &[("authorization", &stranger)])
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_password_change_checks_the_current_one_and_revokes_other_sessions(pool: MySqlPool) {
    let app = app(pool).await;
    verified_account(&app, "ana@example.com").await;
    let (access, current) = sign_in(&app, "ana@example.com", PASSWORD).await;
    let (_, other) = sign_in(&app, "ana@example.com", PASSWORD).await;
    let headers = [("authorization", bearer(&access)), ("cookie", format!("ycyw_refresh={current}"))];
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();

    let wrong = json!({ "currentPassword": "not-my-password-1", "newPassword": "copper-lantern-meadow-77" });
    let problem = app
        .call(Method::PUT, "/api/v1/users/me/password", Some(&wrong), &headers)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "currentPassword");
    let weak = json!({ "currentPassword": PASSWORD, "newPassword": "short" });
    let problem = app
        .call(Method::PUT, "/api/v1/users/me/password", Some(&weak), &headers)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "weak_password");

    let change = json!({ "currentPassword": PASSWORD, "newPassword": "copper-lantern-meadow-77" });
    assert_eq!(app.call(Method::PUT, "/api/v1/users/me/password", Some(&change), &headers).await.status, StatusCode::NO_CONTENT);
    refresh(&app, &other).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(refresh(&app, &current).await.status, StatusCode::OK, "the session that changed it stays");
    sign_in(&app, "ana@example.com", "copper-lantern-meadow-77").await;
}

/// Issue 11, defect 2, as a browser behaves: the refresh cookie (`Path=/api/v1/auth`) never
/// comes to `/users/me/password`, yet the session that changes the password stays signed in —
/// the access token names it — and only the others are revoked.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_password_change_keeps_the_browsers_session_without_its_cookie(pool: MySqlPool) {
    let app = app(pool).await;
    verified_account(&app, "ana@example.com").await;
    let (_, first) = sign_in(&app, "ana@example.com", PASSWORD).await;
    let (_, other) = sign_in(&app, "ana@example.com", PASSWORD).await;
    // The changing session has refreshed once: its new access token still names its family.
    let refreshed = refresh(&app, &first).await;
    let access = refreshed.json()["accessToken"].as_str().unwrap().to_string();
    let current = refresh_cookie_of(&refreshed).unwrap();

    let change = json!({ "currentPassword": PASSWORD, "newPassword": "copper-lantern-meadow-77" });
    let changed = app.call(Method::PUT, "/api/v1/users/me/password", Some(&change), &[("authorization", &bearer(&access))]).await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT);
    refresh(&app, &other).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(refresh(&app, &current).await.status, StatusCode::OK, "the browser that changed it stays signed in");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_export_holds_the_profile_as_a_download(pool: MySqlPool) {
    let app = app(pool).await;
    verified_account(&app, "ana@example.com").await;
    let (access, _) = sign_in(&app, "ana@example.com", PASSWORD).await;
    let export = app.call(Method::GET, "/api/v1/users/me/export", None, &[("authorization", &bearer(&access))]).await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.headers["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let body = export.json();
    assert_eq!(body["account"]["email"], "ana@example.com");
    assert_eq!(body["account"]["address"]["line1"], "10 rue de Rivoli");
    assert_eq!(body["account"]["birthDate"], "1990-04-02");
    assert!(body["accountHistory"]["termsAcceptedAt"].is_string());
    assert_eq!(body["sessions"].as_array().unwrap().len(), 1);
    assert!(!export.body.windows(9).any(|w| w == b"$argon2id"), "no password hash");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_account_deletion_erases_personal_data(pool: MySqlPool) {
    let app = app(pool.clone()).await;
    verified_account(&app, "ana@example.com").await;
    let (access, session) = sign_in(&app, "ana@example.com", PASSWORD).await;
    let auth = bearer(&access);

    let wrong =
        app.call(Method::DELETE, "/api/v1/users/me", Some(&json!({ "password": "not-my-password" })), &[("authorization", &auth)]).await;
    assert_eq!(wrong.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")["errors"][0]["field"], "password");
    let deleted = app.call(Method::DELETE, "/api/v1/users/me", Some(&json!({ "password": PASSWORD })), &[("authorization", &auth)]).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);

    let rows = sqlx::query!(
        "SELECT email, password_hash, first_name, last_name, birth_date, address_line1, address_line2, postal_code, city, country_code,
                phone, anonymized_at FROM users"
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), 1, "the row stays for the records that reference it");
    let r = &rows[0];
    let personal: PersonalFields = (
        r.email.clone(),
        r.password_hash.clone(),
        r.first_name.clone(),
        r.last_name.clone(),
        r.address_line1.clone(),
        r.postal_code.clone(),
        r.city.clone(),
        r.phone.clone(),
    );
    assert_eq!(personal, (None, None, None, None, None, None, None, None));
    assert!(r.birth_date.is_none() && r.address_line2.is_none() && r.country_code.is_none() && r.anonymized_at.is_some());
    let leftovers =
        sqlx::query_scalar!(r#"SELECT (SELECT COUNT(*) FROM refresh_tokens) + (SELECT COUNT(*) FROM one_time_tokens) AS "n!: i64""#)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(leftovers, 0);

    let emails = emails_to(&pool, "ana@example.com").await;
    assert_eq!(emails.last().unwrap().0, "account_deleted", "confirmation sent to the address captured before erasure");
    post(&app, "/api/v1/auth/sessions", &json!({ "email": "ana@example.com", "password": PASSWORD }), "198.51.100.9")
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    refresh(&app, &session).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    // Issue 11, defect 12: the deleted account's access token, still within its 15 minutes,
    // acts no more.
    app.call(Method::GET, "/api/v1/users/me", None, &[("authorization", &auth)])
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    let change = json!({ "currentPassword": PASSWORD, "newPassword": "copper-lantern-meadow-77" });
    app.call(Method::PUT, "/api/v1/users/me/password", Some(&change), &[("authorization", &auth)])
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    let audit = sqlx::query_scalar!("SELECT COUNT(*) FROM audit_events WHERE action = 'account.deleted'").fetch_one(&pool).await.unwrap();
    assert_eq!(audit, 1);
    // The address is free again.
    assert_eq!(
        post(&app, "/api/v1/auth/registrations", &registration("ana@example.com"), "198.51.100.9").await.status,
        StatusCode::CREATED
    );
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_staff_cannot_delete_their_account_themselves(pool: MySqlPool) {
    let app = app(pool).await;
    for (role, agency, email) in
        [(Role::Support, None, "support@ycyw.example"), (Role::Agent, Some(uuid::Uuid::now_v7()), "agent@ycyw.example")]
    {
        let staff = ycyw_auth::Accounts::new(&app.state).create_staff(role, email, agency, ycyw_shared::mail::Locale::En).await.unwrap();
        let auth = app.bearer(staff, role, agency);
        app.call(Method::DELETE, "/api/v1/users/me", Some(&json!({ "password": PASSWORD })), &[("authorization", &auth)])
            .await
            .assert_problem(StatusCode::FORBIDDEN, "forbidden");
    }
}
