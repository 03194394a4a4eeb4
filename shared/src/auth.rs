//! Access tokens and who may call what: every module authorises in one line with the
//! [`AnyUser`], [`ClientUser`], [`SupportUser`] and [`AgentUser`] extractors.
//!
//! Access tokens are HS256 JWTs keyed with the UTF-8 bytes of `JWT_SIGNING_KEY` (API.md): the
//! algorithm is pinned, `iss`, `aud`, `exp`, `iat`, `sub` and `jti` are required, and time claims
//! are checked against the application [`Clock`](crate::time::Clock) so tests can move it.

use std::fmt;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::config::{SecretKey, Settings};
use crate::error::ApiError;
use crate::state::AppState;

/// Lifetime of an access token (API.md: at most 15 minutes).
pub const ACCESS_TOKEN_TTL: Duration = Duration::minutes(15);
/// Tolerated clock skew between instances when checking `exp`, `nbf` and `iat`.
const LEEWAY_SECONDS: i64 = 30;

/// What a user is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A customer.
    Client,
    /// Customer support staff.
    Support,
    /// Staff of one agency.
    Agent,
}

crate::text_enum!(Role { Client => "client", Support => "support", Agent => "agent" });

/// The claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: Uuid,
    /// The user's role.
    pub role: Role,
    /// The agency of an agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<Uuid>,
    /// Issuer (`JWT_ISSUER`).
    pub iss: String,
    /// Audience (`JWT_AUDIENCE`).
    pub aud: String,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
    /// Not before, seconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// Token id.
    pub jti: Uuid,
    /// The session (refresh-token family) the token was issued for: what "the other sessions"
    /// means on a password change, whatever cookies the request carries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<Uuid>,
}

/// Why a token was refused (all answer 401; the reason is only logged at debug level).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// No `Authorization: Bearer` header.
    #[error("no bearer token")]
    Missing,
    /// Bad signature, algorithm, issuer, audience, shape or claim.
    #[error("invalid token: {0}")]
    Invalid(String),
    /// Past its `exp`.
    #[error("token expired")]
    Expired,
    /// Before its `nbf` or `iat`.
    #[error("token not yet valid")]
    NotYetValid,
}

/// One HS256 key and the id (`kid`) tokens name it by.
#[derive(Clone)]
struct SigningKey {
    kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl SigningKey {
    fn new(secret: &[u8]) -> Self {
        Self { kid: key_id(secret), encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret) }
    }
}

/// The `kid` of a key: 64 bits of its SHA-256, enough to tell keys apart, nothing to learn the
/// key from.
fn key_id(secret: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest([b"ycyw-jwt-kid:".as_slice(), secret].concat());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Signs access tokens with the current key (`JWT_SIGNING_KEY`, named in the `kid` header) and
/// verifies them with it or, during a rotation, with the previous one (`JWT_SIGNING_KEY_PREVIOUS`).
#[derive(Clone)]
pub struct JwtKeys {
    current: SigningKey,
    previous: Option<SigningKey>,
    validation: Validation,
    issuer: String,
    audience: String,
}

impl fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtKeys").field("issuer", &self.issuer).field("audience", &self.audience).finish_non_exhaustive()
    }
}

impl JwtKeys {
    /// Keys from `JWT_SIGNING_KEY` (and `JWT_SIGNING_KEY_PREVIOUS` when rotating), `JWT_ISSUER`
    /// and `JWT_AUDIENCE`; `None` without a key.
    pub fn from_settings(settings: &Settings) -> Option<Self> {
        let key = settings.secrets.get(SecretKey::JwtSigningKey)?;
        let keys = Self::new(key.expose_secret().as_bytes(), &settings.jwt_issuer, &settings.jwt_audience);
        Some(match settings.secrets.get(SecretKey::JwtSigningKeyPrevious) {
            Some(previous) => keys.with_previous(previous.expose_secret().as_bytes()),
            None => keys,
        })
    }

