//! Issue 4, acceptance 7: the verification and reset emails leave through the worker over real
//! SMTP, and the token in the received link works.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use axum::http::{Method, StatusCode};
use serde_json::json;
use sqlx::MySqlPool;
use ycyw_shared::queue::Backoff;
use ycyw_shared::queue::db::DbQueue;
use ycyw_testkit::{ReceivedMail, SmtpSink, TestApp, test_settings};
use ycyw_worker::worker::{Outcome, Worker};

fn token_in(mail: &ReceivedMail, path: &str) -> String {
    let text = mail.text.clone().unwrap();
    let start = text.find(&format!("{path}?token=")).unwrap_or_else(|| panic!("no {path} link in {text}")) + path.len() + "?token=".len();
    text[start..].split_whitespace().next().unwrap().to_string()
}

async fn deliver_all(worker: &Worker) {
    while let Some(execution) = worker.execute_next().await.unwrap() {
        assert_eq!(execution.outcome, Outcome::Completed);
    }
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn worker_delivers_account_emails_with_working_links(pool: MySqlPool) {
    let sink = SmtpSink::start().await;
    let app = TestApp::new(pool.clone(), ycyw_auth::AuthModule, &[]).await;
    // The worker as deployed: every module's handlers (auth answers reset requests, mail sends).
    let url = ycyw_testkit::database_url_of(&pool).await.unwrap();
    let worker_state =
        ycyw_shared::AppState::new(pool.clone(), test_settings(&url, &[("SMTP_URL", &sink.url)])).with_clock(Arc::new(app.clock.clone()));
    let work = ycyw_shared::module::Deployable::new("worker", ycyw_api::modules()).work(&worker_state).await.unwrap();
    let queue = DbQueue::new(pool.clone(), Arc::new(app.clock.clone()), "test", Duration::from_secs(60), Backoff::default());
    let worker = Worker::new(Arc::new(queue), work.jobs);

    let password = "violet-tractor-harbour-42";
    let registration = json!({
        "email": "zoe@example.com", "password": password, "firstName": "Zoé", "lastName": "Martin", "birthDate": "1988-07-14",
        "address": { "line1": "3 place Bellecour", "postalCode": "69002", "city": "Lyon", "countryCode": "FR" },
        "locale": "fr", "acceptTerms": true
    });
    assert_eq!(app.call(Method::POST, "/api/v1/auth/registrations", Some(&registration), &[]).await.status, StatusCode::CREATED);
    deliver_all(&worker).await;
    let verification = sink.wait_for("zoe@example.com").await;
    assert_eq!(verification.subject, "Confirmez votre adresse e-mail");
    assert!(verification.html.as_deref().unwrap().contains("http://localhost:4200/verify-email?token="));
    let token = token_in(&verification, "/verify-email");
    let verified = app.call(Method::POST, "/api/v1/auth/email-verifications", Some(&json!({ "token": token })), &[]).await;
    assert_eq!(verified.status, StatusCode::NO_CONTENT);
    let login = json!({ "email": "zoe@example.com", "password": password });
    assert_eq!(app.call(Method::POST, "/api/v1/auth/sessions", Some(&login), &[]).await.status, StatusCode::OK);

    let request = app.call(Method::POST, "/api/v1/auth/password-reset-requests", Some(&json!({ "email": "zoe@example.com" })), &[]).await;
    assert_eq!(request.status, StatusCode::ACCEPTED);
    deliver_all(&worker).await;
    let reset_mail =
        sink.messages().into_iter().find(|m| m.subject == "Réinitialisez votre mot de passe").expect("the reset email arrived");
    let token = token_in(&reset_mail, "/reset-password");
    let new_password = "copper-lantern-meadow-77";
    let reset =
        app.call(Method::POST, "/api/v1/auth/password-resets", Some(&json!({ "token": token, "newPassword": new_password })), &[]).await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT);
    let login = json!({ "email": "zoe@example.com", "password": new_password });
    assert_eq!(app.call(Method::POST, "/api/v1/auth/sessions", Some(&login), &[]).await.status, StatusCode::OK);
}
