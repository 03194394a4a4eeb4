//! The ceiling of `scripts/bench spa`: axum with tower-http's `ServeDir` of `BENCH_STATIC_DIR`
//! (default `.`) and `CompressionLayer`, nothing else.

use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let dir = std::env::var("BENCH_STATIC_DIR").unwrap_or_else(|_| ".".into());
    bench_ceiling::serve(Router::new().fallback_service(ServeDir::new(dir)).layer(CompressionLayer::new())).await
}
