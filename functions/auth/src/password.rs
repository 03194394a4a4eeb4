//! Password hashing (argon2id) and the common-password list.

use std::collections::HashSet;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;
use ycyw_shared::config::{ConfigError, env_lookup};

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| include_str!("../data/common-passwords.txt").lines().collect());

/// True when the lower-cased `password` is in the shipped list of common passwords.
pub fn is_common(lowercased: &str) -> bool {
    COMMON.contains(lowercased)
}

/// Smallest memory cost accepted (OWASP's argon2id minimum: 19 MiB).
pub const MIN_MEMORY_KIB: u32 = 19 * 1024;

/// How long a hash waits for a free slot before the request is answered 503 `overloaded`.
pub(crate) const SLOT_WAIT: Duration = Duration::from_secs(2);

/// Why no hash was computed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HashError {
    /// Every slot is taken (argon2 needs its memory for each hash at once): try again shortly.
    #[error("every password-hashing slot is busy")]
    Busy,
    /// argon2 or the blocking pool failed.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// Hashes and verifies passwords with argon2id, on the blocking pool, at most `slots` at once
/// process-wide: each hash takes `ARGON2_MEMORY_KIB` of memory, so an unbounded number of them
/// (a flood of anonymous requests) would take the process's memory.
#[derive(Clone)]
pub struct Hasher {
    params: Params,
    dummy_hash: Arc<String>,
    slots: Arc<Semaphore>,
    slot_wait: Duration,
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher").field("params", &self.params).finish_non_exhaustive()
    }
}

impl Hasher {
    /// From `ARGON2_MEMORY_KIB` (≥ 19456, default 19456), `ARGON2_ITERATIONS` (default 2),
    /// `ARGON2_PARALLELISM` (default 1) and `ARGON2_MAX_CONCURRENT` (default: as many hashes as
    /// fit in a quarter of the memory the process may use, see [`default_slots`]).
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
        let slots = match env_lookup("ARGON2_MAX_CONCURRENT") {
            Some(_) => number("ARGON2_MAX_CONCURRENT", 1)?.max(1) as usize,
            None => default_slots(memory, memory_limit_bytes()),
        };
        Self::new(params, slots, SLOT_WAIT)
    }

    pub(crate) fn new(params: Params, slots: usize, slot_wait: Duration) -> Result<Self, ConfigError> {
        let dummy = dummy_hash(&params).map_err(|e| ConfigError::Invalid { key: "ARGON2_*", reason: e.to_string() })?;
        tracing::info!(slots, memory_kib = params.m_cost(), "password hashing bounded");
        Ok(Self { params, dummy_hash: Arc::new(dummy), slots: Arc::new(Semaphore::new(slots.max(1))), slot_wait })
    }

    /// How many hashes may start now.
    #[cfg(test)]
    pub(crate) fn slots(&self) -> usize {
        self.slots.available_permits()
    }

    /// Runs `work` on the blocking pool once a slot is free, or fails [`HashError::Busy`] after
    /// waiting [`SLOT_WAIT`].
    async fn in_slot<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, HashError> {
        let permit = match tokio::time::timeout(self.slot_wait, self.slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => permit,
            Ok(Err(closed)) => return Err(HashError::Failed(closed.into())),
            Err(_) => return Err(HashError::Busy),
        };
        let outcome = tokio::task::spawn_blocking(move || {
            let outcome = work();
            drop(permit);
            outcome
        })
        .await
        .map_err(anyhow::Error::from)?;
        Ok(outcome)
    }

    /// The argon2id PHC string of `password`.
    pub(crate) async fn hash(&self, password: String) -> Result<String, HashError> {
        let params = self.params.clone();
        self.in_slot(move || hash_with(&params, &password)).await?.map_err(|e| HashError::Failed(anyhow::anyhow!("hashing: {e}")))
    }

    /// Whether `password` matches `hash`. Without a hash (unknown user, no password yet) a dummy
    /// hash is verified instead, so both cases take the same time, and the answer is false.
    pub(crate) async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, HashError> {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash.as_str().to_string());
        let matches = self
            .in_slot(move || {
                PasswordHash::new(&hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
            })
            .await?;
        Ok(known && matches)
    }
}

/// Hashes that fit in a quarter of `limit_bytes` (the process's memory limit), from 1 to 64.
pub(crate) fn default_slots(memory_kib: u32, limit_bytes: u64) -> usize {
    let per_hash = u64::from(memory_kib) * 1024;
    usize::try_from((limit_bytes / 4) / per_hash.max(1)).unwrap_or(usize::MAX).clamp(1, 64)
}

