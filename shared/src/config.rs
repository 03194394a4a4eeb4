//! Typed settings. Plain settings come from environment variables (`YCYW_<NAME>` wins over
//! `<NAME>`); secrets come from the environment, overridden by the keys of one JSON secret in AWS
//! Secrets Manager when `APP_SECRETS_ID` is set. Secrets are [`SecretString`]s: `Debug` never shows them.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use rand::Rng as _;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

/// Where the process runs; decides defaults and how strict start-up is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    /// A developer's machine: ephemeral secrets allowed, pretty logs.
    Dev,
    /// Automated tests.
    Test,
    /// Production: every required secret must be present.
    Prod,
}

/// Which queue the worker consumes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueBackend {
    /// The embedded `jobs` table (default).
    Db,
    /// Amazon SQS, fed by the outbox relay.
    Sqs,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line (production).
    Json,
    /// Human-readable (local development).
    Pretty,
}

/// The keys of the application secret (DESIGN §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretKey {
    /// HS256 key of the access tokens (≥ 32 bytes).
    JwtSigningKey,
    /// The key `JwtSigningKey` replaced, still accepted for verification during a rotation.
    JwtSigningKeyPrevious,
    /// Stripe API secret key.
    StripeSecretKey,
    /// Stripe webhook endpoint signing secret.
    StripeWebhookSecret,
    /// The webhook secret `StripeWebhookSecret` replaced, still accepted during a rotation.
    StripeWebhookSecretPrevious,
    /// Password of the SMTP account.
    SmtpPassword,
    /// Password of the database user.
    DatabasePassword,
    /// Shared secret of the TURN server's REST API.
    TurnSharedSecret,
    /// HMAC key of the client addresses in `rate_limits` (an unkeyed hash of an IPv4 address is
    /// reversed in seconds).
    RateLimitKey,
}

impl SecretKey {
    /// Every key, in the order of DESIGN §3 (the rotation's previous JWT key after the current).
    pub const ALL: [SecretKey; 9] = [
        SecretKey::JwtSigningKey,
        SecretKey::JwtSigningKeyPrevious,
        SecretKey::StripeSecretKey,
        SecretKey::StripeWebhookSecret,
        SecretKey::StripeWebhookSecretPrevious,
        SecretKey::SmtpPassword,
        SecretKey::DatabasePassword,
        SecretKey::TurnSharedSecret,
        SecretKey::RateLimitKey,
    ];

    /// The key's name in the JSON secret and in the environment.
    pub fn name(self) -> &'static str {
        match self {
            SecretKey::JwtSigningKey => "JWT_SIGNING_KEY",
            SecretKey::JwtSigningKeyPrevious => "JWT_SIGNING_KEY_PREVIOUS",
            SecretKey::StripeSecretKey => "STRIPE_SECRET_KEY",
            SecretKey::StripeWebhookSecret => "STRIPE_WEBHOOK_SECRET",
            SecretKey::StripeWebhookSecretPrevious => "STRIPE_WEBHOOK_SECRET_PREVIOUS",
            SecretKey::SmtpPassword => "SMTP_PASSWORD",
            SecretKey::DatabasePassword => "DATABASE_PASSWORD",
            SecretKey::TurnSharedSecret => "TURN_SHARED_SECRET",
            SecretKey::RateLimitKey => "RATE_LIMIT_KEY",
        }
    }
}

/// The secrets a process holds. `Debug` lists which keys are present, never a value.
#[derive(Clone, Default)]
pub struct Secrets(HashMap<SecretKey, SecretString>);

impl Secrets {
    /// The secret under `key`, if present.
    pub fn get(&self, key: SecretKey) -> Option<&SecretString> {
        self.0.get(&key)
    }

    /// The secret under `key`, or [`ConfigError::MissingSecret`].
    pub fn require(&self, key: SecretKey) -> Result<&SecretString, ConfigError> {
        self.get(key).ok_or(ConfigError::MissingSecret(key.name()))
    }

    /// Sets a secret (start-up and tests).
    pub fn insert(&mut self, key: SecretKey, value: SecretString) {
        self.0.insert(key, value);
    }

    /// Takes every secret of `other`, replacing those present in both.
    pub fn overlay(&mut self, other: Secrets) {
        self.0.extend(other.0);
    }

    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let values = SecretKey::ALL
            .into_iter()
            .filter_map(|key| lookup(key.name()).filter(|v| !v.is_empty()).map(|v| (key, SecretString::from(v))))
            .collect();
        Secrets(values)
    }
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut present: Vec<&str> = self.0.keys().map(|k| k.name()).collect();
        present.sort_unstable();
        f.debug_struct("Secrets").field("present", &present).finish()
    }
}

