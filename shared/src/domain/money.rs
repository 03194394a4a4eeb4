//! Currencies and amounts of money (API.md: `{ "amountMinor": 12345, "currency": "EUR" }`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::InvalidValue;

/// A currency we price in (ISO 4217); every one has two minor-unit digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum CurrencyCode {
    /// Euro.
    Eur,
    /// Pound sterling.
    Gbp,
    /// Canadian dollar.
    Cad,
    /// US dollar.
    Usd,
}

impl CurrencyCode {
    /// Every currency.
    pub const ALL: [CurrencyCode; 4] = [CurrencyCode::Eur, CurrencyCode::Gbp, CurrencyCode::Cad, CurrencyCode::Usd];

    /// The ISO code.
    pub fn as_str(self) -> &'static str {
        match self {
            CurrencyCode::Eur => "EUR",
            CurrencyCode::Gbp => "GBP",
            CurrencyCode::Cad => "CAD",
            CurrencyCode::Usd => "USD",
        }
    }

    /// Parses an ISO code, ignoring case and surrounding spaces.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let code = raw.trim();
        if code.is_empty() {
            return Err(InvalidValue::required("a currency is required"));
        }
        CurrencyCode::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(code))
            .ok_or_else(|| InvalidValue::invalid("must be one of EUR, GBP, CAD, USD"))
    }
}

impl FromStr for CurrencyCode {
    type Err = InvalidValue;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::parse(raw)
    }
}

impl fmt::Display for CurrencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount in minor units (cents, pence) of a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Money {
    /// Minor units, e.g. 4900 for 49.00.
    #[schema(example = 4900)]
    pub amount_minor: i64,
    /// ISO 4217 currency.
    pub currency: CurrencyCode,
}

impl Money {
    /// An amount.
    pub fn new(amount_minor: i64, currency: CurrencyCode) -> Self {
        Self { amount_minor, currency }
    }

    /// Zero in `currency`.
    pub fn zero(currency: CurrencyCode) -> Self {
        Self::new(0, currency)
    }
}

/// An amount as sent by clients: the currency is kept as text so that a wrong one is a field
/// error (`….currency`), not a malformed body.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MoneyInput {
    /// Minor units.
    pub amount_minor: i64,
    /// ISO 4217.
    pub currency: String,
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use ycyw_testkit::fuzz::{hostile_text, mutated};

    use super::*;
    use crate::domain::fuzz::spliced;

    #[test]
    fn currencies_parse_and_money_has_the_contract_shape() {
        assert_eq!("gbp".parse::<CurrencyCode>(), Ok(CurrencyCode::Gbp));
        assert_eq!(CurrencyCode::parse(" EUR "), Ok(CurrencyCode::Eur));
        assert_eq!(CurrencyCode::parse("").unwrap_err().code, "required");
        assert_eq!(CurrencyCode::parse("CHF").unwrap_err().code, "invalid");
        let money = Money::new(12345, CurrencyCode::Eur);
        assert_eq!(serde_json::to_value(money).unwrap(), serde_json::json!({ "amountMinor": 12345, "currency": "EUR" }));
        assert_eq!(serde_json::from_str::<Money>(r#"{ "amountMinor": 0, "currency": "CAD" }"#).unwrap(), Money::zero(CurrencyCode::Cad));
        let input: MoneyInput = serde_json::from_str(r#"{ "amountMinor": 5, "currency": "chf" }"#).unwrap();
        assert_eq!(input.currency, "chf");
    }

    #[test]
    fn wide_characters_anywhere_are_refused() {
        for input in spliced("EUR") {
            assert!(CurrencyCode::parse(&input).is_err(), "{input:?}");
        }
    }

    proptest! {
        #[test]
        /// Invariant: never panics; an accepted currency code parses again to itself.
        fn fuzz_currency_code_parse(raw in prop_oneof![hostile_text(), mutated("EUR")]) {
            if let Ok(code) = CurrencyCode::parse(&raw) {
                prop_assert_eq!(CurrencyCode::parse(code.as_str()).ok(), Some(code));
            }
        }
    }
}
