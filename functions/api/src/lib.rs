//! The `api` binary's composition: every module's routes under `/api/v1`, and the SPA.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::http::{HeaderValue, header};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa_axum::router::OpenApiRouter;
use ycyw_shared::AppState;

/// Every module's routes, merged.
pub fn router(state: &AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(ycyw_auth::router(state))
        .merge(ycyw_catalog::router(state))
        .merge(ycyw_reservations::router(state))
        .merge(ycyw_payments::router(state))
        .merge(ycyw_support::router(state))
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