/// Why the settings could not be built. Messages name keys, never values.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A required setting is absent.
    #[error("required setting {0} is not set")]
    Missing(&'static str),
    /// A setting does not parse.
    #[error("setting {key} is invalid: {reason}")]
    Invalid {
        /// The setting's name.
        key: &'static str,
        /// What is wrong with it (never the value of a secret).
        reason: String,
    },
    /// A required secret is absent in production.
    #[error("required secret {0} is missing")]
    MissingSecret(&'static str),
    /// Secrets Manager could not be read.
    #[error("secrets manager: {0}")]
    SecretsManager(String),
}

/// The settings of one process.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `APP_ENV`.
    pub app_env: AppEnv,
    /// `PORT`: HTTP port of a function.
    pub port: u16,
    /// `HEALTH_PORT`: the worker's health server.
    pub health_port: u16,
    /// `DATABASE_URL` (may carry a password, hence secret).
    pub database_url: SecretString,
    /// `RUN_MIGRATIONS`: apply the embedded migrations at start.
    pub run_migrations: bool,
    /// `PUBLIC_URL`: where the SPA is served, for links in emails.
    pub public_url: Url,
    /// `ALLOWED_ORIGINS`: CORS and WebSocket origin allow-list.
    pub allowed_origins: Vec<String>,
    /// `RATE_LIMIT_PER_MINUTE`: per-IP limit on sensitive public endpoints.
    pub rate_limit_per_minute: u32,
    /// `TRUST_PROXY`: take the client IP from the last `X-Forwarded-For` hop.
    pub trust_proxy: bool,
    /// `QUEUE`.
    pub queue: QueueBackend,
    /// `SQS_QUEUE_URL`, required when `QUEUE=sqs`.
    pub sqs_queue_url: Option<String>,
    /// `SQS_DLQ_URL`: the jobs queue's dead-letter queue, required when `QUEUE=sqs` (dead jobs'
    /// messages go there with their reason; `jobs list --dead` reads it).
    pub sqs_dlq_url: Option<String>,
    /// `SMTP_URL`: lettre SMTP URL; unset → mails are written to `DEV_MAILBOX_DIR`.
    pub smtp_url: Option<String>,
    /// `MAIL_FROM`.
    pub mail_from: String,
    /// `DEV_MAILBOX_DIR`.
    pub dev_mailbox_dir: PathBuf,
    /// `STRIPE_API_BASE`: base URL of a Stripe stand-in.
    pub stripe_api_base: Option<String>,
    /// `REDIS_URL`: support fan-out across instances.
    pub redis_url: Option<String>,
    /// `STUN_URLS`, comma-separated.
    pub stun_urls: Vec<String>,
    /// `TURN_URLS`, comma-separated.
    pub turn_urls: Vec<String>,
    /// `JWT_ISSUER`.
    pub jwt_issuer: String,
    /// `JWT_AUDIENCE`.
    pub jwt_audience: String,
    /// `LOG_FORMAT`.
    pub log_format: LogFormat,
    /// `REQUEST_TIMEOUT_SECONDS`: longest a request may take.
    pub request_timeout: Duration,
    /// `BODY_LIMIT_BYTES`: largest accepted request body.
    pub body_limit_bytes: usize,
    /// `SHUTDOWN_GRACE_SECONDS`: how long in-flight work may finish after SIGTERM.
    pub shutdown_grace: Duration,
    /// The secrets (see [`SecretKey`]).
    pub secrets: Secrets,
    /// Where these settings were read from, for the modules' own settings ([`Settings::var`]).
    pub vars: Variables,
}

/// The source of a process's settings (the environment, or a map in tests), kept so that each
/// module reads its own settings from the same place as the shared ones.
#[derive(Clone)]
pub struct Variables(Arc<Lookup>);

/// A lookup of variables by name.
type Lookup = dyn Fn(&str) -> Option<String> + Send + Sync;

impl std::fmt::Debug for Variables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Variables")
    }
}

