//! `ycyw-auth`: the auth function, over HTTP on `PORT` or under AWS Lambda.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let outcome = ycyw_shared::runtime::serve("auth", ycyw_auth::router).await;
    ycyw_shared::runtime::exit_code("ycyw-auth", outcome)
}