    /// The same keys, also accepting tokens signed with `previous` (until they expire).
    pub fn with_previous(mut self, previous: &[u8]) -> Self {
        let previous = SigningKey::new(previous);
        self.previous = (previous.kid != self.current.kid).then_some(previous);
        self
    }

    /// Keys over an HS256 secret.
    pub fn new(secret: &[u8], issuer: &str, audience: &str) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        // Time claims are checked against the application clock in `verify`.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.leeway = 0;
        Self { current: SigningKey::new(secret), previous: None, validation, issuer: issuer.to_string(), audience: audience.to_string() }
    }

    /// Issues an access token for `user` in the session `session` (its refresh-token family),
    /// valid [`ACCESS_TOKEN_TTL`] from `now`, signed with the current key.
    pub fn issue(
        &self,
        user: Uuid,
        role: Role,
        agency: Option<Uuid>,
        session: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<String, ApiError> {
        let claims = Claims {
            sub: user,
            role,
            agency,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            exp: (now + ACCESS_TOKEN_TTL).timestamp(),
            iat: now.timestamp(),
            nbf: Some(now.timestamp()),
            jti: Uuid::now_v7(),
            sid: session,
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.current.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.current.encoding).map_err(|e| ApiError::Internal(e.into()))
    }

    /// Verifies signature, algorithm, issuer, audience and, against `now`, the time claims.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Claims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| TokenError::Invalid(e.to_string()))?;
        let key = match header.kid.as_deref() {
            None => &self.current,
            Some(kid) if kid == self.current.kid => &self.current,
            Some(kid) => self.previous.as_ref().filter(|p| p.kid == kid).ok_or_else(|| TokenError::Invalid("unknown key id".into()))?,
        };
        let data =
            jsonwebtoken::decode::<Claims>(token, &key.decoding, &self.validation).map_err(|e| TokenError::Invalid(e.to_string()))?;
        let claims = data.claims;
        let now = now.timestamp();
        if claims.exp <= now - LEEWAY_SECONDS {
            return Err(TokenError::Expired);
        }
        if claims.nbf.is_some_and(|nbf| nbf > now + LEEWAY_SECONDS) || claims.iat > now + LEEWAY_SECONDS {
            return Err(TokenError::NotYetValid);
        }
        if claims.exp - claims.iat > ACCESS_TOKEN_TTL.num_seconds() {
            return Err(TokenError::Invalid("lifetime longer than allowed".into()));
        }
        if claims.role == Role::Agent && claims.agency.is_none() {
            return Err(TokenError::Invalid("agent without agency".into()));
        }
        Ok(claims)
    }
}

/// The bearer token of a request, if any.
pub fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim()).filter(|t| !t.is_empty())
}

impl<S> FromRequestParts<S> for Claims
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(claims) = parts.extensions.get::<Claims>() {
            return Ok(claims.clone());
        }
        let state = AppState::from_ref(state);
        let keys = state.jwt.as_ref().ok_or_else(|| ApiError::Internal(anyhow::anyhow!("JWT_SIGNING_KEY is not configured")))?;
        let token = bearer_token(parts).ok_or(ApiError::Unauthorized)?;
        let claims = keys.verify(token, state.clock.now()).map_err(|e| {
            tracing::debug!(reason = %e, "access token refused");
            ApiError::Unauthorized
        })?;
        // A valid token of a deleted account acts no more (its 15 minutes are not waited out).
        // The database down while asking is a 503, as for any other query.
        if let Some(subjects) = &state.subjects
            && !subjects.is_active(claims.sub).await.map_err(crate::db::api_error)?
        {
            tracing::debug!("access token of a deleted account refused");
            return Err(ApiError::Unauthorized);
        }
        parts.extensions.insert(claims.clone());
        Ok(claims)
    }
}

/// Tells whether the subject of a valid access token may still act: a deleted (anonymised)
/// account may not. The auth module provides it ([`Module::subjects`](crate::module::Module::subjects));
/// only the extractors of signed-in users ask, so public and health endpoints never pay for it.
#[async_trait::async_trait]
pub trait SubjectGuard: Send + Sync + fmt::Debug {
    /// False when the account `sub` is deleted or unknown.
    async fn is_active(&self, sub: Uuid) -> anyhow::Result<bool>;

