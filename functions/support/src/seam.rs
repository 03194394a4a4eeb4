//! What support asks the reservations module without depending on it: whether a reservation
//! is the client's. The reservations module provides a [`ReservationDirectory`] through
//! [`Services`](ycyw_shared::services::Services) (see its `Module::provide`); a deployable that does not
//! link it refuses `reservationId` rather than store an unchecked one.

use std::sync::Arc;

use async_trait::async_trait;
use uuid::Uuid;

/// The reservations a conversation may be about.
#[async_trait]
pub trait ReservationDirectory: Send + Sync {
    /// Whether `reservation` exists and is `client`'s.
    async fn belongs_to(&self, reservation: Uuid, client: Uuid) -> anyhow::Result<bool>;
}

/// How the directory is provided and looked up.
pub type Reservations = Arc<dyn ReservationDirectory>;
