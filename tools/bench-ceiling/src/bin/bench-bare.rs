//! The ceiling of `scripts/bench health` and `startup`: the bare axum 0.8 hello-world.

use axum::Router;
use axum::routing::get;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    bench_ceiling::serve(Router::new().route("/health/live", get(|| async { "ok" }))).await
}
