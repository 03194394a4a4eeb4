#![allow(clippy::unwrap_used)] // helpers outside #[test] functions may fail loudly too
//! The composed application: the SPA beside the API, and the OpenAPI document of every module.

use axum::http::{Method, StatusCode};
use serde_json::Value;
use sqlx::MySqlPool;
use ycyw_shared::runtime::document;
use ycyw_testkit::TestApp;

fn spa_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<!doctype html><title>YCYW</title><app-root></app-root>").unwrap();
    std::fs::write(dir.path().join("main-ABC123.js"), "console.log('app')").unwrap();
    dir
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn the_spa_is_served_with_deep_links_and_the_api_keeps_its_404s(pool: MySqlPool) {
    let dir = spa_fixture();
    let app = TestApp::of(pool, ycyw_api::deployable("api").unwrap(), &[], ycyw_api::spa(dir.path())).await;

    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&home.body).contains("<app-root>"));
    assert!(home.headers["content-security-policy"].to_str().unwrap().contains("script-src 'self'"));

    let deep = app.get("/account/profile").await;
    assert_eq!(deep.status, StatusCode::OK, "client-side routes get index.html");
    assert!(String::from_utf8_lossy(&deep.body).contains("<app-root>"));

    let asset = app.get("/main-ABC123.js").await;
    assert_eq!(asset.status, StatusCode::OK);
    assert_eq!(asset.body, b"console.log('app')");

    app.get("/api/v1/no-such-route").await.assert_problem(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(app.get("/health/ready").await.status, StatusCode::OK);
}

#[test]
fn no_spa_without_an_index() {
    let empty = tempfile::tempdir().unwrap();
    assert!(ycyw_api::spa(empty.path()).is_none());
}