impl Settings {
    /// The variable `name` (a module's own setting), trimmed; `None` when unset or blank.
    pub fn var(&self, name: &str) -> Option<String> {
        (self.vars.0)(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
    }

    /// Reads the environment and the secrets; in production, fails when a key of `required` is
    /// missing. In dev and test a missing `JWT_SIGNING_KEY` or `RATE_LIMIT_KEY` is replaced by an
    /// ephemeral one.
    pub async fn load(required: &[SecretKey]) -> Result<Self, ConfigError> {
        let env = |name: &str| env_lookup(name);
        let mut settings = Self::from_lookup(env, Secrets::default())?;
        // Environment first (ECS can inject single secrets, e.g. the RDS password), then the
        // application secret, whose keys win.
        settings.secrets = Secrets::from_lookup(env);
        if let Some(secret_id) = env("APP_SECRETS_ID").filter(|id| !id.is_empty()) {
            settings.secrets.overlay(fetch_secrets(&secret_id).await?);
        }
        settings.check_secrets(required)?;
        Ok(settings)
    }

    /// Builds the plain settings from a lookup function (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static, secrets: Secrets) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let app_env = match get("APP_ENV").as_deref() {
            None | Some("dev") => AppEnv::Dev,
            Some("test") => AppEnv::Test,
            Some("prod") => AppEnv::Prod,
            Some(other) => {
                return Err(invalid("APP_ENV", format!("{other:?} is not dev, test or prod")));
            }
        };
        let public_url = match get("PUBLIC_URL") {
            Some(raw) => Url::parse(&raw).map_err(|e| invalid("PUBLIC_URL", e.to_string()))?,
            None => Url::parse("http://localhost:8080").map_err(|e| invalid("PUBLIC_URL", e.to_string()))?,
        };
        let allowed_origins = match get("ALLOWED_ORIGINS") {
            Some(raw) => split_list(&raw),
            None => vec![public_url.origin().ascii_serialization()],
        };
        let queue = match get("QUEUE").as_deref() {
            None | Some("db") => QueueBackend::Db,
            Some("sqs") => QueueBackend::Sqs,
            Some(other) => return Err(invalid("QUEUE", format!("{other:?} is not db or sqs"))),
        };
        let sqs_queue_url = get("SQS_QUEUE_URL");
        let sqs_dlq_url = get("SQS_DLQ_URL");
        if queue == QueueBackend::Sqs {
            for (key, value) in [("SQS_QUEUE_URL", &sqs_queue_url), ("SQS_DLQ_URL", &sqs_dlq_url)] {
                match value {
                    None => return Err(ConfigError::Missing(key)),
                    Some(url) => {
                        Url::parse(url).map_err(|e| invalid(key, e.to_string()))?;
                    }
                }
            }
            if sqs_queue_url == sqs_dlq_url {
                return Err(invalid("SQS_DLQ_URL", "is the jobs queue itself".into()));
            }
        }
        let log_format = match get("LOG_FORMAT").as_deref() {
            Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            None if app_env == AppEnv::Prod => LogFormat::Json,
            None => LogFormat::Pretty,
            Some(other) => {
                return Err(invalid("LOG_FORMAT", format!("{other:?} is not json or pretty")));
            }
        };
        Ok(Settings {
            app_env,
            port: parse_or(&get, "PORT", 8080)?,
            health_port: parse_or(&get, "HEALTH_PORT", 8081)?,
            database_url: SecretString::from(get("DATABASE_URL").ok_or(ConfigError::Missing("DATABASE_URL"))?),
            run_migrations: parse_bool(&get, "RUN_MIGRATIONS", false)?,
            public_url,
            allowed_origins,
            rate_limit_per_minute: parse_or(&get, "RATE_LIMIT_PER_MINUTE", 20)?,
            trust_proxy: parse_bool(&get, "TRUST_PROXY", false)?,
            queue,
            sqs_queue_url,
            sqs_dlq_url,
            smtp_url: get("SMTP_URL"),
            mail_from: get("MAIL_FROM").unwrap_or_else(|| "Your Car Your Way <no-reply@yourcaryourway.com>".into()),
            dev_mailbox_dir: get("DEV_MAILBOX_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(".dev/mailbox")),
            stripe_api_base: get("STRIPE_API_BASE"),
            redis_url: get("REDIS_URL"),
            stun_urls: get("STUN_URLS").map(|raw| split_list(&raw)).unwrap_or_else(|| vec!["stun:stun.l.google.com:19302".into()]),
            turn_urls: get("TURN_URLS").map(|raw| split_list(&raw)).unwrap_or_default(),
            jwt_issuer: get("JWT_ISSUER").unwrap_or_else(|| "ycyw".into()),
            jwt_audience: get("JWT_AUDIENCE").unwrap_or_else(|| "ycyw-api".into()),
            log_format,
            request_timeout: Duration::from_secs(parse_or(&get, "REQUEST_TIMEOUT_SECONDS", 30)?),
            body_limit_bytes: parse_or(&get, "BODY_LIMIT_BYTES", 1024 * 1024)?,
            shutdown_grace: Duration::from_secs(parse_or(&get, "SHUTDOWN_GRACE_SECONDS", 25)?),
            secrets,
            vars: Variables(Arc::new(lookup)),
        })
    }

