//! Single lines of free text: names, address lines, models.

use crate::domain::InvalidValue;

/// A required single line of text: trimmed, 1 to `max_chars` characters (not bytes), no
/// control characters.
pub fn single_line(raw: &str, max_chars: usize) -> Result<String, InvalidValue> {
    let line = raw.trim();
    if line.is_empty() {
        return Err(InvalidValue::required("this field is required"));
    }
    if line.chars().count() > max_chars {
        return Err(InvalidValue::invalid(format!("at most {max_chars} characters")));
    }
    if line.chars().any(char::is_control) {
        return Err(InvalidValue::invalid("a single line of text, without control characters"));
    }
    Ok(line.to_string())
}

/// An optional single line: absent or blank is `None`, anything else as [`single_line`].
pub fn optional_line(raw: Option<&str>, max_chars: usize) -> Result<Option<String>, InvalidValue> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(line) => single_line(line, max_chars).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use ycyw_testkit::fuzz::{hostile_text, mutated};

    use super::*;
    use crate::domain::fuzz::spliced;

    #[test]
    fn lines_are_trimmed_bounded_and_single() {
        assert_eq!(single_line("  Ana  ", 3), Ok("Ana".to_string()));
        assert_eq!(single_line("日本語", 3), Ok("日本語".to_string()), "characters, not bytes");
        assert_eq!(single_line(" ", 3).unwrap_err().code, "required");
        assert_eq!(single_line("Anna", 3).unwrap_err().code, "invalid");
        assert_eq!(single_line("a\nb", 10).unwrap_err().code, "invalid");
        assert_eq!(optional_line(Some("  "), 3), Ok(None));
        assert_eq!(optional_line(None, 3), Ok(None));
        assert_eq!(optional_line(Some(" b "), 3), Ok(Some("b".into())));
    }

    #[test]
    fn wide_characters_anywhere_are_counted_not_cut() {
        for input in spliced("Rue de Rivoli") {
            assert!(single_line(&input, 14).is_ok(), "{input:?}");
        }
    }

    proptest! {
        #[test]
        /// Invariant: never panics; an accepted line is at most `max` characters and parses
        /// again to itself.
        fn fuzz_single_line(raw in prop_oneof![hostile_text(), mutated("  Rue de Rivoli ")], max in 0usize..300) {
            if let Ok(line) = single_line(&raw, max) {
                prop_assert!(line.chars().count() <= max);
                prop_assert_eq!(single_line(&line, max), Ok(line.clone()));
            }
            let _ = optional_line(Some(&raw), max);
        }
    }
}
