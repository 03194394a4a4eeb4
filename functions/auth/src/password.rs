//! Password hashing (argon2id) and the common-password list.

use std::collections::HashSet;
use std::sync::{Arc, LazyLock};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use ycyw_shared::config::{ConfigError, env_lookup};

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| include_str!("../data/common-passwords.txt").lines().collect());

/// True when the lower-cased `password` is in the shipped list of common passwords.
pub fn is_common(lowercased: &str) -> bool {
    COMMON.contains(lowercased)
}

/// Smallest memory cost accepted (OWASP's argon2id minimum: 19 MiB).
pub const MIN_MEMORY_KIB: u32 = 19 * 1024;

/// Hashes and verifies passwords with argon2id. Work runs on the blocking pool.
#[derive(Clone)]
pub struct Hasher {
    params: Params,
    dummy_hash: Arc<String>,
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher").field("params", &self.params).finish_non_exhaustive()
    }
}

impl Hasher {
    /// From `ARGON2_MEMORY_KIB` (≥ 19456, default 19456), `ARGON2_ITERATIONS` (default 2) and
    /// `ARGON2_PARALLELISM` (default 1).
    pub fn from_env() -> Result<Self, ConfigError> {
        let number = |key: &'static str, default: u32| -> Result<u32, ConfigError> {
            env_lookup(key).map_or(Ok(default), |raw| {
                raw.trim().parse().map_err(|_| ConfigError::Invalid { key, reason: "not a whole number".into() })
            })
        };
        let memory = number("ARGON2_MEMORY_KIB", MIN_MEMORY_KIB)?;
        if memory < MIN_MEMORY_KIB {
            return Err(ConfigError::Invalid { key: "ARGON2_MEMORY_KIB", reason: format!("must be at least {MIN_MEMORY_KIB}") });
        }
        let params = Params::new(memory, number("ARGON2_ITERATIONS", 2)?, number("ARGON2_PARALLELISM", 1)?, None)
            .map_err(|e| ConfigError::Invalid { key: "ARGON2_*", reason: e.to_string() })?;
        Self::new(params)
    }

    fn new(params: Params) -> Result<Self, ConfigError> {
        let dummy = hash_with(&params, "dummy password that matches no account")
            .map_err(|e| ConfigError::Invalid { key: "ARGON2_*", reason: e.to_string() })?;
        Ok(Self { params, dummy_hash: Arc::new(dummy) })
    }

    /// The argon2id PHC string of `password`.
    pub async fn hash(&self, password: String) -> anyhow::Result<String> {
        let params = self.params.clone();
        tokio::task::spawn_blocking(move || hash_with(&params, &password)).await?.map_err(|e| anyhow::anyhow!("hashing: {e}"))
    }

    /// Whether `password` matches `hash`. Without a hash (unknown user, no password yet) a dummy
    /// hash is verified instead, so both cases take the same time, and the answer is false.
    pub async fn verify(&self, password: String, hash: Option<String>) -> anyhow::Result<bool> {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash.as_str().to_string());
        let matches = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        })
        .await?;
        Ok(known && matches)
    }
}

fn hash_with(params: &Params, password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone()).hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_with_the_configured_memory_and_verify() {
        let hasher = Hasher::from_env().unwrap();
        let hash = hasher.hash("violet-tractor-harbour-42".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(hasher.verify("violet-tractor-harbour-42".into(), Some(hash.clone())).await.unwrap());
        assert!(!hasher.verify("violet-tractor-harbour-43".into(), Some(hash)).await.unwrap());
        assert!(!hasher.verify("dummy password that matches no account".into(), None).await.unwrap(), "the dummy never signs anyone in");
    }

    #[test]
    fn the_common_list_is_loaded() {
        assert!(COMMON.len() > 40_000);
        assert!(is_common("passwordpassword") && is_common("qwertyuiopasdfghjkl"));
        assert!(!is_common("violet-tractor-harbour-42"));
    }
}
