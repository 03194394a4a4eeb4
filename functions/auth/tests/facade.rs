//! `Accounts`, the auth module's public Rust API: what reservations and support read of a user.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use chrono::NaiveDate;
use common::*;
use serde_json::json;
use sqlx::MySqlPool;
use ycyw_auth::Accounts;
use ycyw_shared::auth::Role;
use ycyw_shared::mail::Locale;

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn accounts_facade_gives_a_drivers_profile_age_and_state(pool: MySqlPool) {
    let app = app(pool).await;
    verified_account(&app, "driver@example.com").await;
    let (access, _) = sign_in(&app, "driver@example.com", PASSWORD).await;
    let me = me(&app, &access).await.json();
    let id: uuid::Uuid = me["id"].as_str().unwrap().parse().unwrap();
    let accounts = Accounts::new(&app.state);

    let driver = accounts.profile(id).await.unwrap().unwrap();
    assert_eq!((driver.role, driver.locale, driver.email_verified), (Role::Client, Locale::Fr, true));
    assert!(driver.is_active() && driver.is_complete());
    assert_eq!(driver.first_name.as_deref(), Some("Ana"));
    assert_eq!(driver.address.as_ref().unwrap().city, "Paris");
    // Born 1990-04-02: 35 the day before the birthday, 36 on it.
    assert_eq!(driver.age_on(NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()), Some(35));
    assert_eq!(driver.age_on(NaiveDate::from_ymd_opt(2026, 4, 2).unwrap()), Some(36));
    assert!(accounts.profile(uuid::Uuid::now_v7()).await.unwrap().is_none(), "unknown id");

    let deleted = app
        .call(Method::DELETE, "/api/v1/users/me", Some(&json!({ "password": PASSWORD })), &[("authorization", &format!("Bearer {access}"))])
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = accounts.profile(id).await.unwrap().unwrap();
    assert!(!gone.is_active() && !gone.is_complete() && gone.age_on(NaiveDate::from_ymd_opt(2026, 4, 2).unwrap()).is_none());
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn accounts_facade_shows_staff_without_a_profile(pool: MySqlPool) {
    let app = app(pool).await;
    let accounts = Accounts::new(&app.state);
    let agency = uuid::Uuid::now_v7();
    let agent = accounts.create_staff(Role::Agent, "agent@ycyw.example", Some(agency), Locale::En).await.unwrap();
    let profile = accounts.profile(agent).await.unwrap().unwrap();
    assert_eq!((profile.role, profile.agency_id, profile.email_verified), (Role::Agent, Some(agency), false));
    assert!(profile.is_active() && !profile.is_complete());
}
