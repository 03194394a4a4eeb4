//! The harness every integration test uses (QUALITY.md: one `TestApp`, no copied set-up).
//!
//! - [`TestApp`]: the real router of a module (with every common layer) over the fresh database
//!   `#[sqlx::test]` gives each test, a manual clock, and requests that return parsed answers.
//! - [`SmtpSink`]: a real SMTP server (aiosmtpd) on a free port, whose messages tests read back.
//! - [`moto_endpoint`]: the moto server standing in for AWS APIs; [`TestQueues`]: a fresh SQS jobs
//!   queue and its dead-letter queue in it.
//! - [`Binary`]: a workspace binary started as a child process, stopped when dropped.
//! - [`LogCapture`]: everything logged while it is installed.
//! - [`PrivateMariaDb`]: a MariaDB server of the test's own, which it may stop and start.
//! - [`fuzz`]: the inputs of the parsers' fuzz tests (docs/fuzzing.md).

mod binaries;
pub mod fuzz;
mod lambda;
mod logs;
mod mariadb;
mod process;
mod smtp;
mod sqs;
pub mod ws;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::{DateTime, TimeZone, Utc};
use http_body_util::BodyExt;
use secrecy::SecretString;
use serde_json::Value;
use sqlx::MySqlPool;
use tower::ServiceExt;
use utoipa_axum::router::OpenApiRouter;
use ycyw_shared::AppState;
use ycyw_shared::auth::Role;
use ycyw_shared::config::{SecretKey, Secrets, Settings};
use ycyw_shared::jobs::Execution;
use ycyw_shared::module::{Deployable, Duty, Module, Routes, Work};
use ycyw_shared::queue::db::DbQueue;
use ycyw_shared::queue::{Backoff, Queue as _};
use ycyw_shared::time::ManualClock;

pub use binaries::assert_binary_serves_http;
pub use lambda::{LambdaRuntimeApi, apigw_http_get};
pub use logs::LogCapture;
pub use mariadb::PrivateMariaDb;
pub use process::{Binary, free_port, moto_endpoint, put_secret, run_to_end, wait_until};
pub use smtp::{ReceivedMail, SmtpSink};
pub use sqs::{QueuedMessage, TestQueues, sqs_client};

/// The JWT key of test settings (≥ 32 bytes).
pub const TEST_JWT_KEY: &str = "test-signing-key-0123456789abcdef-0123456789";

/// The instant test clocks start at: a Wednesday, outside any DST change.
pub fn test_epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 11, 9, 0, 0).single().unwrap_or_else(Utc::now)
}

/// The master `DATABASE_URL` tests run against (the one `#[sqlx::test]` reads).
pub fn master_database_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/mysql".into())
}

