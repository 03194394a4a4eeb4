//! A reservation's human reference, `YCW-7K2M9Q`: what a customer reads over the phone or
//! types at the counter, so its alphabet leaves out the characters people confuse (0/O, 1/I/L).

use std::fmt;
use std::str::FromStr;

use rand::Rng;
use serde::Serialize;
use ycyw_shared::domain::InvalidValue;

/// The characters of a reference after `YCW-`: digits and capitals without 0, 1, I, L and O.
pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// How many characters follow `YCW-`.
pub const LENGTH: usize = 6;
const PREFIX: &str = "YCW-";

/// A valid reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Reference(String);

impl Reference {
    /// A fresh random reference (31⁶ ≈ 887 million of them; the unique key catches a collision
    /// and the booking draws another).
    pub fn generate(rng: &mut impl Rng) -> Self {
        let tail: String = (0..LENGTH).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect();
        Self(format!("{PREFIX}{tail}"))
    }

    /// The reference.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Reference {
    type Err = InvalidValue;

    /// Reads a reference as people type it: case and surrounding spaces do not matter.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        let valid = upper.strip_prefix(PREFIX).is_some_and(|tail| tail.len() == LENGTH && tail.bytes().all(|b| ALPHABET.contains(&b)));
        if valid { Ok(Self(upper)) } else { Err(InvalidValue::invalid("a reference like YCW-7K2M9Q")) }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

ycyw_shared::string_schema!(Reference, "Reservation reference", Some("^YCW-[2-9A-HJKMNP-Z]{6}$"), "YCW-7K2M9Q");

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use ycyw_testkit::fuzz::{hostile_text, mutated};

    use super::*;

    #[test]
    fn the_alphabet_has_no_confusable_characters() {
        for confusable in b"01ILO" {
            assert!(!ALPHABET.contains(confusable), "{}", char::from(*confusable));
        }
        let mut sorted = ALPHABET.to_vec();
        sorted.dedup();
        assert_eq!(sorted.len(), ALPHABET.len());
    }

    #[test]
    fn references_parse_as_typed() {
        assert_eq!(" ycw-7k2m9q ".parse::<Reference>().unwrap().as_str(), "YCW-7K2M9Q");
        for bad in ["", "YCW-", "YCW-7K2M9", "YCW-7K2M9QQ", "YCW-7K2M0Q", "YCW-7K2MIQ", "XYZ-7K2M9Q", "YCW7K2M9Q"] {
            assert!(bad.parse::<Reference>().is_err(), "{bad}");
        }
    }

    proptest! {
        /// Invariant: never panics; an accepted reference is `YCW-` and six characters of the
        /// alphabet, the trimmed input upper-cased, and parses again to itself.
        #[test]
        fn fuzz_reference_parse(raw in prop_oneof![hostile_text(), mutated(" ycw-7k2m9q "), "[yY][cC][wW]-[0-9A-Za-z]{5,7}"]) {
            if let Ok(reference) = raw.parse::<Reference>() {
                let tail = reference.as_str().strip_prefix(PREFIX).unwrap_or_default();
                prop_assert!(tail.len() == LENGTH && tail.bytes().all(|b| ALPHABET.contains(&b)));
                prop_assert_eq!(reference.as_str(), raw.trim().to_ascii_uppercase());
                prop_assert_eq!(reference.as_str().parse::<Reference>(), Ok(reference.clone()));
            }
        }

        #[test]
        fn generated_references_parse_back(seed in any::<u64>()) {
            use rand::SeedableRng;
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            let reference = Reference::generate(&mut rng);
            prop_assert_eq!(reference.as_str().parse::<Reference>().unwrap(), reference);
        }
    }
}