    /// Enforces the presence of `required` secrets: an error naming the first missing key in
    /// production, an ephemeral JWT or rate-limit key (with a warning) elsewhere.
    pub fn check_secrets(&mut self, required: &[SecretKey]) -> Result<(), ConfigError> {
        for &key in required {
            if self.secrets.get(key).is_some() {
                continue;
            }
            match (self.app_env, key) {
                (AppEnv::Prod, _) => return Err(ConfigError::MissingSecret(key.name())),
                (_, SecretKey::JwtSigningKey | SecretKey::RateLimitKey) => {
                    tracing::warn!(key = key.name(), "not set: using an ephemeral key, valid for this process only");
                    self.secrets.insert(key, ephemeral_key());
                }
                _ => {}
            }
        }
        for key in [SecretKey::JwtSigningKey, SecretKey::JwtSigningKeyPrevious] {
            if self.secrets.get(key).is_some_and(|value| value.expose_secret().len() < 32) {
                return Err(invalid(key.name(), "must be at least 32 bytes".into()));
            }
        }
        Ok(())
    }

    /// True in production.
    pub fn is_prod(&self) -> bool {
        self.app_env == AppEnv::Prod
    }
}

/// Reads `YCYW_<name>`, then `<name>`, from the process environment.
pub fn env_lookup(name: &str) -> Option<String> {
    std::env::var(format!("YCYW_{name}")).or_else(|_| std::env::var(name)).ok()
}

async fn fetch_secrets(secret_id: &str) -> Result<Secrets, ConfigError> {
    let sdk_config = aws_config::load_from_env().await;
    let client = aws_sdk_secretsmanager::Client::new(&sdk_config);
    let output = client
        .get_secret_value()
        .secret_id(secret_id)
        .send()
        .await
        .map_err(|e| ConfigError::SecretsManager(aws_sdk_secretsmanager::error::DisplayErrorContext(e).to_string()))?;
    let raw = output.secret_string().ok_or_else(|| ConfigError::SecretsManager("the secret has no SecretString".into()))?;
    parse_secret_json(raw)
}

/// Parses the application secret: a JSON object of string values keyed by [`SecretKey::name`].
pub fn parse_secret_json(raw: &str) -> Result<Secrets, ConfigError> {
    let map: HashMap<String, serde_json::Value> =
        serde_json::from_str(raw).map_err(|_| ConfigError::SecretsManager("the secret is not a JSON object".into()))?;
    Ok(Secrets::from_lookup(|name| match map.get(name) {
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        _ => None,
    }))
}

