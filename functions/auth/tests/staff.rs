//! Staff accounts: created by ops, invited by email, no self-registration.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use sqlx::MySqlPool;
use ycyw_auth::{Accounts, StaffError};
use ycyw_shared::auth::Role;
use ycyw_shared::mail::Locale;

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_staff_set_their_password_from_the_invitation(pool: MySqlPool) {
    let app = app(pool.clone()).await;
    let agency = uuid::Uuid::now_v7();
    let id = Accounts::new(&app.state).create_staff(Role::Agent, "Agent.Smith@ycyw.example", Some(agency), Locale::En).await.unwrap();

    let emails = emails_to(&pool, "agent.smith@ycyw.example").await;
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].0, "staff_invite");
    assert_eq!(emails[0].1["role"], "agent");
    assert!(emails[0].1["link"].as_str().unwrap().starts_with("http://localhost:4200/set-password?token="));
    let login = json!({ "email": "agent.smith@ycyw.example", "password": "anything-at-all-123" });
    post(&app, "/api/v1/auth/sessions", &login, "198.51.100.3").await.assert_problem(StatusCode::UNAUTHORIZED, "unauthorized");

    let token = token_from_email(&pool, "agent.smith@ycyw.example", "staff_invite").await;
    let set =
        post(&app, "/api/v1/auth/password-resets", &json!({ "token": token, "newPassword": "granite-orchard-signal-9" }), "198.51.100.3")
            .await;
    assert_eq!(set.status, StatusCode::NO_CONTENT);
    let response = post(
        &app,
        "/api/v1/auth/sessions",
        &json!({ "email": "agent.smith@ycyw.example", "password": "granite-orchard-signal-9" }),
        "198.51.100.3",
    )
    .await;
    assert_eq!(response.status, StatusCode::OK);
    let user = &response.json()["user"];
    assert_eq!((user["role"].as_str(), user["agencyId"].as_str()), (Some("agent"), Some(agency.to_string().as_str())));
    assert_eq!(user["id"], id.to_string());
    let claims = app
        .state
        .jwt
        .as_ref()
        .unwrap()
        .verify(response.json()["accessToken"].as_str().unwrap(), ycyw_shared::time::Clock::now(&app.clock))
        .unwrap();
    assert_eq!((claims.role, claims.agency), (Role::Agent, Some(agency)));
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn auth_staff_creation_rules(pool: MySqlPool) {
    let app = app(pool).await;
    assert!(matches!(
        Accounts::new(&app.state).create_staff(Role::Client, "c@ycyw.example", None, Locale::En).await,
        Err(StaffError::NotStaff)
    ));
    assert!(matches!(
        Accounts::new(&app.state).create_staff(Role::Agent, "a@ycyw.example", None, Locale::En).await,
        Err(StaffError::AgencyRequired)
    ));
    assert!(matches!(
        Accounts::new(&app.state).create_staff(Role::Support, "s@ycyw.example", Some(uuid::Uuid::now_v7()), Locale::En).await,
        Err(StaffError::AgencyNotAllowed)
    ));
    assert!(matches!(Accounts::new(&app.state).create_staff(Role::Support, "nope", None, Locale::En).await, Err(StaffError::InvalidEmail)));
    Accounts::new(&app.state).create_staff(Role::Support, "s@ycyw.example", None, Locale::Fr).await.unwrap();
    assert!(matches!(
        Accounts::new(&app.state).create_staff(Role::Support, "S@ycyw.example", None, Locale::Fr).await,
        Err(StaffError::Exists)
    ));
}
