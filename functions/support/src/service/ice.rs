//! `GET /support/ice-servers` (DESIGN §6): the STUN servers, and the TURN servers with
//! credentials in coturn's REST-API scheme (`use-auth-secret`): the username is
//! `<expiry unix seconds>:<user id>` and the credential `base64(HMAC-SHA1(TURN_SHARED_SECRET,
//! username))`, so coturn checks them with the same secret and refuses them after expiry —
//! no per-user state on either side. docs/operations.md says how to run coturn with it.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, KeyInit, Mac};
use secrecy::ExposeSecret;
use serde::Serialize;
use sha1::Sha1;
use utoipa::ToSchema;
use uuid::Uuid;
use ycyw_shared::config::SecretKey;

use super::Ctx;

/// How long TURN credentials are valid.
pub const TTL: Duration = Duration::hours(1);

/// One entry of `RTCConfiguration.iceServers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IceServer {
    /// `stun:` or `turn:`/`turns:` URLs.
    pub urls: Vec<String>,
    /// TURN only: `expiry:userId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// TURN only: the HMAC of the username.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IceServers {
    /// For `new RTCPeerConnection({ iceServers })`.
    pub ice_servers: Vec<IceServer>,
    /// Seconds the TURN credentials stay valid.
    pub ttl: i64,
}

/// coturn's REST-API credential for `user`, valid until `expiry`.
pub fn credential(secret: &[u8], user: Uuid, expiry: DateTime<Utc>) -> (String, String) {
    let username = format!("{}:{user}", expiry.timestamp());
    let credential = sign(secret, &username);
    (username, credential)
}

/// `base64(HMAC-SHA1(secret, data))`.
fn sign(secret: &[u8], data: &str) -> String {
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(secret).unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(data.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// The servers for `user` at `now`. TURN servers are left out when no shared secret is
/// configured (development; production refuses to start without it).
pub fn servers(ctx: &Ctx, user: Uuid, now: DateTime<Utc>) -> IceServers {
    let settings = &ctx.state.settings;
    let mut ice_servers = Vec::new();
    if !settings.stun_urls.is_empty() {
        ice_servers.push(IceServer { urls: settings.stun_urls.clone(), username: None, credential: None });
    }
    if !settings.turn_urls.is_empty() {
        match settings.secrets.require(SecretKey::TurnSharedSecret) {
            Ok(secret) => {
                let (username, credential) = credential(secret.expose_secret().as_bytes(), user, now + TTL);
                ice_servers.push(IceServer { urls: settings.turn_urls.clone(), username: Some(username), credential: Some(credential) });
            }
            Err(_) => tracing::warn!("TURN_URLS without TURN_SHARED_SECRET: TURN servers left out"),
        }
    }
    IceServers { ice_servers, ttl: TTL.num_seconds() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha1_in_base64() {
        // RFC 2202, test case 2: effcdf6ae5eb2fa2d27416d5f184df9c259a7c79.
        assert_eq!(sign(b"Jefe", "what do ya want for nothing?"), "7/zfauXrL6LSdBbV8YTfnCWafHk=");
    }

    #[test]
    fn the_username_carries_the_expiry_and_the_user() {
        let expiry = DateTime::from_timestamp(1_764_100_000, 0).unwrap();
        let (username, credential) = credential(b"north-sea-secret", Uuid::nil(), expiry);
        assert_eq!(username, "1764100000:00000000-0000-0000-0000-000000000000");
        assert_eq!(credential, sign(b"north-sea-secret", &username));
    }
}