    /// This process has just deleted `sub`: refuse it at once, without waiting for a cache.
    fn deleted(&self, sub: Uuid);
}

/// Any signed-in user.
#[derive(Debug, Clone)]
pub struct AnyUser(pub Claims);

/// A signed-in client (403 for staff).
#[derive(Debug, Clone)]
pub struct ClientUser(pub Claims);

/// A signed-in support user (403 otherwise).
#[derive(Debug, Clone)]
pub struct SupportUser(pub Claims);

/// A signed-in agent, with the agency they belong to (403 otherwise).
#[derive(Debug, Clone)]
pub struct AgentUser {
    /// The token's claims.
    pub claims: Claims,
    /// The agent's agency.
    pub agency_id: Uuid,
}

fn forbidden(role: Role) -> ApiError {
    ApiError::Forbidden { code: "forbidden", detail: format!("this operation is not allowed for the {role} role") }
}

macro_rules! role_extractor {
    ($name:ident, $role:expr) => {
        impl<S> FromRequestParts<S> for $name
        where
            AppState: FromRef<S>,
            S: Send + Sync,
        {
            type Rejection = ApiError;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
                let claims = Claims::from_request_parts(parts, state).await?;
                if claims.role != $role {
                    return Err(forbidden(claims.role));
                }
                Ok($name(claims))
            }
        }
    };
}

role_extractor!(ClientUser, Role::Client);
role_extractor!(SupportUser, Role::Support);

impl<S> FromRequestParts<S> for AnyUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(AnyUser(Claims::from_request_parts(parts, state).await?))
    }
}

