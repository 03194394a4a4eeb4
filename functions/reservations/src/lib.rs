//! Reservations: offer search, booking, modification, cancellation, pickup and return.
//!
//! [`ReservationsModule`] is the module's description. It has no endpoints yet: they come with
//! the reservations issue, on the catalog's and auth's facades.

use ycyw_shared::config::SecretKey;
use ycyw_shared::module::{Duty, Module};

/// The reservations module.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReservationsModule;

impl Module for ReservationsModule {
    fn name(&self) -> &'static str {
        "reservations"
    }

    fn secrets(&self, duty: Duty) -> &'static [SecretKey] {
        match duty {
            Duty::Http => &[SecretKey::JwtSigningKey],
            Duty::Work => &[],
        }
    }
}