fn ephemeral_key() -> SecretString {
    let bytes: [u8; 32] = rand::rng().random();
    SecretString::from(bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

fn invalid(key: &'static str, reason: String) -> ConfigError {
    ConfigError::Invalid { key, reason }
}

fn split_list(raw: &str) -> Vec<String> {
    raw.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

fn parse_or<T: FromStr>(get: &impl Fn(&str) -> Option<String>, key: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: fmt::Display,
{
    match get(key) {
        Some(raw) => raw.trim().parse().map_err(|e: T::Err| invalid(key, e.to_string())),
        None => Ok(default),
    }
}

fn parse_bool(get: &impl Fn(&str) -> Option<String>, key: &'static str, default: bool) -> Result<bool, ConfigError> {
    match get(key).as_deref().map(str::trim) {
        None => Ok(default),
        Some("1" | "true" | "yes") => Ok(true),
        Some("0" | "false" | "no") => Ok(false),
        Some(other) => Err(invalid(key, format!("{other:?} is not a boolean"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn defaults_follow_design() {
        let s = Settings::from_lookup(lookup(&[("DATABASE_URL", "mysql://root@localhost/ycyw")]), Secrets::default()).unwrap();
        assert_eq!(s.app_env, AppEnv::Dev);
        assert_eq!((s.port, s.health_port), (8080, 8081));
        assert_eq!(s.allowed_origins, vec!["http://localhost:8080".to_string()]);
        assert_eq!(s.rate_limit_per_minute, 20);
        assert_eq!(s.queue, QueueBackend::Db);
        assert_eq!(s.log_format, LogFormat::Pretty);
        assert!(!s.trust_proxy);
    }

    #[test]
    fn prod_logs_json_and_bad_values_name_their_key() {
        let s = Settings::from_lookup(lookup(&[("DATABASE_URL", "mysql://x"), ("APP_ENV", "prod")]), Secrets::default()).unwrap();
        assert_eq!(s.log_format, LogFormat::Json);
        let err = Settings::from_lookup(lookup(&[("DATABASE_URL", "mysql://x"), ("PORT", "eighty")]), Secrets::default()).unwrap_err();
        assert!(err.to_string().contains("PORT"), "{err}");
        let err = Settings::from_lookup(lookup(&[]), Secrets::default()).unwrap_err();
        assert!(err.to_string().contains("DATABASE_URL"), "{err}");
        let err = Settings::from_lookup(lookup(&[("DATABASE_URL", "mysql://x"), ("QUEUE", "sqs")]), Secrets::default()).unwrap_err();
        assert!(err.to_string().contains("SQS_QUEUE_URL"), "{err}");
    }

    #[test]
    fn the_sqs_queue_needs_both_its_queues() {
        let jobs = "https://sqs.eu-west-3.amazonaws.com/123456789012/jobs";
        let dlq = "https://sqs.eu-west-3.amazonaws.com/123456789012/jobs-dlq";
        let settings = |pairs: &[(&str, &str)]| {
            let mut all = vec![("DATABASE_URL", "mysql://x"), ("QUEUE", "sqs")];
            all.extend_from_slice(pairs);
            Settings::from_lookup(lookup(&all), Secrets::default())
        };
        let s = settings(&[("SQS_QUEUE_URL", jobs), ("SQS_DLQ_URL", dlq)]).unwrap();
        assert_eq!((s.queue, s.sqs_queue_url.as_deref(), s.sqs_dlq_url.as_deref()), (QueueBackend::Sqs, Some(jobs), Some(dlq)));

        let err = settings(&[("SQS_QUEUE_URL", jobs)]).unwrap_err();
        assert_eq!(err.to_string(), "required setting SQS_DLQ_URL is not set");
        let err = settings(&[("SQS_QUEUE_URL", jobs), ("SQS_DLQ_URL", "jobs-dlq")]).unwrap_err();
        assert!(err.to_string().starts_with("setting SQS_DLQ_URL is invalid"), "{err}");
        let err = settings(&[("SQS_QUEUE_URL", jobs), ("SQS_DLQ_URL", jobs)]).unwrap_err();
        assert!(err.to_string().contains("SQS_DLQ_URL"), "{err}");

        // QUEUE=db reads neither.
        let db = Settings::from_lookup(lookup(&[("DATABASE_URL", "mysql://x"), ("SQS_DLQ_URL", "x")]), Secrets::default()).unwrap();
        assert_eq!(db.queue, QueueBackend::Db);
    }

    #[test]
    fn prod_requires_secrets_dev_generates_the_jwt_key() {
        let mut prod = Settings::from_lookup(lookup(&[("DATABASE_URL", "mysql://x"), ("APP_ENV", "prod")]), Secrets::default()).unwrap();
        let err = prod.check_secrets(&[SecretKey::JwtSigningKey]).unwrap_err();
        assert_eq!(err.to_string(), "required secret JWT_SIGNING_KEY is missing");

        let mut dev = Settings::from_lookup(lookup(&[("DATABASE_URL", "mysql://x")]), Secrets::default()).unwrap();
        dev.check_secrets(&[SecretKey::JwtSigningKey]).unwrap();
        assert!(dev.secrets.get(SecretKey::JwtSigningKey).unwrap().expose_secret().len() >= 32);
    }

    #[test]
    fn short_jwt_key_is_refused() {
        let secrets = parse_secret_json(r#"{"JWT_SIGNING_KEY":"too-short"}"#).unwrap();
        let mut s = Settings::from_lookup(lookup(&[("DATABASE_URL", "mysql://x")]), secrets).unwrap();
        let err = s.check_secrets(&[SecretKey::JwtSigningKey]).unwrap_err();
        assert!(err.to_string().contains("JWT_SIGNING_KEY"));
        assert!(!err.to_string().contains("too-short"));
    }

    #[test]
    fn secret_json_and_debug_never_show_values() {
        let secrets = parse_secret_json(r#"{"STRIPE_SECRET_KEY":"sk_test_abc","OTHER":"x","SMTP_PASSWORD":7}"#).unwrap();
        assert_eq!(secrets.get(SecretKey::StripeSecretKey).unwrap().expose_secret(), "sk_test_abc");
        assert!(secrets.get(SecretKey::SmtpPassword).is_none(), "non-string values are ignored");
        let shown = format!("{secrets:?}");
        assert!(shown.contains("STRIPE_SECRET_KEY") && !shown.contains("sk_test_abc"), "{shown}");
        assert!(parse_secret_json("not json").is_err());
    }
}
