//! `ycyw-catalog`: the catalog function, over HTTP on `PORT` or under AWS Lambda.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let outcome = ycyw_shared::runtime::serve("catalog", ycyw_catalog::router).await;
    ycyw_shared::runtime::exit_code("ycyw-catalog", outcome)
}
