//! The inputs of the parsers' fuzz tests (docs/fuzzing.md): proptest strategies for text a
//! parser of outside input must survive, near-valid mutations of a valid input, and arbitrary
//! JSON. How many cases run comes from proptest's configuration (`PROPTEST_CASES`, 256 by
//! default), so a longer run needs no code change.

use proptest::prelude::*;
use serde_json::Value;

/// Characters that break naive parsers: C0 and C1 controls, NUL, line and paragraph separators,
/// zero-width and bidirectional controls, the byte-order mark, a combining mark, characters of
/// 2, 3 and 4 UTF-8 bytes, and the replacement character.
pub const TRICKY: &[char] = &[
    '\0', '\t', '\n', '\r', '\u{b}', '\u{c}', '\u{1b}', '\u{7f}', '\u{80}', '\u{85}', '\u{9f}', '\u{a0}', '\u{200b}', '\u{200d}',
    '\u{200e}', '\u{2028}', '\u{2029}', '\u{202e}', '\u{2066}', '\u{feff}', '\u{301}', 'É', 'ß', 'İ', '日', '🚗', '\u{fffd}',
];

/// The longest text [`hostile_text`] makes, in characters (a long run costs more than it finds).
pub const LONG: usize = 64 * 1024;

/// One character: usually ASCII (digits, letters, the punctuation parsers split on), often a
/// [`TRICKY`] one, sometimes any Unicode scalar value.
pub fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range(' ', '~'),
        3 => prop::sample::select(TRICKY),
        1 => any::<char>(),
    ]
}

/// Text a parser of outside input must survive without panicking: arbitrary Unicode (control
/// characters included), short runs of [`hostile_char`], and very long runs (up to [`LONG`]
/// characters) of a repeated fragment.
pub fn hostile_text() -> BoxedStrategy<String> {
    prop_oneof![
        3 => prop::collection::vec(hostile_char(), 0..48).prop_map(String::from_iter),
        2 => any::<String>(),
        1 => prop::collection::vec(any::<char>(), 0..256).prop_map(String::from_iter),
        1 => (prop::collection::vec(hostile_char(), 1..8), 1..LONG / 8).prop_map(|(unit, times)| {
            let unit: String = unit.into_iter().collect();
            unit.repeat(times)
        }),
    ]
    .boxed()
}

/// One edit of [`mutated`].
#[derive(Debug, Clone, Copy)]
enum Edit {
    Insert,
    Delete,
    Replace,
    Duplicate,
    Truncate,
    SwapCase,
}

/// `valid` with one to three edits: a character inserted, deleted or replaced (by a
/// [`hostile_char`]), a tail duplicated or cut, a letter's case swapped — near-valid input that
/// reaches a parser's later checks.
pub fn mutated(valid: impl Into<String>) -> BoxedStrategy<String> {
    let valid: Vec<char> = valid.into().chars().collect();
    let edit = prop_oneof![
        Just(Edit::Insert),
        Just(Edit::Delete),
        Just(Edit::Replace),
        Just(Edit::Duplicate),
        Just(Edit::Truncate),
        Just(Edit::SwapCase)
    ];
    prop::collection::vec((edit, any::<prop::sample::Index>(), hostile_char()), 1..=3)
        .prop_map(move |edits| {
            let mut text = valid.clone();
            for (edit, at, c) in edits {
                let (anywhere, inside) = (at.index(text.len() + 1), at.index(text.len().max(1)));
                match edit {
                    Edit::Insert => text.insert(anywhere, c),
                    Edit::Delete | Edit::Replace | Edit::SwapCase if text.is_empty() => text.push(c),
                    Edit::Delete => {
                        text.remove(inside);
                    }
                    Edit::Replace => text[inside] = c,
                    Edit::SwapCase => {
                        let ch = text[inside];
                        text[inside] = if ch.is_ascii_uppercase() { ch.to_ascii_lowercase() } else { ch.to_ascii_uppercase() };
                    }
                    Edit::Duplicate => {
                        let tail = text[anywhere..].to_vec();
                        text.extend(tail);
                    }
                    Edit::Truncate => text.truncate(anywhere),
                }
            }
            text.into_iter().collect()
        })
        .boxed()
}

/// Any JSON value, nested up to four levels: nulls, booleans, integers and floats at their
/// limits, [`hostile_text`] strings, arrays and objects with hostile keys.
pub fn json_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        hostile_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-zA-Z]{0,12}|\\PC{0,8}", inner), 0..6).prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest! {
        #[test]
        fn mutations_stay_near_the_valid_input(text in mutated("CDMR")) {
            // Three edits at most, each adding one character or at most doubling the text.
            prop_assert!(text.chars().count() <= 8 * (4 + 1));
        }

        #[test]
        fn hostile_text_is_bounded(text in hostile_text()) {
            prop_assert!(text.chars().count() <= LONG);
        }
    }
}
