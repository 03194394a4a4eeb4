//! Pages of a list (API.md: `?limit=&cursor=` → `{ "items": [...], "nextCursor": "…" | null }`),
//! with keyset pagination: the cursor is the sort key of the last item seen, encoded so that
//! clients treat it as opaque.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::{FieldErrors, InvalidValue};

/// `?limit=` when absent.
pub const DEFAULT_LIMIT: u32 = 20;
/// The largest `?limit=`.
pub const MAX_LIMIT: u32 = 100;
/// The longest sort key a cursor may carry, in bytes.
pub const MAX_CURSOR_KEY: usize = 128;

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    /// This page.
    pub items: Vec<T>,
    /// Opaque cursor of the next page; `null` on the last one.
    pub next_cursor: Option<String>,
}

/// `?limit=&cursor=`, as text: [`Pagination::parse`] turns mistakes into field errors.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1 to 100 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

/// A validated `?limit=&cursor=`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// Items per page.
    pub limit: u32,
    /// Sort key of the last item of the previous page.
    pub after: Option<String>,
}

impl Pagination {
    /// Validates the query; errors name `limit` or `cursor`.
    pub fn parse(query: &PageQuery) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let limit = match query.limit.as_deref().map(str::trim) {
            None | Some("") => Some(DEFAULT_LIMIT),
            Some(raw) => errors.check("limit", parse_limit(raw)),
        };
        let after = match query.cursor.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(raw) => errors.check("cursor", decode_cursor(raw).map(Some)),
        };
        errors.finish()?;
        Ok(Self { limit: limit.unwrap_or(DEFAULT_LIMIT), after: after.flatten() })
    }

    /// How many rows to fetch: one more than a page, to know whether another page follows.
    pub fn fetch(&self) -> u32 {
        self.limit.saturating_add(1)
    }

    /// The page of `rows` (fetched with [`Pagination::fetch`]), its cursor from the last item's key.
    pub fn page<T>(&self, mut rows: Vec<T>, key: impl Fn(&T) -> &str) -> Page<T> {
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next_cursor = if more { rows.last().map(|last| encode_cursor(key(last))) } else { None };
        Page { items: rows, next_cursor }
    }
}

fn parse_limit(raw: &str) -> Result<u32, InvalidValue> {
    raw.parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_LIMIT).contains(n))
        .ok_or_else(|| InvalidValue::invalid(format!("a whole number from 1 to {MAX_LIMIT}")))
}

/// The opaque cursor of a sort key.
pub fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

/// The sort key of a cursor made by [`encode_cursor`].
pub fn decode_cursor(cursor: &str) -> Result<String, InvalidValue> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .filter(|key| !key.is_empty() && key.len() <= MAX_CURSOR_KEY)
        .ok_or_else(|| InvalidValue::invalid("not a cursor returned by this list"))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use ycyw_testkit::fuzz::{hostile_text, mutated};

    use super::*;
    use crate::domain::fuzz::spliced;

    fn page_query(limit: Option<&str>, cursor: Option<&str>) -> PageQuery {
        PageQuery { limit: limit.map(String::from), cursor: cursor.map(String::from) }
    }

    fn fields(errors: FieldErrors) -> Vec<(String, String)> {
        errors.into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn pagination_is_validated_and_cursors_round_trip() {
        assert_eq!(Pagination::parse(&page_query(None, None)), Ok(Pagination { limit: 20, after: None }));
        assert_eq!(Pagination::parse(&page_query(Some(" "), Some(""))), Ok(Pagination { limit: 20, after: None }));
        let cursor = encode_cursor("PAR-GDL");
        assert_eq!(
            Pagination::parse(&page_query(Some("100"), Some(&cursor))),
            Ok(Pagination { limit: 100, after: Some("PAR-GDL".into()) })
        );
        let errors = Pagination::parse(&page_query(Some("0"), Some("%%%"))).unwrap_err();
        assert_eq!(fields(errors), [("limit".to_string(), "invalid".to_string()), ("cursor".to_string(), "invalid".to_string())]);
        for bad in ["101", "ten", "-1", "1.5", "99999999999"] {
            assert!(Pagination::parse(&page_query(Some(bad), None)).is_err(), "{bad}");
        }
        assert!(decode_cursor(&encode_cursor(&"x".repeat(MAX_CURSOR_KEY + 1))).is_err());
        assert!(decode_cursor(&URL_SAFE_NO_PAD.encode([0xff, 0xfe])).is_err(), "not UTF-8");
    }

    #[test]
    fn pages_are_cut_after_the_limit() {
        let pagination = Pagination { limit: 2, after: None };
        assert_eq!(pagination.fetch(), 3);
        let page = pagination.page(vec!["a", "b", "c"], |s| s);
        assert_eq!((page.items, page.next_cursor), (vec!["a", "b"], Some(encode_cursor("b"))));
        assert_eq!(pagination.page(vec!["a", "b"], |s| s).next_cursor, None);
        let json = serde_json::to_value(Page { items: vec![1], next_cursor: None }).unwrap();
        assert_eq!(json, serde_json::json!({ "items": [1], "nextCursor": null }));
    }

    #[test]
    fn wide_characters_anywhere_never_panic() {
        for input in spliced(&encode_cursor("PAR-GDL")).into_iter().chain(spliced("20")) {
            let _ = Pagination::parse(&page_query(Some(&input), Some(&input)));
        }
    }

    fn any_cursor() -> impl Strategy<Value = String> {
        prop_oneof![
            hostile_text(),
            "[A-Za-z0-9_-]{0,200}",
            "\\PC{1,40}".prop_map(|key| encode_cursor(&key)),
            mutated(encode_cursor("1767225600000000|0190d7e26a4b7c1d9e8f1a2b3c4d5e6f")),
        ]
    }

    proptest! {
        /// Invariant: `?limit=&cursor=` never panics; accepted, the limit is 1 to 100 and the
        /// cursor is the canonical encoding of a 1 to 128-byte key (it encodes back to the same
        /// text); refused, the errors name only `limit` and `cursor`, with code `invalid`.
        #[test]
        fn fuzz_pagination_parse(limit in prop_oneof![hostile_text(), "[+-]?[0-9]{0,12}", mutated("100")], cursor in any_cursor()) {
            match Pagination::parse(&page_query(Some(&limit), Some(&cursor))) {
                Ok(pagination) => {
                    prop_assert!((1..=MAX_LIMIT).contains(&pagination.limit));
                    if let Some(key) = &pagination.after {
                        prop_assert!(!key.is_empty() && key.len() <= MAX_CURSOR_KEY);
                        prop_assert_eq!(encode_cursor(key), cursor.trim());
                    }
                }
                Err(errors) => {
                    for (field, code) in fields(errors) {
                        prop_assert!(field == "limit" || field == "cursor", "{}", field);
                        prop_assert_eq!(code, "invalid");
                    }
                }
            }
        }

        /// Invariant: every key of 1 to 128 bytes round-trips through its cursor.
        #[test]
        fn fuzz_cursor_round_trip(key in prop_oneof!["\\PC{1,32}", hostile_text()]) {
            let decoded = decode_cursor(&encode_cursor(&key));
            if !key.is_empty() && key.len() <= MAX_CURSOR_KEY {
                prop_assert_eq!(decoded, Ok(key));
            } else {
                prop_assert!(decoded.is_err());
            }
        }
    }
}
