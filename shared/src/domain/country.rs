//! Countries.

use crate::domain::{InvalidValue, parsed_from_str, text_value};

/// The officially assigned ISO 3166-1 alpha-2 codes, sorted.
const ASSIGNED: [&str; 249] = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE", "BF", "BG",
    "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI",
    "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH",
    "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ",
    "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT",
    "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS",
    "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU",
    "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG",
    "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK",
    "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU",
    "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// A country: an officially assigned ISO 3166-1 alpha-2 code (`FR`, `GB`, not `UK`), upper-case.
/// Any country a user may live in; the markets agencies are in are the catalog's business.
/// (Cheap to clone; not `Copy`, so that it is bound to SQL by reference like the other values.)
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode(&'static str);

impl CountryCode {
    /// Parses a code, ignoring case and surrounding spaces.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let code = raw.trim();
        if code.is_empty() {
            return Err(InvalidValue::required("a country code is required"));
        }
        match code.as_bytes() {
            [a, b] => Self::from_ascii([a.to_ascii_uppercase(), b.to_ascii_uppercase()]),
            _ => None,
        }
        .ok_or_else(|| InvalidValue::invalid("an ISO 3166-1 alpha-2 country code such as FR"))
    }

    /// The country of two upper-case ASCII letters, if it is assigned. A `const fn`, so a code
    /// written in the source can be checked when compiling:
    /// `const { match CountryCode::from_ascii(*b"FR") { Some(c) => c, None => panic!() } }`.
    pub const fn from_ascii(code: [u8; 2]) -> Option<Self> {
        let mut i = 0;
        while i < ASSIGNED.len() {
            let known = ASSIGNED[i].as_bytes();
            if known[0] == code[0] && known[1] == code[1] {
                return Some(Self(ASSIGNED[i]));
            }
            i += 1;
        }
        None
    }

    /// The code, e.g. `"FR"`.
    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

text_value!(CountryCode);
parsed_from_str!(CountryCode);
crate::string_schema!(CountryCode, "Country, ISO 3166-1 alpha-2", Some("^[A-Z]{2}$"), "FR");

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use ycyw_testkit::fuzz::{hostile_text, mutated};

    use super::*;
    use crate::domain::fuzz::spliced;

    #[test]
    fn the_list_is_the_assigned_codes() {
        assert!(ASSIGNED.windows(2).all(|w| w[0] < w[1]), "sorted, no duplicates");
        assert!(ASSIGNED.iter().all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())));
        for code in ["FR", "DE", "ES", "IT", "GB", "CA", "US", "BE", "CH", "JP", "AQ", "SS", "XK"] {
            assert_eq!(ASSIGNED.contains(&code), code != "XK", "{code}");
        }
    }

    #[test]
    fn codes_are_upper_cased_and_checked() {
        assert_eq!(CountryCode::parse(" fr ").unwrap().as_str(), "FR");
        assert_eq!(CountryCode::parse("").unwrap_err().code, "required");
        for bad in ["XX", "FRA", "UK", "F", "F1", "ＦＲ", "É"] {
            assert_eq!(CountryCode::parse(bad).unwrap_err().code, "invalid", "{bad:?}");
        }
        assert_eq!(CountryCode::from_ascii(*b"GB").map(|c| c.as_str()), Some("GB"));
        assert_eq!(CountryCode::from_ascii(*b"gb"), None, "upper-case only");
        assert_eq!(serde_json::to_string(&CountryCode::parse("ca").unwrap()).unwrap(), "\"CA\"");
        assert_eq!(serde_json::from_str::<CountryCode>("\"us\"").unwrap().as_str(), "US");
    }

    #[test]
    fn wide_characters_anywhere_are_refused() {
        for input in spliced("FR") {
            assert!(CountryCode::parse(&input).is_err(), "{input:?}");
        }
    }

    proptest! {
        #[test]
        /// Invariant: never panics; an accepted code is the trimmed input upper-cased.
        fn fuzz_country_code_parse(raw in hostile_text(), near in mutated("fr"), short in "[a-zA-Z]{2}") {
            for raw in [raw, near, short] {
                if let Ok(code) = CountryCode::parse(&raw) {
                    prop_assert_eq!(code.as_str(), raw.trim().to_ascii_uppercase());
                }
            }
        }
    }
}
