//! `ycyw-worker`: `run` (default) consumes the job queue; the other commands are for ops.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = ycyw_worker::cli::Cli::parse();
    ycyw_shared::runtime::exit_code("ycyw-worker", ycyw_worker::cli::execute(cli).await)
}
