//! `ycyw-reservations`: the reservations function, over HTTP on `PORT` or under AWS Lambda.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    ycyw_api::serve_function("reservations").await
}
