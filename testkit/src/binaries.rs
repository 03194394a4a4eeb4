use std::time::Duration;

use sqlx::MySqlPool;

use crate::{Binary, database_url_of};

/// Starts the function binary at `path` on the database of `pool`, checks that it serves its
/// health and OpenAPI document over HTTP, then that SIGTERM stops it with success.
pub async fn assert_binary_serves_http(path: &str, pool: &MySqlPool) {
    let url = database_url_of(pool).await.unwrap_or_else(|e| panic!("{e}"));
    let mut binary = Binary::spawn(path, &[], &[("DATABASE_URL", url)]);
    assert!(binary.wait_ready("/health/ready").await, "{path} never became ready");
    let live = reqwest::get(format!("{}/health/live", binary.base_url())).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(live.status(), 200);
    let spec: serde_json::Value = reqwest::get(format!("{}/api/v1/openapi.json", binary.base_url()))
        .await
        .and_then(|r| r.error_for_status())
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(spec["openapi"], "3.1.0");
    let missing = reqwest::get(format!("{}/api/v1/does-not-exist", binary.base_url())).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(missing.status(), 404);
    binary.signal("TERM").await;
    let status = binary.wait_exit(Duration::from_secs(20)).await;
    assert!(status.success(), "{path} exited with {status} on SIGTERM");
}
