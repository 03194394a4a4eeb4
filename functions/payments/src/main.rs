//! `ycyw-payments`: the payments function, over HTTP on `PORT` or under AWS Lambda.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let outcome = ycyw_shared::runtime::serve("payments", ycyw_payments::router).await;
    ycyw_shared::runtime::exit_code("ycyw-payments", outcome)
}
