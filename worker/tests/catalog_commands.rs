#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! The catalog's ops commands as ops run them: `seed-demo`, `create-agency`, `bench-data`.

use sqlx::MySqlPool;
use ycyw_testkit::database_url_of;

const WORKER: &str = env!("CARGO_BIN_EXE_ycyw-worker");

async fn cli(url: &str, args: &[&str]) -> (bool, String, String) {
    ycyw_testkit::run_to_end(WORKER, args, &[("DATABASE_URL", url)]).await
}

async fn count(pool: &MySqlPool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_ops_seed_demo_twice_and_if_empty(pool: MySqlPool) {
    let url = database_url_of(&pool).await.unwrap();
    let (ok, out, err) = cli(&url, &["seed-demo", "--if-empty"]).await;
    assert!(ok && out.contains("demo catalog seeded"), "{out} {err}");
    let agencies = count(&pool, "SELECT COUNT(*) FROM agencies").await;
    let vehicles = count(&pool, "SELECT COUNT(*) FROM vehicles").await;
    assert!(agencies >= 21 && vehicles > 500);

    let (ok, out, _) = cli(&url, &["seed-demo", "--if-empty"]).await;
    assert!(ok && out.contains("not empty"), "{out}");
    let (ok, out, err) = cli(&url, &["seed-demo"]).await;
    assert!(ok && out.contains("0 created, 0 updated"), "{out} {err}");
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM vehicles").await, vehicles);
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_ops_create_agency(pool: MySqlPool) {
    let url = database_url_of(&pool).await.unwrap();
    let body = r#"{"code":"TOR-UNI","name":"Toronto Union Station",
        "address":{"line1":"65 Front Street West","postalCode":"M5J 1E6","city":"Toronto","countryCode":"CA"},
        "timeZone":"America/Toronto","phone":"+1 416 555 0101","email":"tor-uni@example.com",
        "openingHours":[{"weekday":1,"opens":"07:30","closes":"20:00"}]}"#;
    let (ok, out, err) = cli(&url, &["create-agency", "--json", body]).await;
    assert!(ok, "{err}");
    let id: uuid::Uuid = out.trim().parse().unwrap();
    let (code, currency): (String, String) =
        sqlx::query_as("SELECT code, currency FROM agencies WHERE id = ?").bind(id).fetch_one(&pool).await.unwrap();
    assert_eq!((code.as_str(), currency.as_str()), ("TOR-UNI", "CAD"));

    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), body).unwrap();
    let (ok, _, err) = cli(&url, &["create-agency", "--json", &format!("@{}", file.path().display())]).await;
    assert!(!ok && err.contains("code: TOR-UNI is already used (taken)"), "{err}");
    let (ok, _, err) = cli(&url, &["create-agency", "--json", &body.replace("America/Toronto", "Canada/Nowhere")]).await;
    assert!(!ok && err.contains("timeZone:"), "{err}");
    let (ok, _, err) = cli(&url, &["create-agency", "--json", "{}"]).await;
    assert!(!ok && err.contains("--json is not a valid agency"), "{err}");
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_ops_bench_data_at_a_small_size(pool: MySqlPool) {
    let url = database_url_of(&pool).await.unwrap();
    let (ok, out, err) = cli(&url, &["bench-data", "--agencies", "7", "--vehicles", "70"]).await;
    assert!(ok && out.contains("7 agencies, 70 vehicles"), "{out} {err}");
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM vehicles").await, 70);
}
