//! Support: contact form, conversations, WebSocket chat and WebRTC signalling.
//!
//! [`SupportModule`] is the module's description. It has no endpoints yet; it already checks
//! that a TURN server, when configured, comes with its shared secret.

use ycyw_shared::config::{ConfigError, SecretKey, Settings};
use ycyw_shared::module::{Duty, Module};

/// The support module.
#[derive(Debug, Clone, Copy, Default)]
pub struct SupportModule;

impl Module for SupportModule {
    fn name(&self) -> &'static str {
        "support"
    }

    fn secrets(&self, duty: Duty) -> &'static [SecretKey] {
        match duty {
            // The contact form is rate-limited per client address.
            Duty::Http => &[SecretKey::JwtSigningKey, SecretKey::RateLimitKey],
            Duty::Work => &[],
        }
    }

    /// TURN credentials are derived from `TURN_SHARED_SECRET` (coturn's REST scheme): TURN
    /// servers without it would hand out credentials nobody accepts.
    fn check(&self, settings: &Settings, duty: Duty) -> Result<(), ConfigError> {
        if duty == Duty::Http && settings.is_prod() && !settings.turn_urls.is_empty() {
            settings.secrets.require(SecretKey::TurnSharedSecret)?;
        }
        Ok(())
    }
}
