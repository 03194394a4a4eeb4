//! Postal addresses: the request shape ([`PostalAddressInput`]), the validated address
//! ([`PostalAddress`]) and its [`PostalCode`], checked against the country's format where we
//! know it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{CountryCode, FieldErrors, InvalidValue, optional_line, single_line, text_value};

/// Longest street line, in characters.
pub const LINE_MAX: usize = 200;
/// Longest city name, in characters.
pub const CITY_MAX: usize = 100;
/// Longest free-text postal code ([`PostalCodeRule::FreeText`]), in characters.
pub const FREE_POSTAL_CODE_MAX: usize = 16;

/// A postal code, normalised: upper-case; UK and Canadian codes with their single space
/// (`SW1A 1AA`, `K1A 0B1`), other formats of the seven markets without spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PostalCode(String);

/// How strictly a postal code is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostalCodeRule {
    /// The country's format in FR, DE, IT, ES, GB, CA and US; elsewhere up to 12 letters, digits,
    /// spaces and dashes. User addresses.
    CountryFormat,
    /// Any single line of at most [`FREE_POSTAL_CODE_MAX`] characters, kept as typed. Agency
    /// addresses, entered by staff, are not held to the formats (yet).
    FreeText,
}

impl PostalCode {
    /// Parses a postal code of `country` in its format ([`PostalCodeRule::CountryFormat`]).
    pub fn parse(raw: &str, country: &CountryCode) -> Result<Self, InvalidValue> {
        let code = raw.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(InvalidValue::required("a postal code is required"));
        }
        // Characters, never bytes: any Unicode input must be refused, not cut in half.
        let compact: Vec<char> = code.chars().filter(|c| *c != ' ').collect();
        let normalised = match country.as_str() {
            "FR" | "DE" | "IT" => all_digits(&compact, 5).then(|| compact.iter().collect()),
            "ES" => (all_digits(&compact, 5) && (1..=52).contains(&compact.get(..2).map_or(0, number))).then(|| compact.iter().collect()),
            "US" => us_zip(&compact),
            "CA" => canadian(&compact),
            "GB" => british(&compact),
            _ => (code.len() <= 12 && code.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')).then_some(code),
        };
        normalised.map(Self).ok_or_else(|| InvalidValue::invalid("not a valid postal code for this country"))
    }

    /// A free-text postal code ([`PostalCodeRule::FreeText`]): a single line of at most
    /// [`FREE_POSTAL_CODE_MAX`] characters, whatever the country.
    pub fn free_text(raw: &str) -> Result<Self, InvalidValue> {
        single_line(raw, FREE_POSTAL_CODE_MAX).map(Self)
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_value!(PostalCode);
crate::string_schema!(PostalCode, "Postal code, in the country's format", None, "75001");

fn all_digits(code: &[char], length: usize) -> bool {
    code.len() == length && code.iter().all(char::is_ascii_digit)
}

/// The number the province digits of a Spanish code write (0 for anything else).
fn number(digits: &[char]) -> u32 {
    digits.iter().try_fold(0u32, |n, c| n.checked_mul(10)?.checked_add(c.to_digit(10)?)).unwrap_or(0)
}

/// `12345` or `12345-6789`.
fn us_zip(code: &[char]) -> Option<String> {
    let valid = match code.iter().position(|c| *c == '-') {
        None => all_digits(code, 5),
        Some(dash) => all_digits(&code[..dash], 5) && all_digits(&code[dash + 1..], 4),
    };
    valid.then(|| code.iter().collect())
}

/// `A9A 9A9`, first letter of the postal districts, others without D, F, I, O, Q, U.
fn canadian(code: &[char]) -> Option<String> {
    const FIRST: &str = "ABCEGHJKLMNPRSTVXY";
    const OTHER: &str = "ABCEGHJKLMNPRSTVWXYZ";
    let [a, b, c, d, e, f] = code else { return None };
    let valid =
        FIRST.contains(*a) && b.is_ascii_digit() && OTHER.contains(*c) && d.is_ascii_digit() && OTHER.contains(*e) && f.is_ascii_digit();
    valid.then(|| format!("{a}{b}{c} {d}{e}{f}"))
}

/// Outward code (`A9`, `A99`, `AA9`, `AA99`, `A9A`, `AA9A`), a space, inward code (`9AA`).
fn british(code: &[char]) -> Option<String> {
    let shape: String = code
        .iter()
        .map(|c| match c {
            'A'..='Z' => 'A',
            '0'..='9' => '9',
            _ => '?',
        })
        .collect();
    let outward_len = shape.strip_suffix("9AA").filter(|outward| ["A9", "A99", "AA9", "AA99", "A9A", "AA9A"].contains(outward))?.len();
    let (outward, inward) = code.split_at(outward_len);
    Some(format!("{} {}", outward.iter().collect::<String>(), inward.iter().collect::<String>()))
}

/// A postal address as clients send it (`address` of a registration, a profile or an agency):
/// text only, checked by [`PostalAddressInput::parse`] with one field error per mistake.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostalAddressInput {
    /// Street and number.
    pub line1: String,
    /// Building, floor, terminal…
    #[serde(default)]
    pub line2: Option<String>,
    /// Postal code, in the country's format.
    pub postal_code: String,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2 code, e.g. `FR`.
    pub country_code: String,
}

impl PostalAddressInput {
    /// Validates every field, the postal code in its country's format; errors name
    /// `{field}.line1`, `{field}.postalCode`, ….
    pub fn parse(&self, field: &str) -> Result<PostalAddress, FieldErrors> {
        self.parse_with(field, PostalCodeRule::CountryFormat)
    }

