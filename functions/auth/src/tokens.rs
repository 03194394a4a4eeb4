//! Opaque tokens (refresh tokens, emailed links): 256 random bits, sent base64url-encoded,
//! stored as their SHA-256 hash only.

use base64::Engine as _;
use rand::Rng as _;
use sha2::{Digest, Sha256};

/// A fresh token and the hash to store.
pub fn generate() -> (String, Vec<u8>) {
    let bytes: [u8; 32] = rand::rng().random();
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash(&token);
    (token, hash)
}

/// The stored form of `token`.
pub fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.trim().as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_random_256_bit_and_hashed() {
        let (a, hash_a) = super::generate();
        let (b, _) = super::generate();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43, "32 bytes in unpadded base64url");
        assert_eq!(hash_a, super::hash(&a));
        assert_eq!(hash_a.len(), 32);
    }
}
