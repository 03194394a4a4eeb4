#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! Acceptance 2 (process side): in production a missing secret stops start-up with a message
//! naming the key, never a value; with the secret in Secrets Manager the function starts.
//! (Keys absent from the JSON secret may come from the environment, as ECS injects the RDS one.)

use std::time::Duration;

use ycyw_testkit::{Binary, database_url_of, moto_endpoint, put_secret};

const AUTH: &str = env!("CARGO_BIN_EXE_ycyw-auth");

async fn new_secret(endpoint: &str, value: &str) -> String {
    let name = format!("ycyw/prod/{}", uuid::Uuid::now_v7());
    put_secret(endpoint, &name, value).await;
    name
}

fn aws_env(endpoint: &str, secret_id: &str, database_url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("APP_ENV", "prod".into()),
        ("DATABASE_URL", database_url.into()),
        ("APP_SECRETS_ID", secret_id.into()),
        ("AWS_ENDPOINT_URL", endpoint.into()),
        ("AWS_REGION", "eu-west-3".into()),
        ("AWS_ACCESS_KEY_ID", "test".into()),
        ("AWS_SECRET_ACCESS_KEY", "test".into()),
        ("LOG_FORMAT", "json".into()),
    ]
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn production_without_the_jwt_key_exits_naming_the_key_only(pool: sqlx::MySqlPool) {
    let endpoint = moto_endpoint().await;
    let secret_id =
        new_secret(&endpoint, r#"{"STRIPE_SECRET_KEY":"sk_test_mustnotbeprinted","SMTP_PASSWORD":"smtp-pass-not-printed"}"#).await;
    let url = database_url_of(&pool).await.unwrap();
    let output = tokio::process::Command::new(AUTH)
        .env_clear()
        .envs(aws_env(&endpoint, &secret_id, &url))
        .env("SMTP_PASSWORD", "an-environment-secret-not-printed")
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("JWT_SIGNING_KEY"), "{stderr}");
    for value in ["sk_test_mustnotbeprinted", "smtp-pass-not-printed", "an-environment-secret"] {
        assert!(!stderr.contains(value), "{value} printed: {stderr}");
    }
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn production_starts_with_the_key_from_secrets_manager(pool: sqlx::MySqlPool) {
    let endpoint = moto_endpoint().await;
    let secret_id = new_secret(
        &endpoint,
        r#"{"JWT_SIGNING_KEY":"a-production-key-from-secrets-manager-0123456789","RATE_LIMIT_KEY":"a-rate-limit-key"}"#,
    )
    .await;
    let url = database_url_of(&pool).await.unwrap();
    let mut auth = Binary::spawn(AUTH, &[], &aws_env(&endpoint, &secret_id, &url));
    assert!(auth.wait_ready("/health/ready").await, "the function started in prod with its secret from Secrets Manager");
    auth.signal("TERM").await;
    assert!(auth.wait_exit(Duration::from_secs(15)).await.success());
}

fn production_env(database_url: &str, secrets: &[(&'static str, &'static str)]) -> Vec<(&'static str, String)> {
    let mut env = vec![("APP_ENV", "prod".to_string()), ("DATABASE_URL", database_url.to_string()), ("LOG_FORMAT", "json".into())];
    env.extend(secrets.iter().map(|(k, v)| (*k, v.to_string())));
    env
}

const JWT: (&str, &str) = ("JWT_SIGNING_KEY", "a-production-key-from-the-environment-0123456789");
const RATE_LIMIT: (&str, &str) = ("RATE_LIMIT_KEY", "a-rate-limit-key-from-the-environment");

/// Issue 10, acceptance 1: a module declares its secrets, and the function serving it does not
/// start in production without them — even before the module has an endpoint.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn payments_in_production_without_the_stripe_key_exits_naming_it(pool: sqlx::MySqlPool) {
    let url = database_url_of(&pool).await.unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_ycyw-payments"))
        .env_clear()
        .envs(production_env(&url, &[JWT, ("STRIPE_WEBHOOK_SECRET", "whsec_not_printed")]))
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("STRIPE_SECRET_KEY"), "{stderr}");
    assert!(!stderr.contains("whsec_not_printed") && !stderr.contains(JWT.1), "{stderr}");
}

/// Each function starts in production with only the secrets its modules declare: catalog and
/// reservations with the token key alone, auth and support with the rate-limit key too (the Stripe
/// keys are payments' business).
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn each_function_starts_in_production_with_only_its_modules_secrets(pool: sqlx::MySqlPool) {
    let url = database_url_of(&pool).await.unwrap();
    let functions = [
        (env!("CARGO_BIN_EXE_ycyw-auth"), vec![JWT, RATE_LIMIT]),
        (env!("CARGO_BIN_EXE_ycyw-catalog"), vec![JWT]),
        (env!("CARGO_BIN_EXE_ycyw-reservations"), vec![JWT]),
        (env!("CARGO_BIN_EXE_ycyw-support"), vec![JWT, RATE_LIMIT]),
        (
            env!("CARGO_BIN_EXE_ycyw-payments"),
            vec![JWT, ("STRIPE_SECRET_KEY", "sk_test_payments_only"), ("STRIPE_WEBHOOK_SECRET", "whsec_payments_only")],
        ),
    ];
    for (binary, secrets) in functions {
        let mut function = Binary::spawn(binary, &[], &production_env(&url, &secrets));
        assert!(function.wait_ready("/health/ready").await, "{binary} did not start with {secrets:?}");
        function.signal("TERM").await;
        assert!(function.wait_exit(Duration::from_secs(15)).await.success());
    }
}

/// A module's own settings are checked at set-up: a bad one stops the start with an error naming
/// it (auth's password-hashing cost), never a panic.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_bad_module_setting_stops_the_start_naming_it(pool: sqlx::MySqlPool) {
    let url = database_url_of(&pool).await.unwrap();
    let (ok, _, err) =
        ycyw_testkit::run_to_end(env!("CARGO_BIN_EXE_ycyw-auth"), &[], &[("DATABASE_URL", &url), ("ARGON2_MEMORY_KIB", "1024")]).await;
    assert!(!ok);
    assert!(err.contains("ARGON2_MEMORY_KIB") && err.contains("setting up module auth"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