/// The memory this process may use: its cgroup's limit (a container's), else the machine's.
fn memory_limit_bytes() -> u64 {
    let cgroup = std::fs::read_to_string("/sys/fs/cgroup/memory.max")
        .or_else(|_| std::fs::read_to_string("/sys/fs/cgroup/memory/memory.limit_in_bytes"))
        .ok()
        .and_then(|raw| raw.trim().parse::<u64>().ok());
    let machine = std::fs::read_to_string("/proc/meminfo").ok().and_then(|info| {
        info.lines().find(|l| l.starts_with("MemTotal:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|kib| kib.parse::<u64>().ok())
    });
    match (cgroup, machine.map(|kib| kib * 1024)) {
        (Some(limit), Some(total)) => limit.min(total),
        (Some(limit), None) => limit,
        (None, Some(total)) => total,
        (None, None) => 512 * 1024 * 1024,
    }
}

impl Hasher {
    /// True when `hash` was not made with the configured algorithm and cost (an older
    /// `ARGON2_*` setting, another algorithm): the next successful sign-in hashes the password
    /// again.
    pub(crate) fn needs_rehash(&self, hash: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(hash) else { return true };
        let current = (Some(self.params.m_cost()), Some(self.params.t_cost()), Some(self.params.p_cost()));
        let stored = match Params::try_from(&parsed) {
            Ok(params) => (Some(params.m_cost()), Some(params.t_cost()), Some(params.p_cost())),
            Err(_) => (None, None, None),
        };
        parsed.algorithm.as_str() != Algorithm::Argon2id.ident().as_str()
            || parsed.version != Some(Version::V0x13.into())
            || stored != current
    }
}

/// A PHC string of the configured algorithm and cost, with a random salt and a random output:
/// verifying any password against it costs what a real verification costs, and matches none
/// (a 256-bit output drawn at random). Hashing a dummy password instead took about 35 ms of
/// every start (docs/benchmarks.md), paid by each new Lambda or container instance.
fn dummy_hash(params: &Params) -> Result<String, argon2::password_hash::Error> {
    use argon2::password_hash::rand_core::RngCore as _;
    let salt = SaltString::generate(&mut OsRng);
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let output = argon2::password_hash::Output::new(&bytes)?;
    let phc = format!("$argon2id$v=19$m={},t={},p={}${}${output}", params.m_cost(), params.t_cost(), params.p_cost(), salt.as_str());
    // Parsed back, so a malformed one fails here, at start-up, not at the first unknown email.
    PasswordHash::new(&phc)?;
    Ok(phc)
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
        assert!(!hasher.verify(String::new(), None).await.unwrap());
    }

    /// The dummy costs what a real hash costs: same algorithm, version and parameters.
    #[test]
    fn the_dummy_hash_has_the_configured_cost() {
        let params = Params::new(MIN_MEMORY_KIB + 1024, 3, 1, None).unwrap();
        let hasher = Hasher::new(params, 1, SLOT_WAIT).unwrap();
        assert!(!hasher.needs_rehash(&hasher.dummy_hash), "{}", hasher.dummy_hash);
        assert!(hasher.dummy_hash.starts_with("$argon2id$v=19$m=20480,t=3,p=1$"), "{}", hasher.dummy_hash);
        assert_ne!(
            hasher.dummy_hash,
            Hasher::new(Params::new(MIN_MEMORY_KIB + 1024, 3, 1, None).unwrap(), 1, SLOT_WAIT).unwrap().dummy_hash
        );
    }

    #[tokio::test]
    async fn hashes_of_another_cost_or_algorithm_need_a_rehash() {
        let hasher = Hasher::new(Params::new(MIN_MEMORY_KIB, 2, 1, None).unwrap(), 2, SLOT_WAIT).unwrap();
        let current = hasher.hash("violet-tractor-harbour-42".into()).await.unwrap();
        assert!(!hasher.needs_rehash(&current));
        let cheaper = hash_with(&Params::new(MIN_MEMORY_KIB, 1, 1, None).unwrap(), "violet-tractor-harbour-42").unwrap();
        assert!(hasher.needs_rehash(&cheaper), "t=1 < the configured t=2");
        let argon2i = current.replacen("$argon2id$", "$argon2i$", 1);
        assert!(hasher.needs_rehash(&argon2i));
        assert!(hasher.needs_rehash("not a PHC string"));
    }

    #[test]
    fn slots_fit_a_quarter_of_the_memory_limit() {
        let gib = 1024 * 1024 * 1024;
        assert_eq!(default_slots(MIN_MEMORY_KIB, gib / 2), 6, "an ECS task of 512 MiB: 128 MiB / 19 MiB");
        assert_eq!(default_slots(MIN_MEMORY_KIB, 24 * gib), 64, "capped");
        assert_eq!(default_slots(MIN_MEMORY_KIB, 1024 * 1024), 1, "never zero");
    }

    #[tokio::test]
    async fn hashes_beyond_the_slots_wait_then_answer_busy() {
        let params = Params::new(MIN_MEMORY_KIB, 2, 1, None).unwrap();
        let hasher = Hasher::new(params, 2, Duration::from_millis(1)).unwrap();
        let attempts: Vec<_> = (0..8)
            .map(|n| {
                let hasher = hasher.clone();
                tokio::spawn(async move { hasher.hash(format!("violet-tractor-harbour-{n}")).await })
            })
            .collect();
        let mut done = 0;
        let mut busy = 0;
        for attempt in attempts {
            match attempt.await.unwrap() {
                Ok(_) => done += 1,
                Err(HashError::Busy) => busy += 1,
                Err(HashError::Failed(e)) => panic!("{e}"),
            }
        }
        assert!(done >= 2 && busy >= 1 && done + busy == 8, "{done} hashed, {busy} busy");
        assert_eq!(hasher.slots(), 2, "every slot is given back");
    }

    #[test]
    fn the_common_list_is_loaded() {
        assert!(COMMON.len() > 40_000);
        assert!(is_common("passwordpassword") && is_common("qwertyuiopasdfghjkl"));
        assert!(!is_common("violet-tractor-harbour-42"));
    }
}