/// The URL of the database `pool` is connected to, for child processes.
pub async fn database_url_of(pool: &MySqlPool) -> anyhow::Result<String> {
    let name = sqlx::query_scalar!(r#"SELECT DATABASE() AS "name!: String""#).fetch_one(pool).await?;
    let mut url = url::Url::parse(&master_database_url())?;
    url.set_path(&format!("/{name}"));
    Ok(url.to_string())
}

/// Settings for tests: `APP_ENV=test`, the given database, a fixed JWT key, mail to `mailbox`.
pub fn test_settings(database_url: &str, overrides: &[(&str, &str)]) -> Settings {
    let mut pairs: Vec<(String, String)> = vec![
        ("APP_ENV".into(), "test".into()),
        ("DATABASE_URL".into(), database_url.into()),
        ("PUBLIC_URL".into(), "http://localhost:4200".into()),
        ("REQUEST_TIMEOUT_SECONDS".into(), "10".into()),
        ("BODY_LIMIT_BYTES".into(), "65536".into()),
    ];
    pairs.extend(overrides.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let lookup = move |name: &str| pairs.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let mut secrets = Secrets::default();
    secrets.insert(SecretKey::JwtSigningKey, SecretString::from(TEST_JWT_KEY));
    secrets.insert(SecretKey::RateLimitKey, SecretString::from("test-rate-limit-key"));
    // An override named like a secret (`STRIPE_SECRET_KEY`, …) is that secret.
    for key in SecretKey::ALL {
        if let Some((_, value)) = overrides.iter().rev().find(|(name, _)| *name == key.name()) {
            secrets.insert(key, SecretString::from(value.to_string()));
        }
    }
    match Settings::from_lookup(lookup, secrets) {
        Ok(settings) => settings,
        Err(e) => panic!("test settings: {e}"),
    }
}

/// A module's real router over a fresh database.
pub struct TestApp {
    /// The router, with every common layer.
    pub router: Router,
    /// The state handlers see.
    pub state: AppState,
    /// The clock of that state.
    pub clock: ManualClock,
    /// The served modules' job handlers, which [`TestApp::run_jobs`] runs.
    pub work: Work,
}

/// An answer, read whole.
#[derive(Debug)]
pub struct TestResponse {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Raw body.
    pub body: Vec<u8>,
}

impl TestResponse {
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The `Content-Type` header.
    pub fn content_type(&self) -> &str {
        self.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// The field errors of a problem answer, as `(field, code)`.
    pub fn field_errors(&self) -> Vec<(String, String)> {
        field_errors(&self.json())
    }

    /// Asserts a problem+json answer with `status` and `code`, and returns its body.
    #[track_caller]
    pub fn assert_problem(&self, status: StatusCode, code: &str) -> Value {
        assert_eq!(self.status, status, "body: {}", String::from_utf8_lossy(&self.body));
        assert_eq!(self.content_type(), "application/problem+json");
        let body = self.json();
        assert_eq!(body["status"], status.as_u16());
        assert_eq!(body["code"], code, "body: {body}");
        body
    }
}

impl TestApp {
    /// The module `module` alone over `pool`, with test settings plus `overrides`.
    pub async fn new(pool: MySqlPool, module: impl Module + 'static, overrides: &[(&str, &str)]) -> Self {
        Self::of(pool, Deployable::of(module), overrides, None).await
    }

    /// Plain routes over the shared state (tests of the runtime's layers and extractors).
    pub async fn routes(
        pool: MySqlPool,
        routes: impl Fn(&AppState) -> OpenApiRouter<AppState> + Send + Sync + 'static,
        overrides: &[(&str, &str)],
    ) -> Self {
        Self::new(pool, RoutesModule(Arc::new(routes)), overrides).await
    }

    /// What `deployable` serves over `pool`, with the account parts of everything it links and a
    /// fallback for paths outside the API (the SPA).
    pub async fn of(pool: MySqlPool, deployable: Deployable, overrides: &[(&str, &str)], site: Option<Router>) -> Self {
        let url = database_url_of(&pool).await.unwrap_or_else(|e| panic!("database url: {e}"));
        let clock = ManualClock::at(test_epoch());
        let settings = test_settings(&url, overrides);
        deployable.check(&settings, Duty::Http).unwrap_or_else(|e| panic!("settings: {e}"));
        let state = deployable.wire(AppState::new(pool, settings).with_clock(Arc::new(clock.clone())));
        let routes = deployable.routes(&state).await.unwrap_or_else(|e| panic!("module set-up: {e:#}"));
        let work = deployable.work(&state).await.unwrap_or_else(|e| panic!("module worker set-up: {e:#}"));
        let router = ycyw_shared::runtime::app(
            state.clone(),
            routes.api,
            {
                let d = deployable.clone();
                move || d.openapi()
            },
            routes.readiness,
            site,
        )
        .layer(axum::extract::connect_info::MockConnectInfo(std::net::SocketAddr::from(([127, 0, 0, 1], 40000))));
        Self { router, state, clock, work }
    }

    /// Runs every runnable job the served modules handle (as the worker would, through the same
    /// `jobs::execute`), until none is left; jobs of other modules stay queued. Returns what ran.
    pub async fn run_jobs(&self) -> Vec<Execution> {
        let kinds = self.work.jobs.kinds();
        if kinds.is_empty() {
            return Vec::new();
        }
        let queue = DbQueue::new(self.state.db.clone(), self.state.clock.clone(), "test-app", Duration::from_secs(60), Backoff::default())
            .only_kinds(&kinds);
        let mut ran = Vec::new();
        while let Some(job) = queue.claim().await.unwrap_or_else(|e| panic!("claiming: {e}")) {
            ran.push(ycyw_shared::jobs::execute(&queue, &self.work.jobs, &job).await.unwrap_or_else(|e| panic!("recording: {e}")));
        }
        ran
    }

    /// Sends `request` through the router.
    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = match self.router.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let status = response.status();
        let headers = response.headers().clone();
        let body = match response.into_body().collect().await {
            Ok(collected) => collected.to_bytes().to_vec(),
            Err(e) => panic!("reading the body: {e}"),
        };
        TestResponse { status, headers, body }
    }

    /// Sends a request with an optional JSON body and extra headers.
    pub async fn call(&self, method: Method, path: &str, json: Option<&Value>, headers: &[(&str, &str)]) -> TestResponse {
        let mut builder = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let body = match json {
            Some(value) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Body::from(value.to_string())
            }
            None => Body::empty(),
        };
        self.send(builder.body(body).unwrap_or_else(|e| panic!("request: {e}"))).await
    }

    /// A valid access token for `user` with `role` (and the agency of an agent), issued now by
    /// the app's own keys and clock.
    pub fn token(&self, user: uuid::Uuid, role: Role, agency: Option<uuid::Uuid>) -> String {
        let keys = self.state.jwt.as_ref().unwrap_or_else(|| panic!("test settings carry a JWT key"));
        keys.issue(user, role, agency, None, self.state.clock.now()).unwrap_or_else(|e| panic!("issuing a token: {e}"))
    }

    /// `Authorization` header value for [`TestApp::token`].
    pub fn bearer(&self, user: uuid::Uuid, role: Role, agency: Option<uuid::Uuid>) -> String {
        format!("Bearer {}", self.token(user, role, agency))
    }

    /// Serves the router on a loopback port in this process (WebSocket tests need a real
    /// socket); returns its address. Served until the test's runtime ends.
    pub async fn serve(&self) -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap_or_else(|e| panic!("binding: {e}"));
        let address = listener.local_addr().unwrap_or_else(|e| panic!("address: {e}"));
        let router = self.router.clone();
        tokio::spawn(async move { axum::serve(listener, router).await });
        address
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> TestResponse {
        self.call(Method::GET, path, None, &[]).await
    }
}

/// The `errors` of a problem body, as `(field, code)`.
pub fn field_errors(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors.iter().map(|e| (e["field"].as_str().unwrap_or("").to_string(), e["code"].as_str().unwrap_or("").to_string())).collect()
        })
        .unwrap_or_default()
}

/// A short pause between polls.
pub const POLL_INTERVAL: Duration = Duration::from_millis(50);

type RoutesFn = Arc<dyn Fn(&AppState) -> OpenApiRouter<AppState> + Send + Sync>;

/// A module of plain routes over [`AppState`], for [`TestApp::routes`].
struct RoutesModule(RoutesFn);

impl std::fmt::Debug for RoutesModule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RoutesModule")
    }
}

#[async_trait::async_trait]
impl Module for RoutesModule {
    fn name(&self) -> &'static str {
        "test-routes"
    }

    async fn routes(&self, state: &AppState) -> anyhow::Result<Routes> {
        Ok(Routes::new((self.0)(state).with_state(state.clone())))
    }
}
