//! What the reservations module asks of modules built on it, which it does not know: they
//! provide these through the Module seam's [`Services`](ycyw_shared::services::Services), so the
//! dependencies still point one way (payments → reservations).

use async_trait::async_trait;
use uuid::Uuid;

/// The payments module's checkout, as a modification that must be paid for opens it: the
/// answer of `PATCH /reservations/{id}` carries the hosted payment page's URL.
#[async_trait]
pub trait CheckoutDesk: Send + Sync {
    /// The URL of a Checkout Session for what reservation `id` of client `user` owes now (the
    /// same session as `POST /reservations/{id}/checkout-sessions` would give).
    async fn checkout_url(&self, user: Uuid, id: Uuid) -> anyhow::Result<String>;
}