/// Every documented operation exists, and none answers a client's malformed request with a 500
/// (acceptance 6 across all modules: the list grows with the API).
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn no_route_answers_bad_input_with_a_500(pool: MySqlPool) {
    let app = TestApp::of(pool, ycyw_api::deployable("api").unwrap(), &[("BODY_LIMIT_BYTES", "2048")], None).await;
    let spec = app.get("/api/v1/openapi.json").await.json();
    assert_eq!(spec["openapi"], "3.1.0");
    let mut operation_ids: Vec<String> = spec["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(|operations| operations.as_object())
        .flat_map(|operations| operations.values())
        .filter_map(|operation| operation["operationId"].as_str().map(String::from))
        .collect();
    let documented = operation_ids.len();
    operation_ids.sort();
    operation_ids.dedup();
    assert_eq!(operation_ids.len(), documented, "operationIds must be unique (OpenAPI): {operation_ids:?}");

    let mut targets: Vec<(Method, String)> =
        vec![(Method::POST, "/api/v1/unknown".into()), (Method::GET, "/api/v1/unknown/deeper".into()), (Method::DELETE, "/api/v1".into())];
    if let Some(paths) = spec["paths"].as_object() {
        for (path, operations) in paths {
            let concrete = path
                .split('/')
                .map(|segment| if segment.starts_with('{') { "0192f1c4-7d1e-7c3a-9a6b-1d2e3f4a5b6c" } else { segment })
                .collect::<Vec<_>>()
                .join("/");
            for method in operations.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default() {
                if let Ok(method) = Method::from_bytes(method.to_uppercase().as_bytes()) {
                    targets.push((method, concrete.clone()));
                }
            }
        }
    }

    let oversized = format!("{{\"x\":\"{}\"}}", "y".repeat(4096));
    let bodies: [(Option<&str>, String); 4] = [
        (Some("application/json"), "{\"unterminated\": ".into()),
        (Some("text/plain"), "hello".into()),
        (Some("application/json"), oversized),
        (Some("application/json"), "[1, 2, 3]".into()),
    ];
    for (method, path) in &targets {
        for (content_type, body) in &bodies {
            let mut request = axum::http::Request::builder().method(method.clone()).uri(path.as_str());
            if let Some(ct) = content_type {
                request = request.header("content-type", *ct);
            }
            let response = app.send(request.body(axum::body::Body::from(body.clone())).unwrap()).await;
            assert!(response.status.is_client_error() || response.status.is_success(), "{method} {path} answered {}", response.status);
            if response.status.is_client_error() {
                assert_eq!(response.content_type(), "application/problem+json", "{method} {path}");
                let problem: Value = response.json();
                assert!(problem["code"].is_string());
            }
        }
    }
}

/// Each module's OpenAPI components, merged into one document: two Rust types of one name (the
/// support's and the reservations' `Status`) would silently become one schema, and the served
/// document would describe one module's field with the other's type.
#[test]
fn no_two_modules_give_one_schema_name_two_meanings() {
    let mut seen: std::collections::BTreeMap<String, (&'static str, Value)> = std::collections::BTreeMap::new();
    let mut shared = 0;
    for module in ycyw_api::modules() {
        let Some(description) = module.openapi() else { continue };
        let doc = serde_json::to_value(description).unwrap();
        let schemas = doc["components"]["schemas"].as_object().cloned().unwrap_or_default();
        for (name, schema) in schemas {
            match seen.get(&name) {
                Some((first, earlier)) => {
                    assert_eq!(earlier, &schema, "schema {name} means one thing in {first} and another in {}", module.name());
                    shared += 1;
                }
                None => {
                    seen.insert(name, (module.name(), schema));
                }
            }
        }
    }
    assert!(seen.contains_key("ConversationStatus") && seen.contains_key("Status"), "{:?}", seen.keys().collect::<Vec<_>>());
    assert!(shared > 0, "the shared types (Problem, Money…) appear in several modules, identical");
}

/// Every deployable serves the whole product's document (in AWS one route answers
/// `/api/v1/openapi.json` for all functions), every operation has an `operationId`, and a
/// function's router, built to serve (`Build::Serve`: no description), routes exactly the
/// operations its module describes, at the same paths and methods.
#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn every_deployable_serves_the_whole_document(pool: MySqlPool) {
    let whole = TestApp::of(pool.clone(), ycyw_api::deployable("api").unwrap(), &[], None).await.get("/api/v1/openapi.json").await.json();
    let operations = |doc: &Value| -> Vec<(String, String, Value)> {
        doc["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .flat_map(|(path, item)| {
                item.as_object().into_iter().flatten().map(move |(method, operation)| (path.clone(), method.clone(), operation.clone()))
            })
            .collect()
    };
    let paths_and_methods = |doc: Value| -> std::collections::BTreeSet<(String, String)> {
        operations(&doc).into_iter().map(|(path, method, _)| (path, method)).collect()
    };
    let all = operations(&whole);
    assert!(all.len() > 40, "the product has more operations than {}", all.len());
    for (path, method, operation) in &all {
        assert!(operation["operationId"].as_str().is_some_and(|id| !id.is_empty()), "{method} {path} has no operationId");
    }
    for name in ["auth", "catalog", "reservations", "payments", "support"] {
        let deployable = ycyw_api::deployable(name).unwrap();
        let app = TestApp::of(pool.clone(), deployable.clone(), &[], None).await;
        assert_eq!(app.get("/api/v1/openapi.json").await.json(), whole, "ycyw-{name} serves another document than ycyw-api");
        // What its router routes (the paths and methods of its served description) is what its
        // module describes, and each is in the whole document.
        let state = app.state.clone();
        let routed = paths_and_methods(document(&deployable.routes(&state).await.unwrap().api.into_openapi()));
        let module = ycyw_api::modules().into_iter().find(|module| module.name() == name).unwrap();
        let described = paths_and_methods(document(&module.openapi().unwrap()));
        assert!(!routed.is_empty(), "ycyw-{name} serves nothing");
        assert_eq!(routed, described, "ycyw-{name} routes other operations than it describes");
        for (path, method) in routed {
            assert!(whole["paths"][&path][&method]["operationId"].is_string(), "ycyw-{name}: {method} {path} is not in the document");
        }
    }
}
