//! Runs a module: the same axum `Router` behind an HTTP server (locally, in ECS) or under AWS
//! Lambda (`AWS_LAMBDA_RUNTIME_API` set), with the layers every endpoint shares.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ComponentsBuilder, InfoBuilder, OpenApi, OpenApiBuilder};
use utoipa_axum::router::OpenApiRouter;

use crate::config::Settings;
use crate::error::{self, ApiError};
use crate::health::ReadinessCheck;
use crate::module::{Deployable, Duty, ShutdownHook};
use crate::state::AppState;
use crate::{db, health, telemetry};

/// The prefix of every API route.
pub const API_PREFIX: &str = "/api/v1";

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Turns the outcome of a binary's `main` into its exit code, printing a start-up error (which
/// names the setting at fault, never a secret's value) on stderr.
pub fn exit_code(binary: &str, outcome: anyhow::Result<()>) -> std::process::ExitCode {
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "{binary} stopped");
            eprintln!("{binary}: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Installs the process-wide rustls crypto provider (aws-lc-rs). Call first: with both ring and
/// aws-lc linked, rustls panics on first use otherwise.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

/// Serves a deployable: the settings and secrets its served modules declare (production stops
/// naming the first missing key), logging, pool (opened in the background: the port opens
/// without waiting for the database), migrations (`RUN_MIGRATIONS=1`, before listening), each
/// served module's set-up, then HTTP on `PORT` until SIGTERM/SIGINT, or the Lambda runtime loop.
pub async fn serve(deployable: Deployable) -> anyhow::Result<()> {
    serve_with_fallback(deployable, None).await
}

/// [`serve`] with a fallback for what is outside `/api/v1` and `/health` (the `api` binary serves
/// the SPA there).
pub async fn serve_with_fallback(deployable: Deployable, fallback: Option<Router>) -> anyhow::Result<()> {
    install_crypto_provider();
    let settings = deployable.settings(Duty::Http).await?;
    telemetry::init(settings.log_format);
    let name = deployable.name();
    let state = deployable.wire(connect_http(settings).await?);
    let routes = deployable.routes(&state).await?;
    let described = deployable.clone();
    let app = app(state.clone(), routes.api, move || described.openapi(), routes.readiness, fallback);
    tokio::spawn(db::warm_up(state.db.clone()));
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        tracing::info!(service = name, "starting under the Lambda runtime");
        let app = app.layer(middleware::from_fn(lambda_client_address));
        return lambda_http::run(app).await.map_err(|e| anyhow::anyhow!("lambda runtime: {e}"));
    }
    let listener = tokio::net::TcpListener::bind(("0.0.0.0", state.settings.port)).await?;
    tracing::info!(service = name, bind = %listener.local_addr()?, "listening");
    serve_until_signal(listener, app, state.settings.shutdown_grace, routes.shutdown).await?;
    tracing::info!(service = name, "stopped");
    Ok(())
}

/// The state of an HTTP deployable: a lazy pool ([`db::connect_lazy`]), so that the port opens
/// without waiting for the database, unless migrations are to be applied first.
async fn connect_http(settings: Settings) -> anyhow::Result<AppState> {
    if settings.run_migrations {
        return connect(settings).await;
    }
    let pool = db::connect_lazy(&settings)?;
    Ok(AppState::new(pool, settings))
}

/// Connects the pool (failing unless the database answers), applies migrations when asked, and
/// builds the state.
pub async fn connect(settings: Settings) -> anyhow::Result<AppState> {
    let pool = db::connect(&settings).await?;
    if settings.run_migrations {
        db::migrate(&pool).await?;
        tracing::info!("migrations applied");
    }
    Ok(AppState::new(pool, settings))
}