    /// [`parse`](Self::parse), reading the postal code by `rule`.
    pub fn parse_with(&self, field: &str, rule: PostalCodeRule) -> Result<PostalAddress, FieldErrors> {
        let mut errors = FieldErrors::new();
        let at = |name: &str| format!("{field}.{name}");
        let line1 = errors.check(&at("line1"), single_line(&self.line1, LINE_MAX));
        let line2 = errors.check(&at("line2"), optional_line(self.line2.as_deref(), LINE_MAX));
        // The country is read first (the postal code depends on it), its error recorded last.
        let country = CountryCode::parse(&self.country_code);
        let postal_code = match (rule, &country) {
            (PostalCodeRule::CountryFormat, Ok(country)) => errors.check(&at("postalCode"), PostalCode::parse(&self.postal_code, country)),
            // The format depends on the country, which is refused below.
            (PostalCodeRule::CountryFormat, Err(_)) => None,
            (PostalCodeRule::FreeText, _) => errors.check(&at("postalCode"), PostalCode::free_text(&self.postal_code)),
        };
        let city = errors.check(&at("city"), single_line(&self.city, CITY_MAX));
        let country_code = errors.check(&at("countryCode"), country);
        errors.finish()?;
        match (line1, line2, postal_code, city, country_code) {
            (Some(line1), Some(line2), Some(postal_code), Some(city), Some(country_code)) => {
                Ok(PostalAddress { line1, line2, postal_code, city, country_code })
            }
            // Unreachable: every `None` above recorded an error.
            _ => Err(InvalidValue::invalid("not a valid address").at(field).into()),
        }
    }
}

/// A valid postal address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostalAddress {
    /// Street and number.
    pub line1: String,
    /// Building, floor, terminal…
    pub line2: Option<String>,
    /// Postal code.
    pub postal_code: PostalCode,
    /// City.
    pub city: String,
    /// Country.
    pub country_code: CountryCode,
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use ycyw_testkit::fuzz::{hostile_text, mutated};

    use super::*;
    use crate::domain::fuzz::spliced;

    fn country(code: &str) -> CountryCode {
        CountryCode::parse(code).unwrap()
    }

    fn input(postal_code: &str, country_code: &str) -> PostalAddressInput {
        PostalAddressInput {
            line1: "10 rue de Rivoli".into(),
            line2: None,
            postal_code: postal_code.into(),
            city: "Paris".into(),
            country_code: country_code.into(),
        }
    }

    #[test]
    fn postal_codes_of_the_seven_markets() {
        let ok = [
            ("FR", "75001", "75001"),
            ("FR", "75 001", "75001"),
            ("DE", "10115", "10115"),
            ("ES", "28013", "28013"),
            ("ES", "52001", "52001"),
            ("IT", "00184", "00184"),
            ("GB", "sw1a 1aa", "SW1A 1AA"),
            ("GB", "M11AE", "M1 1AE"),
            ("GB", "B33 8TH", "B33 8TH"),
            ("GB", "CR2 6XH", "CR2 6XH"),
            ("GB", "W1A 0AX", "W1A 0AX"),
            ("GB", "EC1A 1BB", "EC1A 1BB"),
            ("CA", "k1a0b1", "K1A 0B1"),
            ("US", "10001", "10001"),
            ("US", "10001-1234", "10001-1234"),
            ("BE", "b-1000", "B-1000"),
            ("JP", "100 0001", "100 0001"),
        ];
        for (code, raw, normalised) in ok {
            assert_eq!(PostalCode::parse(raw, &country(code)).map(String::from), Ok(normalised.to_string()), "{code} {raw}");
        }
        let bad = [
            ("FR", "7500"),
            ("FR", "75OO1"),
            ("DE", "1011A"),
            ("ES", "53001"),
            ("ES", "00001"),
            ("IT", "001844"),
            ("GB", "12345"),
            ("GB", "SW1A"),
            ("GB", "SW1AA 1AA"),
            ("GB", "1W1A 1AA"),
            ("CA", "D1A 0B1"),
            ("CA", "12345"),
            ("US", "1234"),
            ("US", "10001-12"),
            ("US", "10001-1234-5"),
            ("BE", "B_1000"),
            ("JP", "1234567890123"),
        ];
        for (code, raw) in bad {
            assert_eq!(PostalCode::parse(raw, &country(code)).unwrap_err().code, "invalid", "{code} {raw} accepted");
        }
        assert_eq!(PostalCode::parse("  ", &country("FR")).unwrap_err().code, "required");
    }

