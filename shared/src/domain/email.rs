//! Email addresses.

use crate::domain::{InvalidValue, parsed_from_str, text_value};

/// An email address: trimmed, lower-cased, of a plausible shape (`local@domain.tld`, at most 254
/// characters, a local part of at most 64). Whether it receives mail is for a verification link
/// to tell.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

impl Email {
    /// Parses and normalises an address.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err(InvalidValue::required("an email address is required"));
        }
        let valid = email.len() <= 254
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && local.len() <= 64
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && domain.contains('.')
                    && !domain.contains("..")
                    && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-')
                    && local.chars().all(|c| !c.is_whitespace() && !c.is_control() && c != '@')
            });
        if valid { Ok(Self(email)) } else { Err(InvalidValue::invalid("not a valid email address")) }
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_value!(Email);
parsed_from_str!(Email);
crate::string_schema!(Email, "Email address, lower-case", None, "ana@example.com");

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use ycyw_testkit::fuzz::{hostile_text, mutated};

    use super::*;
    use crate::domain::fuzz::spliced;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(Email::parse("  Ana.Silva@Example.COM ").unwrap().as_str(), "ana.silva@example.com");
        assert_eq!(Email::parse(" ").unwrap_err().code, "required");
        for bad in [
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "ana@@example.com",
            "ana @example.com",
            "ana@exa mple.com",
            "ana@.example.com",
            "ana@example..com",
            "ana@example.com.",
        ] {
            assert_eq!(Email::parse(bad).unwrap_err().code, "invalid", "{bad:?} accepted");
        }
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(65))).is_err());
        assert_eq!(serde_json::to_string(&Email::parse("a@b.fr").unwrap()).unwrap(), "\"a@b.fr\"");
        assert!(serde_json::from_str::<Email>("\"nope\"").is_err());
    }

    #[test]
    fn wide_characters_anywhere_never_panic() {
        for input in spliced("ana.silva@example.com") {
            let _ = Email::parse(&input);
        }
    }

    proptest! {
        /// Invariant: never panics; an accepted address parses again to itself; anything else is
        /// a typed `InvalidValue`.
        #[test]
        fn fuzz_email_parse(raw in prop_oneof![hostile_text(), mutated("Ana.Silva+cars@example.com")]) {
            if let Ok(email) = Email::parse(&raw) {
                prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
            }
        }
    }
}
