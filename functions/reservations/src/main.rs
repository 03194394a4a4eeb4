//! `ycyw-reservations`: the reservations function, over HTTP on `PORT` or under AWS Lambda.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let outcome = ycyw_shared::runtime::serve("reservations", ycyw_reservations::router).await;
    ycyw_shared::runtime::exit_code("ycyw-reservations", outcome)
}
