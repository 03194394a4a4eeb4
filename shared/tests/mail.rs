#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! Acceptance 5 (mailer side): a rendered email reaches a real SMTP server with both parts, and
//! in dev mode a file. The worker's `send_email` path is tested in the worker crate.

use std::collections::BTreeMap;

use ycyw_shared::mail::{EmailJob, Locale, MailError, Mailer, Template};
use ycyw_testkit::{SmtpSink, test_settings};

fn verify_email(to: &str, locale: Locale) -> EmailJob {
    let mut params = BTreeMap::new();
    params.insert("first_name".to_string(), "Zoé".to_string());
    params.insert("link".to_string(), "http://localhost:4200/verify-email?token=abc123".to_string());
    EmailJob::new(to, locale, Template::VerifyEmail, params).unwrap()
}

#[tokio::test]
async fn smtp_delivers_both_parts() {
    let sink = SmtpSink::start().await;
    let settings = test_settings("mysql://unused", &[("SMTP_URL", &sink.url), ("MAIL_FROM", "YCYW <no-reply@ycyw.test>")]);
    let mailer = Mailer::from_settings(&settings).unwrap();
    mailer.send(&verify_email("zoe@example.com", Locale::Fr)).await.unwrap();

    let mail = sink.wait_for("zoe@example.com").await;
    assert_eq!(mail.subject, "Confirmez votre adresse e-mail");
    let text = mail.text.expect("text part");
    let html = mail.html.expect("html part");
    assert!(text.contains("Bonjour Zoé") && text.contains("verify-email?token=abc123"), "{text}");
    assert!(html.contains("Bonjour Zoé") && html.contains("href=\"http://localhost:4200/verify-email?token=abc123\""), "{html}");
    assert!(mail.raw.contains("no-reply@ycyw.test"));
}

#[tokio::test]
async fn dev_mode_writes_eml_files() {
    let dir = tempfile::tempdir().unwrap();
    let mailbox = dir.path().join("mailbox");
    let settings = test_settings("mysql://unused", &[("DEV_MAILBOX_DIR", mailbox.to_str().unwrap())]);
    let mailer = Mailer::from_settings(&settings).unwrap();
    mailer.send(&verify_email("ana@example.com", Locale::En)).await.unwrap();

    let files: Vec<_> = std::fs::read_dir(&mailbox).unwrap().filter_map(Result::ok).collect();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].path().extension().and_then(|e| e.to_str()), Some("eml"));
    let raw = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(raw.contains("To: ana@example.com") && raw.contains("Subject: Confirm your email address"), "{raw}");
    assert!(raw.contains("text/plain") && raw.contains("text/html"));
}

#[tokio::test]
async fn an_unreachable_server_is_a_transient_failure() {
    let port = ycyw_testkit::free_port();
    let settings = test_settings("mysql://unused", &[("SMTP_URL", &format!("smtp://127.0.0.1:{port}"))]);
    let err = Mailer::from_settings(&settings).unwrap().send(&verify_email("a@example.com", Locale::En)).await.unwrap_err();
    assert!(matches!(err, MailError::Transient(_)), "{err:?}");
    assert!(!err.is_permanent());
}

#[test]
fn production_refuses_plain_smtp_and_file_mail() {
    let plain = test_settings("mysql://unused", &[("APP_ENV", "prod"), ("SMTP_URL", "smtp://mail.example.com:587")]);
    assert!(matches!(Mailer::from_settings(&plain), Err(MailError::Config(_))));
    let none = test_settings("mysql://unused", &[("APP_ENV", "prod")]);
    assert!(matches!(Mailer::from_settings(&none), Err(MailError::Config(_))));
    let tls = test_settings("mysql://unused", &[("APP_ENV", "prod"), ("SMTP_URL", "smtp://apikey@mail.example.com:587?tls=required")]);
    assert!(Mailer::from_settings(&tls).is_ok());
}
