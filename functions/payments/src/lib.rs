//! Payments: Stripe Checkout, refunds and the webhook endpoint.
//!
//! [`router`] is the module's whole HTTP surface; the binary serves it alone, the `api` binary
//! with every other module.

use utoipa_axum::router::OpenApiRouter;
use ycyw_shared::AppState;

/// The module's routes, relative to `/api/v1`, with their OpenAPI description.
pub fn router(_state: &AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
