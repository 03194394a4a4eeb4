//! The ceiling of a minimal API route in `scripts/bench health`: axum with exactly the stock
//! tower-http layers `ycyw_shared::runtime::app` puts around every route, nothing else — no
//! state, no database, no module.
//!
//! The layer order mirrors the layers `runtime::app` puts around the API routes and the SPA
//! (outermost last below): under `/api/v1` the API-only `Cache-Control: no-store` and CSP
//! headers; then around everything the timeout, compression, CORS (the same allow lists, `PUBLIC_URL`'s origin allowed), the four security
//! headers of a non-production deployment (`X-Content-Type-Options`, `X-Frame-Options`,
//! `Referrer-Policy`, `Permissions-Policy`), trace (the same span and response event), sensitive
//! request headers, request id propagate, request id set, catch-panic. Two differences, both
//! deliberate: the timeout is tower-http's `TimeoutLayer` (runtime::app uses a `from_fn`
//! middleware around `tokio::time::timeout`, which skips WebSocket upgrades), and axum's
//! `DefaultBodyLimit` (not a tower-http layer) is left out. Logging is a tracing-subscriber
//! `fmt` layer filtered by `RUST_LOG` (default `warn`), as the deployables have (without their
//! masking writer, which only runs for events that pass the filter).
//!
//! Routes: `GET /health/live` → 200 `{"status":"ok"}` (the deployables' answer), deliberately
//! inside every layer: the stock stack as issue #17 first measured it (`runtime::app` serves its
//! probes outside the layers since commit 760209c); anything else → a 404
//! `application/problem+json` shaped like the deployables' `ApiError::NotFound`, the minimal API
//! route the deployables' `/api/v1/…` 404 is compared with.

use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tracing_subscriber::EnvFilter;

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The deployables' default `REQUEST_TIMEOUT`.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")))
        .with_ansi(false)
        .with_writer(std::io::stderr)
        .init();
    bench_ceiling::serve(app()).await
}

fn app() -> Router {
    let api = Router::new()
        .route("/api/v1", any(not_found))
        .route("/api/v1/{*rest}", any(not_found))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ));
    api.route("/health/live", get(|| async { axum::Json(serde_json::json!({ "status": "ok" })) }))
        .fallback(not_found)
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, REQUEST_TIMEOUT))
        .layer(CompressionLayer::new())
        .layer(cors())
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(self), microphone=(self), geolocation=()"),
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let request_id = request.extensions().get::<RequestId>().and_then(|id| id.header_value().to_str().ok()).unwrap_or("-");
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
            problem(StatusCode::INTERNAL_SERVER_ERROR, "internal", "an unexpected error occurred; it has been logged")
        }))
}

/// The deployables allow `PUBLIC_URL`'s origin by default; so does this (default `http://localhost`).
fn cors() -> CorsLayer {
    let origin = std::env::var("PUBLIC_URL").unwrap_or_else(|_| "http://localhost".into()).trim_end_matches('/').to_string();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(HeaderValue::from_str(&origin).ok()))
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, HeaderName::from_static("idempotency-key"), REQUEST_ID.clone()])
        .expose_headers([REQUEST_ID.clone(), header::RETRY_AFTER])
        .max_age(Duration::from_secs(3600))
}

async fn not_found() -> Response {
    problem(StatusCode::NOT_FOUND, "not_found", "resource not found")
}

/// A problem+json answer shaped like `ycyw_shared::error::Problem`, serialized per request as the
/// deployables do.
fn problem(status: StatusCode, code: &str, detail: &str) -> Response {
    let body = serde_json::json!({
        "type": format!("https://yourcaryourway.com/problems/{}", code.replace('_', "-")),
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
        "code": code,
    });
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"))], serde_json::to_vec(&body).unwrap_or_default())
        .into_response()
}
