//! `ycyw-api`: every module in one process, plus the SPA when it is built — for local use.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let dir = ycyw_api::spa_dir();
    let site = ycyw_api::spa(&dir);
    if site.is_none() {
        eprintln!("ycyw-api: no SPA at {} (build it with `npm run build` in frontend/); serving the API only", dir.display());
    }
    let outcome = match ycyw_api::deployable("api") {
        Ok(deployable) => ycyw_shared::runtime::serve_with_fallback(deployable, site).await,
        Err(e) => Err(e.into()),
    };
    ycyw_shared::runtime::exit_code("ycyw-api", outcome)
}