/// Serves until SIGTERM or SIGINT, then runs the modules' shutdown hooks, stops accepting and
/// lets in-flight requests finish; all within at most `grace`.
pub async fn serve_until_signal(
    listener: tokio::net::TcpListener,
    app: Router,
    grace: Duration,
    hooks: Vec<ShutdownHook>,
) -> std::io::Result<()> {
    let (stopping_tx, mut stopping_rx) = tokio::sync::watch::channel(false);
    // TCP_NODELAY: a response written in several pieces (a compressed file) otherwise waits for
    // the client's delayed ACK, ~40 ms a request (scripts/bench spa).
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp: &mut tokio::net::TcpStream| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "TCP_NODELAY not set");
        }
    });
    let server = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(async move {
        shutdown_signal().await;
        tracing::info!("shutdown signal received, draining in-flight requests");
        let _ = stopping_tx.send(true);
        let hooks: Vec<_> = hooks.into_iter().map(|hook| tokio::spawn(hook())).collect();
        for hook in hooks {
            let _ = hook.await;
        }
    });
    let deadline = async move {
        let _ = stopping_rx.wait_for(|stopping| *stopping).await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        result = server => result,
        () = deadline => {
            tracing::warn!(grace_seconds = grace.as_secs(), "requests still running after the grace period, exiting");
            Ok(())
        }
    }
}

/// Resolves on SIGTERM or SIGINT.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// The description of the API every binary serves at `/api/v1/openapi.json`.
pub fn openapi_base() -> OpenApi {
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Your Car Your Way API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some("Car rental booking: accounts, catalog, reservations, payments and support.")),
        )
        .components(Some(
            ComponentsBuilder::new()
                .security_scheme(
                    "bearer",
                    SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
                )
                .schema_from::<error::Problem>()
                .schema_from::<error::FieldError>()
                .build(),
        ))
        .build()
}

/// The document served at `/api/v1/openapi.json`: [`openapi_base`] with `operations` under
/// `/api/v1`, each completed with the failures its shape implies ([`crate::openapi::complete`]).
pub fn document(operations: &OpenApi) -> serde_json::Value {
    let spec = openapi_base().nest(API_PREFIX, operations.clone());
    let mut document = serde_json::to_value(&spec).unwrap_or_default();
    crate::openapi::complete(&mut document);
    document
}

/// The complete application: the served modules' routes under `/api/v1`, the whole product's
/// OpenAPI document (`operations`: every linked module's, [`Deployable::openapi`](crate::module::Deployable::openapi);
/// built at the first request for it, not at start-up) at `/api/v1/openapi.json`, problem+json fallbacks and the common layers; and beside them,
/// outside every layer, the health probes (`/health/ready` also asking `readiness`).
pub fn app(
    state: AppState,
    modules: OpenApiRouter,
    operations: impl Fn() -> OpenApi + Send + Sync + 'static,
    readiness: Vec<Arc<dyn ReadinessCheck>>,
    fallback: Option<Router>,
) -> Router {
    let settings = state.settings.clone();
    let api = Router::new().nest(API_PREFIX, Router::from(modules));
    let spec: Arc<std::sync::OnceLock<axum::body::Bytes>> = Arc::default();
    let operations = Arc::new(operations);
    let api = api
        .route(
            &format!("{API_PREFIX}/openapi.json"),
            axum::routing::get(move || {
                let json = spec.get_or_init(|| document(&operations()).to_string().into()).clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], json) }
            }),
        )
        .route(API_PREFIX, axum::routing::any(error::not_found))
        .route(&format!("{API_PREFIX}/{{*rest}}"), axum::routing::any(error::not_found))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        .method_not_allowed_fallback(error::method_not_allowed);
    let mut router = api;
    router = match fallback {
        Some(site) => router.fallback_service(site),
        None => router.fallback(error::not_found),
    };
    let mut router = router
        .layer(DefaultBodyLimit::max(settings.body_limit_bytes))
        .layer(middleware::from_fn_with_state(settings.request_timeout, timeout))
        .layer(CompressionLayer::new())
        .layer(cors(&settings))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(self), microphone=(self), geolocation=()"),
        ));
    if settings.is_prod() {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        ));
    }
    let site = router
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let request_id = request.extensions().get::<RequestId>().and_then(|id| id.header_value().to_str().ok()).unwrap_or("-");
                    // The path only: query strings may carry tickets or tokens.
                    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %request_id)
                })
                .on_request(())
                .on_response(|response: &Response, latency: Duration, _span: &tracing::Span| {
                    tracing::info!(status = response.status().as_u16(), latency_ms = latency.as_millis() as u64, "response");
                }),
        )
        .layer(SetSensitiveRequestHeadersLayer::new([header::AUTHORIZATION, header::COOKIE]))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
        .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
        .layer(CatchPanicLayer::custom(|_panic: Box<dyn std::any::Any + Send>| {
            tracing::error!("handler panicked");
            ApiError::Internal(anyhow::anyhow!("handler panicked")).into_response()
        }));
    // The probes, outside every layer: a load balancer asks them every few seconds, needs
    // none of CORS, compression, security headers, request ids or a log line per probe, and
    // `/health/ready` bounds its own checks (READY_TIMEOUT). Each stock layer costs 10–25 % of
    // the cheapest request (docs/benchmarks.md).
    health::routes_with(readiness).with_state(state).merge(site)
}

