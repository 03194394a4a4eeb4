//! Phone numbers.

use crate::domain::{InvalidValue, parsed_from_str, text_value};

/// A phone number in E.164 form (`+33612345678`): a `+`, then 8 to 15 digits, the first not 0.
/// Spaces, dots, dashes and parentheses are removed first (`+33 6 12-34.56 78`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Phone(String);

impl Phone {
    /// Parses and normalises a number.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let phone: String = raw.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')')).collect();
        if phone.is_empty() {
            return Err(InvalidValue::required("a phone number is required"));
        }
        let digits = phone.strip_prefix('+').unwrap_or("");
        let valid = (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0');
        if valid { Ok(Self(phone)) } else { Err(InvalidValue::invalid("an international number such as +33612345678")) }
    }

    /// The number, `+` and digits only.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_value!(Phone);
parsed_from_str!(Phone);
crate::string_schema!(Phone, "Phone number, E.164", Some(r"^\+[1-9][0-9]{7,14}$"), "+33612345678");

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use ycyw_testkit::fuzz::{hostile_text, mutated};

    use super::*;
    use crate::domain::fuzz::spliced;

    #[test]
    fn phones_are_e164() {
        assert_eq!(Phone::parse("+33 6 12 34 56 78").unwrap().as_str(), "+33612345678");
        assert_eq!(Phone::parse("+1 (555) 010-0000").unwrap().as_str(), "+15550100000");
        assert_eq!(Phone::parse(" - ").unwrap_err().code, "required");
        for bad in ["0612345678", "+0612345678", "+33abc", "+1234567", "+1234567890123456", "+３３612345678"] {
            assert_eq!(Phone::parse(bad).unwrap_err().code, "invalid", "{bad:?} accepted");
        }
    }

    #[test]
    fn wide_characters_anywhere_are_refused() {
        for input in spliced("+33612345678") {
            assert!(Phone::parse(&input).is_err(), "{input:?}");
        }
    }

    proptest! {
        /// Invariant: never panics; an accepted number is `+` and 8 to 15 digits, the first not 0,
        /// and parses again to itself (stored numbers are read back through the same parser);
        /// anything else is `required` (nothing but separators) or `invalid`.
        #[test]
        fn fuzz_phone_parse(raw in prop_oneof![hostile_text(), "\\+[1-9][0-9 .()-]{7,20}", mutated("+33 6 12 34 56 78")]) {
            match Phone::parse(&raw) {
                Ok(phone) => {
                    let digits = phone.as_str().strip_prefix('+').unwrap_or_default();
                    prop_assert!((8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0'));
                    prop_assert_eq!(Phone::parse(phone.as_str()), Ok(phone.clone()));
                }
                Err(error) => prop_assert!(error.code == "required" || error.code == "invalid", "{}", error.code),
            }
        }
    }
}