impl<S> FromRequestParts<S> for AgentUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let claims = Claims::from_request_parts(parts, state).await?;
        match (claims.role, claims.agency) {
            (Role::Agent, Some(agency_id)) => Ok(AgentUser { claims, agency_id }),
            (role, _) => Err(forbidden(role)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const KEY: &[u8] = b"unit-test-signing-key-0123456789abcdef";

    fn keys() -> JwtKeys {
        JwtKeys::new(KEY, "ycyw", "ycyw-api")
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 11, 9, 0, 0).unwrap()
    }

    fn encode_raw(header: &Header, claims: &serde_json::Value, key: &[u8]) -> String {
        jsonwebtoken::encode(header, claims, &EncodingKey::from_secret(key)).unwrap()
    }

    fn claims_json(overrides: serde_json::Value) -> serde_json::Value {
        let mut base = serde_json::json!({
            "sub": Uuid::now_v7(), "role": "client", "iss": "ycyw", "aud": "ycyw-api",
            "exp": now().timestamp() + 600, "iat": now().timestamp(), "jti": Uuid::now_v7()
        });
        if let (Some(base), Some(extra)) = (base.as_object_mut(), overrides.as_object()) {
            for (k, v) in extra {
                if v.is_null() {
                    base.remove(k);
                } else {
                    base.insert(k.clone(), v.clone());
                }
            }
        }
        base
    }

    #[test]
    fn issued_tokens_verify_with_their_claims() {
        let user = Uuid::now_v7();
        let agency = Uuid::now_v7();
        let token = keys().issue(user, Role::Agent, Some(agency), None, now()).unwrap();
        let claims = keys().verify(&token, now() + Duration::minutes(14)).unwrap();
        assert_eq!((claims.sub, claims.role, claims.agency), (user, Role::Agent, Some(agency)));
        assert_eq!(claims.exp - claims.iat, 900);
    }

    #[test]
    fn tokens_name_their_key_and_a_rotation_accepts_the_previous_one() {
        const NEW: &[u8] = b"the-next-signing-key-0123456789abcdefgh";
        let session = Uuid::now_v7();
        let old_token = keys().issue(Uuid::now_v7(), Role::Client, None, Some(session), now()).unwrap();
        let header = jsonwebtoken::decode_header(&old_token).unwrap();
        assert_eq!(header.kid.as_deref(), Some(key_id(KEY).as_str()));
        assert_eq!(key_id(KEY).len(), 16);
        assert!(!key_id(KEY).contains(&String::from_utf8_lossy(&KEY[..8]).to_string()));

        let rotated = JwtKeys::new(NEW, "ycyw", "ycyw-api").with_previous(KEY);
        assert_eq!(rotated.verify(&old_token, now()).unwrap().sid, Some(session), "tokens of the previous key still work");
        let new_token = rotated.issue(Uuid::now_v7(), Role::Client, None, None, now()).unwrap();
        assert_eq!(jsonwebtoken::decode_header(&new_token).unwrap().kid.as_deref(), Some(key_id(NEW).as_str()));
        assert!(rotated.verify(&new_token, now()).is_ok());
        assert!(keys().verify(&new_token, now()).is_err(), "the old key alone does not know the new one");

        let after = JwtKeys::new(NEW, "ycyw", "ycyw-api");
        assert!(matches!(after.verify(&old_token, now()), Err(TokenError::Invalid(_))), "once the previous key is gone");
        let mut forged = Header::new(Algorithm::HS256);
        forged.kid = Some(key_id(NEW));
        let wrong_key = encode_raw(&forged, &claims_json(serde_json::json!({})), KEY);
        assert!(after.verify(&wrong_key, now()).is_err(), "a kid does not make a signature");
    }

    #[test]
    fn expired_and_not_yet_valid_tokens_are_refused() {
        let token = keys().issue(Uuid::now_v7(), Role::Client, None, None, now()).unwrap();
        assert_eq!(keys().verify(&token, now() + Duration::minutes(16)), Err(TokenError::Expired));
        assert_eq!(keys().verify(&token, now() - Duration::minutes(5)), Err(TokenError::NotYetValid));
    }

    #[test]
    fn forged_and_foreign_tokens_are_refused() {
        let hs = Header::new(Algorithm::HS256);
        let cases = [
            ("wrong audience", encode_raw(&hs, &claims_json(serde_json::json!({"aud": "someone-else"})), KEY)),
            ("wrong issuer", encode_raw(&hs, &claims_json(serde_json::json!({"iss": "evil"})), KEY)),
            ("another key", encode_raw(&hs, &claims_json(serde_json::json!({})), b"another-key-0123456789abcdef-0123456")),
            ("HS512", encode_raw(&Header::new(Algorithm::HS512), &claims_json(serde_json::json!({})), KEY)),
            ("missing sub", encode_raw(&hs, &claims_json(serde_json::json!({"sub": null})), KEY)),
            ("missing exp", encode_raw(&hs, &claims_json(serde_json::json!({"exp": null})), KEY)),
            ("too long-lived", encode_raw(&hs, &claims_json(serde_json::json!({"exp": now().timestamp() + 86_400})), KEY)),
            ("agent without agency", encode_raw(&hs, &claims_json(serde_json::json!({"role": "agent"})), KEY)),
        ];
        for (name, token) in cases {
            assert!(keys().verify(&token, now()).is_err(), "{name} was accepted");
        }
    }

    #[test]
    fn alg_none_and_tampered_payloads_are_refused() {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let payload = b64.encode(claims_json(serde_json::json!({})).to_string());
        let none = format!("{}.{payload}.", b64.encode(r#"{"alg":"none","typ":"JWT"}"#));
        assert!(keys().verify(&none, now()).is_err());

        let token = keys().issue(Uuid::now_v7(), Role::Client, None, None, now()).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        let tampered = b64.encode(claims_json(serde_json::json!({"role": "support"})).to_string());
        assert!(keys().verify(&format!("{}.{tampered}.{}", parts[0], parts[2]), now()).is_err());
    }

    #[test]
    fn roles_round_trip() {
        for role in [Role::Client, Role::Support, Role::Agent] {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("admin".parse::<Role>().is_err());
    }
}