    #[test]
    fn multi_byte_characters_are_refused_not_cut() {
        // "AAÉAA" once split a GB code at a byte offset inside the É, and panicked.
        for code in ["GB", "CA", "ES", "US", "FR", "BE"] {
            for raw in ["AAÉAA", "ÉÉÉÉÉ", "1234É", "É1234", "SW1A 1AÉ", "K1A 0B日"] {
                assert_eq!(PostalCode::parse(raw, &country(code)).unwrap_err().code, "invalid", "{code} {raw}");
            }
        }
        assert_eq!(PostalCode::free_text("  Hall É ").map(String::from), Ok("Hall É".into()));
        assert!(PostalCode::free_text(&"1".repeat(17)).is_err());
    }

    #[test]
    fn wide_characters_at_every_position_of_valid_codes() {
        let valid = [("GB", "SW1A 1AA"), ("GB", "M1 1AE"), ("CA", "K1A 0B1"), ("ES", "28013"), ("US", "10001-1234"), ("BE", "B-1000")];
        for (code, raw) in valid {
            for input in spliced(raw) {
                assert!(PostalCode::parse(&input, &country(code)).is_err(), "{code} {input:?}");
            }
        }
    }

    #[test]
    fn addresses_report_each_field_in_order() {
        let address = input("sw1a1aa", "gb").parse("address").unwrap();
        assert_eq!((address.postal_code.as_str(), address.country_code.as_str(), address.line2), ("SW1A 1AA", "GB", None));
        let json = serde_json::to_value(input("75001", "FR").parse("address").unwrap()).unwrap();
        let expected = serde_json::json!({
            "line1": "10 rue de Rivoli", "line2": null, "postalCode": "75001", "city": "Paris", "countryCode": "FR"
        });
        assert_eq!(json, expected);

        let mut bad = input("7500", "FR");
        bad.line1 = " ".into();
        bad.line2 = Some("x".repeat(201));
        bad.city = "c".repeat(101);
        let errors: Vec<(String, String)> = bad.parse("address").unwrap_err().into_iter().map(|e| (e.field, e.code)).collect();
        let expected =
            [("address.line1", "required"), ("address.line2", "invalid"), ("address.postalCode", "invalid"), ("address.city", "invalid")];
        assert_eq!(errors, expected.map(|(f, c)| (f.to_string(), c.to_string())));
        let errors = input("75001", "XX").parse("a").unwrap_err();
        assert_eq!(errors.as_slice().iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["a.countryCode"]);
        let free = input("10001", "GB").parse_with("address", PostalCodeRule::FreeText).unwrap();
        assert_eq!(free.postal_code.as_str(), "10001");
        let errors = input(" ", "XX").parse_with("a", PostalCodeRule::FreeText).unwrap_err();
        assert_eq!(errors.as_slice().iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["a.postalCode", "a.countryCode"]);
    }

    fn any_country() -> impl Strategy<Value = CountryCode> {
        prop::sample::select(vec!["FR", "DE", "IT", "ES", "GB", "CA", "US", "BE", "JP"]).prop_map(country)
    }

    proptest! {
        #[test]
        /// Invariant: never panics; an accepted code (in the country's format, or free text)
        /// parses again to itself, so stored codes read back; refusals are `required`/`invalid`.
        fn fuzz_postal_code_parse(raw in hostile_text(), near in mutated("SW1A 1AA"), shaped in "[A-Za-z0-9 -]{0,9}", country in any_country()) {
            for raw in [raw, near, shaped] {
                // Stored codes are read back through the same parser.
                if let Ok(code) = PostalCode::parse(&raw, &country) {
                    prop_assert_eq!(PostalCode::parse(code.as_str(), &country), Ok(code.clone()));
                }
                if let Ok(code) = PostalCode::free_text(&raw) {
                    prop_assert_eq!(PostalCode::free_text(code.as_str()), Ok(code.clone()));
                }
            }
        }

        #[test]
        /// Invariant: never panics, whatever each field holds.
        fn fuzz_postal_address_parse(line1 in hostile_text(), postal in hostile_text(), city in "\\PC*", country_code in "\\PC{0,3}") {
            let input = PostalAddressInput { line1, line2: Some(city.clone()), postal_code: postal, city, country_code };
            let _ = input.parse("address");
            let _ = input.parse_with("address", PostalCodeRule::FreeText);
        }
    }
}
