//! Sign-in, lockout, refresh-token rotation and reuse detection, sign-out, password reset.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use chrono::Duration;
use common::*;
use serde_json::json;
use sqlx::MySqlPool;

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_sign_in_needs_a_verified_address_and_sets_a_strict_cookie(pool: MySqlPool) {
    let app = app(pool.clone()).await;
    post(&app, "/api/v1/auth/registrations", &registration("ana@example.com"), "198.51.100.1").await;
    let login = json!({ "email": "ana@example.com", "password": PASSWORD });
    post(&app, "/api/v1/auth/sessions", &login, "198.51.100.2").await.assert_problem(StatusCode::FORBIDDEN, "email_unverified");

    let token = token_from_email(&pool, "ana@example.com", "verify_email").await;
    post(&app, "/api/v1/auth/email-verifications", &json!({ "token": token }), "198.51.100.1").await;
    let response = post(&app, "/api/v1/auth/sessions", &json!({ "email": "ANA@example.com", "password": PASSWORD }), "198.51.100.2").await;
    assert_eq!(response.status, StatusCode::OK);
    let body = response.json();
    assert_eq!((body["tokenType"].as_str(), body["expiresIn"].as_i64()), (Some("Bearer"), Some(900)));
    assert_eq!(body["user"]["email"], "ana@example.com");
    assert_eq!(body["user"]["role"], "client");
    assert_eq!(body["user"]["emailVerified"], true);
    assert_eq!(body["user"]["address"]["city"], "Paris");
    let cookie = response.headers["set-cookie"].to_str().unwrap();
    for attribute in ["ycyw_refresh=", "HttpOnly", "Secure", "SameSite=Strict", "Path=/api/v1/auth", "Max-Age=2592000"] {
        assert!(cookie.contains(attribute), "{attribute} missing from {cookie}");
    }
    let access = body["accessToken"].as_str().unwrap();
    assert_eq!(me(&app, access).await.json()["email"], "ana@example.com");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_wrong_password_and_unknown_address_answer_alike(pool: MySqlPool) {
    let app = app(pool).await;
    verified_account(&app, "ana@example.com").await;
    let wrong =
        post(&app, "/api/v1/auth/sessions", &json!({ "email": "ana@example.com", "password": "not-the-password-123" }), "198.51.100.2")
            .await;
    let unknown =
        post(&app, "/api/v1/auth/sessions", &json!({ "email": "nobody@example.com", "password": "not-the-password-123" }), "198.51.100.2")
            .await;
    wrong.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!((wrong.status, &wrong.body), (unknown.status, &unknown.body));
    assert!(wrong.headers.get("set-cookie").is_none());
    post(&app, "/api/v1/auth/sessions", &json!({ "email": "ana@example.com", "password": "" }), "198.51.100.2")
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_five_failures_lock_the_account_for_fifteen_minutes(pool: MySqlPool) {
    let app = app(pool).await;
    verified_account(&app, "ana@example.com").await;
    let wrong = json!({ "email": "ana@example.com", "password": "not-the-password-123" });
    for _ in 0..5 {
        assert_eq!(post(&app, "/api/v1/auth/sessions", &wrong, "198.51.100.2").await.status, StatusCode::UNAUTHORIZED);
    }
    let right = json!({ "email": "ana@example.com", "password": PASSWORD });
    let locked = post(&app, "/api/v1/auth/sessions", &right, "198.51.100.3").await;
    locked.assert_problem(StatusCode::TOO_MANY_REQUESTS, "locked");
    assert_eq!(locked.headers["retry-after"], "900");

    app.clock.advance(Duration::minutes(15) - Duration::seconds(1));
    post(&app, "/api/v1/auth/sessions", &right, "198.51.100.3").await.assert_problem(StatusCode::TOO_MANY_REQUESTS, "locked");
    app.clock.advance(Duration::seconds(1));
    assert_eq!(post(&app, "/api/v1/auth/sessions", &right, "198.51.100.3").await.status, StatusCode::OK, "unlocked after 15 minutes");

    // A success resets the count: four new failures do not lock.
    for _ in 0..4 {
        post(&app, "/api/v1/auth/sessions", &wrong, "198.51.100.4").await;
    }
    assert_eq!(post(&app, "/api/v1/auth/sessions", &right, "198.51.100.4").await.status, StatusCode::OK);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_sign_in_is_rate_limited_per_ip(pool: MySqlPool) {
    let app = ycyw_testkit::TestApp::new(pool, ycyw_auth::AuthModule, &[("TRUST_PROXY", "1"), ("RATE_LIMIT_PER_MINUTE", "2")]).await;
    let body = json!({ "email": "nobody@example.com", "password": "whatever-password" });
    post(&app, "/api/v1/auth/sessions", &body, "203.0.113.7").await;
    post(&app, "/api/v1/auth/sessions", &body, "203.0.113.7").await;
    let limited = post(&app, "/api/v1/auth/sessions", &body, "203.0.113.7").await;
    limited.assert_problem(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!(limited.headers.contains_key("retry-after"));
    // X-Forwarded-For is trusted only behind the proxy: the last hop counts, not a forged first one.
    let forged = app.call(Method::POST, "/api/v1/auth/sessions", Some(&body), &[("x-forwarded-for", "1.2.3.4, 203.0.113.7")]).await;
    forged.assert_problem(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
}

/// Issue 11, defect 3: using a reset link is rate-limited per IP like the other anonymous
/// endpoints (made-up tokens cost a lookup each, and no more than the limit).
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_password_resets_are_rate_limited_per_ip(pool: MySqlPool) {
    let app = ycyw_testkit::TestApp::new(pool, ycyw_auth::AuthModule, &[("TRUST_PROXY", "1"), ("RATE_LIMIT_PER_MINUTE", "2")]).await;
    let body = json!({ "token": "made-up-token-0123456789abcdef", "newPassword": "violet-tractor-harbour-42" });
    for _ in 0..2 {
        post(&app, "/api/v1/auth/password-resets", &body, "203.0.113.9")
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    let limited = post(&app, "/api/v1/auth/password-resets", &body, "203.0.113.9").await;
    limited.assert_problem(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!(limited.headers.contains_key("retry-after"));
    let elsewhere = post(&app, "/api/v1/auth/password-resets", &body, "203.0.113.10").await;
    elsewhere.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_refresh_rotates_and_a_replay_revokes_the_family(pool: MySqlPool) {
    let app = app(pool).await;
    verified_account(&app, "ana@example.com").await;
    let (_, first) = sign_in(&app, "ana@example.com", PASSWORD).await;

    let rotated = refresh(&app, &first).await;
    assert_eq!(rotated.status, StatusCode::OK);
    let second = refresh_cookie_of(&rotated).unwrap();
    assert_ne!(first, second);
    assert_eq!(me(&app, rotated.json()["accessToken"].as_str().unwrap()).await.status, StatusCode::OK);
    let third = refresh_cookie_of(&refresh(&app, &second).await).unwrap();

    // The first token is replayed (stolen?): the whole family dies, the newest token too.
    refresh(&app, &first).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    refresh(&app, &third).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");

    // Other sessions are untouched.
    let (_, other) = sign_in(&app, "ana@example.com", PASSWORD).await;
    assert_eq!(refresh(&app, &other).await.status, StatusCode::OK);
    refresh(&app, "made-up").await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    app.call(Method::POST, "/api/v1/auth/sessions/refresh", None, &[]).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_a_session_family_ends_after_thirty_days(pool: MySqlPool) {
    let app = app(pool).await;
    verified_account(&app, "ana@example.com").await;
    let (_, token) = sign_in(&app, "ana@example.com", PASSWORD).await;
    app.clock.advance(Duration::days(29));
    let token = refresh_cookie_of(&refresh(&app, &token).await).unwrap();
    app.clock.advance(Duration::days(1));
    refresh(&app, &token).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_sign_out_revokes_the_family_and_clears_the_cookie(pool: MySqlPool) {
    let app = app(pool).await;
    verified_account(&app, "ana@example.com").await;
    let (_, token) = sign_in(&app, "ana@example.com", PASSWORD).await;
    let newer = refresh_cookie_of(&refresh(&app, &token).await).unwrap();
    let out = app.call(Method::DELETE, "/api/v1/auth/sessions/current", None, &[("cookie", &format!("ycyw_refresh={newer}"))]).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(out.headers["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    refresh(&app, &newer).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(app.call(Method::DELETE, "/api/v1/auth/sessions/current", None, &[]).await.status, StatusCode::NO_CONTENT, "idempotent");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_password_reset_is_enumeration_safe_single_use_and_revokes_sessions(pool: MySqlPool) {
    let app = app(pool.clone()).await;
    verified_account(&app, "ana@example.com").await;
    let (_, session) = sign_in(&app, "ana@example.com", PASSWORD).await;

    let known = post(&app, "/api/v1/auth/password-reset-requests", &json!({ "email": "ana@example.com" }), "198.51.100.5").await;
    let unknown = post(&app, "/api/v1/auth/password-reset-requests", &json!({ "email": "nobody@example.com" }), "198.51.100.5").await;
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body));
    assert_eq!(known.status, StatusCode::ACCEPTED);
    let ran = app.run_jobs().await;
    assert_eq!(ran.len(), 2, "both requests are answered by the worker, alike");
    assert!(emails_to(&pool, "nobody@example.com").await.is_empty());

    let token = token_from_email(&pool, "ana@example.com", "password_reset").await;
    let weak = post(&app, "/api/v1/auth/password-resets", &json!({ "token": token, "newPassword": "password1234" }), "198.51.100.5").await;
    assert_eq!(weak.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")["errors"][0]["code"], "weak_password");
    let new_password = "copper-lantern-meadow-77";
    let reset = post(&app, "/api/v1/auth/password-resets", &json!({ "token": token, "newPassword": new_password }), "198.51.100.5").await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT);
    post(&app, "/api/v1/auth/password-resets", &json!({ "token": token, "newPassword": "another-fine-passphrase" }), "198.51.100.5")
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    refresh(&app, &session).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    post(&app, "/api/v1/auth/sessions", &json!({ "email": "ana@example.com", "password": PASSWORD }), "198.51.100.6")
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
    sign_in(&app, "ana@example.com", new_password).await;
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_reset_links_expire_after_an_hour(pool: MySqlPool) {
    let app = app(pool.clone()).await;
    verified_account(&app, "ana@example.com").await;
    post(&app, "/api/v1/auth/password-reset-requests", &json!({ "email": "ana@example.com" }), "198.51.100.5").await;
    app.run_jobs().await;
    let token = token_from_email(&pool, "ana@example.com", "password_reset").await;
    app.clock.advance(Duration::hours(1));
    post(&app, "/api/v1/auth/password-resets", &json!({ "token": token, "newPassword": "copper-lantern-meadow-77" }), "198.51.100.5")
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

/// Issue 11, defect 10: the refresh cookie lives as long as its family has left, not 30 days
/// again on every refresh.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_refresh_cookie_lives_as_long_as_its_family(pool: MySqlPool) {
    let app = app(pool).await;
    verified_account(&app, "ana@example.com").await;
    let (_, token) = sign_in(&app, "ana@example.com", PASSWORD).await;
    app.clock.advance(chrono::Duration::days(10));
    let refreshed = refresh(&app, &token).await;
    assert_eq!(refreshed.status, StatusCode::OK);
    let cookie = refreshed.headers["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains(&format!("Max-Age={}", 20 * 24 * 3600)), "20 days left of 30: {cookie}");
    app.clock.advance(chrono::Duration::days(20));
    refresh(&app, &refresh_cookie_of(&refreshed).unwrap()).await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
}

/// Issue 11, defect 4: 20 wrong guesses at once get at most 5 password checks before the lock
/// (the attempt is counted under the row's lock, before argon2), and the lock stops new
/// sign-ins only — the owner's open session still refreshes.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_parallel_guesses_are_counted_before_the_check_and_spare_the_owners_session(pool: MySqlPool) {
    let app = std::sync::Arc::new(app(pool).await);
    verified_account(&app, "ana@example.com").await;
    let (_, owners_session) = sign_in(&app, "ana@example.com", PASSWORD).await;

    let mut guesses = tokio::task::JoinSet::new();
    for n in 0..20 {
        let app = app.clone();
        guesses.spawn(async move {
            let wrong = json!({ "email": "ana@example.com", "password": format!("guess-number-{n:02}-abcdef") });
            // A new address each time: the per-IP limit is not what stops them.
            post(&app, "/api/v1/auth/sessions", &wrong, &format!("203.0.113.{}", n + 1)).await.status
        });
    }
    let mut checked = 0;
    let mut locked = 0;
    while let Some(status) = guesses.join_next().await {
        match status.unwrap() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => locked += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!((checked, locked), (5, 15), "five checked, the rest refused without looking at the password");
    let right = json!({ "email": "ana@example.com", "password": PASSWORD });
    post(&app, "/api/v1/auth/sessions", &right, "198.51.100.7").await.assert_problem(StatusCode::TOO_MANY_REQUESTS, "locked");
    assert_eq!(refresh(&app, &owners_session).await.status, StatusCode::OK, "the owner is not signed out by a stranger's guesses");
}

/// Issue 11, defect 5: a stolen access token does not give unlimited guesses either — wrong
/// passwords on the password change and the account deletion count with the sign-in failures.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_password_checks_behind_a_token_count_with_sign_in_failures(pool: MySqlPool) {
    let app = app(pool).await;
    verified_account(&app, "ana@example.com").await;
    let (access, _) = sign_in(&app, "ana@example.com", PASSWORD).await;
    let auth = format!("Bearer {access}");
    for n in 0..3 {
        let change = json!({ "currentPassword": format!("not-it-{n}-abcdefgh"), "newPassword": "copper-lantern-meadow-77" });
        let wrong = app.call(Method::PUT, "/api/v1/users/me/password", Some(&change), &[("authorization", &auth)]).await;
        wrong.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    let wrong_delete =
        app.call(Method::DELETE, "/api/v1/users/me", Some(&json!({ "password": "not-it-either-1" })), &[("authorization", &auth)]).await;
    wrong_delete.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let wrong = json!({ "email": "ana@example.com", "password": "not-the-password-123" });
    assert_eq!(post(&app, "/api/v1/auth/sessions", &wrong, "198.51.100.2").await.status, StatusCode::UNAUTHORIZED, "the fifth");

    let change = json!({ "currentPassword": PASSWORD, "newPassword": "copper-lantern-meadow-77" });
    let locked = app.call(Method::PUT, "/api/v1/users/me/password", Some(&change), &[("authorization", &auth)]).await;
    locked.assert_problem(StatusCode::TOO_MANY_REQUESTS, "locked");
    let right = json!({ "email": "ana@example.com", "password": PASSWORD });
    post(&app, "/api/v1/auth/sessions", &right, "198.51.100.3").await.assert_problem(StatusCode::TOO_MANY_REQUESTS, "locked");
    app.clock.advance(Duration::minutes(15));
    assert_eq!(
        app.call(Method::PUT, "/api/v1/users/me/password", Some(&change), &[("authorization", &auth)]).await.status,
        StatusCode::NO_CONTENT
    );
}

/// Issue 11, defect 11: a hash made at an older cost is replaced, at the configured one, on the
/// next successful sign-in.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_sign_in_rehashes_a_password_stored_at_another_cost(pool: MySqlPool) {
    use argon2::password_hash::{PasswordHasher as _, SaltString, rand_core::OsRng};
    let app = app(pool.clone()).await;
    verified_account(&app, "ana@example.com").await;
    let older = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, argon2::Params::new(19456, 1, 1, None).unwrap())
        .hash_password(PASSWORD.as_bytes(), &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
    assert!(older.starts_with("$argon2id$v=19$m=19456,t=1,p=1$"));
    sqlx::query!("UPDATE users SET password_hash = ? WHERE email = 'ana@example.com'", older).execute(&pool).await.unwrap();

    sign_in(&app, "ana@example.com", PASSWORD).await;
    let stored =
        sqlx::query_scalar!("SELECT password_hash FROM users WHERE email = 'ana@example.com'").fetch_one(&pool).await.unwrap().unwrap();
    assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
    sign_in(&app, "ana@example.com", PASSWORD).await;
    let again =
        sqlx::query_scalar!("SELECT password_hash FROM users WHERE email = 'ana@example.com'").fetch_one(&pool).await.unwrap().unwrap();
    assert_eq!(again, stored, "a hash at the configured cost is left alone");
}

/// Issue 11, defect 13: what a request does no longer depends on whether an account has the
/// address, so answer times cannot tell. A sign-in counts an attempt for any address (one row,
/// the same statements, the same argon2 work; an unknown address locks like a known one); a
/// reset request only queues one job, and the worker looks the address up.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_known_and_unknown_addresses_cost_the_same_work(pool: MySqlPool) {
    let app = app(pool.clone()).await;
    verified_account(&app, "ana@example.com").await;
    let rows = || async { sqlx::query_scalar!("SELECT COUNT(*) FROM sign_in_attempts").fetch_one(&pool).await.unwrap() };
    for (email, rows_after) in [("ana@example.com", 1), ("nobody@example.com", 2)] {
        let wrong = json!({ "email": email, "password": "not-the-password-123" });
        for _ in 0..5 {
            post(&app, "/api/v1/auth/sessions", &wrong, "198.51.100.2").await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");
        }
        assert_eq!(rows().await, rows_after, "one counter per address, known or not");
        let sixth = post(&app, "/api/v1/auth/sessions", &wrong, "198.51.100.3").await;
        sixth.assert_problem(StatusCode::TOO_MANY_REQUESTS, "locked");
        assert_eq!(sixth.headers["retry-after"], "900", "{email} locks like any other");
    }
    let keys = sqlx::query_scalar!("SELECT HEX(email_key) FROM sign_in_attempts").fetch_all(&pool).await.unwrap();
    assert!(keys.iter().all(|k| k.as_deref().is_some_and(|k| k.len() == 64)), "keyed hashes, never the address");

    let jobs = || async { sqlx::query_scalar!("SELECT COUNT(*) FROM jobs").fetch_one(&pool).await.unwrap() };
    let tokens = || async { sqlx::query_scalar!("SELECT COUNT(*) FROM one_time_tokens").fetch_one(&pool).await.unwrap() };
    let (jobs_before, tokens_before) = (jobs().await, tokens().await);
    post(&app, "/api/v1/auth/password-reset-requests", &json!({ "email": "ana@example.com" }), "198.51.100.5").await;
    assert_eq!((jobs().await, tokens().await), (jobs_before + 1, tokens_before), "known: one job, nothing else");
    post(&app, "/api/v1/auth/password-reset-requests", &json!({ "email": "nobody@example.com" }), "198.51.100.5").await;
    assert_eq!((jobs().await, tokens().await), (jobs_before + 2, tokens_before), "unknown: the same");
    app.run_jobs().await;
    assert_eq!(tokens().await, tokens_before + 1, "the worker issued the known address's link only");
    assert_eq!(emails_to(&pool, "ana@example.com").await.last().unwrap().0, "password_reset");
    let payloads = sqlx::query_scalar!("SELECT payload FROM jobs WHERE kind = 'password_reset_request'").fetch_all(&pool).await.unwrap();
    assert!(payloads.iter().all(|p| p == "{}"), "the addresses are erased once answered: {payloads:?}");
}
