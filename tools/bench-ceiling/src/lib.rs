//! Bench-only ceilings for `scripts/bench`: what the deployables are measured against in the same
//! run. Each binary serves on `PORT` (default 8080) on all interfaces, until SIGTERM or SIGINT.
//!
//! - `bench-bare`: the bare axum hello-world, `GET /health/live` → 200 `ok`.
//! - `bench-layers`: axum with exactly the stock tower-http layers of `ycyw_shared::runtime::app`.
//! - `bench-static`: axum + tower-http `ServeDir` of `BENCH_STATIC_DIR`, gzip-compressed.

use axum::Router;

/// The port of `PORT`, or 8080.
pub fn port() -> u16 {
    std::env::var("PORT").ok().and_then(|port| port.parse().ok()).unwrap_or(8080)
}

/// Serves `app` on `PORT` until SIGTERM or SIGINT.
pub async fn serve(app: Router) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(("0.0.0.0", port())).await?;
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await
}

async fn shutdown_signal() {
    let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(signal) => signal,
        Err(_) => return std::future::pending().await,
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = terminate.recv() => {},
    }
}
