#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! Acceptance 2 (library side): with `APP_SECRETS_ID`, secrets come from AWS Secrets Manager
#![allow(unsafe_code)]
// std::env::set_var: this test binary holds one test, so no thread reads the environment meanwhile.
//! (moto, through the real SDK). The production start-up failure is tested on a binary.

use secrecy::ExposeSecret;
use ycyw_shared::config::{SecretKey, Settings};
use ycyw_testkit::{moto_endpoint, put_secret};

// The environment is process-wide: this file holds a single test so nothing races on it.
#[tokio::test]
async fn secrets_come_from_secrets_manager_when_app_secrets_id_is_set() {
    ycyw_shared::runtime::install_crypto_provider();
    let endpoint = moto_endpoint().await;
    let name = format!("ycyw/test/{}", uuid::Uuid::now_v7());
    let jwt = "from-secrets-manager-0123456789abcdef0123";
    put_secret(&endpoint, &name, &format!(r#"{{"JWT_SIGNING_KEY":"{jwt}","STRIPE_WEBHOOK_SECRET":"whsec_fromsm"}}"#)).await;

    // SAFETY of the test: nothing else in this process reads the environment concurrently.
    unsafe {
        std::env::set_var("AWS_ENDPOINT_URL", &endpoint);
        std::env::set_var("AWS_REGION", "eu-west-3");
        std::env::set_var("AWS_ACCESS_KEY_ID", "test");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "test");
        std::env::set_var("DATABASE_URL", "mysql://root@127.0.0.1/none");
        std::env::set_var("APP_ENV", "prod");
        std::env::set_var("JWT_SIGNING_KEY", "from-the-environment-overridden-by-the-secret");
        std::env::set_var("DATABASE_PASSWORD", "injected-by-ecs");
        std::env::set_var("APP_SECRETS_ID", &name);
    }
    let settings = Settings::load(&[SecretKey::JwtSigningKey, SecretKey::StripeWebhookSecret]).await.unwrap();
    assert_eq!(settings.secrets.get(SecretKey::JwtSigningKey).unwrap().expose_secret(), jwt);
    assert_eq!(settings.secrets.get(SecretKey::StripeWebhookSecret).unwrap().expose_secret(), "whsec_fromsm");
    assert_eq!(
        settings.secrets.get(SecretKey::DatabasePassword).unwrap().expose_secret(),
        "injected-by-ecs",
        "keys the secret lacks come from the environment"
    );

    let err = Settings::load(&[SecretKey::StripeSecretKey]).await.unwrap_err();
    assert_eq!(err.to_string(), "required secret STRIPE_SECRET_KEY is missing");

    unsafe { std::env::set_var("APP_SECRETS_ID", "ycyw/does-not-exist") };
    let err = Settings::load(&[]).await.unwrap_err();
    assert!(err.to_string().starts_with("secrets manager:"), "{err}");
}
