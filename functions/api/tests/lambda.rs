//! Acceptance 3: the same binary answers invocations when started by the Lambda runtime.

use std::time::Duration;

use ycyw_testkit::{Binary, LambdaRuntimeApi, apigw_http_get, database_url_of};

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn catalog_answers_invocations_in_lambda_mode(pool: sqlx::MySqlPool) {
    let runtime = LambdaRuntimeApi::start().await;
    let _function = Binary::spawn(
        env!("CARGO_BIN_EXE_ycyw-catalog"),
        &[],
        &[
            ("DATABASE_URL", database_url_of(&pool).await.unwrap()),
            ("AWS_LAMBDA_RUNTIME_API", runtime.address.clone()),
            ("AWS_LAMBDA_FUNCTION_NAME", "ycyw-catalog".into()),
            ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".into()),
            ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256".into()),
            ("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/ycyw-catalog".into()),
            ("AWS_LAMBDA_LOG_STREAM_NAME", "test".into()),
            ("AWS_REGION", "eu-west-3".into()),
        ],
    );

    let ready = runtime.invoke("invocation-1", apigw_http_get("/health/ready"), Duration::from_secs(30)).await;
    assert_eq!(ready["statusCode"], 200, "{ready}");
    let body: serde_json::Value = serde_json::from_str(ready["body"].as_str().unwrap_or_default()).unwrap();
    assert_eq!(body["database"], "ok");

    let missing = runtime.invoke("invocation-2", apigw_http_get("/api/v1/nothing-here"), Duration::from_secs(10)).await;
    assert_eq!(missing["statusCode"], 404, "{missing}");
    assert_eq!(missing["headers"]["content-type"], "application/problem+json");
}
