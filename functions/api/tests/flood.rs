#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! Issue 11, defect 3: a flood of anonymous password resets with made-up tokens, from many
//! addresses (the per-IP limit out of the way), costs no password hashing: the token is looked
//! up first. The `ycyw-auth` process's peak memory stays bounded, and every answer is a problem
//! (422 unknown token, 429, 503) — never a crash. Before the fix each request hashed first
//! (~19 MiB of argon2 memory each, unbounded): 600 such requests took the process to 11.3 GB.

use serde_json::json;
use ycyw_testkit::{Binary, database_url_of};

/// The bound stated in docs/security.md.
const PEAK_RSS_BOUND_KIB: u64 = 200 * 1024;

fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap_or_else(|| panic!("no {field} in {status}"));
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn a_flood_of_fake_reset_tokens_keeps_the_process_memory_bounded(pool: sqlx::MySqlPool) {
    let url = database_url_of(&pool).await.unwrap();
    let auth = Binary::spawn(env!("CARGO_BIN_EXE_ycyw-auth"), &[], &[("DATABASE_URL", url), ("TRUST_PROXY", "1".into())]);
    assert!(auth.wait_ready("/health/ready").await);
    let pid = auth.child.id().unwrap();
    let before = status_kib(pid, "VmRSS:");

    let http = reqwest::Client::new();
    let endpoint = format!("{}/api/v1/auth/password-resets", auth.base_url());
    let mut requests = tokio::task::JoinSet::new();
    for n in 0..200u32 {
        let (http, endpoint) = (http.clone(), endpoint.clone());
        requests.spawn(async move {
            let body =
                json!({ "token": format!("made-up-token-{n:04}-0123456789abcdef0123456789"), "newPassword": "violet-tractor-harbour-42" });
            let response = http
                .post(&endpoint)
                .header("x-forwarded-for", format!("198.18.{}.{}", n / 250, n % 250 + 1))
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let content_type = response.headers()["content-type"].to_str().unwrap().to_string();
            (status, content_type)
        });
    }
    let mut statuses = std::collections::BTreeMap::new();
    while let Some(answer) = requests.join_next().await {
        let (status, content_type) = answer.unwrap();
        assert!(matches!(status, 422 | 429 | 503), "answer {status}");
        assert_eq!(content_type, "application/problem+json");
        *statuses.entry(status).or_insert(0) += 1;
    }
    let peak = status_kib(pid, "VmHWM:");
    assert!(peak < PEAK_RSS_BOUND_KIB, "peak RSS {peak} KiB (from {before} KiB before the flood) over the bound");
    assert_eq!(statuses.get(&422), Some(&200), "every made-up token is refused as such: {statuses:?}");
}