fn cors(settings: &Settings) -> CorsLayer {
    let origins: Vec<HeaderValue> = settings.allowed_origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, HeaderName::from_static("idempotency-key"), REQUEST_ID.clone()])
        .expose_headers([REQUEST_ID.clone(), header::RETRY_AFTER])
        .max_age(Duration::from_secs(3600))
}

/// Under Lambda there is no socket: the client's address is the one API Gateway saw (behind
/// an ALB, `TRUST_PROXY=1` takes it from `X-Forwarded-For` instead).
async fn lambda_client_address(mut request: Request, next: Next) -> Response {
    use lambda_http::request::RequestContext;
    let source_ip = match request.extensions().get::<RequestContext>() {
        Some(RequestContext::ApiGatewayV2(context)) => context.http.source_ip.clone(),
        Some(RequestContext::ApiGatewayV1(context)) => context.identity.source_ip.clone(),
        _ => None,
    };
    if let Some(ip) = source_ip.and_then(|ip| ip.parse::<std::net::IpAddr>().ok()) {
        request.extensions_mut().insert(axum::extract::ConnectInfo(SocketAddr::new(ip, 0)));
    }
    next.run(request).await
}

/// Bounds every request's duration (WebSocket upgrades excepted: their life is the socket's).
async fn timeout(axum::extract::State(limit): axum::extract::State<Duration>, request: Request, next: Next) -> Response {
    if request.headers().contains_key(header::UPGRADE) {
        return next.run(request).await;
    }
    let started = Instant::now();
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(elapsed_ms = started.elapsed().as_millis() as u64, "request timed out");
            ApiError::Unavailable("request timed out".into()).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use tower::ServiceExt as _;

    #[tokio::test]
    async fn lambda_requests_get_the_api_gateway_source_address() {
        let app = Router::new()
            .route("/ip", axum::routing::get(|ConnectInfo(addr): ConnectInfo<SocketAddr>| async move { addr.ip().to_string() }))
            .layer(middleware::from_fn(lambda_client_address));
        let context: lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext = serde_json::from_value(serde_json::json!({
            "routeKey": "$default", "accountId": "0", "stage": "$default", "requestId": "r", "apiId": "a", "domainName": "d", "domainPrefix": "d",
            "time": "t", "timeEpoch": 0, "http": { "method": "GET", "path": "/ip", "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7", "userAgent": "t" }
        }))
        .unwrap();
        let mut request = Request::builder().uri("/ip").body(Body::empty()).unwrap();
        request.extensions_mut().insert(lambda_http::request::RequestContext::ApiGatewayV2(context));
        let response = app.oneshot(request).await.unwrap();
        let body = axum::body::to_bytes(response.into_body(), 1024).await.unwrap();
        assert_eq!(&body[..], b"203.0.113.7");
    }
}
