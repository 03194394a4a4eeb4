//! `ycyw-support`: the support function, over HTTP on `PORT` or under AWS Lambda.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let outcome = ycyw_shared::runtime::serve("support", ycyw_support::router).await;
    ycyw_shared::runtime::exit_code("ycyw-support", outcome)
}
