//! The composition root of every deployable binary (docs/architecture.md, "Composition").
//!
//! Module libraries depend on each other one way only (auth ← catalog ← reservations ← payments;
//! support ← auth), so none of them can list the modules built on it. This crate links them all
//! and builds each binary from the same list: `ycyw-api` serves every module (and the SPA),
//! `ycyw-auth`, `ycyw-catalog`, … serve one each — and every binary registers every module's
//! account part, so an account deleted through `ycyw-auth` deployed alone still cancels that
//! user's reservations and erases their support conversations, and the export has every
//! section. The worker builds its own deployable from [`modules`] too.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use ycyw_shared::idempotency::IdempotencyModule;
use ycyw_shared::mail::MailModule;
use ycyw_shared::module::{Deployable, Module, UnknownModule};

/// Every module of the product, in dependency order.
pub fn modules() -> Vec<Arc<dyn Module>> {
    vec![
        Arc::new(MailModule),
        Arc::new(IdempotencyModule),
        Arc::new(ycyw_auth::AuthModule),
        Arc::new(ycyw_catalog::CatalogModule),
        Arc::new(ycyw_reservations::ReservationsModule),
        Arc::new(ycyw_payments::PaymentsModule),
        Arc::new(ycyw_support::SupportModule),
    ]
}

/// The deployable `name`: `api` serves every module; a module's name serves that module alone
/// (with the account parts of all).
pub fn deployable(name: &'static str) -> Result<Deployable, UnknownModule> {
    let all = Deployable::new(name, modules());
    if name == "api" { Ok(all) } else { all.serving(&[name]) }
}

/// The `main` of a function binary: serves the module `name` until SIGTERM.
pub async fn serve_function(name: &'static str) -> ExitCode {
    let outcome = match deployable(name) {
        Ok(deployable) => ycyw_shared::runtime::serve(deployable).await,
        Err(e) => Err(e.into()),
    };
    ycyw_shared::runtime::exit_code(&format!("ycyw-{name}"), outcome)
}

/// Where the built SPA is looked for: `SPA_DIR`, else `frontend/dist/frontend/browser` (Angular's output).
pub fn spa_dir() -> PathBuf {
    ycyw_shared::config::env_lookup("SPA_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("frontend/dist/frontend/browser"))
}

/// The SPA's static files, with `index.html` for every other path (client-side routes), or
/// `None` when `dir` has no `index.html`.
pub fn spa(dir: &Path) -> Option<Router> {
    let index = dir.join("index.html");
    if !index.is_file() {
        return None;
    }
    let files = ServeDir::new(dir).fallback(ServeFile::new(index));
    Some(
        Router::new()
            .fallback_service(files)
            .layer(SetResponseHeaderLayer::if_not_present(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                     font-src 'self' data:; connect-src 'self'; media-src 'self' blob:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
                ),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))),
    )
}
